"""Inspector inbox and lifecycle through HTTP, scoped to the inspector's region."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from tests.monitoring.seed import AS_OF, plant
from tests.monitoring.test_engine_db import SEPT

from wageguard.config import Settings
from wageguard.db import Database
from wageguard.monitoring.engine import run_monitoring
from wageguard.registry.choices import Role
from wageguard.security.crypto import Protector


def test_inspector_sees_own_region_and_handles_an_alert(
    client: TestClient,
    db: Database,
    settings: Settings,
    protector: Protector,
    make_user: Callable[..., Any],
    login: Callable[[str], dict[str, str]],
) -> None:
    with db.transaction() as s:
        plant(s, protector)
    run_monitoring(db=db, settings=settings, as_of=AS_OF, months=SEPT)
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
