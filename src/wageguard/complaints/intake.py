"""Durable intake of public complaints: a complaint that the database cannot take now (an import holds
SQLite's write lock, a lock on the complaint tables outlasts the form's wait) is written here and the worker
gets their tracking code at once; ``complaints/drainer.py`` files it in the database once the lock is free.

``<var_dir>/intake/complaints.db`` is an SQLite file of its own (WAL, ``synchronous=FULL``, ``0600`` in a
``0700`` folder) that nothing else writes, so an append waits only for its own fsync: the receipt is shown
only once the complaint is on disk. What the worker typed and their photos are sealed with the
``Protector`` (AES-GCM) as one blob; in clear the file keeps only what its own look-ups need: the tracking
code, the form token, and keyed HMACs of the phone (the blind index) and of the client address — as the
``complaints`` and ``counters`` tables do. A drained entry is deleted; one that cannot be filed is kept with
its error (``stuck``), never dropped.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from wageguard.errors import Busy
from wageguard.security.files import private_file

MAX_ATTEMPTS = 5
SCHEMA = (
    """CREATE TABLE IF NOT EXISTS entries (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        received_at TEXT NOT NULL,
        tracking_code TEXT NOT NULL UNIQUE,
        idem_token TEXT NOT NULL UNIQUE,
        phone_bidx TEXT NOT NULL,
        client_key TEXT NOT NULL,
        sealed BLOB NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        error TEXT
    )""",
    "CREATE INDEX IF NOT EXISTS ix_entries_phone ON entries (phone_bidx, received_at)",
    "CREATE INDEX IF NOT EXISTS ix_entries_client ON entries (client_key, received_at)",
)


@dataclass(frozen=True)
class Queued:
    """One complaint waiting in the intake."""

    id: int
    received_at: datetime
    tracking_code: str
    idem_token: str
    phone_bidx: str
    sealed: bytes


class ComplaintIntake:
    """The intake file: ``accept`` returns once the entry is durable; ``take`` / ``done`` / ``fail`` are the
    drainer's side; ``find``, ``lookup`` and the counts serve the form while entries wait."""

    def __init__(self, path: Path, *, wait_s: float = 10.0) -> None:
        self.path = path
        self.wait_s = wait_s
        self.arrived = threading.Event()  # set by every accept: wakes the drainer
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            try:
                if self._conn is None:
                    private_file(self.path)
                    conn = sqlite3.connect(
                        self.path, timeout=self.wait_s, isolation_level=None, check_same_thread=False
                    )
                    conn.execute("PRAGMA journal_mode=WAL")
                    conn.execute("PRAGMA synchronous=FULL")
                    for statement in SCHEMA:
                        conn.execute(statement)
                    self._conn = conn
                yield self._conn
            except sqlite3.Error as exc:
                if self._conn is not None:
                    self._conn.close()
                    self._conn = None
                raise Busy(f"complaint intake unavailable: {exc}") from exc

    def accept(
        self,
        *,
        received_at: datetime,
        tracking_code: str,
        idem_token: str,
        phone_bidx: str,
        client_key: str,
        sealed: bytes,
    ) -> str:
        """Write the entry durably (fsync) and return its tracking code — the first one's, when this form
        token is already here (a resend). ``Busy`` when the file cannot take it."""
        with self._connection() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                row = conn.execute(
                    "SELECT tracking_code FROM entries WHERE idem_token = ?", (idem_token,)
                ).fetchone()
                if row is None:
                    conn.execute(
                        "INSERT INTO entries (received_at, tracking_code, idem_token, phone_bidx, client_key,"
                        " sealed) VALUES (?, ?, ?, ?, ?, ?)",
                        (received_at.isoformat(), tracking_code, idem_token, phone_bidx, client_key, sealed),
                    )
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        self.arrived.set()
        return tracking_code if row is None else str(row[0])

    def find(self, idem_token: str) -> tuple[str, str] | None:
        """(tracking code, phone blind index) of the entry sent with this form token."""
        with self._connection() as conn:
            row = conn.execute(
                "SELECT tracking_code, phone_bidx FROM entries WHERE idem_token = ?", (idem_token,)
            ).fetchone()
        return None if row is None else (str(row[0]), str(row[1]))

    def lookup(self, tracking_code: str) -> tuple[str, datetime] | None:
        """(phone blind index, received at) of the waiting entry with this tracking code."""
        with self._connection() as conn:
            row = conn.execute(
                "SELECT phone_bidx, received_at FROM entries WHERE tracking_code = ?", (tracking_code,)
            ).fetchone()
        return None if row is None else (str(row[0]), datetime.fromisoformat(row[1]))

    def count_since(
        self, *, since: datetime, phone_bidx: str | None = None, client_key: str | None = None
    ) -> int:
        """Entries received since ``since`` from this phone (or client address)."""
        column, value = ("phone_bidx", phone_bidx) if phone_bidx is not None else ("client_key", client_key)
        with self._connection() as conn:
            row = conn.execute(
                f"SELECT count(*) FROM entries WHERE {column} = ? AND received_at >= ?",
                (value, since.isoformat()),
            ).fetchone()
        return int(row[0])

    def take(self, limit: int) -> list[Queued]:
        """The oldest entries not given up on."""
        with self._connection() as conn:
            rows = conn.execute(
                "SELECT id, received_at, tracking_code, idem_token, phone_bidx, sealed FROM entries"
                " WHERE attempts < ? ORDER BY id LIMIT ?",
                (MAX_ATTEMPTS, limit),
            ).fetchall()
        return [
            Queued(int(i), datetime.fromisoformat(at), str(code), str(token), str(bidx), bytes(sealed))
            for i, at, code, token, bidx, sealed in rows
        ]

    def done(self, entry_id: int) -> None:
        with self._connection() as conn:
            conn.execute("DELETE FROM entries WHERE id = ?", (entry_id,))

    def fail(self, entry_id: int, error: str, *, permanent: bool) -> None:
        """Count a failed attempt (``permanent``: give up at once); the entry stays in the file."""
        attempts = f"{MAX_ATTEMPTS}" if permanent else "attempts + 1"
        with self._connection() as conn:
            conn.execute(
                f"UPDATE entries SET attempts = {attempts}, error = ? WHERE id = ?", (error[:500], entry_id)
            )

    def pending(self) -> int:
        with self._connection() as conn:
            row = conn.execute("SELECT count(*) FROM entries WHERE attempts < ?", (MAX_ATTEMPTS,)).fetchone()
        return int(row[0])

    def stuck(self) -> int:
        with self._connection() as conn:
            row = conn.execute("SELECT count(*) FROM entries WHERE attempts >= ?", (MAX_ATTEMPTS,)).fetchone()
        return int(row[0])

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
