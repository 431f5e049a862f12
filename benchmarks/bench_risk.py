"""Benchmark: enterprise risk at province scale — scoring every enterprise (features, score, write),
training the model (``risk.learning``) and scoring with it; wall time per phase and peak memory.

    .venv/bin/python benchmarks/bench_risk.py                        # SQLite, cached under var/bench/
    .venv/bin/python benchmarks/bench_risk.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test

The province (synthesised, not through the import paths, which have their own benchmarks): Guizhou's
counties (seeded by the migrations), 30,000 enterprises, 8,000 projects whose general contractors are
drawn from the first 6,000 enterprises and whose owners (``risk_contracts.owner_id``) from the last 1,000,
1.5 M workers (one project each) and the platform's own history: ``bank_payments`` for every worker and
each of the 12 pay months the features read (18 M rows, bulk ``INSERT … SELECT`` over a number sequence
per month), labour-cost inflows, alerts and complaints over 24 months; and the three feeds for every
enterprise (two tax years, a registration profile, credit records; a contract with six progress payments
per project). Every enterprise has a hidden propensity that drives, noisily, its feed signals, how late
and to whose card its projects pay, the gaps in their inflows and how often they raise alerts (W06, W17,
W18 red; W08 orange; W16 yellow) and complaints — so the training has signal.

The small tables are written with one executemany each, the large ones with ``INSERT … SELECT`` (the
payments' indexes dropped before and built after the load: a sort beats 18 M index insertions). A SQLite
build is cached as ``var/bench/risk-<enterprises>e-<workers>w-<months>m-s<seed>.db`` (reused while its
``.json`` sidecar exists; ``--rebuild`` forces a new one); it is migrated to the head on every run, so a
new index is measured on the same data. On PostgreSQL a scratch database is created and dropped
afterwards (``--keep`` keeps it, ``--existing URL`` measures it again). Each measurement runs in a fresh
child process, its peak RSS its own.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import Connection

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_monitoring import _blob, _fill_sequence, _pad

from wageguard.db import scratch_database

AS_OF = date(2026, 12, 25)  # every pay month of the window (2025-12 … 2026-11) has been paid by then
LAST_MONTH = date(2026, 11, 1)
CUT = date(2026, 9, 1)  # the training cut: outcomes (W06/W17/W18) from September to November 2026
HISTORY_MONTHS = 24  # alerts, complaints and inflows
NOW = datetime(2026, 12, 25, 2, 0, 0)
NET = 600_000
OUTCOME_RULES = (("W06", "red", 0.6), ("W17", "red", 0.25), ("W18", "red", 0.15))
OTHER_RULES = (("W08", "orange", 0.6), ("W16", "yellow", 0.4))


def _month(first: date, k: int) -> date:
    y, m = divmod(first.month - 1 + k, 12)
    return date(first.year + y, m + 1, 1)


def _key(d: date) -> str:
    return f"{d.year:04d}-{d.month:02d}"


def _sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


class Province:
    """The hidden propensities and the small tables' rows, drawn from one seeded generator."""

    def __init__(self, *, enterprises: int, projects: int, months: int, seed: int) -> None:
        self.rng = random.Random(seed)
        self.n_ent, self.n_proj, self.months = enterprises, projects, months
        self.risk = [0.0] + [_sigmoid(self.rng.gauss(0, 1) * 1.6 - 1.8) for _ in range(enterprises)]

    def noisy(self, e: int) -> float:
        """The enterprise's propensity seen through noise (each signal draws its own)."""
        return min(1.0, max(0.0, self.risk[e] + self.rng.gauss(0, 0.12)))

    def chance(self, p: float) -> bool:
        return self.rng.random() < p


def _counties(conn: Connection) -> list[str]:
    rows = conn.execute(text("SELECT code FROM regions WHERE level = 'county' ORDER BY code"))
    codes = [r[0] for r in rows]
    return [c for c in codes if c.startswith("52")] or codes


