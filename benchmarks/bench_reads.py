"""Read-API query timings on a Tongren-sized registry (default 200 projects, 58,000 workers).

Builds a synthetic registry straight into a fresh SQLite file (bulk ORM inserts, encrypted ID numbers),
then times the scoped query functions the API, pages and CLI share, as an admin, the Tongren prefecture
inspector, a county inspector and an enterprise user: the median of ``--repeat`` runs each.

    .venv/bin/python benchmarks/bench_reads.py                    # 58,000 workers
    .venv/bin/python benchmarks/bench_reads.py --workers 300000   # a larger city
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from wageguard.auth.scope import Principal
from wageguard.config import Settings
from wageguard.db import Database
from wageguard.migrate import upgrade_database
from wageguard.registry import queries, region_queries, worker_queries
from wageguard.registry.choices import Role
from wageguard.registry.models import Enterprise, Project, ProjectParticipant, ProjectWorker, Team, Worker
from wageguard.registry.schemas import ProjectFilters, WorkerFilters
from wageguard.security.crypto import Protector, mask

COUNTIES = [
    "520602",
    "520603",
    "520621",
    "520622",
    "520623",
    "520624",
    "520625",
    "520626",
    "520627",
    "520628",
]


def build(db: Database, protector: Protector, projects: int, workers: int) -> None:
    with db.transaction() as s:
        s.execute(
            insert(Enterprise),
            [
                {
                    "id": i,
                    "corp_code": f"91{COUNTIES[i % 10]}{i:010d}",
                    "name": f"企业{i}",
                    "region_code": COUNTIES[i % 10],
                }
                for i in range(1, projects + 1)
            ],
        )
        s.execute(
            insert(Project),
            [
                {
                    "id": i,
                    "project_code": f"P{i:06d}",
                    "name": f"项目{i}",
                    "region_code": COUNTIES[i % 10],
                    "status": "003",
                    "pay_day": 15,
                    "grace_days": 4,
                }
                for i in range(1, projects + 1)
            ],
        )
        s.execute(
            insert(ProjectParticipant),
            [{"project_id": i, "enterprise_id": i, "corp_type": "009"} for i in range(1, projects + 1)],
        )
        s.execute(
            insert(Team),
            [
                {"id": i, "team_sys_no": f"T{i:06d}", "project_id": i, "enterprise_id": i, "name": f"班组{i}"}
                for i in range(1, projects + 1)
            ],
        )
        _workers(s, protector, projects, workers)


def _workers(s: Session, protector: Protector, projects: int, workers: int, batch: int = 20_000) -> None:
    for start in range(1, workers + 1, batch):
        ids = range(start, min(start + batch, workers + 1))
        numbers = {i: f"5222011990{i:08d}" for i in ids}
        s.execute(
            insert(Worker),
            [
                {
                    "id": i,
                    "name": f"工人{i}",
                    "id_enc": protector.encrypt(numbers[i]),
                    "id_bidx": protector.blind_index(numbers[i]),
                    "id_masked": mask(numbers[i]),
                }
                for i in ids
            ],
        )
        s.execute(
            insert(ProjectWorker),
            [
                {
                    "project_id": i % projects + 1,
                    "worker_id": i,
                    "team_id": i % projects + 1,
                    "enterprise_id": i % projects + 1,
                    "region_code": COUNTIES[(i % projects + 1) % 10],
                    "work_type": "010",
                    "phone_enc": protector.encrypt("13612345678"),
                    "phone_masked": "136****5678",
                }
                for i in ids
            ],
        )


def timed(fn: Callable[[], Any], repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t0)
    return statistics.median(runs) * 1000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--projects", type=int, default=200)
    ap.add_argument("--workers", type=int, default=58_000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    settings = Settings(environment="test")
    protector = Protector(settings.data_key_bytes, settings.index_key_bytes)
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/reads.db"
        upgrade_database(url)
        db = Database(url)
        t0 = time.perf_counter()
        build(db, protector, args.projects, args.workers)
        print(f"built {args.projects} projects, {args.workers} workers in {time.perf_counter() - t0:.1f} s")
        principals = {
            "admin": Principal(1, "admin", Role.ADMIN),
            "prefecture inspector": Principal(2, "tr", Role.INSPECTOR, region_code="520600"),
            "county inspector": Principal(3, "bj", Role.INSPECTOR, region_code="520602"),
            "enterprise user": Principal(4, "ent", Role.ENTERPRISE, enterprise_id=10),
        }
        results: dict[str, dict[str, float]] = {}
        with db.sessions() as s:
            for who, p in principals.items():
                results[who] = {
                    "county_summaries": timed(lambda p=p: region_queries.county_summaries(s, p), args.repeat),
                    "list_projects(50)": timed(
                        lambda p=p: queries.list_projects(s, p, ProjectFilters()), args.repeat
                    ),
                    "list_workers(50)": timed(
                        lambda p=p: worker_queries.list_workers(s, p, WorkerFilters()), args.repeat
                    ),
                    "list_workers(offset 20k)": timed(
                        lambda p=p: worker_queries.list_workers(s, p, WorkerFilters(offset=20_000)),
                        args.repeat,
                    ),
                    "get_project": timed(lambda p=p: queries.get_project(s, p, 10), args.repeat),
                }
        db.dispose()
    for who, row in results.items():
        print(f"{who:22s} " + "  ".join(f"{k} {v:7.1f} ms" for k, v in row.items()))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"workers": args.workers, "projects": args.projects, "ms": results}))


if __name__ == "__main__":
    main()
