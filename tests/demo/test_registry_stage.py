"""The registry stage: a small city imports completely through the real path; reruns change nothing."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text

from wageguard.config import Settings
from wageguard.db import Database
from wageguard.demo.registry_stage import registry_stage
from wageguard.demo.stages import DemoContext, all_stages
from wageguard.demo.users import DEMO_LOGINS
from wageguard.registry.models import (
    BankCard,
    Enterprise,
    LabourContract,
    Project,
    ProjectParticipant,
    ProjectWorker,
    Team,
    Worker,
    WorkerEntryExit,
)
from wageguard.security.crypto import Protector, mask

PROJECTS, WORKERS = 3, 150
TABLES = ("enterprises", "projects", "project_participants", "teams", "workers", "project_workers",
          "worker_entry_exits", "labour_contracts", "bank_cards", "users")  # fmt: skip


@pytest.fixture
def ctx(db: Database, protector: Protector, settings: Settings, tmp_path: Path) -> DemoContext:
    return DemoContext(
        db=db,
        protector=protector,
        settings=settings,
        out_dir=tmp_path / "demo",
        projects=PROJECTS,
        workers=WORKERS,
        as_of=date(2026, 11, 28),
        log=lambda _line: None,
    )


def _count(db: Database, model: Any) -> int:
    with db.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def _snapshot(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    with db.engine.connect() as conn:
        return {
            t: sorted(tuple(r) for r in conn.execute(text(f'SELECT * FROM "{t}" ORDER BY id')))
            for t in TABLES
        }


def test_the_registry_stage_is_the_first_demo_stage() -> None:
    assert all_stages()[0] == ("registry", registry_stage)


def test_a_small_city_imports_completely_through_the_real_path(ctx: DemoContext, db: Database) -> None:
    registry_stage(ctx)
    rows = {name: info["rows"] for name, info in ctx.truth["registry"]["imported"].items()}
    assert rows["Project"] == _count(db, Project) == PROJECTS
    assert rows["ProjectWorker"] == _count(db, ProjectWorker) == _count(db, Worker) == WORKERS
    assert _count(db, BankCard) == WORKERS
    assert rows["Corp"] == _count(db, Enterprise)
    assert rows["ProjectSubContractor"] == _count(db, ProjectParticipant)
    assert rows["Team"] == _count(db, Team)
    assert rows["WorkerEntryExit"] == _count(db, WorkerEntryExit)
    assert rows["WorkerContract"] == _count(db, LabourContract) == WORKERS
    with db.sessions() as session:
        assert set(session.scalars(select(Project.region_code))) <= {f"5206{c:02d}" for c in range(100)}
        assert session.scalar(select(func.count()).where(ProjectWorker.entry_date.is_(None))) == 0
    _assert_personal_numbers_encrypted_and_masked(ctx, db)


def _assert_personal_numbers_encrypted_and_masked(ctx: DemoContext, db: Database) -> None:
    with Path(ctx.truth["registry"]["files"]["ProjectWorker"]).open(encoding="utf-8", newline="") as fh:
        numbers = {row["idCardNumber"] for row in csv.DictReader(fh)}
    with db.sessions() as session:
        workers = session.scalars(select(Worker).order_by(Worker.id).limit(20)).all()
    for worker in workers:
        number = ctx.protector.decrypt(worker.id_enc)
        assert number in numbers
        assert number.encode() not in worker.id_enc
        assert worker.id_masked == mask(number)
        assert worker.id_bidx == ctx.protector.blind_index(number)


def test_rerunning_the_registry_stage_changes_nothing(ctx: DemoContext, db: Database) -> None:
    registry_stage(ctx)
    before = _snapshot(db)
    registry_stage(ctx)
    assert _snapshot(db) == before
    again = ctx.truth["registry"]["imported"]
    assert all(info["inserted"] == 0 for info in again.values())


def test_the_demo_logins_work_with_their_printed_passwords(ctx: DemoContext, client: TestClient) -> None:
    registry_stage(ctx)
    printed = {login["username"]: login["password"] for login in ctx.truth["logins"]}
    assert printed == {login.username: login.password for login in DEMO_LOGINS}
    for username, password in printed.items():
        response = client.post("/api/v1/auth/token", json={"username": username, "password": password})
        assert response.status_code == 200, (username, response.text)
