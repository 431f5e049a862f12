"""Benchmark: the command screen at province scale — render time, live fan-out, and what the tallies add to
storing a gate's punches.

    .venv/bin/python benchmarks/bench_screen.py --redis-url redis://127.0.0.1:6379/0  # SQLite, fan-out, Redis
    .venv/bin/python benchmarks/bench_screen.py --no-live \
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test         # a throw-away PG database

Data (synthesised, not through the import paths): Guizhou's regions (seeded by the migrations), 8,000
projects across its counties with one enterprise each (bulk ``INSERT … SELECT`` as in ``bench_monitoring``),
and the ``tallies`` a province of 1.5 M workers keeps, written through ``tallies.service.add_tallies`` (the
function ingest uses, which keeps the region rows): per project ``projects`` 1, ``workers`` (≈190, summing to
``--workers``), ``on_site`` for each of the last 40 days, ``paid`` for 24 value months with their years and
the all-time sum, ``paid_for`` and ``declared`` for 24 wage months, ``owed`` / ``owed_workers`` / ``owing``
for every 10th project; alert rows (open ones on the owing projects, finished ones over 24 months) with the
alert tallies derived from them (open per level, raised and finished per month), and complaint rows over 24
months (dummy bytes in the encrypted columns). The clock is fixed at ``NOW``.

Measured:

1. ``screen.queries.screen_view`` for an admin (whole country), the province inspector (520000), a city
   (520600) and a county (520602): median and p95 of ``--repeat`` runs after a warm-up, each in its own
   session, with the median of each part; then ``GET /api/v1/screen?region=…`` and ``GET /screen`` through
   the app (TestClient, logged in), the app's own ``Server-Timing``.
2. Live fan-out (``--no-live`` skips it; it touches no database): N subscribers of mixed regions on one
   ``tallies.live.Hub`` (``LocalBus``) in an asyncio loop, each turning every event into its SSE text with
   ``screen.live_view.screen_message`` and the stream's ``sse`` — the time from ``publish`` until every
   subscriber has done so, per event and per subscriber; the same through ``RedisBus`` (``--redis-url``).
3. Ingest overhead: ``attendance.store.store_punches`` of 50-punch gate batches (first punches of the day:
   every punch a new worker-day, the case that writes ``on_site``), each committed, alternately with the
   real ``add_tallies`` and with it replaced by a no-op inside this process.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import re
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Table, create_engine, insert, text

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_monitoring import _counties, _fill_sequence, statements

from wageguard.db import Database, scratch_database

NOW = datetime(2026, 11, 20, 2, 0, 0)  # naive UTC: 10:00 on 20 November 2026 in Guizhou
TODAY = date(2026, 11, 20)
PASSWORD = "bench-password-123"
SCOPES = (  # name → (role, the user's region, the region asked for)
    ("country", "admin", "", None),
    ("province", "inspector", "520000", "520000"),
    ("city", "inspector", "520000", "520600"),
    ("county", "inspector", "520000", "520602"),
)


def _months(last: str, count: int) -> list[str]:
    from wageguard.tallies.measures import months_back

    return months_back(last, count)


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def _stats(times: list[float]) -> dict[str, float]:
    """Median, p95 and max in milliseconds of ``times`` (seconds)."""
    ordered = sorted(times)
    return {
        "median_ms": _ms(statistics.median(ordered)),
        "p95_ms": _ms(ordered[max(0, int(len(ordered) * 0.95 + 0.5) - 1)]),
        "max_ms": _ms(ordered[-1]),
    }


# ---------------------------------------------------------------------------------------------- the data


def _base(url: str, projects: int) -> dict[int, str]:
    """Enterprises and projects (bench_monitoring's statements) with coordinates; returns project → county."""
    engine = create_engine(url)
    dialect = engine.dialect.name
    with engine.begin() as conn:
        if dialect == "sqlite":
            conn.exec_driver_sql("PRAGMA synchronous = OFF")
        _fill_sequence(conn, dialect, projects)
        n = _counties(conn)
        for table, sql in statements(dialect, projects, projects, n):
            if table in ("enterprises", "projects"):
                conn.execute(text(sql))
        conn.execute(text("DROP TABLE bench_seq"))
        conn.execute(text("DROP TABLE bench_counties"))
        conn.execute(
            text("UPDATE projects SET lng = 106.2 + (id % 311) * 0.01, lat = 25.6 + (id % 197) * 0.01")
        )
        regions = {int(p): str(r) for p, r in conn.execute(text("SELECT id, region_code FROM projects"))}
    engine.dispose()
    return regions


def _workers(projects: list[int], total: int, rng: random.Random) -> dict[int, int]:
    """Registered workers per project: ≈ total / projects each (0.3×–1.7×), summing to ``total``."""
    weights = [rng.uniform(0.3, 1.7) for _ in projects]
    scale = total / sum(weights)
    counts = {p: max(1, int(w * scale)) for p, w in zip(projects, weights, strict=True)}
    counts[projects[-1]] += total - sum(counts.values())
    return counts


def _alerts(regions: dict[int, str], count: int, rng: random.Random) -> list[dict[str, Any]]:
    """Alert rows: 1–3 unfinished alerts on every 10th project (the owing ones), the rest finished over the
    last 24 months; in order of first sight (ids grow with time, as the engine writes them)."""
    rules = (("W06", "red"), ("W08", "orange"), ("W11", "red"), ("W16", "yellow"), ("W20", "orange"))
    first_day = TODAY - timedelta(days=730)
    rows: list[dict[str, Any]] = []
    for pid in sorted(p for p in regions if p % 10 == 3):
        for _ in range(rng.randint(1, 3)):
            rows.append({"pid": pid, "seen": TODAY - timedelta(days=rng.randint(0, 60)), "open": True})
    others = sorted(regions)
    while len(rows) < count:
        seen = first_day + timedelta(days=rng.randint(0, 720))
        rows.append({"pid": rng.choice(others), "seen": seen, "open": False})
    rows.sort(key=lambda r: r["seen"])
    out = []
    for n, r in enumerate(rows):
        code, level = rules[n % len(rules)]
        cleared = None if r["open"] else min(TODAY, r["seen"] + timedelta(days=rng.randint(3, 40)))
        created = datetime.combine(r["seen"], datetime.min.time()) + timedelta(hours=1, seconds=n % 3600)
        out.append(
            {
                "rule_code": code,
                "level": level,
                "subject_type": "project",
                "subject_id": r["pid"],
                "subject_key": f"bench:{n}",
                "period": r["seen"].strftime("%Y-%m"),
                "project_id": r["pid"],
                "region_code": regions[r["pid"]],
                "status": "open" if r["open"] else rng.choice(("resolved", "closed")),
                "still_holds": r["open"],
                "amount_fen": rng.randint(100, 5000) * 10_000,
                "workers": rng.randint(1, 60),
                "evidence": {"bench": True},
                "evidence_hash": f"{n:032x}",
                "referral_flag": False,
                "first_seen_on": r["seen"],
                "last_changed_on": cleared or r["seen"],
                "cleared_on": cleared,
                "reopened_count": 0,
                "created_at": created,
                "updated_at": created,
            }
        )
    return out


def _complaints(regions: dict[int, str], count: int, rng: random.Random) -> list[dict[str, Any]]:
    """Complaint rows over 24 months, a tenth of them this month; dummy ciphertexts and blind indexes."""
    month_start = TODAY.replace(day=1)
    rows: list[dict[str, Any]] = []
    projects = sorted(regions)
    for n in range(count):
        if n < count // 10:
            received = month_start + timedelta(days=rng.randint(0, (TODAY - month_start).days))
        else:
            received = month_start - timedelta(days=rng.randint(1, 700))
        pid = rng.choice(projects)
        age = (TODAY - received).days
        state = (
            rng.choice(("received", "accepted", "investigating", "resolved", "not_accepted"))
            if age < 30
            else rng.choice(("resolved", "resolved", "closed", "not_accepted", "withdrawn"))
        )
        accepted = received + timedelta(days=rng.randint(1, 9)) if state != "received" else None
        handled = accepted + timedelta(days=rng.randint(3, 40)) if accepted and age > 5 else None
        rows.append(
            {
                "tracking_code": f"BC{n:010d}",
                "idem_token": f"bench-{n}",
                "source": "web",
                "project_id": pid,
                "region_code": regions[pid],
                "name": "投诉人",
                "id_enc": b"\x00" * 44,
                "id_bidx": f"{n:032d}",
                "id_masked": "5206**********0000",
                "phone_enc": b"\x00" * 39,
                "phone_bidx": f"{n + 10**9:032d}",
                "phone_masked": "138****0000",
                "employer": f"基准建筑{pid}",
                "work_start": received - timedelta(days=120),
                "work_end": None,
                "months_owed": rng.randint(1, 4),
                "amount_owed_fen": rng.randint(20, 400) * 100_000,
                "workers_affected": rng.randint(1, 30),
                "description": "",
                "description_enc": b"\x00" * 80,
                "state": state,
                "received_at": datetime.combine(received, datetime.min.time()) + timedelta(hours=2),
                "received_date": received,
                "accept_due": received + timedelta(days=7),
                "accepted_date": accepted,
                "finish_due": received + timedelta(days=37) if accepted else None,
                "extended": False,
                "resolved_date": handled if state == "resolved" else None,
                "closed_date": handled if state == "closed" else None,
                "updated_at": datetime.combine(received, datetime.min.time()),
            }
        )
    rows.sort(key=lambda r: r["received_at"])
    return rows


Delta = tuple[str, str, int, str, int]


def _project_deltas(pid: int, region: str, workers: int, rng: random.Random) -> list[Delta]:
    """One project's tallies (everything but the alerts')."""
    from wageguard.tallies.measures import ALL_TIME, Measure, day_key, month_key

    out: list[Delta] = [
        (Measure.PROJECTS, ALL_TIME, pid, region, 1),
        (Measure.WORKERS, ALL_TIME, pid, region, workers),
    ]
    for back in range(40):
        day = TODAY - timedelta(days=back)
        share = 0.45 if day.weekday() == 6 else 0.78
        out.append(
            (Measure.ON_SITE, day_key(day), pid, region, int(workers * share * rng.uniform(0.85, 1.1)))
        )
    value_months = _months(month_key(TODAY), 24)  # paid in these months, for the month before each
    wage_months = _months(_months(month_key(TODAY), 2)[0], 24)
    per_worker = rng.randint(420_000, 620_000)  # net fen a month
    years: dict[str, int] = {}
    total = 0
    for value_month, wage_month in zip(value_months, wage_months, strict=True):
        declared = int(workers * per_worker * rng.uniform(0.9, 1.05))
        paid = declared if rng.random() > 0.08 else int(declared * rng.uniform(0.7, 0.98))
        if value_month == month_key(TODAY):
            paid = int(paid * 0.7)  # the month is two thirds through
        out += [
            (Measure.PAID, value_month, pid, region, paid),
            (Measure.PAID_FOR, wage_month, pid, region, paid),
            (Measure.DECLARED, wage_month, pid, region, declared),
        ]
        years[value_month[:4]] = years.get(value_month[:4], 0) + paid
        total += paid
    out += [(Measure.PAID, year, pid, region, v) for year, v in years.items()]
    out.append((Measure.PAID, ALL_TIME, pid, region, total))
    if pid % 10 == 3:
        affected = rng.randint(5, max(6, workers // 3))
        out += [
            (Measure.OWED, ALL_TIME, pid, region, affected * rng.randint(200_000, 900_000)),
            (Measure.OWED_WORKERS, ALL_TIME, pid, region, affected),
            (Measure.OWING, ALL_TIME, pid, region, 1),
        ]
    return out


def _alert_deltas(alerts: list[dict[str, Any]]) -> list[Delta]:
    """The alert tallies of ``alerts`` as ``monitoring/tallying.py`` counts them."""
    from wageguard.tallies.measures import ALERT_LEVEL_MEASURES, ALL_TIME, Measure

    acc: dict[tuple[str, str, int, str], int] = {}
    for a in alerts:
        pid, region = int(a["project_id"]), str(a["region_code"])
        keys = [(Measure.ALERTS_RAISED.value, a["first_seen_on"].strftime("%Y-%m"))]
        if a["status"] in ("resolved", "closed"):
            keys.append((Measure.ALERTS_CLOSED.value, a["cleared_on"].strftime("%Y-%m")))
        else:
            keys.append((ALERT_LEVEL_MEASURES[a["level"]].value, ALL_TIME))
        for measure, period in keys:
            acc[(measure, period, pid, region)] = acc.get((measure, period, pid, region), 0) + 1
    return [(*key, n) for key, n in acc.items()]


def generate(url: str, args: argparse.Namespace) -> dict[str, Any]:
    """The province: base rows, alerts, complaints, tallies (through ``add_tallies``), users; sizes."""
    from wageguard.auth.service import create_user
    from wageguard.complaints.models import Complaint
    from wageguard.migrate import upgrade_database
    from wageguard.monitoring.models import Alert
    from wageguard.registry.choices import Role
    from wageguard.tallies.service import add_tallies

    rng = random.Random(7)
    took: dict[str, float] = {}
    t0 = time.perf_counter()
    upgrade_database(url)
    took["migrate_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    regions = _base(url, args.projects)
    took["projects_s"] = time.perf_counter() - t0
    db = Database(url)
    t0 = time.perf_counter()
    alerts = _alerts(regions, args.alerts, rng)
    complaints = _complaints(regions, args.complaints, rng)
    with db.engine.begin() as conn:
        for start in range(0, len(alerts), 2000):
            conn.execute(insert(cast(Table, Alert.__table__)), alerts[start : start + 2000])
        for start in range(0, len(complaints), 2000):
            conn.execute(insert(cast(Table, Complaint.__table__)), complaints[start : start + 2000])
    took["alerts_complaints_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    ids = sorted(regions)
    workers = _workers(ids, args.workers, rng)
    deltas = 0
    chunk = 250
    for start in range(0, len(ids), chunk):
        rows: list[Delta] = []
        for pid in ids[start : start + chunk]:
            rows += _project_deltas(pid, regions[pid], workers[pid], rng)
        deltas += len(rows)
        with db.transaction() as session:
            add_tallies(session, rows)
    alert_rows = _alert_deltas(alerts)
    with db.transaction() as session:
        add_tallies(session, alert_rows)
    deltas += len(alert_rows)
    took["tallies_s"] = time.perf_counter() - t0
    with db.transaction() as session:
        for _name, role, region, _asked in SCOPES[:2]:
            create_user(
                session=session,
                username=f"bench_{role}",
                password=PASSWORD,
                role=Role(role),
                region_code=region or None,
            )
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("ANALYZE"))
    db.dispose()
    sizes = {**data_sizes(url), "tally_deltas_written": deltas}
    return {"sizes": sizes, "generate": {k: round(v, 1) for k, v in took.items()}}


def data_sizes(url: str) -> dict[str, int]:
    """Row counts of what the screen reads."""
    month = TODAY.replace(day=1).isoformat()
    queries = {
        "projects": "SELECT COUNT(*) FROM projects",
        "enterprises": "SELECT COUNT(*) FROM enterprises",
        "regions": "SELECT COUNT(*) FROM regions",
        "tallies": "SELECT COUNT(*) FROM tallies",
        "tallies_region_rows": "SELECT COUNT(*) FROM tallies WHERE project_id = 0",
        "alerts": "SELECT COUNT(*) FROM alerts",
        "alerts_unfinished": "SELECT COUNT(*) FROM alerts WHERE status = 'open'",
        "complaints": "SELECT COUNT(*) FROM complaints",
        "complaints_this_month": f"SELECT COUNT(*) FROM complaints WHERE received_date >= '{month}'",
        "registered_workers": "SELECT SUM(value) FROM tallies WHERE measure = 'workers' AND project_id > 0",
        "projects_owing": "SELECT SUM(value) FROM tallies WHERE measure = 'owing' AND project_id > 0",
    }
    db = Database(url)
    with db.engine.connect() as conn:
        out = {name: int(conn.scalar(text(sql)) or 0) for name, sql in queries.items()}
    db.dispose()
    return out


# ---------------------------------------------------------------------------------------------- rendering


def _principal(role: str, region: str) -> Any:
    from wageguard.auth.scope import Principal
    from wageguard.registry.choices import Role

    return Principal(user_id=None, username=f"bench_{role}", role=Role(role), region_code=region or None)


class _Laps:
    """Time since the previous lap, per part."""

    def __init__(self, parts: dict[str, list[float]]) -> None:
        self.parts = parts
        self.step = time.perf_counter()

    def __call__(self, part: str) -> None:
        now = time.perf_counter()
        self.parts.setdefault(part, []).append(now - self.step)
        self.step = now


def measure_render(url: str, repeat: int) -> list[dict[str, Any]]:
    """``screen_view`` per scope, and its parts (each part's median)."""
    from wageguard.config import Settings
    from wageguard.screen import figures as F
    from wageguard.screen import queries as Q
    from wageguard.screen.regions import resolve_region

    settings = Settings(database_url=url, redis_url="")
    db = Database(url)
    out = []
    for name, role, region, asked in SCOPES:
        principal = _principal(role, region)
        times = []
        view: dict[str, Any] = {}
        parts: dict[str, list[float]] = {}
        for n in range(repeat + 1):  # the whole view and its parts in turn (the machine's load hits both)
            with db.sessions() as session:
                t0 = time.perf_counter()
                view = Q.screen_view(
                    session=session, principal=principal, settings=settings, region_code=asked, now=NOW
                )
                if n:
                    times.append(time.perf_counter() - t0)
            if not n:
                continue
            with db.sessions() as session:
                lap = _Laps(parts)
                found = resolve_region(session=session, principal=principal, code=asked)
                lap("resolve_region")
                v = Q.view_of(found, TODAY)
                F.all_figures(session=session, view=v)
                lap("figures")
                subregions = Q.children(session=session, region=found, today=TODAY)
                lap("children")
                Q.points(session=session, region=found, today=TODAY)
                lap("points")
                Q.trends(session=session, view=v)
                lap("trends")
                Q.rankings(session=session, view=v, subregions=subregions)
                lap("rankings")
                Q.feed(session=session, view=v)
                lap("feed")
        row = {
            "scope": name,
            "region": asked or "",
            **_stats(times),
            "parts_median_ms": {k: _ms(statistics.median(v)) for k, v in parts.items()},
            "children": len(view["children"]),
            "points": len(view["points"]),
            "feed": len(view["feed"]),
            "figures": {
                k: view["figures"][k]
                for k in ("projects_under_construction", "registered_workers", "workers_on_site_today")
            },
            "json_bytes": len(json.dumps(view, ensure_ascii=False, default=str).encode()),
        }
        print(json.dumps(row, ensure_ascii=False), flush=True)
        out.append(row)
    db.dispose()
    return out


def _login(client: Any, username: str) -> None:
    page = client.get("/login")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text)
    answer = client.post(
        "/login",
        data={"username": username, "password": PASSWORD, "csrf": token.group(1) if token else ""},
        follow_redirects=False,
    )
    if answer.status_code not in (302, 303):
        raise SystemExit(f"login as {username} failed: {answer.status_code}")


def measure_http(url: str, repeat: int) -> list[dict[str, Any]]:
    """``GET /api/v1/screen`` per scope and ``GET /screen`` (the wall page): the app's Server-Timing."""
    from fastapi.testclient import TestClient

    from wageguard.config import Settings
    from wageguard.web.app import create_app

    settings = Settings(
        database_url=url, monitor_scheduler_enabled=False, redis_url="", var_dir=Path(tempfile.mkdtemp())
    )
    app = create_app(settings)
    app.state.clock = lambda: NOW
    out = []
    for name, role, _region, asked in SCOPES:
        with TestClient(app, base_url="http://127.0.0.1") as client:
            _login(client, f"bench_{role}")
            query = f"?region={asked}" if asked else ""
            paths = [f"/api/v1/screen{query}"]
            if name in ("province", "county"):
                paths.append(f"/screen{query}")
            for path in paths:
                first = client.get(path)
                times = []
                for _ in range(repeat):
                    answer = client.get(path)
                    timing = answer.headers.get("server-timing", "app;dur=nan")
                    times.append(float(timing.split("dur=")[1]) / 1000)
                row = {
                    "scope": name,
                    "path": path,
                    "status": first.status_code,
                    "bytes": len(first.content),
                    **_stats(times),
                }
                print(json.dumps(row, ensure_ascii=False), flush=True)
                out.append(row)
    app.state.db.dispose()
    return out


# ---------------------------------------------------------------------------------------------- ingest


class _Capture:
    """A bus that keeps what is published (to take a real punch batch's event for the fan-out)."""

    def __init__(self) -> None:
        from wageguard.tallies.live import Hub

        self.hub = Hub()
        self.items: list[dict[str, Any]] = []

    def publish(self, item: dict[str, Any]) -> None:
        self.items.append(item)

    def close(self) -> None:
        return None


def measure_ingest(url: str, batches: int, size: int) -> dict[str, Any]:
    """store_punches + commit of ``batches`` gate batches of ``size`` first punches, alternately with the
    real ``add_tallies`` and a no-op; returns the figures and a captured live event."""
    import wageguard.attendance.store as store
    from wageguard.attendance.store import IngestOptions, PunchIn
    from wageguard.tallies import service as tally_service
    from wageguard.tallies.live import use_bus

    db = Database(url)
    per_project = 5 * size
    gates = 40
    with db.engine.begin() as conn:
        base = int(conn.scalar(text("SELECT COALESCE(MAX(id), 0) FROM workers")) or 0)
        conn.execute(
            text(
                "INSERT INTO workers (id, name, id_card_type, id_enc, id_bidx, id_masked, created_at, "
                "updated_at) VALUES (:i, :n, '01', :e, :b, '5206**********0000', :t, :t)"
            ),
            [
                {"i": i, "n": f"工人{i}", "e": b"\x00\x11", "b": f"w{i:031d}", "t": NOW}
                for i in range(base + 1, base + gates * per_project + 1)
            ],
        )
        regions: dict[int, str] = dict(
            conn.execute(text("SELECT id, region_code FROM projects WHERE id <= :n"), {"n": gates}).all()
        )
    real = tally_service.add_tallies
    inner: list[float] = []

    def timed(session: Any, deltas: Any) -> None:
        t0 = time.perf_counter()
        real(session, deltas)
        inner.append(time.perf_counter() - t0)

    def noop(session: Any, deltas: Any) -> None:
        return None

    options = IngestOptions()
    times: dict[str, list[float]] = {"with_tallies": [], "without_tallies": []}
    captured = _Capture()
    try:
        for b in range(batches):
            project = b // 5 % gates + 1
            day = TODAY - timedelta(days=b // (5 * gates))
            first = base + (project - 1) * per_project + (b % 5) * size + 1
            punches = [
                PunchIn(
                    source=f"ZK{project:06d}",
                    person_key=str(w),
                    local_time=datetime.combine(day, datetime.min.time())
                    + timedelta(hours=7, seconds=w % 1800),
                    project_id=project,
                    region_code=str(regions[project]),
                    kind="worker",
                    worker_id=w,
                )
                for w in range(first, first + size)
            ]
            mode = "with_tallies" if b % 2 == 0 else "without_tallies"
            store.__dict__["add_tallies"] = timed if mode == "with_tallies" else noop
            restore = use_bus(captured) if b == 0 else None
            t0 = time.perf_counter()
            with db.transaction() as session:
                result = store.store_punches(session, punches, options=options, now=NOW)
            times[mode].append(time.perf_counter() - t0)
            if restore is not None:
                restore()
            if result.inserted != size:
                raise SystemExit(f"batch {b}: {result.inserted} of {size} stored")
    finally:
        store.__dict__["add_tallies"] = real
    db.dispose()
    with_t, without = _stats(times["with_tallies"]), _stats(times["without_tallies"])
    return {
        "batch_punches": size,
        "batches_each": batches // 2,
        "with_tallies": with_t,
        "without_tallies": without,
        "difference_median_ms": round(with_t["median_ms"] - without["median_ms"], 2),
        "add_tallies_itself": _stats(inner),
        "event": captured.items[0] if captured.items else None,
    }


# ---------------------------------------------------------------------------------------------- live


def _regions(url: str) -> tuple[list[Any], dict[str, Any]]:
    """Every screen region of the province (country, province, cities, counties) and a real feed item."""
    from wageguard.auth.scope import SYSTEM
    from wageguard.monitoring.tallying import alert_feed_items
    from wageguard.screen.regions import resolve_region

    db = Database(url)
    with db.sessions() as session:
        codes = [str(c) for (c,) in session.execute(text("SELECT code FROM regions ORDER BY code"))]
        found = [resolve_region(session=session, principal=SYSTEM, code=None)]
        found += [resolve_region(session=session, principal=SYSTEM, code=c) for c in codes]
        newest = session.scalar(text("SELECT MAX(id) FROM alerts WHERE region_code LIKE '5206%'"))
        item = alert_feed_items(session, [int(newest)])[0]
    db.dispose()
    return found, {"type": "feed", "item": item}


def _bank_event(regions: dict[int, str], projects: list[int]) -> dict[str, Any]:
    """A bank file's tally event: paid (month, year, to date) and paid_for on ``projects``."""
    changes = []
    for pid in projects:
        for measure, period in (("paid", "2026-11"), ("paid", "2026"), ("paid", ""), ("paid_for", "2026-10")):
            changes.append([measure, period, pid, regions[pid], 95_000_000])
    return {"type": "tally", "changes": changes}


async def _fanout(bus: Any, regions: list[Any], event: dict[str, Any], n: int, reps: int) -> dict[str, Any]:
    """publish → every one of ``n`` subscribers has turned the event into its SSE text."""
    from wageguard.screen.live_view import screen_message
    from wageguard.web.api.screen import sse

    hub = bus.hub
    subs = [hub.subscribe() for _ in range(n)]
    left = [0]
    done = asyncio.Event()
    sent = [0]

    async def reader(sub: Any, region: Any) -> None:
        while True:
            item = await sub.queue.get()
            message = screen_message(region, item, TODAY, "zh")
            if message is not None:
                sse(*message)
                sent[0] += 1
            left[0] -= 1
            if left[0] == 0:
                done.set()

    tasks = [asyncio.create_task(reader(s, regions[i % len(regions)])) for i, s in enumerate(subs)]
    await asyncio.sleep(0)
    times, publish = [], []
    for rep in range(reps + 2):
        left[0], sent[0] = n, 0
        done.clear()
        t0 = time.perf_counter()
        bus.publish(event)
        t1 = time.perf_counter()
        await asyncio.wait_for(done.wait(), timeout=30)
        if rep >= 2:
            times.append(time.perf_counter() - t0)
            publish.append(t1 - t0)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    for sub in subs:
        sub.close()
    stats = _stats(times)
    return {
        "subscribers": n,
        "messages": sent[0],
        **stats,
        "per_subscriber_us": round(stats["median_ms"] * 1000 / n, 1),
        "publish_median_ms": _ms(statistics.median(publish)),  # LocalBus: Hub.deliver's hand-off to all
    }


def _transform_only(regions: list[Any], event: dict[str, Any], reps: int) -> float:
    """µs per screen of ``screen_message`` + ``sse`` alone (no queue, no loop)."""
    from wageguard.screen.live_view import screen_message
    from wageguard.web.api.screen import sse

    t0 = time.perf_counter()
    for _ in range(reps):
        for region in regions:
            message = screen_message(region, event, TODAY, "zh")
            if message is not None:
                sse(*message)
    return round((time.perf_counter() - t0) * 1e6 / (reps * len(regions)), 2)


def measure_live(
    url: str, counts: list[int], reps: int, punch_event: dict[str, Any] | None, redis_url: str
) -> dict[str, Any]:
    from wageguard.tallies.live import Hub, LocalBus, RedisBus

    regions, feed_event = _regions(url)
    db = Database(url)
    with db.sessions() as session:
        projects: dict[int, str] = dict(session.execute(text("SELECT id, region_code FROM projects")).all())
    db.dispose()
    in_tongren = [p for p, r in sorted(projects.items()) if str(r).startswith("5206")][:100]
    events = {
        "punch batch (tally)": punch_event
        or {"type": "tally", "changes": [["on_site", TODAY.isoformat(), 1, projects[1], 50]]},
        "feed item (alert)": feed_event,
        "bank file, 100 projects (400 changes)": _bank_event(projects, in_tongren),
    }
    out: dict[str, Any] = {
        "regions": len(regions),
        "events": {k: v for k, v in events.items() if k != "bank file, 100 projects (400 changes)"},
        "local": [],
        "redis": [],
    }
    for name, event in events.items():
        per_screen = _transform_only(regions, event, 20)
        out.setdefault("transform_us", {})[name] = per_screen
        for n in counts:
            row = {"event": name, **asyncio.run(_fanout(LocalBus(Hub()), regions, event, n, reps))}
            print(json.dumps(row, ensure_ascii=False), flush=True)
            out["local"].append(row)
    if redis_url:
        for n in (1, 100):
            bus = RedisBus(redis_url, f"wgbench:{uuid.uuid4().hex[:8]}:live", hub=Hub())
            try:
                if not bus.wait_ready(10):
                    raise SystemExit("Redis listener not ready")
                event = events["punch batch (tally)"]
                row = {"event": "punch batch (tally)", **asyncio.run(_fanout(bus, regions, event, n, reps))}
            finally:
                bus.close()
            print(json.dumps({"redis": True, **row}, ensure_ascii=False), flush=True)
            out["redis"].append(row)
    return out


# ---------------------------------------------------------------------------------------------- main


@contextmanager
def _database(args: argparse.Namespace, tmp: str) -> Iterator[str]:
    drop: Callable[[], None] | None = None
    if args.existing:
        yield args.existing
        return
    if args.database_url.startswith("postgresql"):
        url, drop = scratch_database(args.database_url, prefix="wg_bench_screen")
        if args.keep:  # keep the scratch database (measure it again with --existing URL)
            print(f"kept {url}", flush=True)
            drop = None
    else:
        url = f"sqlite:///{Path(args.keep) if args.keep else Path(tmp) / 'screen.db'}"
    try:
        yield url
    finally:
        if drop is not None:
            drop()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--database-url", default="", help="a PostgreSQL server (a scratch database is made)")
    ap.add_argument("--projects", type=int, default=8_000)
    ap.add_argument("--workers", type=int, default=1_500_000)
    ap.add_argument("--alerts", type=int, default=5_000)
    ap.add_argument("--complaints", type=int, default=3_000)
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--batches", type=int, default=200, help="punch batches (half with, half without)")
    ap.add_argument("--batch-size", type=int, default=50)
    ap.add_argument("--subscribers", default="1,10,100,1000")
    ap.add_argument("--events", type=int, default=30, help="events published per fan-out figure")
    ap.add_argument("--redis-url", default="", help="also measure RedisBus (e.g. redis://127.0.0.1:6379/0)")
    ap.add_argument("--no-live", action="store_true", help="skip the fan-out (it touches no database)")
    ap.add_argument(
        "--keep",
        default="",
        help="SQLite: build into this file and keep it; PostgreSQL: keep the scratch database",
    )
    ap.add_argument("--existing", default="", help="measure this database (built with --keep) as it is")
    ap.add_argument("--json", default="")
    args = ap.parse_args()
    started = time.perf_counter()
    report: dict[str, Any] = {"now_utc": NOW.isoformat(), "today": TODAY.isoformat()}
    with tempfile.TemporaryDirectory(prefix="wg-bench-screen-") as tmp, _database(args, tmp) as url:
        report["backend"] = "postgresql" if url.startswith("postgresql") else "sqlite"
        if args.existing:
            report["sizes"], report["generate"] = data_sizes(url), {}
        else:
            report.update(generate(url, args))
        print(json.dumps({k: report[k] for k in ("sizes", "generate")}, ensure_ascii=False), flush=True)
        report["render"] = measure_render(url, args.repeat)
        report["http"] = measure_http(url, args.repeat)
        report["ingest"] = measure_ingest(url, args.batches, args.batch_size)
        print(json.dumps({k: v for k, v in report["ingest"].items() if k != "event"}), flush=True)
        if not args.no_live:
            counts = [int(n) for n in args.subscribers.split(",") if n]
            report["live"] = measure_live(url, counts, args.events, report["ingest"]["event"], args.redis_url)
    report["total_s"] = round(time.perf_counter() - started, 1)
    print(json.dumps(report, ensure_ascii=False, indent=2))
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
