"""Complaint test fixtures: a project in 碧江区 (520602), valid form data, a form-submitting client."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.factories import LABOUR_SUB, OWNER, id_number, make_enterprise, make_region_project

from wageguard.db import Database
from wageguard.registry.models import ProjectParticipant

COUNTY = "520602"  # 碧江区, 铜仁市
OTHER_COUNTY = "520603"  # 万山区


@dataclass(frozen=True)
class SiteProject:
    id: int
    code: str
    name: str
    region_code: str


def _project(db: Database, region: str, name: str) -> SiteProject:
    with db.transaction() as session:
        project, _gc = make_region_project(session, region, name=name)
        sub = make_enterprise(session, name=f"{name}劳务分包有限公司", region_code=region)
        owner = make_enterprise(session, name=f"{name}建设单位", region_code=region)
        session.add(ProjectParticipant(project_id=project.id, enterprise_id=sub.id, corp_type=LABOUR_SUB))
        session.add(ProjectParticipant(project_id=project.id, enterprise_id=owner.id, corp_type=OWNER))
        return SiteProject(project.id, project.project_code, project.name, project.region_code)


@pytest.fixture
def site(db: Database) -> SiteProject:
    return _project(db, COUNTY, "碧江新城安置房一期")


@pytest.fixture
def other_site(db: Database) -> SiteProject:
    return _project(db, OTHER_COUNTY, "万山大道改造工程")


def valid_form(**overrides: str) -> dict[str, str]:
    form = {
        "name": "王建国",
        "id_number": id_number(),
        "phone": "13912345678",
        "bank_card": "",
        "employer": "李姓班组长",
        "work_start": "2026-03-01",
        "work_end": "2026-08-31",
        "months_owed": "3",
        "amount_owed": "15600.50",
        "workers_affected": "4",
        "description": "三月到八月在工地做钢筋工，六到八月工资一直没发。",
    }
    form.update(overrides)
    return form


CSRF_RE = re.compile(r'name="csrf" value="([^"]+)"')
IDEM_RE = re.compile(r'name="idem" value="([^"]+)"')
CODE_RE = re.compile(r'id="tracking-code">(TS[0-9A-Z]{10})<')


class FormClient:
    """Drives the public form like a browser: GET for the tokens, POST the fields (and photos)."""

    def __init__(self, client: TestClient) -> None:
        self.client = client

    def open(self, path: str) -> tuple[str, str]:
        page = self.client.get(path)
        assert page.status_code == 200, page.text
        csrf = CSRF_RE.search(page.text)
        idem = IDEM_RE.search(page.text)
        assert csrf and idem
        return csrf.group(1), idem.group(1)

    def submit(
        self,
        path: str,
        form: dict[str, str],
        *,
        photos: list[tuple[str, bytes, str]] | None = None,
        tokens: tuple[str, str] | None = None,
        **extra: str,
    ) -> Any:
        csrf, idem = tokens or self.open(path)
        data = {**form, "csrf": csrf, "idem": idem, **extra}
        files = [("photos", p) for p in photos] if photos else None
        return self.client.post(path, data=data, files=files)


@pytest.fixture
def form_client(client: TestClient) -> FormClient:
    return FormClient(client)


def tracking_code(html: str) -> str:
    found = CODE_RE.search(html)
    assert found, html[:2000]
    return found.group(1)


def token() -> str:
    return secrets.token_hex(16)


Factory = Callable[..., Any]
