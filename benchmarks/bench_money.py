"""Benchmark: import and match one month of a province's bank payment flows (代发流水) on SQLite.

Setup (timed apart, not measured): a migrated database with ``--payments`` workers on projects of 500
workers, each with a registered card, a wage account per project and a current pay sheet line per worker for
the month; then one bank result CSV (generic profile, a row per payment, paying account per row, bank
reference per row) of ``--payments`` rows, 1% of them failed. Setup stores a placeholder ciphertext in the
``*_enc`` columns (only blind indexes are read by matching) so it does not spend minutes encrypting.

Measured, in a child process of its own: ``wageguard.payroll.payments.import_bank_file`` — parsing, amount and
date checks, blind index and AES-GCM encryption of every payee card, natural-key dedupe, set-based matching
per chunk (cards, pay-sheet lines, names), Core executemany inserts, the shared-card pass, one transaction.
Memory: ``ru_maxrss`` of that child.

    .venv/bin/python benchmarks/bench_money.py                       # 1,500,000 payments
    .venv/bin/python benchmarks/bench_money.py --payments 150000     # a tenth, quicker
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PER_PROJECT = 500
MONTH = "2026-10"
PAY_DAY = "2026-11-15"


def _setup(url: str, n: int, csv_path: Path) -> None:
    from sqlalchemy import insert

    from wageguard.config import Settings
    from wageguard.db import Database
    from wageguard.ingest.models import ImportBatch  # noqa: F401  (table registered)
    from wageguard.migrate import upgrade_database
    from wageguard.payroll.models import PaySheet, PaySheetLine, WageAccount
    from wageguard.registry.models import BankCard, Enterprise, Project, ProjectWorker, Team, Worker
    from wageguard.security.crypto import Protector, mask

    upgrade_database(url)
    settings = Settings(environment="test", database_url=url)
    keys = Protector(settings.data_key_bytes, settings.index_key_bytes)
    placeholder = keys.encrypt("0")
    db = Database(url)
    projects = (n + PER_PROJECT - 1) // PER_PROJECT
    with db.transaction() as s:
        s.execute(insert(Enterprise), [{"id": 1, "corp_code": "91520000MA0000000X", "name": "省建工集团"}])
        s.execute(
            insert(Project),
            [
                {
                    "id": p,
                    "project_code": f"P{p:06d}",
                    "name": f"项目{p}",
                    "region_code": "520602",
                    "contractor_id": 1,
                    "status": "003",
                }
                for p in range(1, projects + 1)
            ],
        )
        s.execute(
            insert(Team),
            [
                {"id": p, "team_sys_no": f"T{p:06d}", "project_id": p, "enterprise_id": 1, "name": "班组"}
                for p in range(1, projects + 1)
            ],
        )
        s.execute(
            insert(WageAccount),
            [
                {
                    "id": p,
                    "project_id": p,
                    "region_code": "520602",
                    "bank_code": "103",
                    "account_enc": placeholder,
                    "account_bidx": keys.blind_index(f"62220{p:014d}"),
                    "account_masked": mask(f"62220{p:014d}"),
                }
                for p in range(1, projects + 1)
            ],
        )
        s.execute(
            insert(PaySheet),
            [
                {
                    "id": p,
                    "project_id": p,
                    "team_id": p,
                    "region_code": "520602",
                    "pay_month": MONTH,
                    "content_sha256": "x",
                    "source": "csv",
                    "submitted_by": "bench",
                }
                for p in range(1, projects + 1)
            ],
        )
    with csv_path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(
            [
                "reference",
                "account_no",
                "payee_name",
                "payee_card",
                "amount",
                "value_date",
                "status",
                "failure_reason",
                "remark",
            ]
        )
        for start in range(0, n, 50_000):
            ids = range(start + 1, min(n, start + 50_000) + 1)
            cards = {i: f"62170{i:014d}" for i in ids}
            bidx = {i: keys.blind_index(cards[i]) for i in ids}
            with db.transaction() as s:
                s.execute(
                    insert(Worker),
                    [
                        {
                            "id": i,
                            "name": f"工人{i}",
                            "id_enc": placeholder,
                            "id_bidx": keys.blind_index(f"W{i}"),
                            "id_masked": "x",
                        }
                        for i in ids
                    ],
                )
                s.execute(
                    insert(BankCard),
                    [
                        {
                            "worker_id": i,
                            "card_enc": placeholder,
                            "card_bidx": bidx[i],
                            "card_masked": mask(cards[i]),
                        }
                        for i in ids
                    ],
                )
                s.execute(
                    insert(ProjectWorker),
                    [
                        {
                            "project_id": (i - 1) // PER_PROJECT + 1,
                            "worker_id": i,
                            "team_id": (i - 1) // PER_PROJECT + 1,
                            "region_code": "520602",
                        }
                        for i in ids
                    ],
                )
                s.execute(
                    insert(PaySheetLine),
                    [
                        {
                            "sheet_id": (i - 1) // PER_PROJECT + 1,
                            "project_id": (i - 1) // PER_PROJECT + 1,
                            "region_code": "520602",
                            "pay_month": MONTH,
                            "worker_id": i,
                            "days": 22,
                            "card_enc": placeholder,
                            "card_bidx": bidx[i],
                            "card_masked": "x",
                            "gross_fen": 660000 + i % 1000,
                            "net_fen": 660000 + i % 1000,
                        }
                        for i in ids
                    ],
                )
            for i in ids:
                failed = i % 100 == 0
                out.writerow(
                    [
                        f"B{i:09d}",
                        f"62220{(i - 1) // PER_PROJECT + 1:014d}",
                        f"工人{i}",
                        cards[i],
                        f"{(660000 + i % 1000) / 100:,.2f}",
                        PAY_DAY,
                        "失败" if failed else "成功",
                        "户名不符" if failed else "",
                        "工资 2026年10月",
                    ]
                )
    db.dispose()


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _measure(url: str, csv_path: Path, chunk: int) -> dict[str, object]:
    from wageguard.auth.scope import SYSTEM
    from wageguard.config import Settings
    from wageguard.db import Database
    from wageguard.payroll.payments import import_bank_file
    from wageguard.security.crypto import Protector

    settings = Settings(environment="test", database_url=url)
    db = Database(url)
    keys = Protector(settings.data_key_bytes, settings.index_key_bytes)
    started, cpu = time.perf_counter(), _cpu()
    result = import_bank_file(
        db=db,
        principal=SYSTEM,
        protector=keys,
        path=csv_path,
        profile="generic",
        actor="bench",
        chunk_rows=chunk,
    )
    seconds, cpu_seconds = time.perf_counter() - started, _cpu() - cpu
    again = time.perf_counter()
    rerun = import_bank_file(
        db=db,
        principal=SYSTEM,
        protector=keys,
        path=csv_path,
        profile="generic",
        actor="bench",
        chunk_rows=chunk,
    )
    return {
        "seconds": round(seconds, 1),
        "rows": result.rows,
        "inserted": result.inserted,
        "outcomes": result.outcomes,
        "rows_per_s": round(result.rows / seconds),
        "cpu_seconds": round(cpu_seconds, 1),
        "reimport_seconds": round(time.perf_counter() - again, 1),
        "reimport_inserted": rerun.inserted,
        "ru_maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--payments", type=int, default=1_500_000)
    parser.add_argument("--chunk", type=int, default=5000)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_measure(args.child[0], Path(args.child[1]), args.chunk)))
        return
    work = args.workdir or Path(tempfile.mkdtemp(prefix="wg-bench-money-"))
    work.mkdir(parents=True, exist_ok=True)
    url, csv_path = f"sqlite:///{work / 'bench.db'}", work / "payments.csv"
    started = time.perf_counter()
    _setup(url, args.payments, csv_path)
    setup_s = time.perf_counter() - started
    child = subprocess.run(
        [sys.executable, __file__, "--chunk", str(args.chunk), "--child", url, str(csv_path)],
        check=True,
        capture_output=True,
        text=True,
    )
    figures = json.loads(child.stdout.strip().splitlines()[-1])
    figures |= {
        "payments": args.payments,
        "setup_seconds": round(setup_s, 1),
        "csv_mb": round(csv_path.stat().st_size / 2**20, 1),
        "db_mb": round((work / "bench.db").stat().st_size / 2**20, 1),
    }
    print(json.dumps(figures, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
