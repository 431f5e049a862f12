"""Logins are throttled per account and per client address, and cost the same for unknown users.

Findings on main: 30 wrong passwords then the right one were all answered normally; an unknown username
answered in 14 ms and a known one in 530 ms (only the known one was hashed).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import argon2
import pytest
from fastapi.testclient import TestClient
from tests.security.clock import FakeClock

from wageguard.config import Settings
from wageguard.registry.choices import Role

TOKEN = "/api/v1/auth/token"


@pytest.fixture
def clock(app: Any) -> FakeClock:
    app.state.clock = clock = FakeClock()
    return clock


@pytest.fixture
def strict(settings: Settings) -> Settings:
    """Small thresholds: 2 free failures, then 1 s, 2 s, 4 s ... (at most 8 s); locked at 6 for 15 min."""
    settings.login_free_failures = 2
    settings.login_max_failures = 6
    settings.login_delay_max_seconds = 8
    settings.login_lock_minutes = 15
    settings.login_failure_window_minutes = 60
    settings.login_ip_free_failures = 20
    settings.login_ip_max_failures = 40
    return settings


def _token(client: TestClient, username: str, password: str) -> Any:
    return client.post(TOKEN, json={"username": username, "password": password})


def _page_login(client: TestClient, username: str, password: str, path: str = "/login") -> Any:
    """The login form as a browser posts it (with the CSRF token of the page)."""
    page = client.get("/login")
    found = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert found, page.text[:500]
    data = {"username": username, "password": password, "csrf": found.group(1)}
    return client.post(path, data=data, follow_redirects=False)


def _retry_after(r: Any) -> int:
    assert r.status_code == 429, r.text
    return int(r.headers["retry-after"])


def test_the_right_password_after_too_many_failures_is_refused_until_the_lock_expires(
    client: TestClient, make_user: Callable[..., Any], clock: FakeClock, strict: Settings
) -> None:
    make_user("ops")
    codes = [_token(client, "ops", "wrong").status_code for _ in range(2)]
    assert codes == [401, 401]  # the free failures
    delays = []
    for _ in range(4):  # failures 3..6: each is followed by a growing delay, the sixth by the lock
        assert _token(client, "ops", "wrong").status_code == 401
        blocked = _token(client, "ops", "pw-ops")  # even the right password waits
        delays.append(_retry_after(blocked))
        clock.advance(seconds=delays[-1] if len(delays) < 4 else 0)
    assert delays[:3] == [1, 2, 4]
    assert delays[3] == 15 * 60
    clock.advance(minutes=14, seconds=59)
    refused = _token(client, "ops", "pw-ops")
    assert _retry_after(refused) == 1
    body = refused.json()
    assert body["error"] == "TooManyAttempts"
    assert "登录尝试过于频繁" in body["message_zh"] and "Too many login attempts" in body["message"]
    clock.advance(seconds=1)
    ok = _token(client, "ops", "pw-ops")
    assert ok.status_code == 200, ok.text
    # a success starts the account afresh
    assert [_token(client, "ops", "wrong").status_code for _ in range(2)] == [401, 401]


def test_thirty_wrong_passwords_then_the_right_one_is_refused(
    client: TestClient, make_user: Callable[..., Any], clock: FakeClock
) -> None:
    make_user("ops")
    answers = [_token(client, "ops", f"guess-{i}").status_code for i in range(30)]
    assert 429 in answers
    assert _token(client, "ops", "pw-ops").status_code == 429


def test_a_blocked_attempt_does_not_count_and_does_not_check_the_password(
    client: TestClient, make_user: Callable[..., Any], clock: FakeClock, strict: Settings
) -> None:
    make_user("ops")
    for _ in range(3):
        _token(client, "ops", "wrong")
    assert _retry_after(_token(client, "ops", "wrong")) == 1
    assert _retry_after(_token(client, "ops", "wrong")) == 1  # still the first delay: not extended
    clock.advance(seconds=1)
    assert _token(client, "ops", "pw-ops").status_code == 200


def test_unknown_usernames_are_throttled_like_known_ones(
    client: TestClient, clock: FakeClock, strict: Settings
) -> None:
    answers = [_token(client, "nobody", "x").status_code for _ in range(4)]
    assert answers == [401, 401, 401, 429]


def test_one_address_trying_many_accounts_is_throttled_but_others_are_not(
    app: Any, client: TestClient, make_user: Callable[..., Any], clock: FakeClock, strict: Settings
) -> None:
    strict.login_ip_free_failures = 3
    strict.login_ip_max_failures = 5
    make_user("ops")
    for i in range(3):
        assert _token(client, f"user{i}", "x").status_code == 401
    assert _token(client, "user3", "x").status_code == 401
    assert _retry_after(_token(client, "ops", "pw-ops")) == 1
    with TestClient(app, client=("198.51.100.7", 40000)) as elsewhere:
        assert _token(elsewhere, "ops", "pw-ops").status_code == 200
    clock.advance(seconds=1)
    assert _token(client, "user4", "x").status_code == 401  # the fifth failure locks the address
    assert _retry_after(_token(client, "ops", "pw-ops")) > 14 * 60  # locked


def test_the_login_page_answers_a_throttled_browser_in_its_language(
    client: TestClient, make_user: Callable[..., Any], clock: FakeClock, strict: Settings
) -> None:
    make_user("ops")
    for _ in range(3):
        assert _page_login(client, "ops", "bad").status_code == 401
    page = _page_login(client, "ops", "pw-ops")
    assert page.status_code == 429 and page.headers["retry-after"] == "1"
    assert "登录尝试过于频繁，请1秒后再试" in page.text and 'value="ops"' in page.text
    assert "wg_session" not in page.headers.get("set-cookie", "")
    english = _page_login(client, "ops", "pw-ops", "/login?lang=en")
    assert english.status_code == 429 and "Too many login attempts" in english.text


@pytest.fixture
def verify_calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every argon2 verification made, by hash (the dummy hash shows up like any other)."""
    calls: list[str] = []
    real = argon2.PasswordHasher.verify

    def counting(self: argon2.PasswordHasher, hash: str | bytes, password: str | bytes) -> bool:
        calls.append(str(hash))
        return real(self, hash, password)

    monkeypatch.setattr(argon2.PasswordHasher, "verify", counting)
    yield calls


