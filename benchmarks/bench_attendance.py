"""Benchmark: punch ingest (JSON batch API and ZKTeco ATTLOG) with worker-day / worker-month upkeep,
the morning peak against a live server, and the 500-worker monthly sheet XLSX export.

    .venv/bin/python benchmarks/bench_attendance.py                 # SQLite (temporary file)
    .venv/bin/python benchmarks/bench_attendance.py --database-url postgresql+psycopg://postgres@127.0.0.1/bench

With ``--database-url`` on PostgreSQL a throw-away database is created on that server and dropped after.
Figures go to stdout (and ``--json``); record them in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import insert

from wageguard.attendance.devices import hash_secret
from wageguard.attendance.models import Device, DeviceEnrolment
from wageguard.config import Settings
from wageguard.db import Database, scratch_database
from wageguard.migrate import upgrade_database
from wageguard.registry.models import Enterprise, Project, ProjectWorker, Worker
from wageguard.security.crypto import Protector
from wageguard.web.app import create_app

KEY = "bench-secret"
DAY0 = date(2026, 9, 1)


def _id_number(i: int) -> str:
    return f"520602199001{i:06d}"


def setup_registry(db: Database, protector: Protector, *, projects: int, per_project: int) -> list[list[int]]:
    """Projects with workers (Core inserts), a ZKTeco gate per project with every worker enrolled."""
    roster: list[list[int]] = []
    with db.engine.begin() as conn:
        conn.execute(insert(Enterprise), [{"corp_code": "915206020000000001", "name": "基准建筑公司"}])
        for p in range(projects):
            pid = p + 1
            conn.execute(
                insert(Project),
                [
                    {
                        "id": pid,
                        "project_code": f"BENCH{pid:04d}",
                        "name": f"基准项目{pid}",
                        "region_code": "520602",
                    }
                ],
            )
            base = p * per_project
            workers = [
                {
                    "id": base + i + 1,
                    "name": f"工人{base + i + 1}",
                    "id_enc": b"x",
                    "id_bidx": protector.blind_index(_id_number(base + i + 1)),
                    "id_masked": "5206**********0000",
                }
                for i in range(per_project)
            ]
            conn.execute(insert(Worker), workers)
            conn.execute(
                insert(ProjectWorker),
                [{"project_id": pid, "worker_id": w["id"], "region_code": "520602"} for w in workers],
            )
            conn.execute(
                insert(Device),
                [
                    {
                        "id": pid,
                        "vendor": "zkteco",
                        "serial": f"ZKB{pid:04d}",
                        "project_id": pid,
                        "region_code": "520602",
                        "gate": "东门",
                        "default_direction": "01",
                        "tz": "Asia/Shanghai",
                        "secret_hash": hash_secret(KEY),
                        "active": True,
                        "att_stamp": 0,
                        "op_stamp": 0,
                    }
                ],
            )
            conn.execute(
                insert(DeviceEnrolment),
                [{"device_id": pid, "pin": str(w["id"]), "worker_id": w["id"]} for w in workers],
            )
            roster.append([w["id"] for w in workers])
    return roster


def _times(worker: int, day: date) -> tuple[datetime, datetime]:
    start = datetime(day.year, day.month, day.day, 7, 0) + timedelta(seconds=(worker * 37) % 3000)
    return start, start + timedelta(hours=9, seconds=(worker * 53) % 5400)


def bench_json(client: TestClient, roster: list[int], project: int, days: int, batch: int) -> dict[str, Any]:
    bodies = []
    records: list[dict[str, Any]] = []
    for d in range(days):
        day = DAY0 + timedelta(days=d)
        for w in roster:
            t_in, t_out = _times(w, day)
            for t, direction in ((t_in, "01"), (t_out, "02")):
                records.append(
                    {
                        "idCardNumber": _id_number(w),
                        "date": t.strftime("%Y-%m-%d %H:%M:%S"),
                        "direction": direction,
                    }
                )
    for i in range(0, len(records), batch):
        bodies.append(json.dumps({"projectCode": f"BENCH{project:04d}", "dataList": records[i : i + batch]}))
    token = client.post("/api/v1/auth/token", json={"username": "bench", "password": "pw-bench"}).json()
    headers = {"Authorization": f"Bearer {token['access_token']}", "content-type": "application/json"}
    started = time.perf_counter()
    for body in bodies:
        r = client.post("/api/v1/attendance/batch", content=body, headers=headers)
        assert r.status_code == 200, r.text
    seconds = time.perf_counter() - started
    return {
        "punches": len(records),
        "requests": len(bodies),
        "seconds": round(seconds, 2),
        "per_s": round(len(records) / seconds),
    }


def bench_zkteco(
    client: TestClient, roster: list[int], project: int, days: int, batch: int
) -> dict[str, Any]:
    lines = []
    for d in range(days):
        day = DAY0 + timedelta(days=d)
        for w in roster:
            for st, t in enumerate(_times(w, day)):
                lines.append(f"{w}\t{t:%Y-%m-%d %H:%M:%S}\t{st}\t15\t0\t0\n")
    bodies = ["".join(lines[i : i + batch]) for i in range(0, len(lines), batch)]
    params = {"SN": f"ZKB{project:04d}", "key": KEY, "table": "ATTLOG"}
    started = time.perf_counter()
    for body in bodies:
        r = client.post("/iclock/cdata", params=params, content=body)
        assert r.status_code == 200 and r.text.startswith("OK:"), r.text
    seconds = time.perf_counter() - started
    return {
        "punches": len(lines),
        "requests": len(bodies),
        "seconds": round(seconds, 2),
        "per_s": round(len(lines) / seconds),
    }


def bench_baseline(roster: list[int], days: int, batch: int) -> dict[str, Any]:
    """The yardstick from the issue: plain sqlite3 ``executemany`` of the same rows into a table with a unique
    key, plus a worker-day upsert per punch (no HTTP, parsing or lookups), measured under the same load."""
    import sqlite3

    path = Path(tempfile.mkdtemp(prefix="wg-bench-base-")) / "base.db"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute(
        "CREATE TABLE p (id INTEGER PRIMARY KEY, source TEXT, person TEXT, at TEXT, project INT, worker INT, "
        "day TEXT, kind TEXT, UNIQUE (source, person, at))"
    )
    conn.execute("CREATE TABLE d (project INT, worker INT, day TEXT, first TEXT, last TEXT, n INT, "
                 "PRIMARY KEY (project, worker, day))")  # fmt: skip
    rows = []
    for d in range(days):
        day = DAY0 + timedelta(days=d)
        for w in roster:
            for t in _times(w, day):
                rows.append(("ZKB0001", str(w), t.isoformat(" "), 1, w, day.isoformat(), "worker"))
    started = time.perf_counter()
    for i in range(0, len(rows), batch):
        part = rows[i : i + batch]
        conn.executemany(
            "INSERT INTO p (source, person, at, project, worker, day, kind) VALUES (?,?,?,?,?,?,?) "
            "ON CONFLICT DO NOTHING",
            part,
        )
        conn.executemany(
            "INSERT INTO d VALUES (?,?,?,?,?,1) ON CONFLICT (project, worker, day) DO UPDATE SET "
            "first = min(first, excluded.first), last = max(last, excluded.last), n = n + 1",
            [(r[3], r[4], r[5], r[2], r[2]) for r in part],
        )
        conn.commit()
    seconds = time.perf_counter() - started
    conn.close()
    return {"punches": len(rows), "seconds": round(seconds, 2), "per_s": round(len(rows) / seconds)}


def bench_export(client: TestClient, project: int) -> dict[str, Any]:
    token = client.post("/api/v1/auth/token", json={"username": "bench", "password": "pw-bench"}).json()
    headers = {"Authorization": f"Bearer {token['access_token']}"}
    runs = []
    for _ in range(3):
        started = time.perf_counter()
        r = client.get(
            "/api/v1/attendance/sheet.xlsx",
            params={"project": f"BENCH{project:04d}", "month": "2026-09"},
            headers=headers,
        )
        runs.append(time.perf_counter() - started)
        assert r.status_code == 200
    return {"best_s": round(min(runs), 3), "worst_s": round(max(runs), 3), "bytes": len(r.content)}


def bench_peak(
    url: str,
    database_url: str,
    roster: list[list[int]],
    *,
    rate: float,
    seconds: int,
    per_request: int,
    server_workers: int,
) -> dict[str, Any]:
    """Open-loop load: ATTLOG posts of ``per_request`` punches from many gates at ``rate`` punches/s against
    ``wageguard serve`` in a child process; latency is measured from each request's scheduled send time."""
    env = {**os.environ, "WAGEGUARD_DATABASE_URL": database_url}
    port = url.rsplit(":", 1)[1]
    cmd = [sys.executable, "-m", "uvicorn", "--factory", "wageguard.web.app:create_app", "--port", port,
           "--workers", str(server_workers), "--log-level", "warning", "--no-access-log"]  # fmt: skip
    log = open(Path(tempfile.gettempdir()) / "wg-bench-att-server.log", "w")  # noqa: SIM115
    server = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        for _ in range(100):
            try:
                httpx.get(url + "/api/v1/openapi.json", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.2)
        requests_per_s = rate / per_request
        total = int(requests_per_s * seconds)
        day = DAY0 + timedelta(days=40)
        jobs = []
        for n in range(total):
            project = n % len(roster)
            workers = roster[project]
            pins = [workers[(n // len(roster) * per_request + k) % len(workers)] for k in range(per_request)]
            at = datetime(day.year, day.month, day.day, 7, 0) + timedelta(seconds=n // len(roster))
            body = "".join(f"{w}\t{at:%Y-%m-%d %H:%M:%S}\t0\t15\t0\t0\n" for w in pins)
            jobs.append(
                (n / requests_per_s, {"SN": f"ZKB{project + 1:04d}", "key": KEY, "table": "ATTLOG"}, body)
            )
        latencies: list[float] = []
        errors = [0]
        local = threading.local()
        host, port_s = url.split("//", 1)[1].split(":")
        t0 = time.perf_counter() + 0.5

        def send(job: tuple[float, dict[str, str], str]) -> None:
            due, params, body = job
            conn = getattr(local, "conn", None)
            if conn is None:
                conn = local.conn = http.client.HTTPConnection(host, int(port_s), timeout=30)
            delay = t0 + due - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            conn.request("POST", "/iclock/cdata?" + urlencode(params), body=body.encode())
            response = conn.getresponse()
            response.read()
            latencies.append(time.perf_counter() - (t0 + due))
            if response.status != 200:
                errors[0] += 1

        with ThreadPoolExecutor(max_workers=48) as pool:
            list(pool.map(send, jobs))
        elapsed = time.perf_counter() - t0
        latencies.sort()
        return {
            "target_punches_per_s": rate,
            "punches_per_request": per_request,
            "server_processes": server_workers,
            "requests": total,
            "achieved_punches_per_s": round(total * per_request / elapsed),
            "p50_ms": round(statistics.median(latencies) * 1000, 1),
            "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1] * 1000, 1),
            "max_ms": round(latencies[-1] * 1000, 1),
            "errors": errors[0],
        }
    finally:
        server.terminate()
        server.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url")
    parser.add_argument("--workers", type=int, default=500, help="workers per project")
    parser.add_argument("--projects", type=int, default=4)
    parser.add_argument("--days", type=int, default=30, help="days of punches per measured path")
    parser.add_argument("--batch", type=int, default=5000, help="punches per request")
    parser.add_argument("--peak-seconds", type=int, default=30)
    parser.add_argument("--peak-rate", type=float, default=830)
    parser.add_argument("--skip-peak", action="store_true")
    parser.add_argument("--peak-only", action="store_true")
    parser.add_argument("--peak-per-request", type=int, default=1, help="punches per ATTLOG post at the peak")
    parser.add_argument("--server-workers", type=int, default=1, help="uvicorn processes at the peak")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="wg-bench-att-")
    url = args.database_url or f"sqlite:///{tmp}/bench.db"
    drop = None
    if url.startswith("postgresql"):
        url, drop = scratch_database(url, prefix="wg_bench_att")
    try:
        run(args, url)
    finally:
        if drop is not None:
            drop()


def run(args: argparse.Namespace, url: str) -> None:
    upgrade_database(url)
    settings = Settings(environment="test", database_url=url, attendance_past_days=3650)
    db = Database(url)
    protector = Protector(settings.data_key_bytes, settings.index_key_bytes)
    roster = setup_registry(db, protector, projects=args.projects, per_project=args.workers)
    from wageguard.auth.service import create_user
    from wageguard.registry.choices import Role

    with db.transaction() as s:
        create_user(session=s, username="bench", password="pw-bench", role=Role.ADMIN)
    results: dict[str, Any] = {"database": db.engine.dialect.name, "workers_per_project": args.workers}
    with TestClient(create_app(settings, db=db)) as client:
        if not args.peak_only:
            _throughput(client, roster, args, results)
    if not args.skip_peak:
        results["morning_peak"] = bench_peak(
            "http://127.0.0.1:8765",
            url,
            roster,
            rate=args.peak_rate,
            seconds=args.peak_seconds,
            per_request=args.peak_per_request,
            server_workers=args.server_workers,
        )
        print("morning peak", results["morning_peak"], flush=True)
    db.dispose()
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2))


def _throughput(
    client: TestClient, roster: list[list[int]], args: argparse.Namespace, results: dict[str, Any]
) -> None:
    results["baseline_executemany"] = bench_baseline(roster[2], args.days, args.batch)
    print("baseline executemany", results["baseline_executemany"], flush=True)
    results["json_batch"] = bench_json(client, roster[0], 1, args.days, args.batch)
    print("json batch", results["json_batch"], flush=True)
    results["zkteco"] = bench_zkteco(client, roster[1], 2, args.days, args.batch)
    print("zkteco", results["zkteco"], flush=True)
    results["xlsx_export_500"] = bench_export(client, 1)
    print("xlsx export", results["xlsx_export_500"], flush=True)


if __name__ == "__main__":
    main()
