"""Benchmark: import the demo city's ProjectWorker CSV through the real import path.

Generation and import each run in a child process of their own, so the import's peak memory is its own:
the child reports ``ru_maxrss`` (whole-process peak) and a sampled peak RSS during the ProjectWorker import.
The registry the workers refer to (Corp, Project, ProjectSubContractor, Team) is imported first and timed
separately; only ``ProjectWorker`` is the measured import.

    .venv/bin/python benchmarks/bench_import.py                      # 58,000 workers, Tongren, SQLite
    .venv/bin/python benchmarks/bench_import.py --workers 1500000    # a province (520000), SQLite
    .venv/bin/python benchmarks/bench_import.py --database-url postgresql+psycopg://postgres@127.0.0.1/bench

A PostgreSQL database given with ``--database-url`` must exist and be empty.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path
from typing import Any

SETUP = ("Corp", "Project", "ProjectSubContractor", "Team")
MEASURED = "ProjectWorker"
AS_OF = date(2026, 11, 28)
WORKERS_PER_PROJECT = 290  # Tongren: ~58,000 workers on ~200 projects


def _rss_bytes() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


class PeakSampler(threading.Thread):
    """Samples this process's resident set every 50 ms and keeps the peak."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak = _rss_bytes()
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.wait(0.05):
            self.peak = max(self.peak, _rss_bytes())

    def stop(self) -> int:
        self._halt.set()
        self.join()
        return max(self.peak, _rss_bytes())


def generate(args: argparse.Namespace) -> dict[str, Any]:
    from wageguard.demo.files import generate_city

    started = time.perf_counter()
    files = generate_city(
        Path(args.out),
        seed=args.seed,
        projects=args.projects,
        workers=args.workers,
        region_code=args.region,
        as_of=AS_OF,
        only=(*SETUP, MEASURED),
    )
    return {
        "generate_s": round(time.perf_counter() - started, 1),
        "rows": files.rows,
        "bytes": {name: path.stat().st_size for name, path in files.paths.items()},
    }


def run_import(args: argparse.Namespace) -> dict[str, Any]:
    from wageguard.auth.scope import SYSTEM
    from wageguard.config import Settings
    from wageguard.db import Database
    from wageguard.ingest.service import import_file
    from wageguard.migrate import upgrade_database
    from wageguard.security.crypto import Protector

    settings = Settings(database_url=args.database_url)
    upgrade_database(args.database_url)
    db = Database(args.database_url)
    protector = Protector(settings.data_key_bytes, settings.index_key_bytes)

    def one(name: str) -> Any:
        path = Path(args.out) / f"{name}.csv"
        return import_file(
            db=db, protector=protector, object_name=name, path=path, actor=SYSTEM, settings=settings
        )

    started = time.perf_counter()
    for name in SETUP:
        one(name)
    setup_s = time.perf_counter() - started
    rss_before = _rss_bytes()
    sampler = PeakSampler()
    sampler.start()
    started, cpu_started = time.perf_counter(), time.process_time()
    report = one(MEASURED)
    import_s, import_cpu_s = time.perf_counter() - started, time.process_time() - cpu_started
    peak = sampler.stop()
    db.dispose()
    return {
        "load_avg_1m": round(os.getloadavg()[0], 1),
        "setup_import_s": round(setup_s, 1),
        "import_s": round(import_s, 1),
        "import_cpu_s": round(import_cpu_s, 1),
        "rows_per_s": round(report.rows / import_s),
        "inserted": report.inserted,
        "warnings": report.warning_count,
        "rss_before_import_mb": round(rss_before / 2**20),
        "peak_rss_during_import_mb": round(peak / 2**20),
        "ru_maxrss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def _child(phase: str, args: argparse.Namespace) -> dict[str, Any]:
    command = [sys.executable, __file__, "--phase", phase, "--workers", str(args.workers)]
    command += ["--projects", str(args.projects), "--region", args.region, "--seed", str(args.seed)]
    command += ["--out", args.out, "--database-url", args.database_url]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"{phase} failed:\n{done.stderr}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _defaults(args: argparse.Namespace, workdir: Path) -> None:
    args.projects = args.projects or max(1, round(args.workers / WORKERS_PER_PROJECT))
    args.region = args.region or ("520600" if args.workers <= 100_000 else "520000")
    args.out = args.out or str(workdir / "files")
    args.database_url = args.database_url or f"sqlite:///{workdir / 'bench.db'}"


def main() -> None:
    raw = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=raw)
    parser.add_argument("--workers", type=int, default=58_000)
    parser.add_argument("--projects", type=int, default=0, help="default: one per 290 workers")
    parser.add_argument("--region", default="", help="default 520600; 520000 above 100k workers")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--database-url", default="", help="default: a fresh SQLite file in a temp folder")
    parser.add_argument("--out", default="", help="where the CSV files go (default: a temp folder)")
    parser.add_argument("--json", type=Path, help="also write the result as JSON here")
    parser.add_argument("--phase", choices=("generate", "import"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        print(json.dumps(generate(args) if args.phase == "generate" else run_import(args)))
        return
    workdir = Path(tempfile.mkdtemp(prefix="wg-bench-", dir=os.environ.get("WAGEGUARD_BENCH_TMP")))
    try:
        _defaults(args, workdir)
        result: dict[str, Any] = {
            "workers": args.workers,
            "projects": args.projects,
            "region": args.region,
            "backend": args.database_url.split(":", 1)[0],
            "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        }
        result |= _child("generate", args)
        result |= _child("import", args)
        if args.database_url.startswith("sqlite"):
            result["db_mb"] = round(Path(args.database_url.split("///", 1)[1]).stat().st_size / 2**20)
        print(json.dumps(result, indent=2, ensure_ascii=False))
        if args.json:
            args.json.parent.mkdir(parents=True, exist_ok=True)
            args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