def _registry(p: Province, counties: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Enterprises and projects (contractor, owner, county) with each project's month facts."""
    rng = p.rng
    ents = [
        {
            "id": e,
            "corp_code": f"91520000R{e:09d}",
            "name": f"基准企业{e}",
            "region_code": counties[e % len(counties)],
            "establish_date": date(2026 - rng.randint(1, 25), rng.randint(1, 12), rng.randint(1, 28)),
            "reg_capital_fen": rng.choice((1, 2, 5, 10, 50)) * 10**9,
            "created_at": NOW,
            "updated_at": NOW,
        }
        for e in range(1, p.n_ent + 1)
    ]
    contractors = min(6000, p.n_ent)
    projs, facts = [], []
    for i in range(1, p.n_proj + 1):
        c = rng.randint(1, contractors)
        county = ents[c - 1]["region_code"] if rng.random() < 0.7 else rng.choice(counties)
        projs.append(
            {
                "id": i,
                "project_code": f"RP{i:06d}",
                "name": f"基准项目{i}",
                "region_code": county,
                "status": "003",
                "pay_day": 15,
                "grace_days": 4,
                "start_date": date(2024, 1, 5),
                "contractor_id": c,
                "created_at": NOW,
                "updated_at": NOW,
            }
        )
        late_base, other = p.noisy(c), p.chance(p.noisy(c) * 0.6)
        for k in range(p.months):
            late = max(0, round(rng.gauss(late_base * 24 - 6, 3)))
            unpaid = p.chance(0.03 * p.noisy(c))
            facts.append(
                {"project_id": i, "k": k, "region_code": county, "late": -1 if unpaid else min(late, 14)}
            )
        projs[-1]["other_card"] = 1 if other else 0
    return {"enterprises": ents, "projects": projs, "facts": facts}


def _feeds(p: Province, projs: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Tax years, registrations, credit records, contracts and their progress payments."""
    rng, n_ent = p.rng, p.n_ent
    tax, regs, events = [], [], []
    for e in range(1, n_ent + 1):
        for year in (2024, 2025):
            r = p.noisy(e)
            rating = "A" if r < 0.1 else "B" if r < 0.3 else "M" if r < 0.5 else "C" if r < 0.7 else "D"
            arrears = rng.randint(1, 500) * 10**6 if p.chance(r * 0.4) else 0
            tax.append(
                {"enterprise_id": e, "tax_year": year, "rating": rating, "arrears_fen": arrears}
                | {
                    "as_of": date(year + 1, 4, 30),
                    "content_sha256": "x",
                    "created_at": NOW,
                    "updated_at": NOW,
                }
            )
        r = p.noisy(e)
        reg_fen = rng.choice((1, 2, 5, 10, 50)) * 10**9
        regs.append(
            {
                "enterprise_id": e,
                "establish_date": date(2026 - max(1, round(rng.uniform(1, 25) * (1 - r))), 6, 1),
                "reg_capital_fen": reg_fen,
                "paid_in_capital_fen": round(reg_fen * max(0.0, min(1.0, 1 - r + rng.gauss(0, 0.15)))),
                "as_of": date(2026, 11, 30),
                "content_sha256": "x",
                "created_at": NOW,
                "updated_at": NOW,
            }
        )
        events.extend(_credit_events(p, e))
    contracts, stages = [], []
    owners = range(max(1, n_ent - 999), n_ent + 1)
    for proj in projs:
        owner = rng.choice(owners)
        contracts.append(
            {
                "id": proj["id"],
                "project_id": proj["id"],
                "owner_id": owner,
                "region_code": proj["region_code"],
                "contract_fen": 10**11,
                "signed_date": date(2024, 12, 1),
                "as_of": date(2026, 11, 30),
                "content_sha256": "x",
                "created_at": NOW,
                "updated_at": NOW,
            }
        )
        r = p.noisy(owner) * 0.5 + p.noisy(proj["contractor_id"]) * 0.5
        for s in range(6):
            due = _month(date(2025, 3, 1), 4 * s) + timedelta(days=9)
            delay = max(0, round(rng.gauss(r * 120 - 20, 15)))
            paid = due + timedelta(days=delay)
            stages.append(
                {
                    "contract_id": proj["id"],
                    "project_id": proj["id"],
                    "stage": f"s{s}",
                    "due_date": due,
                    "due_fen": 10**10,
                    "paid_date": paid if paid <= AS_OF and not p.chance(r * 0.3) else None,
                    "paid_fen": 10**10 if not p.chance(r * 0.3) else 6 * 10**9,
                }
            )
    return {
        "risk_tax_years": tax,
        "risk_registrations": regs,
        "risk_credit_events": events,
        "risk_contracts": contracts,
        "risk_contract_payments": stages,
    }


def _credit_events(p: Province, e: int) -> list[dict[str, Any]]:
    rng = p.rng

    def event(kind: str, on: date, end: date | None = None, amount: int | None = None) -> dict[str, Any]:
        return {"enterprise_id": e, "kind": kind, "event_date": on, "end_date": end, "amount_fen": amount}

    def day() -> date:
        return AS_OF - timedelta(days=rng.randint(1, 1000))

    out = [event("legal_rep", day()) for _ in range(int(p.noisy(e) * 3 + rng.random()))]
    if p.chance(p.noisy(e) * 0.5):
        on = day()
        out.append(event("abnormal", on, on + timedelta(days=200) if rng.random() < 0.4 else None))
    if p.chance(p.noisy(e) * 0.25):
        out.append(event("dishonest", day()))
    out.extend(event("penalty", day()) for _ in range(int(p.noisy(e) * 2.5 + rng.random() * 0.5)))
    if p.chance(p.noisy(e) * 0.4):
        out.append(event("social_insurance", day(), None, rng.randint(1, 200) * 10**6))
    return out


def _history(p: Province, projs: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Alerts, complaints and labour-cost inflows per project over ``HISTORY_MONTHS``, by propensity."""
    rng = p.rng
    first = _month(LAST_MONTH, -(HISTORY_MONTHS - 1))
    alerts, complaints, inflows = [], [], []
    for proj in projs:
        pid, c, county = proj["id"], proj["contractor_id"], proj["region_code"]
        for k in range(HISTORY_MONTHS):
            month = _month(first, k)
            seen = _month(month, 1) + timedelta(days=rng.randint(0, 20))
            rules = OUTCOME_RULES if p.chance(0.01 + 0.35 * p.noisy(c) ** 2) else ()
            rules += tuple(r for r in OTHER_RULES if p.chance(0.02 + 0.08 * p.noisy(c)))
            for code, level, share in rules:
                if code in {"W06", "W17", "W18"} and rng.random() > share * 1.6:
                    continue
                cleared = seen + timedelta(days=rng.randint(5, 60))
                alerts.append(_alert(pid, county, code, level, _key(month), seen, cleared))
            if p.chance(0.004 + 0.04 * p.noisy(c)):
                complaints.append(_complaint(len(complaints) + 1, pid, county, seen))
            if not p.chance(0.35 * p.noisy(c) ** 2):
                on = month + timedelta(days=rng.randint(3, 12))
                inflows.append(
                    {"account_id": pid, "project_id": pid, "region_code": county, "value_date": on}
                    | {"amount_fen": 2 * 10**8, "natural_key": f"in{pid}-{k}", "created_at": NOW}
                )
    return {"alerts": alerts, "complaints": complaints, "labour_cost_inflows": inflows}


def _alert(
    pid: int, county: str, code: str, level: str, period: str, seen: date, cleared: date
) -> dict[str, Any]:
    done = cleared <= AS_OF
    return {
        "rule_code": code,
        "level": level,
        "subject_type": "project",
        "subject_id": pid,
        "subject_key": f"project:{pid}",
        "period": period,
        "project_id": pid,
        "region_code": county,
        "status": "resolved" if done else "open",
        "still_holds": not done,
        "evidence": {},
        "evidence_hash": "h",
        "referral_flag": False,
        "first_seen_on": seen,
        "last_changed_on": cleared if done else seen,
        "cleared_on": cleared if done else None,
        "reopened_count": 0,
        "created_at": NOW,
        "updated_at": NOW,
    }


def _complaint(n: int, pid: int, county: str, on: date) -> dict[str, Any]:
    return {
        "tracking_code": f"TS{n:010d}",
        "idem_token": f"bench-{n}",
        "source": "web",
        "project_id": pid,
        "region_code": county,
        "name": "投诉人",
        "id_enc": b"x",
        "id_bidx": f"id{n}",
        "id_masked": "5222**********0000",
        "phone_enc": b"x",
        "phone_bidx": f"ph{n}",
        "phone_masked": "138****0000",
        "employer": "某公司",
        "work_start": date(2025, 1, 1),
        "months_owed": 1,
        "amount_owed_fen": 1_000_000,
        "workers_affected": 1,
        "description": "",
        "state": "received",
        "received_at": datetime(on.year, on.month, on.day, 2),
        "received_date": on,
        "accept_due": on + timedelta(days=7),
        "extended": False,
        "updated_at": NOW,
    }


def _accounts(conn: Connection, dialect: str) -> None:
    """A wage account per project, numbered as the project (before the inflows and payments on it)."""
    conn.execute(
        text(
            "INSERT INTO wage_accounts (id, project_id, region_code, account_enc, account_bidx, "
            "account_masked, is_virtual, opened_date, created_at) "
            f"SELECT id, id, region_code, {_blob(dialect)}, 'A' || {_pad(dialect, 'id', 31)}, '62**', FALSE, "
            f"'2024-01-02', '{NOW.isoformat(' ')}' FROM projects"
        )
    )


def _bulk(conn: Connection, dialect: str, p: Province, workers: int) -> dict[str, float]:
    """Workers and every worker's payment of each pay month (``INSERT … SELECT``)."""
    pad, blob, now = (lambda e, w: _pad(dialect, e, w)), _blob(dialect), f"'{NOW.isoformat(' ')}'"
    pj = f"((s.i - 1) % {p.n_proj}) + 1"
    took: dict[str, float] = {}
    statements = [
        (
            "workers",
            "INSERT INTO workers (id, name, id_card_type, id_enc, id_bidx, id_masked, created_at, "
            f"updated_at) SELECT s.i, '工人' || s.i, '01', {blob}, {pad('s.i', 32)}, "
            f"'5206**********' || {pad('s.i % 10000', 4)}, {now}, {now} "
            f"FROM bench_seq s WHERE s.i <= {workers}",
        ),
    ]
    first = _month(LAST_MONTH, -(p.months - 1))
    for k in range(p.months):
        month = _month(first, k)
        paid_on = _month(month, 1) + timedelta(days=9)
        value = (
            f"date('{paid_on}', '+' || f.late || ' days')"
            if dialect == "sqlite"
            else f"(DATE '{paid_on}' + f.late)"
        )
        statements.append(
            (
                f"bank_payments {_key(month)}",
                "INSERT INTO bank_payments (account_id, project_id, region_code, natural_key, payee_name, "
                "payee_card_enc, payee_card_bidx, payee_card_masked, amount_fen, value_date, status, "
                "pay_month, month_source, outcome, worker_id, created_at) "
                f"SELECT {pj}, {pj}, f.region_code, 'r{k}-' || s.i, '工人' || s.i, {blob}, {pad('s.i', 32)}, "
                f"'6222**1234', {NET}, {value}, 'success', '{_key(month)}', 'sheet', "
                "CASE WHEN b.other_card = 1 AND s.i % 10 = 0 THEN 'other_card' ELSE 'matched' END, "
                f"s.i, {now} "
                f"FROM bench_seq s JOIN bench_facts f ON f.project_id = {pj} AND f.k = {k} "
                f"JOIN bench_projects b ON b.id = {pj} WHERE s.i <= {workers} AND f.late >= 0",
            )
        )
    for table, sql in statements:
        t0 = time.perf_counter()
        conn.execute(text(sql))
        took[table] = round(time.perf_counter() - t0, 1)
        print(f"  {table}: {took[table]} s", flush=True)
    return took


def generate(
    url: str, *, enterprises: int, projects: int, workers: int, months: int, seed: int
) -> dict[str, Any]:
    """Create the schema and synthesise the province; returns row counts and seconds per part."""
    from wageguard.migrate import upgrade_database
    from wageguard.models import Base

    upgrade_database(url)
    engine = create_engine(url)
    dialect = engine.dialect.name
    tables = Base.metadata.tables
    p = Province(enterprises=enterprises, projects=projects, months=months, seed=seed)
    took: dict[str, float] = {}
    counts: dict[str, int] = {}
    with engine.begin() as conn:
        if dialect == "sqlite":
            conn.exec_driver_sql("PRAGMA synchronous = OFF")
            conn.exec_driver_sql("PRAGMA cache_size = -1000000")
        t0 = time.perf_counter()
        reg = _registry(p, _counties(conn))
        small = {"enterprises": reg["enterprises"]}
        small["projects"] = [{k: v for k, v in r.items() if k != "other_card"} for r in reg["projects"]]
        small |= _feeds(p, reg["projects"])
        small |= _history(p, reg["projects"])
        took["draw"] = round(time.perf_counter() - t0, 1)
        conn.execute(text("CREATE TABLE bench_projects (id INTEGER PRIMARY KEY, other_card INTEGER)"))
        conn.execute(
            text(
                "CREATE TABLE bench_facts (project_id INTEGER, k INTEGER, region_code VARCHAR(6), "
                "late INTEGER, PRIMARY KEY (project_id, k))"
            )
        )
        scratch = {
            "bench_projects": [{"id": r["id"], "other_card": r["other_card"]} for r in reg["projects"]],
            "bench_facts": reg["facts"],
        }
        for name, rows in [*small.items(), *scratch.items()]:
            t0 = time.perf_counter()
            table = tables.get(name)
            stmt = insert(table) if table is not None else text(_insert_sql(name, rows[0]))
            conn.execute(stmt, rows)
            took[name] = round(time.perf_counter() - t0, 1)
            counts[name] = len(rows)
            print(f"  {name}: {len(rows)} rows, {took[name]} s", flush=True)
            if name == "projects":
                _accounts(conn, dialect)
        _fill_sequence(conn, dialect, workers)
        indexes = list(tables["bank_payments"].indexes)  # built after the load: sorting beats 18 M inserts
        for index in indexes:
            conn.execute(text(f"DROP INDEX {index.name}"))
        took |= _bulk(conn, dialect, p, workers)
        t0 = time.perf_counter()
        for index in indexes:
            index.create(conn)
        took["bank_payments indexes"] = round(time.perf_counter() - t0, 1)
        print(f"  bank_payments indexes: {took['bank_payments indexes']} s", flush=True)
        for name in ("bench_seq", "bench_facts", "bench_projects"):
            conn.execute(text(f"DROP TABLE {name}"))
        counts["bank_payments"] = conn.execute(text("SELECT COUNT(*) FROM bank_payments")).scalar_one()
        counts["workers"] = workers
        if dialect == "postgresql":  # the explicit ids above leave the sequences behind
            for name in ("enterprises", "projects", "wage_accounts", "workers", "risk_contracts"):
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), (SELECT MAX(id) FROM {name}))"
                    )
                )
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        t0 = time.perf_counter()
        conn.execute(text("ANALYZE"))
        took["analyze"] = round(time.perf_counter() - t0, 1)
    engine.dispose()
    return {"rows": counts, "seconds": took}


