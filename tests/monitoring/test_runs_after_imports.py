"""The scheduler of ``wageguard serve`` runs the engine soon after each committed import, and only then.

The tests wait on the scheduler's own signal (``wait_for_runs``, a bounded wait on a condition the scheduler
notifies when a run has finished) and read its ``heard`` count, which the import path raises synchronously
before the HTTP answer: no polling, no sleeps."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select
from tests.ingest.factories import corp_row

from wageguard.config import Settings
from wageguard.db import Database
from wageguard.events import announce_import, listen_imports
from wageguard.monitoring.models import MonitorRun
from wageguard.monitoring.scheduler import MonitorScheduler

RUN_DEADLINE_S = 120.0  # a bound, not a pace: the wait returns as soon as the run has finished


def _import_triggered_runs(db: Database) -> list[str]:
    """Statuses of the runs the scheduler started because of an import."""
    with db.sessions() as s:
        return list(s.scalars(select(MonitorRun.status).where(MonitorRun.trigger == "import")))


@pytest.fixture
def scheduler(db: Database, settings: Settings) -> Iterator[MonitorScheduler]:
    running = MonitorScheduler(db, settings, debounce_s=0.05)
    running.start()
    yield running
    running.stop()


def test_an_accepted_import_over_http_triggers_one_engine_run(scheduler, client, make_user, login, db):  # type: ignore[no-untyped-def]
    make_user("adm")
    r = client.post("/api/v1/imports/Corp", headers=login("adm"), json=[corp_row(1)])
    assert r.status_code == 200, r.text
    assert scheduler.heard == 1
    assert scheduler.wait_for_runs("import", 1, timeout=RUN_DEADLINE_S), "no run within the deadline"
    assert _import_triggered_runs(db) == ["done"]


def test_a_rejected_import_triggers_nothing(scheduler, client, make_user, login, db):  # type: ignore[no-untyped-def]
    make_user("adm")
    r = client.post("/api/v1/imports/Corp", headers=login("adm"), json=[{"corpCode": "bad"}])
    assert r.status_code == 422
    assert scheduler.heard == 0  # the import path announces before it answers; nothing was announced
    assert scheduler.finished == {}
    assert _import_triggered_runs(db) == []


def test_a_stopped_scheduler_no_longer_listens_and_a_failing_listener_is_contained(
    db: Database, settings: Settings
) -> None:
    heard: list[str] = []
    running = MonitorScheduler(db, settings, debounce_s=0.05)
    running.start()
    running.stop()

    def broken(_kind: str) -> None:
        raise RuntimeError("listener bug")

    stop_broken = listen_imports(broken)
    stop_heard = listen_imports(heard.append)
    try:
        announce_import("pay_sheets")  # must not raise although one listener fails
    finally:
        stop_broken()
        stop_heard()
    assert heard == ["pay_sheets"]
    assert running.heard == 0 and running.finished == {}
    assert _import_triggered_runs(db) == []
