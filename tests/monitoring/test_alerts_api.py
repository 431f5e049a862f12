"""Inspector inbox and lifecycle through HTTP, scoped to the inspector's region."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.monitoring.seed import AS_OF, plant
from tests.monitoring.test_engine_db import SEPT

from wageguard.auth.models import User
from wageguard.config import Settings
from wageguard.db import Database
from wageguard.monitoring.engine import run_monitoring
from wageguard.monitoring.models import Alert
from wageguard.registry.choices import Role
from wageguard.security.crypto import Protector


@pytest.fixture
def monitored(db: Database, settings: Settings, protector: Protector) -> None:
    """The seeded faults, and the alerts one engine run raises for them."""
    with db.transaction() as s:
        plant(s, protector)
    run_monitoring(db=db, settings=settings, as_of=AS_OF, months=SEPT)


def test_inspector_sees_own_region_and_handles_an_alert(
    client: TestClient,
    db: Database,
    settings: Settings,
    monitored: None,
    make_user: Callable[..., Any],
    login: Callable[[str], dict[str, str]],
) -> None:
    make_user("bijiang", Role.INSPECTOR, region_code="520602")
    make_user("wanshan", Role.INSPECTOR, region_code="520603")
    mine, other = login("bijiang"), login("wanshan")
    inbox = client.get("/api/v1/alerts", params={"level": "red", "rule": "W06"}, headers=mine).json()
    assert inbox["total"] == 1
    alert_id = inbox["items"][0]["id"]
    assert client.get("/api/v1/alerts", headers=other).json()["total"] == 0
    assert client.get(f"/api/v1/alerts/{alert_id}", headers=other).status_code == 404
    detail = client.get(f"/api/v1/alerts/{alert_id}", headers=mine).json()
    assert detail["evidence"]["head_count"] == 1 and detail["history"][0]["action"] == "raised"
    (line,) = client.get(f"/api/v1/alerts/{alert_id}/workers", headers=mine).json()["items"]
    assert line["evidence"]["status"] == "unpaid" and line["name"] == "工人11"
    url = f"/api/v1/alerts/{alert_id}/actions"
    assert client.post(url, json={"action": "acknowledged"}, headers=mine).json()["status"] == "acknowledged"
    assert client.post(url, json={"action": "acknowledged"}, headers=mine).status_code == 409
    assert client.post(url, json={"action": "resolved"}, headers=mine).status_code == 422
    done = client.post(url, json={"action": "resolved", "note": "已责令补发"}, headers=mine).json()
    assert done["status"] == "resolved"
    again = run_monitoring(db=db, settings=settings, as_of=AS_OF, months=SEPT)
    assert again.reopened == 0


def test_an_alert_is_assigned_only_to_an_active_inspector_of_its_region(
    client: TestClient,
    db: Database,
    monitored: None,
    make_user: Callable[..., Any],
    login: Callable[[str], dict[str, str]],
) -> None:
    me = make_user("bijiang", Role.INSPECTOR, region_code="520602")
    colleague = make_user("bijiang2", Role.INSPECTOR, region_code="520602")
    outsider = make_user("wanshan", Role.INSPECTOR, region_code="520603")
    departed = make_user("bijiang-old", Role.INSPECTOR, region_code="520602")
    with db.transaction() as s:
        s.get(User, departed.user_id).is_active = False  # type: ignore[union-attr]
    headers = login("bijiang")
    alert_id = client.get("/api/v1/alerts", params={"rule": "W06"}, headers=headers).json()["items"][0]["id"]
    url = f"/api/v1/alerts/{alert_id}/actions"
    for wrong in (outsider.user_id, departed.user_id, 999_999):
        r = client.post(
            url, json={"action": "assigned", "assignee_user_id": wrong, "assignee_name": "x"}, headers=headers
        )
        assert r.status_code == 422, r.text
        assert r.json()["problems"][0]["field"] == "assignee_user_id"
    r = client.post(url, json={"action": "assigned", "assignee_user_id": colleague.user_id}, headers=headers)
    assert r.status_code == 200, r.text
    detail = client.get(f"/api/v1/alerts/{alert_id}", headers=headers).json()
    assert detail["status"] == "open" and me.user_id != colleague.user_id
    with db.sessions() as s:
        alert = s.get(Alert, alert_id)
        assert alert is not None and alert.assignee_user_id == colleague.user_id
        assert alert.assignee_name  # the colleague's display name when none was given
