"""Held locks and bounded answers, for the tests that show a request is not stopped by a long writer.

``lock_held`` takes, from another connection, what a long import holds: SQLite's write lock
(``BEGIN IMMEDIATE``, until rollback) or, on PostgreSQL, whatever ``pg_statement`` locks (a table in
``EXCLUSIVE`` mode, a row ``FOR UPDATE``). ``answered`` runs one call in its own thread and fails unless
it returns within ``WAIT_S`` — a frozen request would wait SQLite's 30 s ``busy_timeout`` (PostgreSQL: for
ever).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import text

from wageguard.db import Database

WAIT_S = 20


@contextmanager
def lock_held(db: Database, pg_statement: str, params: dict[str, Any] | None = None) -> Iterator[None]:
    if db.is_sqlite:
        holder = sqlite3.connect(db.engine.url.database or "", isolation_level=None, check_same_thread=False)
        holder.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        return
    with db.engine.connect() as conn:
        conn.execute(text(pg_statement), params or {})
        try:
            yield
        finally:
            conn.rollback()


def answered(call: Callable[[], Any], what: str = "request") -> Any:
    """``call()``'s result, from its own thread; re-raises what it raised; fails past ``WAIT_S``."""
    out: dict[str, Any] = {}
    done = threading.Event()

    def run() -> None:
        try:
            out["response"] = call()
        except BaseException as exc:  # re-raised below, in the test's thread
            out["error"] = exc
        finally:
            done.set()

    threading.Thread(target=run, daemon=True).start()
    assert done.wait(WAIT_S), f"the {what} did not answer while the lock was held"
    if "error" in out:
        raise out["error"]
    return out["response"]
