"""Personal numbers leave the API masked; the clear numbers only through the audited reveal."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from wageguard.audit.models import AuditEntry
from wageguard.registry.choices import Role

MASKED_ID = re.compile(r"^\d{4}\*{10}[\dX]{4}$")
PHONES = ("13800138000", "13900139000", "13700137000", "13612345678")  # as the factories store them


@pytest.fixture
def admin(make_user, login):
    make_user("root", Role.ADMIN)
    return login("root")


def audit_rows(db):
    with db.sessions() as s:
        return s.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()


def test_no_read_response_contains_a_clear_id_card_or_phone_number(client, city, admin):
    paths = [
        "/api/v1/workers",
        f"/api/v1/workers/{city['shared']}",
        f"/api/v1/projects/{city['pa1']}",
        f"/api/v1/projects/{city['pa1']}/workers",
        "/api/v1/teams",
        f"/api/v1/teams/{city['ta']}",
    ]
    for path in paths:
        text = client.get(path, headers=admin).text
        for clear in city.clear_ids.values():
            assert clear not in text and clear[6:14] not in text, path  # not even the birth date
        assert not any(phone in text for phone in PHONES), path
        assert "621700" not in text, path  # card numbers start 6217 00..: only the masked head shows
    workers = client.get("/api/v1/workers", headers=admin).json()["items"]
    assert all(MASKED_ID.match(w["id_masked"]) for w in workers)
    assert all(w["card_masked"].startswith("6217") and "*" in w["card_masked"] for w in workers)
    assert {w["phone_masked"] for w in workers} == {"136****5678"}
    assert audit_rows(client.app.state.db) == []


def test_admin_reveal_returns_clear_numbers_and_is_audited(client, city, admin, db):
    r = client.post(f"/api/v1/workers/{city['wb1']}/reveal", json={"reason": "欠薪投诉核查"}, headers=admin)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["id_number"] == city.clear_ids["wb1"]
    assert body["card_number"].startswith("6217") and len(body["card_number"]) == 19
    [entry] = audit_rows(db)
    assert (entry.actor, entry.action, entry.subject_type, entry.subject_id) == (
        "root",
        "reveal",
        "worker",
        str(city["wb1"]),
    )
    assert entry.detail == {"reason": "欠薪投诉核查", "fields": ["id_number", "card_number", "phone"]}
    assert body["phone"] == "13612345678" and body["address"] is None


def test_each_reveal_writes_its_own_audit_entry(client, city, admin, db):
    for _ in range(2):
        client.post(f"/api/v1/workers/{city['wa1']}/reveal", json={"reason": "核对身份"}, headers=admin)
    assert len(audit_rows(db)) == 2


def test_inspector_may_reveal_inside_the_scope_only(client, city, make_user, login, db):
    make_user("bj", Role.INSPECTOR, region_code="520602")
    headers = login("bj")
    inside = client.post(
        f"/api/v1/workers/{city['wa1']}/reveal", json={"reason": "现场核查"}, headers=headers
    )
    assert inside.status_code == 200 and inside.json()["id_number"] == city.clear_ids["wa1"]
    outside = client.post(
        f"/api/v1/workers/{city['wb1']}/reveal", json={"reason": "现场核查"}, headers=headers
    )
    assert outside.status_code == 404
    assert [e.subject_id for e in audit_rows(db)] == [str(city["wa1"])]


@pytest.mark.parametrize("role", [Role.ENTERPRISE, Role.BANK, Role.DEVICE])
def test_other_roles_may_not_reveal(client, city, make_user, login, db, role):
    make_user("someone", role, enterprise_id=city["eb"] if role is Role.ENTERPRISE else None)
    r = client.post(
        f"/api/v1/workers/{city['wb1']}/reveal", json={"reason": "想看看"}, headers=login("someone")
    )
    assert r.status_code == 403
    assert city.clear_ids["wb1"] not in r.text
    assert audit_rows(db) == []


def test_reveal_needs_a_reason(client, city, admin, db):
    r = client.post(f"/api/v1/workers/{city['wb1']}/reveal", json={"reason": ""}, headers=admin)
    assert r.status_code == 422
    assert client.post(f"/api/v1/workers/{city['wb1']}/reveal", json={}, headers=admin).status_code == 422
    assert audit_rows(db) == []
