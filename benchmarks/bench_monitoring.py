"""Benchmark: a province month through the monitoring engine — facts loaded, reconciled, all rules evaluated,
alerts written — with wall time per phase and peak memory.

    .venv/bin/python benchmarks/bench_monitoring.py                          # SQLite, 1.5 M workers
    .venv/bin/python benchmarks/bench_monitoring.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/x

The province (8,000 projects, 1.5 M workers, one month) is synthesised with bulk ``INSERT … SELECT``
statements over a number sequence, straight into the registry, attendance (``worker_months``) and money
(``pay_sheets``, ``pay_sheet_lines``, ``bank_payments``, ``wage_accounts``, ``labour_cost_inflows``)
tables — not through the import paths, whose own benchmarks exist: only the engine is measured here.
Personal numbers are dummy bytes. Faults are planted in fixed fractions (unpaid, underpaid, paid to
another card) so that about 20,000 alerts are written. A gate per project with a ``gate_days`` row for each
day from 1 August to 24 October (680,000 rows; every 40th gate silent for a working week in September)
gives W16 its province-sized input. Measured, each phase in a fresh child process (its peak RSS is the
engine's alone): the daily run (``rebuild``: every fact re-read from SQL, the fact mirror rebuilt), then a
full run from the mirror, a rerun that must change nothing, and an incremental run after a change on one
project. On PostgreSQL a throw-away database is created on that server and dropped afterwards.

    .venv/bin/python benchmarks/bench_monitoring.py --keep /tmp/province.db     # build and keep the file
    .venv/bin/python benchmarks/bench_monitoring.py --existing sqlite:////tmp/province.db   # measure again
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Connection

from wageguard.db import scratch_database

MONTH, AS_OF = date(2026, 9, 1), date(2026, 10, 25)
PERIOD = "2026-09"
NET, GROSS = 600_000, 650_000
GATE_FIRST, GATE_DAYS = "2026-08-01", 85  # a gate day per project from 1 August to 24 October


def _pad(dialect: str, expr: str, width: int) -> str:
    if dialect == "sqlite":
        return f"printf('%0{width}d', {expr})"
    return f"lpad(({expr})::text, {width}, '0')"


def _day(dialect: str, offset: str) -> str:
    """SQL for the date ``offset`` days after the first gate day."""
    if dialect == "sqlite":
        return f"date('{GATE_FIRST}', '+' || ({offset}) || ' days')"
    return f"(DATE '{GATE_FIRST}' + ({offset}))"


def _blob(dialect: str) -> str:
    return "X'00112233'" if dialect == "sqlite" else "'\\x00112233'::bytea"


def _fill_sequence(conn: Connection, dialect: str, n: int) -> None:
    conn.execute(text("CREATE TABLE bench_seq (i INTEGER PRIMARY KEY)"))
    if dialect == "sqlite":
        conn.execute(
            text(
                "INSERT INTO bench_seq WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s "
                f"WHERE i < {n}) SELECT i FROM s"
            )
        )
    else:
        conn.execute(text(f"INSERT INTO bench_seq SELECT generate_series(1, {n})"))


def _counties(conn: Connection) -> int:
    """A small table mapping k = project id mod n to one of the province's counties."""
    codes = [
        r[0] for r in conn.execute(text("SELECT code FROM regions WHERE level = 'county' ORDER BY code"))
    ]
    codes = [c for c in codes if c.startswith("52")] or codes
    conn.execute(text("CREATE TABLE bench_counties (k INTEGER PRIMARY KEY, code VARCHAR(6))"))
    conn.execute(
        text("INSERT INTO bench_counties (k, code) VALUES (:k, :c)"),
        [{"k": k, "c": c} for k, c in enumerate(codes)],
    )
    return len(codes)


