"""A write that cannot get its lock in time (a long import holds it) answers 503 with Retry-After, not 500.

Found on main: a staff write behind a long SQLite import waited 30 s, then ``database is locked`` became a 500
(PostgreSQL: a ``lock_timeout`` the same). Each database's lock wait is shortened here by a ``connect``
listener, so the test waits a fraction of a second; the held lock is real, taken by another connection.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, func, select
from tests.locks import lock_held

from wageguard.attendance.models import Device
from wageguard.db import Database
from wageguard.registry.choices import Role
from wageguard.registry.models import Project


@pytest.fixture
def short_lock_wait(db: Database) -> None:
    """The app's connections give up on a held lock after 200 ms (instead of 30 s)."""

    def shorten(dbapi_conn: Any, _record: Any) -> None:
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA busy_timeout=200" if db.is_sqlite else "SET lock_timeout = '200ms'")
        cur.close()
        if not db.is_sqlite:
            dbapi_conn.commit()  # a SET inside a transaction that is rolled back would be undone

    db.engine.dispose()  # connections made from now on get the listener
    event.listen(db.engine, "connect", shorten)


def _code(db: Database, project_id: int) -> str:
    with db.sessions() as s:
        project = s.get(Project, project_id)
        assert project is not None
        return project.project_code


def _devices(db: Database) -> int:
    with db.sessions() as s:
        return int(s.scalar(select(func.count()).select_from(Device)) or 0)


def test_a_write_behind_a_held_lock_is_503_stores_nothing_and_succeeds_once_released(
    client: TestClient, db: Database, city: Any, make_user: Any, login: Any, short_lock_wait: None
) -> None:
    make_user("root", Role.ADMIN)
    headers = login("root")
    body = {
        "vendor": "zkteco",
        "serial": "GATE-BUSY",
        "project_code": _code(db, city["pa1"]),
        "secret": "s3cret-enough",
    }
    with lock_held(db, "LOCK TABLE devices IN ACCESS EXCLUSIVE MODE"):  # as a long import would
        r = client.post("/api/v1/devices", json=body, headers=headers)
    assert r.status_code == 503, r.text
    assert r.headers["retry-after"] == "30"
    answer = r.json()
    assert answer["error"] == "Busy" and "繁忙" in answer["message_zh"] and "busy" in answer["message"]
    assert _devices(db) == 0
    assert client.post("/api/v1/devices", json=body, headers=headers).status_code == 201
    assert _devices(db) == 1
