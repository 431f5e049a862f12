"""Two enterprises in two counties, registered through the real import path, for the registry-side tests.

- 碧江区 520602: enterprise A (``ent_a``) is general contractor of project ``PA`` with team ``TA``;
- 万山区 520603: enterprise B (``ent_b``) is general contractor of project ``PB`` with team ``TB``.

Worker ``PERSON`` (张三) is registered by enterprise A on ``PA`` with A's phone, address and card.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from tests.ingest.factories import corp_row, make_card, make_uscc, project_row, team_row, unique_id, write_csv

from wageguard.auth.scope import SYSTEM, Principal
from wageguard.config import Settings
from wageguard.db import Database
from wageguard.errors import ImportRejected
from wageguard.ingest.report import ImportReport
from wageguard.ingest.service import import_file
from wageguard.registry.choices import Role
from wageguard.registry.models import Enterprise
from wageguard.security.crypto import Protector

COUNTY_A, COUNTY_B = "520602", "520603"
CORP_A, CORP_B = make_uscc(101, COUNTY_A), make_uscc(202, COUNTY_B)
PERSON = unique_id(7)
PHONE_A, PHONE_B = "13800000001", "13900000002"
ADDRESS_A = "贵州省铜仁市碧江区川硐街道白岩村十二组"
ADDRESS_B = "贵州省铜仁市万山区高楼坪乡夜郎村三组"
CARD_A, CARD_B = make_card(7001), make_card(7002)


def person_row(project: str, corp: str, team: str, **kw: Any) -> dict[str, Any]:
    """A ProjectWorker row of ``PERSON`` with A's contact details unless overridden."""
    return {
        "projectCode": project,
        "corpCode": corp,
        "teamSysNo": team,
        "workerName": "张三",
        "idCardType": "01",
        "idCardNumber": PERSON,
        "workType": "020",
        "workRole": "20",
        "cellPhone": PHONE_A,
        "nation": "汉族",
        "address": ADDRESS_A,
        "payRollBankCardNumber": CARD_A,
        "payRollTopBankCode": "105",
        **kw,
    }


@dataclass
class World:
    users: dict[str, Principal]
    """Principals by username (imports need no stored user); ``login`` stores the user when first used."""
    enterprise_a: int
    enterprise_b: int
    run: Callable[..., ImportReport]
    refuse: Callable[..., dict[str, Any]]
    login: Callable[[str], dict[str, str]]


@pytest.fixture(name="world")
def world_fixture(
    db: Database,
    protector: Protector,
    settings: Settings,
    make_user,
    request: pytest.FixtureRequest,
    tmp_path: Path,
) -> World:  # type: ignore[no-untyped-def]
    counter = iter(range(1_000_000))

    def run(object_name: str, rows: list[dict[str, Any]], actor: Principal = SYSTEM) -> ImportReport:
        path = write_csv(tmp_path / f"{object_name}-{next(counter)}.csv", rows)
        return import_file(
            db=db, protector=protector, object_name=object_name, path=path, actor=actor, settings=settings
        )

    def refuse(object_name: str, rows: list[dict[str, Any]], actor: Principal = SYSTEM) -> dict[str, Any]:
        with pytest.raises(ImportRejected) as exc:
            run(object_name, rows, actor)
        report: dict[str, Any] = exc.value.report
        return report

    run(
        "Corp",
        [
            corp_row(101, corpCode=CORP_A, areaCode=COUNTY_A),
            corp_row(202, corpCode=CORP_B, areaCode=COUNTY_B),
        ],
    )
    run(
        "Project",
        [
            project_row("PA", CORP_A, areaCode=COUNTY_A, linkPhone="13700000003"),
            project_row("PB", CORP_B, areaCode=COUNTY_B),
        ],
    )
    run("Team", [team_row("PA", CORP_A, "TA"), team_row("PB", CORP_B, "TB")])
    with db.sessions() as s:
        ids = dict(s.execute(select(Enterprise.corp_code, Enterprise.id)).all())
    setup: dict[str, tuple[Role, dict[str, Any]]] = {
        "admin": (Role.ADMIN, {}),
        "ent_a": (Role.ENTERPRISE, {"enterprise_id": ids[CORP_A]}),
        "ent_b": (Role.ENTERPRISE, {"enterprise_id": ids[CORP_B]}),
        "insp_a": (Role.INSPECTOR, {"region_code": COUNTY_A}),
    }
    users = {name: Principal(None, name, role, **kw) for name, (role, kw) in setup.items()}
    stored: set[str] = set()

    def log_in(name: str) -> dict[str, str]:
        if name not in stored:
            role, kw = setup[name]
            make_user(name, role, **kw)
            stored.add(name)
        headers: dict[str, str] = request.getfixturevalue("login")(name)
        return headers

    run("ProjectWorker", [person_row("PA", CORP_A, "TA")], users["ent_a"])
    return World(users, ids[CORP_A], ids[CORP_B], run, refuse, log_in)