def test_unknown_and_known_usernames_cost_the_same_hash_verifications(
    client: TestClient, make_user: Callable[..., Any], db: Any, verify_calls: list[str]
) -> None:
    make_user("ops")
    make_user("gone", Role.ADMIN)
    from sqlalchemy import update

    from wageguard.auth.models import User

    with db.transaction() as s:
        s.execute(update(User).where(User.username == "gone").values(is_active=False))
    for username in ("ops", "nobody", "gone"):
        verify_calls.clear()
        assert _token(client, username, "wrong").status_code == 401
        assert len(verify_calls) == 1, username
        assert verify_calls[0].startswith("$argon2id$")
    verify_calls.clear()
    assert _token(client, "ops", "pw-ops").status_code == 200
    assert len(verify_calls) == 1
    verify_calls.clear()
    assert _page_login(client, "nobody", "x").status_code == 401
    assert len(verify_calls) == 1


def test_an_admin_unlocks_a_locked_account_from_the_cli(
    client: TestClient,
    make_user: Callable[..., Any],
    clock: FakeClock,
    strict: Settings,
    cli: Any,
    monkeypatch: pytest.MonkeyPatch,
    db: Any,
) -> None:
    """Someone else's guesses lock the owner out for 15 minutes; an admin lifts the lock at once."""
    from sqlalchemy import select

    from wageguard.audit.models import AuditEntry
    from wageguard.cli.main import app as cli_app

    monkeypatch.setenv("WAGEGUARD_REDIS_URL", strict.redis_url)  # the app's counter store, as in production
    monkeypatch.setenv("WAGEGUARD_REDIS_KEY_PREFIX", strict.redis_key_prefix)
    make_user("ops")
    for _ in range(6):
        assert _token(client, "ops", "wrong").status_code == 401
        clock.advance(seconds=8)  # past each growing delay, so every guess counts
    assert _retry_after(_token(client, "ops", "pw-ops")) > 14 * 60  # locked
    result = cli.invoke(cli_app, ["user", "unlock", "ops"])
    assert result.exit_code == 0, result.output
    assert "已解除" in result.output and "unlocked" in result.output
    assert _token(client, "ops", "pw-ops").status_code == 200
    with db.sessions() as s:
        assert (
            s.scalars(select(AuditEntry).where(AuditEntry.action == "login_unlocked")).one().actor == "system"
        )
    unknown = cli.invoke(cli_app, ["user", "unlock", "nobody"])
    assert unknown.exit_code == 1 and "nobody" in unknown.output
