"""Leases: at most one process at a time holds a named lease, and a process that dies loses it at once.

Used for what must run in exactly one process of a deployment however many ``wageguard serve`` processes
there are (``--workers N``, or several hosts): the monitoring scheduler and the engine runs it starts
(``monitoring/leader.py``). Nothing is kept in process memory that another process would need: the lease
lives where every process looks.

- **PostgreSQL**: a session-level advisory lock (``pg_try_advisory_lock``) on a connection of its own. The
  server releases it when that connection ends — a clean release, a crash, a kill -9 or a lost network all
  end it — so a successor takes over with no expiry to wait out and no clock to trust. ``alive`` checks the
  connection, so a holder whose connection broke learns that it no longer holds the lease.
- **SQLite** (one host by construction): an exclusive ``flock`` on ``<var_dir>/leases/<name>.lock``, which
  the kernel releases when the process dies.
"""

from __future__ import annotations

import fcntl
import os
import zlib
from contextlib import suppress
from pathlib import Path
from typing import IO, Any, Protocol

from sqlalchemy import text
from sqlalchemy.engine import Engine

from wageguard.config import Settings
from wageguard.db import Database


class Lease(Protocol):
    """A named lease; ``acquire`` never waits."""

    name: str

    def acquire(self) -> bool:
        """Take the lease if nobody holds it; True when this object holds it (again) now."""
        ...

    def alive(self) -> bool:
        """Whether this object still holds the lease."""
        ...

    def release(self) -> None:
        """Give the lease up (nothing when not held)."""
        ...


def lock_key(name: str) -> int:
    """A stable signed 64-bit advisory-lock key for ``name`` (CRC-32 in the high half, a tag below)."""
    return (zlib.crc32(name.encode()) << 32 | 0x57475244) - (1 << 63)  # 0x57475244: "WGRD"


class PostgresLease:
    """A session advisory lock held on a dedicated connection."""

    def __init__(self, engine: Engine, name: str) -> None:
        self.engine, self.name, self.key = engine, name, lock_key(name)
        self.label = f"wageguard-lease:{name}:{os.getpid()}"
        self._conn: Any = None

    def acquire(self) -> bool:
        if self._conn is not None:
            return self.alive()
        conn = self.engine.connect()
        try:
            got = bool(conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": self.key}).scalar())
            if got:  # who holds it, for an operator (pg_stat_activity): wageguard-lease:<name>:<pid>
                conn.execute(text("SELECT set_config('application_name', :n, false)"), {"n": self.label})
            conn.commit()
        except Exception:
            conn.close()
            raise
        if not got:
            conn.close()
            return False
        self._conn = conn
        return True

    def alive(self) -> bool:
        if self._conn is None:
            return False
        try:  # a session lock ends only with an unlock of ours or the session: a live session still holds it
            self._conn.execute(text("SELECT 1")).scalar()
            self._conn.commit()
        except Exception:
            self._drop()
            return False
        return True

    def release(self) -> None:
        if self._conn is None:
            return
        with suppress(Exception):  # the connection is gone: so is the lock
            self._conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": self.key})
            self._conn.commit()
        self._drop()

    def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            with suppress(Exception):  # already broken: nothing left to close
                conn.close()


class FileLease:
    """An exclusive ``flock`` on a file (one host)."""

    def __init__(self, path: Path, name: str) -> None:
        self.path, self.name = path, name
        self._handle: IO[str] | None = None

    def acquire(self) -> bool:
        if self._handle is not None:
            return True
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 - held open while the lease is held
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")  # who holds it, for an operator
        handle.flush()
        self._handle = handle
        return True

    def alive(self) -> bool:
        return self._handle is not None

    def release(self) -> None:
        handle, self._handle = self._handle, None
        if handle is not None:
            fcntl.flock(handle, fcntl.LOCK_UN)
            handle.close()


def lease_for(db: Database, settings: Settings, name: str) -> Lease:
    """The deployment's lease called ``name``: an advisory lock on PostgreSQL, a file lock on SQLite."""
    if db.engine.dialect.name == "postgresql":
        return PostgresLease(db.engine, name)
    return FileLease(Path(settings.var_dir) / "leases" / f"{name}.lock", name)
