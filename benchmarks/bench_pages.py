"""Benchmark: server time of the workbench pages (landing, inbox, project page, project list, cases) at
province scale, per role.

    .venv/bin/python benchmarks/bench_pages.py                                  # SQLite, 1.5 M workers
    .venv/bin/python benchmarks/bench_pages.py --existing sqlite:///var/wageguard.db   # the demo city

The province is synthesised as in ``bench_monitoring.py`` (8,000 projects, 1.5 M workers, one month of
attendance and money, faults planted in fixed fractions) and the monitoring engine is run once, so the
alerts table holds what a province's engine writes. Users are created for a province inspector, a
prefecture inspector, a county inspector, an enterprise user and the administrator. With ``--existing``
the demo city's own logins are used instead and nothing is generated.

Every page is requested ``--repeat`` times in-process (Starlette's TestClient, no network) after one warm-up
request; the figure is the app's own ``Server-Timing`` (time until the response starts: queries and
template rendering), reported as median and p95 in milliseconds.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).resolve().parent))

ROLES: dict[str, tuple[str, str]] = {  # name → (role, region or "")
    "province": ("inspector", "520000"),
    "city": ("inspector", "520100"),
    "county": ("inspector", "520102"),
    "enterprise": ("enterprise", ""),
    "admin": ("admin", ""),
}
DEMO_LOGINS = {
    "city": ("tongren", "tongren123"),
    "county": ("bijiang", "bijiang123"),
    "enterprise": ("gc", "gc123"),
    "admin": ("admin", "admin123"),
    "bank": ("bank", "bank123"),
}
PASSWORD = "bench-password-123"


def _participants(url: str) -> None:
    """Each project's contractor as its general contractor; enterprise 1 also on every 20th project (400
    projects at province scale), so the enterprise user's pages have a large contractor's worth of rows."""
    from sqlalchemy import text

    from wageguard.db import Database

    db = Database(url)
    with db.transaction() as session:
        session.execute(
            text(
                "INSERT INTO project_participants (project_id, enterprise_id, corp_type) "
                "SELECT id, contractor_id, '009' FROM projects"
            )
        )
        session.execute(
            text(
                "INSERT INTO project_participants (project_id, enterprise_id, corp_type) "
                "SELECT id, 1, '006' FROM projects WHERE id % 20 = 0 AND contractor_id <> 1"
            )
        )
    db.dispose()


def _users(url: str) -> dict[str, tuple[str, str]]:
    """Bench users for each role (the enterprise user on enterprise 1, see ``_participants``)."""
    from wageguard.auth.service import create_user
    from wageguard.db import Database
    from wageguard.registry.choices import Role

    db = Database(url)
    logins: dict[str, tuple[str, str]] = {}
    with db.transaction() as session:
        enterprise_id = 1
        for name, (role, region) in ROLES.items():
            username = f"bench_{name}"
            create_user(
                session=session,
                username=username,
                password=PASSWORD,
                role=Role(role),
                region_code=region or None,
                enterprise_id=enterprise_id if role == "enterprise" else None,
            )
            logins[name] = (username, PASSWORD)
    db.dispose()
    return logins


def _bench_logins(url: str) -> dict[str, tuple[str, str]] | None:
    """The bench users of a province kept with ``--keep``, if this database has them."""
    from wageguard.auth.models import User
    from wageguard.db import Database

    db = Database(url)
    with db.sessions() as session:
        names = set(session.scalars(select(User.username).where(User.username.startswith("bench_"))))
    db.dispose()
    found = {name: (f"bench_{name}", PASSWORD) for name in ROLES if f"bench_{name}" in names}
    return found or None


def _region_of(url: str, username: str) -> str:
    """The user's region as a code prefix (an inspector's; empty for others)."""
    from wageguard.auth.models import User
    from wageguard.auth.scope import region_prefix
    from wageguard.db import Database

    db = Database(url)
    with db.sessions() as session:
        code = session.scalar(select(User.region_code).where(User.username == username))
    db.dispose()
    return region_prefix(code) if code else ""


def _busiest_project(url: str, region: str, enterprise_user: str) -> int | None:
    """The project with the most alerts in ``region`` (of the enterprise user's enterprise, if given)."""
    from wageguard.auth.models import User
    from wageguard.db import Database
    from wageguard.monitoring.models import Alert
    from wageguard.registry.models import ProjectParticipant

    db = Database(url)
    with db.sessions() as session:
        q = select(Alert.project_id).where(
            Alert.project_id.is_not(None), Alert.region_code.startswith(region)
        )
        if enterprise_user:
            enterprise = session.scalar(select(User.enterprise_id).where(User.username == enterprise_user))
            mine = select(ProjectParticipant.project_id).where(ProjectParticipant.enterprise_id == enterprise)
            q = q.where(Alert.project_id.in_(mine))
        pid = session.scalar(q.group_by(Alert.project_id).order_by(func.count().desc()).limit(1))
    db.dispose()
    return int(pid) if pid is not None else None


def _login(client: Any, username: str, password: str) -> None:
    page = client.get("/login")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text)
    answer = client.post(
        "/login",
        data={"username": username, "password": password, "csrf": token.group(1) if token else ""},
        follow_redirects=False,
    )
    if answer.status_code not in (302, 303):
        raise SystemExit(f"login as {username} failed: {answer.status_code}")


