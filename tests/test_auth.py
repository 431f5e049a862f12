"""Login and tokens through the HTTP API."""

from __future__ import annotations

from wageguard.registry.choices import Role


def test_login_gives_a_token_that_identifies_the_user(client, make_user, login):
    make_user("insp1", Role.INSPECTOR, region_code="520602")
    me = client.get("/api/v1/auth/me", headers=login("insp1"))
    assert me.status_code == 200
    assert me.json() == {
        "username": "insp1",
        "role": "inspector",
        "region_code": "520602",
        "enterprise_id": None,
    }


def test_wrong_password_is_refused_in_chinese(client, make_user):
    make_user("admin1")
    r = client.post("/api/v1/auth/token", json={"username": "admin1", "password": "nope"})
    assert r.status_code == 401
    assert r.json()["message_zh"] == "用户名或密码错误"


def test_api_without_token_is_unauthenticated(client):
    assert client.get("/api/v1/auth/me").status_code == 401
    assert client.get("/api/v1/auth/me", headers={"Authorization": "Bearer forged"}).status_code == 401


def test_regions_are_seeded_with_tongren_counties(db):
    from sqlalchemy import select

    from wageguard.registry.models import Region

    with db.sessions() as s:
        counties = s.scalars(select(Region.name).where(Region.parent_code == "520600")).all()
    assert len(counties) == 10
    assert "碧江区" in counties and "松桃苗族自治县" in counties


def test_malformed_requests_get_the_bilingual_error_shape(client, make_user, login):
    make_user("adm")
    r = client.post("/api/v1/auth/token", json={"username": "adm"})
    assert r.status_code == 422
    body = r.json()
    assert body["message_zh"] == "输入有误"
    assert [(p["field"], p["code"], p["message_zh"], p["message_en"]) for p in body["problems"]] == [
        ("password", "missing", "缺少必填字段", "Field required")
    ]
    assert body["detail"][0]["loc"] == ["body", "password"]