def _insert_sql(name: str, row: dict[str, Any]) -> str:
    return f"INSERT INTO {name} ({', '.join(row)}) VALUES ({', '.join(':' + k for k in row)})"


def measure_scoring(url: str) -> dict[str, Any]:
    """``score_enterprises`` as of ``AS_OF`` with the scorecard: wall time, its phases, what it wrote."""
    from wageguard.db import Database
    from wageguard.risk.scoring import score_enterprises

    db = Database(url)
    t0 = time.perf_counter()
    summary = score_enterprises(db=db, as_of=AS_OF)
    total = time.perf_counter() - t0
    return {
        "total_s": round(total, 2),
        "phases_s": {k: round(v, 2) for k, v in summary.seconds.items()},
        "scored": summary.scored,
        "bands": summary.bands,
        "worsened": summary.worsened,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def measure_features(url: str) -> dict[str, Any]:
    """Each grouped read of ``risk.features`` alone (seconds, rows), then ``load_features`` as a whole."""
    from wageguard.db import Database
    from wageguard.risk import features as f

    engine = Database(url).engine
    reads: dict[str, Any] = {
        "enterprises": lambda: f.enterprises(engine),
        "projects": lambda: f.projects(engine),
        "tax": lambda: f.tax(engine, AS_OF),
        "credit": lambda: f.credit(engine, AS_OF, 24, 12),
        "social_insurance": lambda: f.social_insurance(engine, AS_OF),
        "registration": lambda: f.registration(engine, AS_OF),
        "contract_payments": lambda: f.contract_payments(engine, AS_OF),
        "alerts": lambda: f.alerts(engine, AS_OF, 12),
        "complaints": lambda: f.complaints(engine, AS_OF, 12),
        "payments": lambda: f.payments(engine, AS_OF, 12),
        "inflows": lambda: f.inflows(engine, AS_OF, 12),
    }
    out: dict[str, Any] = {}
    for name, read in reads.items():
        t0 = time.perf_counter()
        frame = read()
        out[name] = {"s": round(time.perf_counter() - t0, 2), "rows": frame.height}
    t0 = time.perf_counter()
    whole = f.load_features(engine, AS_OF, {"history_months": 12, "penalty_months": 24})
    out["load_features"] = {"s": round(time.perf_counter() - t0, 2), "rows": whole.height}
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return out


def measure_training(url: str) -> dict[str, Any]:
    """``train_model`` at ``CUT`` (when ``risk.learning`` exists), then scoring with the trained model."""
    try:
        from wageguard.risk import learning
    except ImportError:
        return {"skipped": "wageguard.risk.learning is not there yet"}
    from wageguard.db import Database
    from wageguard.risk.model import load_model
    from wageguard.risk.scoring import score_enterprises

    db = Database(url)
    with tempfile.TemporaryDirectory(prefix="wg-bench-model-") as out_dir:
        t0 = time.perf_counter()
        report = learning.train_model(db=db, cut=CUT, out_dir=Path(out_dir))
        train_s = time.perf_counter() - t0
        model = load_model(Path(report.path))
        t0 = time.perf_counter()
        summary = score_enterprises(db=db, as_of=AS_OF, model=model)
        score_s = time.perf_counter() - t0
    # the training cuts' windows reach back before the first pay month built: the examples of three cuts
    # whose window is whole (all on the scoring date; their outcomes lie in the future, so none) bound
    # what the examples cost with a full year of payments behind every cut
    t0 = time.perf_counter()
    full = learning.training_set(db.engine, [AS_OF + timedelta(days=1)] * 3, 3)
    full_s = time.perf_counter() - t0
    return {
        "train_s": round(train_s, 2),
        "train_phases_s": {k: round(v, 2) for k, v in report.seconds.items()},
        "version": report.version,
        "rows": report.rows,
        "positives": report.positives,
        "examples_full_window_s": round(full_s, 2),
        "examples_full_window_rows": full.height,
        "model_score_s": round(score_s, 2),
        "model_score_phases_s": {k: round(v, 2) for k, v in summary.seconds.items()},
        "model_bands": summary.bands,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


MEASURES = {"scoring": measure_scoring, "features": measure_features, "training": measure_training}


def _child(what: str, url: str) -> dict[str, Any]:
    run = subprocess.run(
        [sys.executable, __file__, "--measure-only", what, url],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    result: dict[str, Any] = json.loads(run.stdout.strip().splitlines()[-1])
    result["load_average"] = [round(x, 1) for x in os.getloadavg()]  # the machine is shared: say how busy
    return result


def _cached_sqlite(args: argparse.Namespace) -> tuple[str, dict[str, Any]]:
    """The cached SQLite build for this size and seed, built first when missing."""
    from wageguard.migrate import upgrade_database

    name = f"risk-{args.enterprises}e-{args.workers}w-{args.months}m-s{args.seed}"
    path, meta = Path(args.cache_dir) / f"{name}.db", Path(args.cache_dir) / f"{name}.json"
    url = f"sqlite:///{path}"
    if meta.exists() and path.exists() and not args.rebuild:
        t0 = time.perf_counter()
        upgrade_database(url)  # a migration added since is applied to the cached data
        migrate_s = round(time.perf_counter() - t0, 1)
        print(f"cached {path}, migrated in {migrate_s} s", flush=True)
        return url, {**json.loads(meta.read_text(encoding="utf-8")), "cached": True, "migrate_s": migrate_s}
    path.parent.mkdir(parents=True, exist_ok=True)
    for stale in (path, meta, Path(f"{path}-wal"), Path(f"{path}-shm")):
        stale.unlink(missing_ok=True)
    built = _build(url, args)
    meta.write_text(json.dumps(built, indent=2), encoding="utf-8")
    return url, {**built, "cached": False}


def _build(url: str, args: argparse.Namespace) -> dict[str, Any]:
    t0 = time.perf_counter()
    built = generate(
        url,
        enterprises=args.enterprises,
        projects=args.projects,
        workers=args.workers,
        months=args.months,
        seed=args.seed,
    )
    built["generate_s"] = round(time.perf_counter() - t0, 1)
    print(f"generated in {built['generate_s']} s", flush=True)
    return built


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--database-url", default="", help="a PostgreSQL server: build a scratch database there")
    ap.add_argument("--existing", default="", help="measure this database (built with --keep) as it is")
    ap.add_argument("--keep", action="store_true", help="PostgreSQL: keep the scratch database")
    ap.add_argument("--enterprises", type=int, default=30_000)
    ap.add_argument("--projects", type=int, default=8_000)
    ap.add_argument("--workers", type=int, default=1_500_000)
    ap.add_argument(
        "--months", type=int, default=12, help="pay months of bank payments (the features' window)"
    )
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--cache-dir", default="var/bench")
    ap.add_argument("--rebuild", action="store_true", help="SQLite: build again even when cached")
    ap.add_argument("--only", default="features,scoring,training", help="what to measure, comma-separated")
    ap.add_argument("--json", default="")
    ap.add_argument("--measure-only", nargs=2, default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.measure_only:
        what, url = args.measure_only
        print(json.dumps(MEASURES[what](url)))
        return
    drop = None
    if args.existing:
        url, built = args.existing, {"existing": True}
    elif args.database_url.startswith("postgresql"):
        url, drop = scratch_database(args.database_url, prefix="wg_bench_risk")
        try:
            built = _build(url, args)
        except BaseException:
            drop()
            raise
    else:
        url, built = _cached_sqlite(args)
    report: dict[str, Any] = {
        "backend": url.split(":", 1)[0].split("+", 1)[0],
        "enterprises": args.enterprises,
        "projects": args.projects,
        "workers": args.workers,
        "months": args.months,
        "seed": args.seed,
        "as_of": AS_OF.isoformat(),
        "cut": CUT.isoformat(),
        "build": built,
    }
    try:
        for what in [w for w in args.only.split(",") if w]:
            report[what] = _child(what, url)
            print(f"{what}: {json.dumps(report[what], ensure_ascii=False)}", flush=True)
    finally:
        if drop is not None and not args.keep:
            drop()
        elif drop is not None:
            print(f"kept {url}")
    print(json.dumps(report, ensure_ascii=False, indent=2))
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