def statements(dialect: str, projects: int, workers: int, counties: int) -> list[tuple[str, str]]:
    """(table, INSERT … SELECT) pairs; worker w works on project ((w - 1) mod P) + 1 in team = project."""
    pad, blob, now = (lambda e, w: _pad(dialect, e, w)), _blob(dialect), "'2026-10-01 00:00:00'"
    pj = f"((s.i - 1) % {projects}) + 1"
    county = f"JOIN bench_counties c ON c.k = s.i % {counties}"
    wcounty = f"JOIN bench_counties c ON c.k = ({pj}) % {counties}"
    seat = f"((s.i - 1) / {projects})"  # the worker's place on the project's roster
    unpaid = f"(({pj}) % 20 = 0 AND {seat} % 8 = 0)"
    under = f"(({pj}) % 20 = 5 AND {seat} % 10 = 0)"
    other = f"(({pj}) % 50 = 7 AND {seat} % 25 = 0)"
    p_only, w_only = f"WHERE s.i <= {projects}", f"WHERE s.i <= {workers}"
    # every 40th project's gate is silent Monday 14 to Friday 18 September (W16)
    gap = f"(s.i % 40 = 0 AND {_day(dialect, 'd.i - 1')} BETWEEN '2026-09-14' AND '2026-09-18')"
    return [
        (
            "enterprises",
            "INSERT INTO enterprises (id, corp_code, name, created_at, updated_at) "
            f"SELECT s.i, '91520000B' || {pad('s.i', 9)}, '基准建筑' || s.i, {now}, {now} "
            f"FROM bench_seq s {p_only}",
        ),
        (
            "projects",
            "INSERT INTO projects (id, project_code, name, region_code, status, pay_day, grace_days, "
            "start_date, contract_signed_date, invest_fen, labour_officer_name, notice_board_date, "
            "contractor_id, created_at, updated_at) "
            f"SELECT s.i, 'BP' || {pad('s.i', 6)}, '基准项目' || s.i, c.code, '003', 15, 4, '2026-01-05', "
            f"'2026-01-01', 100000000, '专管员', '2026-01-03', s.i, {now}, {now} "
            f"FROM bench_seq s {county} {p_only}",
        ),
        (
            "teams",
            "INSERT INTO teams (id, team_sys_no, project_id, enterprise_id, name) "
            f"SELECT s.i, 'BT' || {pad('s.i', 8)}, s.i, s.i, '综合班' FROM bench_seq s {p_only}",
        ),
        (
            "wage_accounts",
            "INSERT INTO wage_accounts (id, project_id, region_code, account_enc, account_bidx, "
            "account_masked, is_virtual, opened_date, tripartite_date, created_at) "
            f"SELECT s.i, s.i, c.code, {blob}, 'A' || {pad('s.i', 31)}, '62**', FALSE, '2026-01-02', "
            f"'2026-01-02', {now} FROM bench_seq s {county} {p_only}",
        ),
        (
            "labour_cost_inflows",
            "INSERT INTO labour_cost_inflows (account_id, project_id, region_code, value_date, amount_fen, "
            f"natural_key, created_at) SELECT s.i, s.i, c.code, '2026-09-10', 200000000, 'in' || s.i, {now} "
            f"FROM bench_seq s {county} {p_only}",
        ),
        (
            "pay_sheets",
            "INSERT INTO pay_sheets (id, project_id, team_id, region_code, pay_month, version, is_current, "
            "content_sha256, source, submitted_by, submitted_at, line_count, gross_total_fen, net_total_fen) "
            f"SELECT s.i, s.i, s.i, c.code, '{PERIOD}', 1, TRUE, {pad('s.i', 64)}, 'api', 'bench', {now}, "
            "0, 0, 0 "
            f"FROM bench_seq s {county} {p_only}",
        ),
        (
            "workers",
            "INSERT INTO workers (id, name, id_card_type, id_enc, id_bidx, id_masked, created_at, "
            f"updated_at) SELECT s.i, '工人' || s.i, '01', {blob}, {pad('s.i', 32)}, "
            f"'5206**********' || {pad('s.i % 10000', 4)}, {now}, {now} FROM bench_seq s {w_only}",
        ),
        (
            "project_workers",
            "INSERT INTO project_workers (project_id, worker_id, team_id, enterprise_id, region_code, "
            f"is_team_leader, entry_date) SELECT {pj}, s.i, {pj}, {pj}, c.code, FALSE, '2026-01-10' "
            f"FROM bench_seq s {wcounty} {w_only}",
        ),
        (
            "worker_months",
            "INSERT INTO worker_months (project_id, worker_id, month, region_code, days, minutes) "
            f"SELECT {pj}, s.i, '{PERIOD}', c.code, 22, 22 * 540 FROM bench_seq s {wcounty} {w_only}",
        ),
        (
            "pay_sheet_lines",
            "INSERT INTO pay_sheet_lines (sheet_id, project_id, region_code, pay_month, worker_id, "
            f"gross_fen, net_fen, is_back_pay) SELECT {pj}, {pj}, c.code, '{PERIOD}', s.i, {GROSS}, {NET}, "
            "FALSE "
            f"FROM bench_seq s {wcounty} {w_only}",
        ),
        (
            "bank_payments",
            "INSERT INTO bank_payments (account_id, project_id, region_code, natural_key, payee_name, "
            "payee_card_enc, payee_card_bidx, payee_card_masked, amount_fen, value_date, status, pay_month, "
            "month_source, outcome, worker_id, created_at) "
            f"SELECT {pj}, {pj}, c.code, 'r' || s.i, '工人' || s.i, {blob}, {pad('s.i', 32)}, '6222**1234', "
            f"CASE WHEN {under} THEN {NET - 50_000} ELSE {NET} END, '2026-10-12', 'success', '{PERIOD}', "
            f"'sheet', CASE WHEN {other} THEN 'other_card' ELSE 'matched' END, s.i, {now} "
            f"FROM bench_seq s {wcounty} {w_only} AND NOT {unpaid}",
        ),
        (
            "devices",
            "INSERT INTO devices (id, vendor, serial, project_id, region_code, gate, default_direction, tz, "
            "secret_hash, active, att_stamp, op_stamp, created_at) "
            f"SELECT s.i, 'zkteco', 'ZK' || {pad('s.i', 6)}, s.i, c.code, '大门', '01', 'Asia/Shanghai', "
            f"'x', TRUE, 0, 0, {now} FROM bench_seq s {county} {p_only}",
        ),
        (
            "gate_days",
            "INSERT INTO gate_days (project_id, source, channel, work_date, punches) "
            f"SELECT s.i, 'ZK' || {pad('s.i', 6)}, '', {_day(dialect, 'd.i - 1')}, 2 * {workers // projects} "
            f"FROM bench_seq s JOIN bench_seq d ON d.i <= {GATE_DAYS} {p_only} AND NOT {gap}",
        ),
    ]


