"""NUL and other control characters are refused at the HTTP edge with a bilingual 422, on every database.

On PostgreSQL a NUL in a lookup value reached the database and failed there (a 500 found by the OpenAPI
fuzz: ``POST /api/v1/devices`` with ``project_code="\\u0000"``); on SQLite it was stored and later broke the
XLSX exports.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from wageguard.attendance.models import Device
from wageguard.registry.choices import Role


@pytest.fixture
def admin(make_user: Any, login: Any) -> dict[str, str]:
    make_user("root", Role.ADMIN)
    headers: dict[str, str] = login("root")
    return headers


def _control_problem(r: Any, field: str, row: int | str | None = None) -> dict[str, Any]:
    """The problem is located like every validation problem: row (list positions) and field."""
    assert r.status_code == 422, r.text
    body = r.json()
    assert "控制字符" in body["message_zh"] and "control character" in body["message"]
    found = [p for p in body["problems"] if (p["row"], p["field"]) == (row, field)]
    assert found and found[0]["code"] == "text.control", body["problems"]
    assert "控制字符" in found[0]["message_zh"] and "control character" in found[0]["message_en"]
    return found[0]


def _devices(db: Any) -> int:
    with db.sessions() as s:
        return int(s.scalar(select(func.count()).select_from(Device)) or 0)


@pytest.mark.parametrize("bad", ["\x00", "52\x0006", "x\x1by", "\x7f"])
def test_a_json_body_with_a_control_character_is_refused_and_nothing_is_stored(
    client: TestClient, db: Any, city: Any, admin: dict[str, str], bad: str
) -> None:
    body = {"vendor": "zkteco", "serial": "GATE001", "project_code": bad, "secret": "s3cret-enough"}
    r = client.post("/api/v1/devices", json=body, headers=admin)
    _control_problem(r, "project_code")
    assert _devices(db) == 0


def test_nested_json_strings_and_keys_are_checked(
    client: TestClient, city: Any, admin: dict[str, str]
) -> None:
    batch = {"projectCode": "P1", "list": [{"idCardNumber": "1", "note": ["ok", "bad\x00"]}]}
    r = client.post("/api/v1/attendance/batch", json=batch, headers=admin)
    _control_problem(r, "note", "1.2")
    r = client.post("/api/v1/attendance/batch", json={"projectCode": "P1", "bad\x00key": 1}, headers=admin)
    _control_problem(r, "(body)")


def test_query_and_path_parameters_with_a_control_character_are_refused(
    client: TestClient, city: Any, admin: dict[str, str]
) -> None:
    r = client.get("/api/v1/attendance/sheet", params={"project": "P\x00", "month": "2026-10"}, headers=admin)
    _control_problem(r, "project")
    r = client.put("/api/v1/devices/GATE%00001/account", json={"account": "gate"}, headers=admin)
    _control_problem(r, "serial")


def test_a_page_form_with_a_control_character_is_refused(client: TestClient, make_user: Any) -> None:
    make_user("clerk", Role.ADMIN)
    found = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text)
    assert found is not None
    token = found.group(1)
    data = {"username": "clerk\x00", "password": "pw-clerk", "csrf": token}
    r = client.post("/login", data=data, follow_redirects=False, headers={"accept": "application/json"})
    _control_problem(r, "username")


def test_tabs_and_newlines_are_ordinary_text(client: TestClient, city: Any, admin: dict[str, str]) -> None:
    body = {"vendor": "zkteco", "serial": "GATE001", "project_code": "NO-SUCH\tCODE\n", "secret": "s3cret-x"}
    r = client.post("/api/v1/devices", json=body, headers=admin)
    assert r.status_code != 422 or all(p["code"] != "text.control" for p in r.json().get("problems", []))
    assert r.status_code < 500
