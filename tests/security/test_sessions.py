"""Sessions are server-side records: logout, a password change and an admin's "log out everywhere" revoke
them at once; idle and absolute lifetimes hold; tokens are opaque.

Finding on main: after ``POST /logout`` the same token still worked for 12 hours.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text
from tests.security.clock import FakeClock

from wageguard.cli.main import app as cli_app
from wageguard.config import Settings
from wageguard.db import Database
from wageguard.registry.choices import Role

ME = "/api/v1/auth/me"


@pytest.fixture
def clock(app: Any) -> FakeClock:
    app.state.clock = clock = FakeClock()
    return clock


def _bearer(client: TestClient, username: str, password: str | None = None) -> dict[str, str]:
    r = client.post(
        "/api/v1/auth/token", json={"username": username, "password": password or f"pw-{username}"}
    )
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def _csrf(client: TestClient, path: str = "/login") -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', client.get(path).text)
    assert found
    return found.group(1)


def _page_cookie(app: Any, username: str) -> str:
    with TestClient(app) as browser:
        data = {"username": username, "password": f"pw-{username}", "csrf": _csrf(browser)}
        r = browser.post("/login", data=data, follow_redirects=False)
        assert r.status_code == 303, r.text
        value = browser.cookies.get("wg_session")
        assert value
        return value


def _me(client: TestClient, headers: dict[str, str]) -> int:
    return client.get(ME, headers=headers).status_code


def test_page_logout_revokes_the_cookie_token_at_once(
    app: Any, client: TestClient, make_user: Callable[..., Any]
) -> None:
    make_user("bj", Role.INSPECTOR, region_code="520602")
    token = _page_cookie(app, "bj")
    client.cookies.set("wg_session", token)
    assert client.get("/projects", follow_redirects=False).status_code == 200
    logout = client.post("/logout", data={"csrf": _csrf(client, "/projects")}, follow_redirects=False)
    assert logout.status_code == 303
    client.cookies.clear()
    client.cookies.set("wg_session", token)  # a copy of the cookie kept by whoever stole it
    assert client.get("/projects", follow_redirects=False).status_code == 303
    assert _me(client, {"Authorization": f"Bearer {token}"}) == 401


def test_api_logout_revokes_only_that_token(client: TestClient, make_user: Callable[..., Any]) -> None:
    make_user("ops")
    first, second = _bearer(client, "ops"), _bearer(client, "ops")
    assert client.post("/api/v1/auth/logout", headers=first).status_code == 204
    assert _me(client, first) == 401
    assert _me(client, second) == 200
    assert client.post("/api/v1/auth/logout", headers=first).status_code == 401


def test_a_password_change_revokes_every_session_and_gives_a_new_token(
    client: TestClient, make_user: Callable[..., Any]
) -> None:
    make_user("ops")
    mine, other = _bearer(client, "ops"), _bearer(client, "ops")
    r = client.post(
        "/api/v1/auth/password",
        headers=mine,
        json={"current_password": "pw-ops", "new_password": "a much longer secret"},
    )
    assert r.status_code == 200, r.text
    assert _me(client, mine) == 401 and _me(client, other) == 401
    assert _me(client, {"Authorization": f"Bearer {r.json()['access_token']}"}) == 200
    assert (
        client.post("/api/v1/auth/token", json={"username": "ops", "password": "pw-ops"}).status_code == 401
    )
    assert _me(client, _bearer(client, "ops", "a much longer secret")) == 200


def test_a_password_change_needs_the_current_password_and_a_long_new_one(
    client: TestClient, make_user: Callable[..., Any]
) -> None:
    make_user("ops")
    mine = _bearer(client, "ops")
    wrong = client.post(
        "/api/v1/auth/password",
        headers=mine,
        json={"current_password": "x", "new_password": "long enough pw"},
    )
    assert wrong.status_code == 401 and wrong.json()["message_zh"] == "当前密码错误"
    short = client.post(
        "/api/v1/auth/password", headers=mine, json={"current_password": "pw-ops", "new_password": "short"}
    )
    assert short.status_code == 422
    assert [(p["field"], p["code"]) for p in short.json()["problems"]] == [("new_password", "too_short")]
    assert "密码至少" in short.json()["problems"][0]["message_zh"]
    assert _me(client, mine) == 200  # nothing changed


def test_an_admin_logs_a_user_out_everywhere(client: TestClient, make_user: Callable[..., Any]) -> None:
    make_user("root")
    make_user("bj", Role.INSPECTOR, region_code="520602")
    make_user("wanshan", Role.INSPECTOR, region_code="520603")
    root, bj1, bj2, ws = (
        _bearer(client, "root"),
        _bearer(client, "bj"),
        _bearer(client, "bj"),
        _bearer(client, "wanshan"),
    )
    assert client.post("/api/v1/auth/users/bj/logout-all", headers=ws).status_code == 403
    assert _me(client, bj1) == 200
    r = client.post("/api/v1/auth/users/bj/logout-all", headers=root)
    assert r.status_code == 200 and r.json() == {"username": "bj", "revoked": 2}
    assert _me(client, bj1) == 401 and _me(client, bj2) == 401
    assert _me(client, ws) == 200 and _me(client, root) == 200
    assert client.post("/api/v1/auth/users/nobody/logout-all", headers=root).status_code == 404


def test_the_cli_logs_a_user_out_everywhere_and_sets_a_password(
    client: TestClient, cli: Any, make_user: Callable[..., Any], db: Database
) -> None:
    make_user("bj", Role.INSPECTOR, region_code="520602")
    bj = _bearer(client, "bj")
    result = cli.invoke(cli_app, ["user", "logout-all", "bj"])
    assert result.exit_code == 0, result.output
    assert "bj" in result.output and "1" in result.output
    assert _me(client, bj) == 401
    bj = _bearer(client, "bj")
    result = cli.invoke(cli_app, ["user", "set-password", "bj"], input="brand new secret\nbrand new secret\n")
    assert result.exit_code == 0, result.output
    assert "brand new secret" not in result.output
    assert _me(client, bj) == 401
    assert _me(client, _bearer(client, "bj", "brand new secret")) == 200
    unknown = cli.invoke(cli_app, ["user", "logout-all", "nobody"])
    assert unknown.exit_code != 0 and "nobody" in unknown.output


def test_an_idle_session_expires_and_activity_keeps_it_alive(
    client: TestClient, make_user: Callable[..., Any], clock: FakeClock, settings: Settings
) -> None:
    settings.session_idle_minutes = 30
    settings.session_absolute_hours = 2
    make_user("ops")
    idle, busy = _bearer(client, "ops"), _bearer(client, "ops")
    for _ in range(4):  # 4 × 25 min: the busy token is used each time, the idle one never
        clock.advance(minutes=25)
        assert _me(client, busy) == 200
    assert _me(client, idle) == 401
    clock.advance(minutes=19)  # 119 minutes after login: still inside the absolute lifetime
    assert _me(client, busy) == 200
    clock.advance(minutes=1)
    assert _me(client, busy) == 401  # absolute lifetime over, however busy


def test_last_seen_is_written_at_most_once_a_minute(
    client: TestClient, make_user: Callable[..., Any], clock: FakeClock, db: Database
) -> None:
    make_user("ops")
    headers = _bearer(client, "ops")

    def last_seen() -> Any:
        with db.sessions() as s:
            return s.execute(text("SELECT last_seen_at FROM user_sessions")).scalar_one()

    start = last_seen()
    for _ in range(5):
        clock.advance(seconds=10)
        assert _me(client, headers) == 200
    assert last_seen() == start
    clock.advance(seconds=15)  # 65 s after login
    assert _me(client, headers) == 200
    assert last_seen() > start


def test_tokens_are_opaque_and_stored_only_hashed(
    client: TestClient, make_user: Callable[..., Any], db: Database
) -> None:
    make_user("ops")
    token = _bearer(client, "ops")["Authorization"].split()[1]
    assert len(token) >= 40 and "." not in token  # no readable, signed payload
    with db.sessions() as s:
        rows = s.execute(text("SELECT * FROM user_sessions")).mappings().all()
    assert len(rows) == 1
    stored = " ".join(str(v) for v in rows[0].values())
    assert token not in stored
    assert hashlib.sha256(token.encode()).hexdigest() in stored


def test_a_deactivated_user_loses_the_session(
    client: TestClient, make_user: Callable[..., Any], db: Database
) -> None:
    from wageguard.auth.models import User

    make_user("ops")
    headers = _bearer(client, "ops")
    with db.transaction() as s:
        user = s.scalar(select(User).where(User.username == "ops"))
        assert user is not None
        user.is_active = False
    assert _me(client, headers) == 401
