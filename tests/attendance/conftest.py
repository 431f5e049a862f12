"""A small site for attendance tests: one project, one team, three workers, a ZKTeco and a Hikvision gate."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from tests.factories import id_number, make_region_project, make_team, make_worker

from wageguard.attendance.choices import Vendor
from wageguard.attendance.devices import enrol_worker, register_device
from wageguard.attendance.models import Punch, WorkerDay, WorkerMonth
from wageguard.attendance.schemas import DeviceIn
from wageguard.attendance.store import IngestOptions
from wageguard.auth.scope import SYSTEM
from wageguard.db import Database
from wageguard.security.crypto import Protector

ZK_SN = "ZK0001TEST"
HIK_SN = "HIK0001TEST"
KEY = "gate-secret-1"
# Wide windows so fixed 2026 test dates are never flagged as clock skew, whatever today is.
OPTIONS = IngestOptions(future_tolerance=timedelta(days=3650), past_window=timedelta(days=3650))


@dataclass
class Site:
    project_id: int
    project_code: str
    team_sys_no: str
    worker_ids: list[int]
    id_numbers: list[str]
    names: list[str]
    pins: dict[str, int] = field(default_factory=dict)


@pytest.fixture
def site(db: Database, protector: Protector) -> Site:
    return build_site(db, protector)


def build_site(db: Database, protector: Protector) -> Site:
    """The small site (also used by tests outside this folder)."""
    with db.transaction() as s:
        project, gc = make_region_project(s, "520602", name="碧江测试工地")
        team = make_team(s, project=project, enterprise=gc, name="钢筋班")
        numbers = [id_number() for _ in range(3)]
        workers = [
            make_worker(s, protector, project=project, team=team, name=name, number=n)
            for name, n in zip(["张三", "李四", "王五"], numbers, strict=True)
        ]
        for sn, vendor in ((ZK_SN, Vendor.ZKTECO), (HIK_SN, Vendor.HIKVISION)):
            register_device(
                session=s,
                principal=SYSTEM,
                data=DeviceIn(
                    vendor=vendor, serial=sn, project_code=project.project_code, gate="东门", secret=KEY
                ),
            )
        pins = {}
        for i, w in enumerate(workers[:2]):
            pin = f"{1001 + i}"
            enrol_worker(session=s, principal=SYSTEM, serial=ZK_SN, worker_id=w.id, pin=pin)
            enrol_worker(session=s, principal=SYSTEM, serial=HIK_SN, worker_id=w.id, pin=pin)
            pins[pin] = w.id
        return Site(
            project.id,
            project.project_code,
            team.team_sys_no,
            [w.id for w in workers],
            numbers,
            [w.name for w in workers],
            pins,
        )


@pytest.fixture
def app_options(app):  # type: ignore[no-untyped-def]
    """Make the app's device receivers use the wide test skew window."""
    app.state.ingest_options = OPTIONS
    return OPTIONS


def count(db: Database, model: type) -> int:
    with db.sessions() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def punches(db: Database) -> list[Punch]:
    with db.sessions() as s:
        return list(s.scalars(select(Punch).order_by(Punch.punched_at, Punch.id)))


def worker_days(db: Database) -> list[WorkerDay]:
    with db.sessions() as s:
        return list(s.scalars(select(WorkerDay).order_by(WorkerDay.worker_id, WorkerDay.work_date)))


def worker_months(db: Database) -> list[WorkerMonth]:
    with db.sessions() as s:
        return list(s.scalars(select(WorkerMonth).order_by(WorkerMonth.worker_id, WorkerMonth.month)))


@pytest.fixture
def attendance_server(app, app_options):  # type: ignore[no-untyped-def]
    """The app served by uvicorn on a free port (real HTTP, for the emulator CLI), with the intake drainer
    ``serve`` runs (tests still ``drain`` before they look, so nothing depends on its timing)."""
    import uvicorn
    from tests.live_server import running_server

    from wageguard.attendance.intake import IntakeDrainer
    from wageguard.web.iclock import intake_of, options_of

    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning")
    drainer = IntakeDrainer(db=app.state.db, intake=intake_of(app), options=options_of(app)).start()
    try:
        with running_server(config) as url:
            yield url
    finally:
        drainer.stop()


def drain(app) -> None:  # type: ignore[no-untyped-def]
    """Store everything the app's device receivers acknowledged (what `serve`'s drainer does)."""
    from wageguard.attendance.intake import drain_intake
    from wageguard.web.iclock import intake_of, options_of

    drain_intake(db=app.state.db, intake=intake_of(app), options=options_of(app))
