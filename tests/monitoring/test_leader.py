"""One scheduler per deployment (issue 14 part 6): the scheduler lease is held by one process at a time, a
killed holder loses it at once and another takes over, the leader schedules only while it holds it, and
imports committed in one process wake the scheduler in another through Redis.

Waits are bounded and return on the event they wait for (a lease taken, a run finished, a message heard);
the one retry loop (a lease freed by a killed process, which the database server notices on its own) is
bounded by a deadline too."""

from __future__ import annotations

import os
import select
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from wageguard.cli.main import app as cli_app
from wageguard.config import Settings
from wageguard.db import Database
from wageguard.events import announce_import
from wageguard.leases import lease_for
from wageguard.monitoring.leader import SchedulerLeader
from wageguard.relay import RedisImportListener, listen_everywhere, relay_imports

DEADLINE_S = 60.0
REDIS_URL = os.environ.get("WAGEGUARD_TEST_REDIS_URL") or "redis://127.0.0.1:6379/15"

HOLDER = """
import sys
from pathlib import Path
from wageguard.config import Settings
from wageguard.db import Database
from wageguard.leases import lease_for
url, var = sys.argv[1], sys.argv[2]
lease = lease_for(Database(url), Settings(environment="test", database_url=url, var_dir=Path(var)), "t")
print("held" if lease.acquire() else "refused", flush=True)
sys.stdin.read()  # hold it until killed
"""


def _until(check: Callable[[], bool], deadline_s: float = DEADLINE_S) -> bool:
    """``check()`` until it is true or the deadline passes (for what another process frees on its own)."""
    pause = threading.Event()
    end = time.monotonic() + deadline_s
    while not check():
        if time.monotonic() > end:
            return False
        pause.wait(0.05)
    return True


def test_one_holder_at_a_time(db: Database, settings: Settings) -> None:
    first, second = lease_for(db, settings, "t"), lease_for(db, settings, "t")
    other = lease_for(db, settings, "another")
    assert first.acquire() and first.alive()
    assert not second.acquire() and not second.alive()
    assert other.acquire()  # leases are per name
    assert first.acquire()  # asking again while holding keeps it
    first.release()
    assert not first.alive()
    assert second.acquire()
    assert not first.acquire()
    second.release()
    other.release()


