"""While Redis is unreachable the counters live in the database: logins answer and are still throttled.

Found on main: with ``redis_url`` set and Redis stopped, ``POST /api/v1/auth/token`` answered 500.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from wageguard.config import Settings
from wageguard.db import Database
from wageguard.registry.choices import Role
from wageguard.security.counters import RedisCounterStore
from wageguard.security.models import Counter
from wageguard.web.app import create_app

UNREACHABLE = "redis://127.0.0.1:1/0"  # nothing listens on port 1: the connection is refused at once


@pytest.fixture
def outage_client(settings: Settings, db: Database) -> Any:
    down = settings.model_copy(
        update={"redis_url": UNREACHABLE, "login_free_failures": 0, "login_max_failures": 2}
    )
    with TestClient(create_app(down, db=db)) as client:
        yield client


def _counters(db: Database) -> int:
    with db.sessions() as s:
        return int(s.scalar(select(func.count()).select_from(Counter)) or 0)


def test_a_login_answers_while_redis_is_down(outage_client: TestClient, make_user: Any, db: Database) -> None:
    make_user("clerk", Role.ADMIN)
    r = outage_client.post("/api/v1/auth/token", json={"username": "clerk", "password": "pw-clerk"})
    assert r.status_code == 200, r.text


def test_failed_logins_are_still_counted_and_lock_while_redis_is_down(
    outage_client: TestClient, make_user: Any, db: Database
) -> None:
    make_user("clerk", Role.ADMIN)
    wrong = {"username": "clerk", "password": "not-the-password"}
    answers = [outage_client.post("/api/v1/auth/token", json=wrong).status_code for _ in range(3)]
    assert 500 not in answers and answers[-1] == 429, answers
    assert _counters(db) > 0  # counted in the database
    right = {"username": "clerk", "password": "pw-clerk"}
    assert outage_client.post("/api/v1/auth/token", json=right).status_code == 429  # locked, even so


def test_without_a_fallback_the_outage_is_raised(db: Database) -> None:
    import redis

    store = RedisCounterStore(UNREACHABLE, prefix="wgtest:outage:")
    with pytest.raises(redis.RedisError):
        store.peek("k", now=datetime(2026, 12, 1))
