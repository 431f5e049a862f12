"""``/projects/{id}/owed-wages`` over HTTP: inspectors in their region and an enterprise on its own projects
see the month table (yuan with separators, the as-of moment to the minute); other enterprises and roles get
the site's 403/404 page; a bad months or as-of value gets a clear 422 page, never raw JSON."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.monitoring.seed import AS_OF, plant
from tests.monitoring.test_alert_pages import log_in
from tests.monitoring.test_engine_db import SEPT

from factories import GC
from wageguard.config import Settings
from wageguard.db import Database
from wageguard.monitoring.engine import run_monitoring
from wageguard.registry.choices import Role
from wageguard.registry.models import Project, ProjectParticipant
from wageguard.security.crypto import Protector


@pytest.fixture
def planted(db: Database, settings: Settings, protector: Protector) -> dict[str, Any]:
    with db.transaction() as s:
        ids = plant(s, protector)
        for key in ("faulty", "clean"):  # each project's contractor takes part in it
            project = s.get(Project, ids[key])
            assert project is not None and project.contractor_id is not None
            s.add(
                ProjectParticipant(project_id=project.id, enterprise_id=project.contractor_id, corp_type=GC)
            )
            ids[f"{key}_enterprise"] = project.contractor_id
    run_monitoring(db=db, settings=settings, as_of=AS_OF, months=SEPT)
    return ids


def _cells(html: str, month: str) -> list[str]:
    row = html.split(f'data-month="{month}"')[1].split("</tr>")[0]
    return re.findall(r'<td class="num">([^<]*)</td>', row)


def test_the_enterprise_sees_its_own_project_only(
    client: TestClient, planted: dict[str, Any], make_user: Any
) -> None:
    log_in(client, make_user, "ent", Role.ENTERPRISE, "520602", enterprise_id=planted["faulty_enterprise"])
    own = client.get(f"/projects/{planted['faulty']}/owed-wages", params={"as_of": AS_OF.isoformat()})
    assert own.status_code == 200 and 'class="answer yes"' in own.text
    assert _cells(own.text, "2026-09") == ["4", "88", "30,000.00", "23,900.00", "1", "6,100.00"]
    assert f"截至 {AS_OF.isoformat()}" in own.text
    other = client.get(f"/projects/{planted['clean']}/owed-wages")
    assert other.status_code == 404
    assert "6,100.00" not in other.text
    log_in(client, make_user, "bank", Role.BANK, "520602", bank_code="ICBC")
    assert client.get(f"/projects/{planted['faulty']}/owed-wages").status_code == 403


def test_as_of_now_is_shown_to_the_minute_and_months_choose_the_rows(
    client: TestClient, planted: dict[str, Any], make_user: Any
) -> None:
    log_in(client, make_user, "bijiang", Role.INSPECTOR, "520602")
    now = client.get(f"/projects/{planted['faulty']}/owed-wages", params={"months": "3"})
    assert now.status_code == 200
    assert re.search(r'id="owed-as-of">截至 \d{4}-\d\d-\d\d \d\d:\d\d<', now.text)
    assert len(re.findall(r'<tr data-month="', now.text)) == 3
    assert '<option value="3" selected>' in now.text
    twelve = client.get(f"/projects/{planted['faulty']}/owed-wages", params={"months": "12", "lang": "en"})
    assert len(re.findall(r'<tr data-month="', twelve.text)) == 12 and "Last 12 months" in twelve.text


@pytest.mark.parametrize(
    ("params", "says"),
    [
        ({"months": "0"}, "月数须为 1 至 24 之间的整数"),
        ({"months": "25"}, "月数须为 1 至 24 之间的整数"),
        ({"months": "abc"}, "月数须为 1 至 24 之间的整数"),
        ({"months": "-3"}, "月数须为 1 至 24 之间的整数"),
        ({"as_of": "2026-13-01"}, "截至日期须为"),
        ({"as_of": "2999-01-01"}, "截至日期须为"),
    ],
)
def test_bad_input_gets_a_clear_page(
    client: TestClient, planted: dict[str, Any], make_user: Any, params: dict[str, str], says: str
) -> None:
    log_in(client, make_user, "bijiang", Role.INSPECTOR, "520602")
    r = client.get(f"/projects/{planted['faulty']}/owed-wages", params=params)
    assert r.status_code == 422 and r.headers["content-type"].startswith("text/html")
    assert says in r.text and 'id="owed-table"' not in r.text
