"""A month's facts, and an owed-wages answer over many months, are read over one database connection.

Opening an ADBC connection to PostgreSQL costs tens of milliseconds; ``GET /projects/{id}/owed-wages`` for 23
months opened 166 of them (14 s, past the OpenAPI fuzz's 10 s read timeout). On SQLite the reads go through
the engine's own pool and nothing is opened.
"""

from __future__ import annotations

from typing import Any

import pytest
from tests.monitoring.seed import AS_OF, plant

from wageguard.auth.scope import SYSTEM
from wageguard.config import Settings
from wageguard.db import Database
from wageguard.monitoring import arrow_io
from wageguard.monitoring.calendar import months_back, parse_month
from wageguard.monitoring.engine import run_monitoring
from wageguard.monitoring.queries import project_owes
from wageguard.security.crypto import Protector


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The ADBC connections opened during the test."""
    calls: list[str] = []
    real = arrow_io._open

    def counting(uri: str) -> Any:
        calls.append(uri)
        return real(uri)

    monkeypatch.setattr(arrow_io, "_open", counting)
    return calls


def test_owed_wages_over_two_years_opens_at_most_one_connection(
    db: Database, settings: Settings, protector: Protector, opened: list[str], backend: str
) -> None:
    with db.transaction() as s:
        ids = plant(s, protector)
    with db.sessions() as s:
        rows = project_owes(
            db_engine=db.engine,
            session=s,
            principal=SYSTEM,
            project_id=ids["faulty"],
            months=months_back(AS_OF, 23),
            as_of=AS_OF,
            settings=settings,
        )
    assert len(rows) == 23 and any(r["owed_fen"] for r in rows)
    assert len(opened) == (1 if backend == "postgresql" else 0)


def test_a_monitoring_run_reads_over_one_connection(
    db: Database, settings: Settings, protector: Protector, opened: list[str], backend: str
) -> None:
    with db.transaction() as s:
        plant(s, protector)
    months = [parse_month("2026-08"), parse_month("2026-09")]
    run_monitoring(db=db, settings=settings, as_of=AS_OF, months=months)  # the mirror built, then read
    assert len(opened) == (1 if backend == "postgresql" else 0)
