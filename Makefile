# WageGuard: `make demo` sets up and runs the demo city; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
WG := $(VENV)/bin/wageguard
STAMP := $(VENV)/.installed
PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
REDIS_URL ?= redis://127.0.0.1:6379/0
DEMO_DB := var/wageguard.db
export WAGEGUARD_DATABASE_URL ?= sqlite:///$(DEMO_DB)

.PHONY: help venv assets demo demo-data serve test test-sqlite test-pg lint bench bench-import bench-attendance bench-reads bench-complaints bench-money bench-monitoring bench-intake bench-pages bench-screen bench-risk bench-national clean

help:
	@echo "make demo   - install, build assets, create the demo city and start the server"
	@echo "make test   - lint, type-check and run the suite on SQLite and PostgreSQL"
	@echo "make bench  - run the benchmarks (see docs/benchmarks.md)"

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "需要 Python 3.11 / Python 3.11 is required"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev,national]'
	touch $(STAMP)

venv: $(STAMP)

assets: $(STAMP)
	$(PY) -m wageguard.web.assets build

demo-data: venv assets
	$(WG) demo --reset

# The server answers once the registry and the logins are in (about 20 s); the rest loads behind it.
demo: venv assets
	$(WG) serve --demo-gates 4 --build-demo

serve: venv
	$(WG) serve

lint: venv
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/ruff format --check src tests benchmarks
	$(VENV)/bin/mypy

test-sqlite: venv
	env -u WAGEGUARD_DATABASE_URL -u WAGEGUARD_TEST_PG_URL -u WAGEGUARD_TEST_REDIS_URL -u WAGEGUARD_REDIS_URL \
	  $(PY) -m pytest -q -n 2

test-pg: venv
	@$(PY) -c "import psycopg,sys; psycopg.connect('$(PG_URL)'.replace('+psycopg','')).close()" 2>/dev/null \
	  || { echo "PostgreSQL is not reachable at $(PG_URL): start it (see .ci/run)"; exit 1; }
	@$(PY) -c "import redis; redis.Redis.from_url('$(REDIS_URL)', socket_connect_timeout=2).ping()" 2>/dev/null \
	  || { echo "Redis is not reachable at $(REDIS_URL): start it (see .ci/run)"; exit 1; }
	env -u WAGEGUARD_DATABASE_URL -u WAGEGUARD_REDIS_URL WAGEGUARD_TEST_PG_URL=$(PG_URL) \
	  WAGEGUARD_TEST_REDIS_URL=$(REDIS_URL) $(PY) -m pytest -q -n 2 -m "not browser"

test: lint assets test-sqlite test-pg

bench: bench-import bench-attendance bench-reads bench-complaints bench-money bench-monitoring bench-intake bench-pages \
  bench-screen bench-risk bench-national

bench-import: venv
	$(PY) benchmarks/bench_import.py --workers 58000 --json var/bench/import-58k.json
	$(PY) benchmarks/bench_import.py --workers 1500000 --json var/bench/import-1500k.json

bench-attendance: venv
	$(PY) benchmarks/bench_attendance.py --days 300 --peak-seconds 30 --json var/bench/attendance-sqlite.json
	$(PY) benchmarks/bench_attendance.py --days 300 --peak-per-request 4 --database-url $(PG_URL) \
	  --json var/bench/attendance-pg.json

bench-reads: venv
	$(PY) benchmarks/bench_reads.py --json var/bench/reads-58k.json

bench-money: venv
	$(PY) benchmarks/bench_money.py --payments 1500000

bench-monitoring: venv
	$(PY) benchmarks/bench_monitoring.py --json var/bench/monitoring-sqlite.json
	$(PY) benchmarks/bench_monitoring.py --database-url $(PG_URL) --json var/bench/monitoring-pg.json

bench-intake: venv
	$(PY) benchmarks/bench_intake.py --workers 1500000 --json var/bench/intake-1500k.json

bench-complaints: venv
	$(PY) benchmarks/load_complaints.py --rate 200 --duration 60 --workers 2 --json var/bench/complaints-load.json

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache

bench-pages: venv
	$(PY) benchmarks/bench_pages.py --json var/bench/pages-1500k.json
	test ! -f $(DEMO_DB) || $(PY) benchmarks/bench_pages.py --existing sqlite:///$(DEMO_DB) --json var/bench/pages-demo.json

bench-screen: venv
	$(PY) benchmarks/bench_screen.py --redis-url $(REDIS_URL) --json var/bench/screen-sqlite.json
	$(PY) benchmarks/bench_screen.py --database-url $(PG_URL) --no-live --json var/bench/screen-pg.json

# The SQLite province is built once and cached under var/bench/ by size and seed (PostgreSQL: a scratch database).
bench-risk: venv
	$(PY) benchmarks/bench_risk.py --json var/bench/risk-sqlite.json
	$(PY) benchmarks/bench_risk.py --database-url $(PG_URL) --json var/bench/risk-pg.json

# A simulated national month on Spark (local[2]) beside the single-machine engine on the same lake.
bench-national: venv
	$(PY) benchmarks/bench_national.py --provinces 10 --projects 1500 --workers 300000 --shared-card-every 1000 \
	  --spark-memory 4g --json var/bench/national-10x300k.json