def generate(url: str, projects: int, workers: int) -> dict[str, float]:
    """Create the schema and synthesise the province; returns seconds per table."""
    from wageguard.migrate import upgrade_database

    upgrade_database(url)
    engine = create_engine(url)
    dialect = engine.dialect.name
    took: dict[str, float] = {}
    with engine.begin() as conn:
        if dialect == "sqlite":
            conn.exec_driver_sql("PRAGMA synchronous = OFF")
        _fill_sequence(conn, dialect, max(workers, projects))
        n = _counties(conn)
        for table, sql in statements(dialect, projects, workers, n):
            t0 = time.perf_counter()
            conn.execute(text(sql))
            took[table] = round(time.perf_counter() - t0, 2)
        conn.execute(text("DROP TABLE bench_seq"))
        conn.execute(text("DROP TABLE bench_counties"))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("ANALYZE"))
    engine.dispose()
    return took


def _touch_one_project(url: str) -> int:
    """An import's worth of change on one project: its first worker paid for the month once more."""
    engine = create_engine(url)
    with engine.begin() as conn:
        pid = conn.execute(text("SELECT MIN(project_id) FROM bank_payments")).scalar_one()
        conn.execute(
            text(
                "UPDATE bank_payments SET amount_fen = amount_fen + 1 WHERE id = "
                "(SELECT MIN(id) FROM bank_payments WHERE project_id = :p)"
            ),
            {"p": pid},
        )
    engine.dispose()
    return int(pid)


