"""Load test of the public complaint form: N submissions per second for D seconds, none lost or doubled.

Starts the app under uvicorn in a child process on a fresh database (SQLite file by default, or
``--database-url`` for an empty PostgreSQL database), opens the form once like a phone (CSRF cookie and
token), then fires multipart POSTs on an open-loop schedule (a request every 1/rate s, whether or not the
previous ones have answered). A share of submissions is sent twice with the same form token, as a double tap
or a retry does. Afterwards it counts the complaints in the database: every distinct form token answered
with a receipt must be stored exactly once, and each resend must have got the first receipt's code.

    .venv/bin/python benchmarks/load_complaints.py --rate 200 --duration 60
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import func, select
from stdnum.cn import ric

from wageguard.complaints.models import Complaint
from wageguard.db import Database
from wageguard.migrate import upgrade_database
from wageguard.registry.models import Enterprise, Project

CSRF_RE = re.compile(r'name="csrf" value="([^"]+)"')
CODE_RE = re.compile(r'id="tracking-code">(TS[0-9A-Z]{10})<')


@dataclass
class Results:
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    errors: int = 0
    receipts: dict[str, str] = field(default_factory=dict)  # form token -> tracking code
    resend_mismatch: int = 0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _seed(url: str) -> str:
    upgrade_database(url)
    db = Database(url)
    with db.transaction() as session:
        gc = Enterprise(corp_code="91520602MA6DL0AD2X", name="贵州压测建设有限公司", region_code="520602")
        session.add(gc)
        session.flush()
        session.add(
            Project(project_code="BENCH-0001", name="压测项目", region_code="520602", contractor_id=gc.id)
        )
    db.dispose()
    return "BENCH-0001"


def _id_number(i: int) -> str:
    body = f"520602{1970 + i % 30:04d}{1 + i % 12:02d}{1 + i % 28:02d}{i % 1000:03d}"
    return body + ric.calc_check_digit(body + "X")


def _fields(i: int, csrf: str, idem: str) -> dict[str, str]:
    return {
        "csrf": csrf,
        "idem": idem,
        "website": "",
        "name": "压测工人",
        "id_number": _id_number(i),
        "phone": f"13{i:09d}",
        "bank_card": "",
        "employer": "压测班组",
        "work_start": "2026-03-01",
        "work_end": "",
        "months_owed": "2",
        "amount_owed": "8800",
        "workers_affected": "1",
        "description": "压测：两个月工资未发放。",
    }


BOUNDARY = "----wageguardload7MA4YWxkTrZu0gW"


def _multipart(fields: dict[str, str]) -> bytes:
    """The body a browser sends for the form: text fields plus an empty photo input."""
    parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'
        for k, v in fields.items()
    ]
    parts.append(
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="photos"; filename=""\r\n'
        "Content-Type: application/octet-stream\r\n\r\n\r\n"
    )
    parts.append(f"--{BOUNDARY}--\r\n")
    return "".join(parts).encode()


class Connection:
    """One keep-alive HTTP/1.1 connection (a minimal client: httpx's pool degrades with long queues)."""

    def __init__(self, host: str, port: int, cookie: str) -> None:
        self.host, self.port, self.cookie = host, port, cookie
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(self, path: str, body: bytes) -> tuple[int, str]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        head = (
            f"POST {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\nCookie: {self.cookie}\r\n"
            f"Content-Type: multipart/form-data; boundary={BOUNDARY}\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        self.writer.write(head.encode() + body)
        await self.writer.drain()
        status_line = await self.reader.readline()
        length, close = 0, False
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            if name.lower() == "content-length":
                length = int(value)
            elif name.lower() == "connection" and "close" in value.lower():
                close = True
        text = (await self.reader.readexactly(length)).decode()
        if close:
            self.writer.close()
            self.writer = None
        return int(status_line.split()[1]), text


async def _post(conn: Connection, path: str, data: dict[str, str], res: Results, due: float) -> str | None:
    try:
        status, text = await conn.post(path, _multipart(data))
    except (OSError, asyncio.IncompleteReadError, ValueError, IndexError):
        res.errors += 1
        conn.writer = None
        return None
    res.latencies.append(time.perf_counter() - due)  # from the scheduled send time: queueing counts
    res.statuses[status] = res.statuses.get(status, 0) + 1
    found = CODE_RE.search(text) if status == 200 else None
    return found.group(1) if found else None


async def _one(
    conn: Connection, path: str, job: tuple[int, float], csrf: str, resend: bool, res: Results
) -> None:
    i, due = job
    idem = secrets.token_hex(16)
    data = _fields(i, csrf, idem)
    code = await _post(conn, path, data, res, due)
    if code is None:
        return
    res.receipts[idem] = code
    if resend:
        again = await _post(conn, path, data, res, time.perf_counter())
        if again != code:
            res.resend_mismatch += 1


async def _drive(
    base: str, path: str, rate: float, duration: float, resend_every: int, connections: int
) -> tuple[Results, float]:
    res = Results()
    async with httpx.AsyncClient(base_url=base) as client:
        page = await client.get(path)
    found = CSRF_RE.search(page.text)
    assert page.status_code == 200 and found, page.text[:500]
    csrf, cookie = found.group(1), f"wg_csrf={page.cookies['wg_csrf']}"
    host, port = base.removeprefix("http://").split(":")
    queue: asyncio.Queue[tuple[int, float] | None] = asyncio.Queue()

    async def worker() -> None:
        conn = Connection(host, int(port), cookie)
        while (job := await queue.get()) is not None:
            await _one(conn, path, job, csrf, job[0] % resend_every == 0, res)

    workers = [asyncio.create_task(worker()) for _ in range(connections)]
    total = int(rate * duration)
    t0 = time.perf_counter()
    for i in range(total):
        due = t0 + i / rate
        if (delay := due - time.perf_counter()) > 0:
            await asyncio.sleep(delay)
        queue.put_nowait((i, due))
    for _ in workers:
        queue.put_nowait(None)
    await asyncio.gather(*workers)
    return res, time.perf_counter() - t0


def _wait_up(base: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("server exited")
        try:
            if httpx.get(base + "/c/status", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise RuntimeError("server did not start")


def _count(url: str) -> tuple[int, int]:
    db = Database(url)
    with db.sessions() as session:
        rows = session.scalar(select(func.count()).select_from(Complaint)) or 0
        tokens = session.scalar(select(func.count(func.distinct(Complaint.idem_token)))) or 0
    db.dispose()
    return int(rows), int(tokens)


def _pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=1000)[int(q * 1000) - 1] * 1000 if len(values) > 1 else 0.0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rate", type=float, default=200.0, help="submissions per second")
    ap.add_argument("--duration", type=float, default=60.0, help="seconds")
    ap.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    ap.add_argument("--connections", type=int, default=64, help="keep-alive client connections")
    ap.add_argument("--resend-every", type=int, default=20, help="every n-th submission is sent twice")
    ap.add_argument("--database-url", default=None, help="empty database (default: a temporary SQLite file)")
    ap.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="wg-load-"))
    url = args.database_url or f"sqlite:///{tmp / 'load.db'}"
    path = f"/c/{_seed(url)}"
    port = _free_port()
    env = {
        **os.environ,
        "WAGEGUARD_DATABASE_URL": url,
        "WAGEGUARD_ENVIRONMENT": "development",
        "WAGEGUARD_COMPLAINT_RATE_PER_IP_PER_HOUR": "100000000",  # one client IP sends everything here
        "WAGEGUARD_VAR_DIR": str(tmp / "var"),  # the complaint intake of this run, not the checkout's
    }
    cmd = [sys.executable, "-m", "uvicorn", "--factory", "wageguard.web.app:create_app", "--port", str(port)]
    cmd += ["--workers", str(args.workers), "--log-level", "warning", "--no-access-log", "--backlog", "4096"]
    server = subprocess.Popen(cmd, env=env)
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_up(base, server)
        res, elapsed = asyncio.run(
            _drive(base, path, args.rate, args.duration, args.resend_every, args.connections)
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
    queued = _file_queued(url, tmp / "var")
    rows, tokens = _count(url)
    sent = int(args.rate * args.duration)
    figures = {
        "rate_target": args.rate,
        "duration_s": args.duration,
        "workers": args.workers,
        "connections": args.connections,
        "database": url.split(":", 1)[0],
        "submissions": sent,
        "resends": len(range(0, sent, args.resend_every)),
        "requests": sum(res.statuses.values()) + res.errors,
        "elapsed_s": round(elapsed, 2),
        "achieved_submissions_per_s": round(sent / elapsed, 1),
        "statuses": res.statuses,
        "transport_errors": res.errors,
        "p50_ms": round(_pct(res.latencies, 0.50), 1),
        "p95_ms": round(_pct(res.latencies, 0.95), 1),
        "p99_ms": round(_pct(res.latencies, 0.99), 1),
        "max_ms": round(max(res.latencies, default=0) * 1000, 1),
        "receipts": len(res.receipts),
        "queued_in_intake": queued,  # answered from the durable intake (lock not free in 2 s), filed after
        "rows_in_db": rows,
        "distinct_tokens_in_db": tokens,
        "resend_code_mismatches": res.resend_mismatch,
    }
    ok = rows == tokens == len(res.receipts) == sent and res.resend_mismatch == 0 and res.errors == 0
    figures["ok"] = ok  # nothing lost, nothing doubled
    figures["held_rate"] = sent / elapsed >= 0.98 * args.rate
    print(json.dumps(figures, ensure_ascii=False, indent=2))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=2))
    return 0 if ok else 1


def _file_queued(url: str, var_dir: Path) -> int:
    """File what the server took into its complaint intake (``serve``'s drainer would); how many."""
    from wageguard.complaints.intake import ComplaintIntake
    from wageguard.complaints.service import drain_complaints
    from wageguard.config import Settings
    from wageguard.security.crypto import Protector

    path = var_dir / "intake" / "complaints.db"
    if not path.exists():
        return 0
    settings = Settings(environment="development", database_url=url, var_dir=var_dir)
    db = Database(url)
    protector = Protector(settings.data_key_bytes, settings.index_key_bytes)
    report = drain_complaints(db=db, protector=protector, settings=settings, intake=ComplaintIntake(path))
    db.dispose()
    return report.filed + report.failed


if __name__ == "__main__":
    raise SystemExit(main())
