"""Inspectors act on alerts and cases only inside their region, over the API and the pages' act forms."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.security import write_scope_world
from tests.security.write_scope_world import WriteWorld

from wageguard.complaints.models import Complaint, ComplaintEvent
from wageguard.db import Database
from wageguard.monitoring.models import Alert, AlertEvent

write_world = write_scope_world.write_world  # the fixture


def _alert_state(db: Database, alert_id: int) -> tuple[str, int]:
    with db.sessions() as s:
        alert = s.get(Alert, alert_id)
        assert alert is not None
        events = len(list(s.scalars(select(AlertEvent.id).where(AlertEvent.alert_id == alert_id))))
        return alert.status, events


def _case_state(db: Database, case_id: int) -> tuple[str, int]:
    with db.sessions() as s:
        case = s.get(Complaint, case_id)
        assert case is not None
        events = len(list(s.scalars(select(ComplaintEvent.id).where(ComplaintEvent.complaint_id == case_id))))
        return case.state, events


def test_an_inspector_of_another_county_cannot_act_on_an_alert(client, db, login, write_world: WriteWorld):
    alert_id, before = write_world.a.alert_id, _alert_state(db, write_world.a.alert_id)
    for body in ({"action": "acknowledged"}, {"action": "assigned", "assignee_name": "外县监察员"}):
        r = client.post(f"/api/v1/alerts/{alert_id}/actions", json=body, headers=login("insp_b"))
        assert r.status_code == 404, r.text
    assert _alert_state(db, alert_id) == before
    r = client.post(
        f"/api/v1/alerts/{alert_id}/actions", json={"action": "acknowledged"}, headers=login("insp_a")
    )
    assert r.status_code == 200 and r.json()["status"] == "acknowledged"


def test_an_inspector_of_another_county_cannot_act_on_or_reveal_a_case(
    client, db, login, write_world: WriteWorld
):
    case_id, before = write_world.a.case_id, _case_state(db, write_world.a.case_id)
    headers = login("insp_b")
    for body in ({"action": "accept"}, {"action": "not_accept", "reason": "越权"}):
        assert client.post(f"/api/v1/cases/{case_id}/actions", json=body, headers=headers).status_code == 404
    reveal = client.post(
        f"/api/v1/cases/{case_id}/reveal", json={"reason": "核实身份 / verify"}, headers=headers
    )
    assert reveal.status_code == 404
    assert _case_state(db, case_id) == before
    r = client.post(f"/api/v1/cases/{case_id}/actions", json={"action": "accept"}, headers=login("insp_a"))
    assert r.status_code == 200, r.text


def _page_login(client: TestClient, username: str) -> None:
    """Log in through the login form as a browser does (with the form's CSRF token when it has one)."""
    client.cookies.clear()
    found = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text)
    data = {"username": username, "password": f"pw-{username}"} | ({"csrf": found.group(1)} if found else {})
    r = client.post("/login", data=data, follow_redirects=False)
    assert r.status_code == 303, r.text


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


def test_the_act_forms_refuse_another_countys_alert_and_case(client, db, write_world: WriteWorld):
    a, b = write_world.a, write_world.b
    alert_before, case_before = _alert_state(db, a.alert_id), _case_state(db, a.case_id)
    _page_login(client, "insp_b")
    token = _csrf(client.get(f"/alerts/{b.alert_id}").text)  # a valid token of insp_b's own session
    r = client.post(f"/alerts/{a.alert_id}/act", data={"action": "acknowledged", "csrf": token})
    assert r.status_code == 404
    token = _csrf(client.get(f"/cases/{b.case_id}").text)
    r = client.post(f"/cases/{a.case_id}/act", data={"action": "accept", "csrf": token})
    assert r.status_code == 404
    assert (_alert_state(db, a.alert_id), _case_state(db, a.case_id)) == (alert_before, case_before)
    # the same forms work on the inspector's own county
    r = client.post(
        f"/cases/{b.case_id}/act", data={"action": "accept", "csrf": token}, follow_redirects=False
    )
    assert r.status_code == 303