def test_a_killed_holder_loses_the_lease_and_another_takes_it(
    db: Database, settings: Settings, tmp_path: Path
) -> None:
    with subprocess.Popen(
        [sys.executable, "-c", HOLDER, settings.database_url, str(settings.var_dir)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as holder:
        try:
            ready, _, _ = select.select([holder.stdout], [], [], DEADLINE_S)
            assert ready, "the holder process did not answer"
            assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
            mine = lease_for(db, settings, "t")
            assert not mine.acquire()
            holder.kill()  # SIGKILL: no release, no clean close
            holder.wait(DEADLINE_S)
            assert _until(mine.acquire), "the lease was not freed by the holder's death"
            mine.release()
        finally:
            if holder.poll() is None:
                holder.kill()
                holder.wait(DEADLINE_S)


def test_the_leader_schedules_only_while_it_holds_the_lease(db: Database, settings: Settings) -> None:
    first = SchedulerLeader(db, settings, retry_s=0.05, debounce_s=0.05).start()
    second = SchedulerLeader(db, settings, retry_s=0.05, debounce_s=0.05)
    try:
        assert first.wait_leading(DEADLINE_S) and first.scheduler is not None
        second.start()
        assert not second.lease.acquire()  # the lease is first's while it leads
        first.stop()
        assert second.wait_leading(DEADLINE_S), "the second process did not take over"
        assert not first.leading.is_set() and first.scheduler is None
        assert second.scheduler is not None and (first.terms, second.terms) == (1, 1)
    finally:
        first.stop()
        second.stop()


def test_an_import_in_one_process_wakes_the_scheduler_in_another(db: Database, settings: Settings) -> None:
    prefix = f"wgtest:{uuid.uuid4().hex}:"
    heard: list[str] = []
    probe = RedisImportListener(REDIS_URL, prefix, heard.append)
    leader = SchedulerLeader(
        db, settings, retry_s=0.05, debounce_s=0.05, listen=listen_everywhere(REDIS_URL, prefix)
    )
    stop_relay = relay_imports(REDIS_URL, prefix)
    try:
        assert probe.ready.wait(DEADLINE_S)
        assert leader.start().wait_leading(DEADLINE_S)
        scheduler = leader.scheduler
        assert scheduler is not None
        # the scheduler's subscriber may still be connecting: announce until it has heard one
        assert _until(lambda: (announce_import("pay_sheets"), scheduler.heard > 0)[1])
        assert scheduler.wait_for_runs("import", 1, timeout=DEADLINE_S), "no run after the relayed import"
        assert "pay_sheets" in heard  # on the channel every process listens to
    finally:
        stop_relay()
        leader.stop()
        probe.stop()


def test_several_workers_need_postgresql_and_redis(
    cli, monkeypatch: pytest.MonkeyPatch, settings: Settings
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("WAGEGUARD_VAR_DIR", str(settings.var_dir))
    monkeypatch.setenv("WAGEGUARD_REDIS_URL", "")
    result = cli.invoke(cli_app, ["serve", "--workers", "2"])
    assert result.exit_code == 2
    assert "多进程服务需要 Redis" in result.output and "needs Redis" in result.output
    if settings.is_sqlite:
        assert "多进程服务需要 PostgreSQL" in result.output


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _holders(db: Database) -> list[int]:
    """Pids of the processes holding the scheduler lease, from the database's own view."""
    with db.engine.connect() as conn:
        names = conn.execute(
            text("SELECT application_name FROM pg_stat_activity WHERE application_name LIKE :p"),
            {"p": "wageguard-lease:scheduler:%"},
        ).scalars()
        return sorted(int(n.rsplit(":", 1)[1]) for n in names)


def test_serve_with_two_workers_runs_one_scheduler_and_hands_it_over(
    db: Database, settings: Settings, tmp_path: Path
) -> None:
    """Two real worker processes: on PostgreSQL exactly one holds the scheduler, and when it is killed the
    other takes over; on SQLite the command refuses before it starts anything."""
    port = _free_port()
    env = {
        **os.environ,
        "WAGEGUARD_DATABASE_URL": settings.database_url,
        "WAGEGUARD_REDIS_URL": REDIS_URL,
        "WAGEGUARD_REDIS_KEY_PREFIX": f"wgtest:{uuid.uuid4().hex}:",
        "WAGEGUARD_VAR_DIR": str(tmp_path / "var"),
        "WAGEGUARD_ENVIRONMENT": "test",
    }
    command = [sys.executable, "-c", "from wageguard.cli.main import app; app()", "serve", "--workers", "2"]
    with subprocess.Popen(
        [*command, "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    ) as server:
        try:
            if settings.is_sqlite:
                _, err = server.communicate(timeout=DEADLINE_S)
                assert server.returncode == 2 and "多进程服务需要 PostgreSQL" in err
                return
            assert _until(lambda: len(_holders(db)) == 1), "no worker took the scheduler"
            assert _until(lambda: _answers(f"http://127.0.0.1:{port}/healthz"))
            [first] = _holders(db)
            os.kill(first, signal.SIGKILL)  # the scheduling worker dies without a word
            assert _until(lambda: len(_holders(db)) == 1 and _holders(db)[0] != first), "no takeover"
            assert _answers(f"http://127.0.0.1:{port}/healthz")  # the other worker still serves
        finally:
            if server.poll() is None:
                os.killpg(server.pid, signal.SIGTERM)
                try:
                    server.wait(DEADLINE_S)
                except subprocess.TimeoutExpired:
                    os.killpg(server.pid, signal.SIGKILL)
                    server.wait(DEADLINE_S)


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=5).status_code == 200
    except httpx.HTTPError:
        return False
