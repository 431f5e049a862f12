"""The scheduler of ``wageguard serve`` runs the engine soon after each committed import, and only then."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select
from tests.ingest.factories import corp_row

from wageguard.events import announce_import, listen_imports
from wageguard.monitoring.models import MonitorRun
from wageguard.monitoring.scheduler import MonitorScheduler


def _import_triggered_runs(db) -> list[str]:  # type: ignore[no-untyped-def]
    """Statuses of finished runs the scheduler started because of an import."""
    with db.sessions() as s:
        query = select(MonitorRun.status).where(
            MonitorRun.trigger == "import", MonitorRun.status != "running"
        )
        return list(s.scalars(query))


def _wait_for_run(db, seconds: float = 15.0) -> list[str]:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        runs = _import_triggered_runs(db)
        if runs:
            return runs
        time.sleep(0.05)
    return []


@pytest.fixture
def scheduler(db, settings):  # type: ignore[no-untyped-def]
    running = MonitorScheduler(db, settings, debounce_s=0.05)
    running.start()
    yield running
    running.stop()


def test_an_accepted_import_over_http_triggers_one_engine_run(scheduler, client, make_user, login, db):
    make_user("adm")
    r = client.post("/api/v1/imports/Corp", headers=login("adm"), json=[corp_row(1)])
    assert r.status_code == 200, r.text
    assert _wait_for_run(db) == ["done"]


def test_a_rejected_import_triggers_nothing(scheduler, client, make_user, login, db):
    make_user("adm")
    r = client.post("/api/v1/imports/Corp", headers=login("adm"), json=[{"corpCode": "bad"}])
    assert r.status_code == 422
    time.sleep(0.5)
    assert _import_triggered_runs(db) == []


def test_a_stopped_scheduler_no_longer_listens_and_a_failing_listener_is_contained(db, settings):
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
    time.sleep(0.3)
    assert _import_triggered_runs(db) == []