def _server_ms(answer: Any) -> float:
    timing = answer.headers.get("server-timing", "app;dur=nan")
    return float(timing.split("dur=")[1])


def measure(url: str, logins: dict[str, tuple[str, str]], repeat: int) -> list[dict[str, Any]]:
    from fastapi.testclient import TestClient

    from wageguard.config import Settings
    from wageguard.web.app import create_app

    settings = Settings(database_url=url, monitor_scheduler_enabled=False, var_dir=Path(tempfile.mkdtemp()))
    app = create_app(settings)
    rows: list[dict[str, Any]] = []
    for name, (username, password) in logins.items():
        with TestClient(app, base_url="http://127.0.0.1") as client:
            _login(client, username, password)
            project = _busiest_project(
                url, _region_of(url, username), username if name == "enterprise" else ""
            )
            paths = ["/", "/alerts", "/alerts?sort=amount&dir=desc", "/projects"]
            if name == "bank":
                paths, project = ["/", "/money"], None
            if project is not None:
                paths.append(f"/projects/{project}")
            if name in ("province", "city", "county", "admin"):
                paths.append("/cases")
            for path in paths:
                first = client.get(path)
                times = []
                for _ in range(repeat):
                    answer = client.get(path)
                    times.append(_server_ms(answer))
                times.sort()
                rows.append(
                    {
                        "role": name,
                        "path": path,
                        "status": first.status_code,
                        "median_ms": round(statistics.median(times), 1),
                        "p95_ms": round(times[max(0, int(len(times) * 0.95) - 1)], 1),
                        "max_ms": round(times[-1], 1),
                    }
                )
                print(json.dumps(rows[-1], ensure_ascii=False), flush=True)
    app.state.db.dispose()
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--existing", default="", help="measure this database (the demo city's logins)")
    ap.add_argument("--projects", type=int, default=8_000)
    ap.add_argument("--workers", type=int, default=1_500_000)
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--keep", default="", help="build the province into this SQLite file and keep it")
    ap.add_argument("--json", default="")
    args = ap.parse_args()
    report: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="wg-bench-pages-") as tmp:
        if args.existing:
            url = args.existing
            logins = _bench_logins(url) or DEMO_LOGINS
            report["data"] = f"existing database {url}"
        else:
            from bench_monitoring import AS_OF, MONTH, generate

            from wageguard.config import Settings
            from wageguard.db import Database
            from wageguard.monitoring.engine import run_monitoring

            url = f"sqlite:///{Path(args.keep) if args.keep else Path(tmp) / 'province.db'}"
            t0 = time.perf_counter()
            generate(url, args.projects, args.workers)
            db = Database(url)
            run = run_monitoring(
                db=db, settings=Settings(database_url=url), as_of=AS_OF, months=[MONTH], trigger="bench"
            )
            db.dispose()
            _participants(url)
            logins = _users(url)
            report["data"] = f"{args.projects} projects, {args.workers} workers, {run.raised} alerts"
            report["prepare_s"] = round(time.perf_counter() - t0, 1)
            print(f"prepared {report['data']} in {report['prepare_s']} s", flush=True)
        report["pages"] = measure(url, logins, args.repeat)
    print(json.dumps(report, ensure_ascii=False, indent=2))
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