def _run(db: Any, settings: Any, **kw: Any) -> tuple[float, Any]:
    from wageguard.monitoring.engine import run_monitoring

    t0 = time.perf_counter()
    summary = run_monitoring(db=db, settings=settings, as_of=AS_OF, months=[MONTH], trigger="bench", **kw)
    return round(time.perf_counter() - t0, 2), summary


def _changes(s: Any) -> dict[str, int]:
    return {"raised": s.raised, "updated": s.updated, "cleared": s.cleared, "reopened": s.reopened}


def measure(url: str, phase: str) -> dict[str, Any]:
    """``rebuild``: the daily run (facts re-read from SQL, the mirror rebuilt). ``warm``: a full run from the
    mirror, a rerun that must change nothing, and an incremental run after a change on one project. Each
    phase runs in its own process, so each peak RSS is that phase's alone."""
    from wageguard.config import Settings
    from wageguard.db import Database

    settings = Settings(database_url=url)
    db = Database(url)
    if phase == "rebuild":
        rebuild_s, first = _run(db, settings, rebuild=True)
        return {
            "rebuild_s": rebuild_s,
            "rebuild_phases_s": {k: round(v, 2) for k, v in first.timings.items()},
            "alerts_raised": first.raised,
            "per_rule": first.per_rule,
            "rebuild_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        }
    full_s, full = _run(db, settings)
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    rerun_s, again = _run(db, settings)
    pid = _touch_one_project(url)
    inc_s, inc = _run(db, settings, incremental=True)
    return {
        "total_s": full_s,
        "phases_s": {k: round(v, 2) for k, v in full.timings.items()},
        "facts_rows": full.facts_rows,
        "findings": full.findings,
        "full_changes": _changes(full),
        "rerun_s": rerun_s,
        "rerun_changes": _changes(again),
        "incremental_s": inc_s,
        "incremental_phases_s": {k: round(v, 3) for k, v in inc.timings.items()},
        "incremental_projects": inc.projects,
        "incremental_project": pid,
        "incremental_changes": _changes(inc),
        "peak_rss_mb": round(peak_kb / 1024),
    }


def _child(url: str, phase: str) -> dict[str, Any]:
    child = subprocess.run(
        [sys.executable, __file__, "--measure-only", url, "--phase", phase],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    if child.returncode:
        sys.exit(f"the {phase} phase failed:\n{child.stderr[-4000:]}")
    result: dict[str, Any] = json.loads(child.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--database-url", default="")
    ap.add_argument("--projects", type=int, default=8_000)
    ap.add_argument("--workers", type=int, default=1_500_000)
    ap.add_argument("--json", default="")
    ap.add_argument(
        "--keep", default="", help="SQLite: build into this file and keep it; PostgreSQL: keep it"
    )
    ap.add_argument("--existing", default="", help="measure this database (built with --keep) as it is")
    ap.add_argument("--measure-only", default="", help=argparse.SUPPRESS)
    ap.add_argument("--phase", default="warm", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.measure_only:
        print(json.dumps(measure(args.measure_only, args.phase)))
        return
    with tempfile.TemporaryDirectory(prefix="wg-bench-mon-") as tmp:
        drop = None
        if args.existing:
            url = args.existing
        elif args.database_url.startswith("postgresql"):
            url, drop = scratch_database(args.database_url, prefix="wg_bench")
            if args.keep:
                print(f"kept {url}", flush=True)
                drop = None
        else:
            url = f"sqlite:///{Path(args.keep) if args.keep else Path(tmp) / 'province.db'}"
        try:
            t0 = time.perf_counter()
            if not args.existing:
                took = generate(url, args.projects, args.workers)
                print(f"generated {args.projects} projects / {args.workers} workers: {took}", flush=True)
            gen_s = round(time.perf_counter() - t0, 1)
            result = {**_child(url, "rebuild"), **_child(url, "warm")}
            result["load_1min"] = round(os.getloadavg()[0], 1)
        finally:
            if drop is not None:
                drop()
    backend = "postgresql" if url.startswith("postgresql") else "sqlite"
    report = {
        "backend": backend,
        "projects": args.projects,
        "workers": args.workers,
        "generate_s": gen_s,
        **result,
    }
    print(json.dumps(report, ensure_ascii=False, indent=2))
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
