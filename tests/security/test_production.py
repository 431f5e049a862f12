"""Production refuses weak setups: short, equal or low-entropy keys, an empty or short session secret and the
demo users with their demo passwords stop ``serve``; the OpenAPI document and the docs page need a login."""

from __future__ import annotations

import base64
import re
import secrets
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn
from fastapi.testclient import TestClient
from pydantic import ValidationError
from typer.testing import CliRunner

from wageguard.auth.service import create_user
from wageguard.config import Settings
from wageguard.db import Database
from wageguard.demo.users import DEMO_LOGINS
from wageguard.registry.choices import Role
from wageguard.web.app import create_app


def key(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode()


def strong() -> dict[str, str]:
    return {
        "data_key": key(secrets.token_bytes(32)),
        "index_key": key(secrets.token_bytes(32)),
        "session_secret": secrets.token_urlsafe(32),
    }


def production(**overrides: Any) -> Settings:
    return Settings(environment="production", **{**strong(), **overrides})


def test_a_strong_production_setup_is_accepted() -> None:
    assert production().environment == "production"


ONE = secrets.token_bytes(32)


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"session_secret": ""}, "session_secret"),
        ({"session_secret": "s" * 12}, "session_secret"),
        ({"session_secret": secrets.token_urlsafe(32)[:31]}, "session_secret"),
        ({"session_secret": "ab" * 20}, "session_secret"),
        ({"data_key": key(ONE), "index_key": key(ONE)}, "differ"),
        ({"data_key": key(bytes(32))}, "data_key"),
        ({"index_key": key(bytes(32))}, "index_key"),
        ({"data_key": key(b"\x01\x02\x03\x04" * 8)}, "data_key"),
        ({"index_key": key(secrets.token_bytes(8) * 4)}, "index_key"),
        ({"data_key": key(bytes(range(32)))}, "data_key"),
        ({"data_key": key(secrets.token_bytes(16))}, "32 bytes"),
    ],
)
def test_weak_production_setups_are_refused_with_a_clear_message(
    overrides: dict[str, str], reason: str
) -> None:
    with pytest.raises(ValidationError, match=reason):
        production(**overrides)


def test_development_keeps_its_placeholders() -> None:
    assert Settings(environment="development").session_secret


@pytest.fixture
def serve_env(monkeypatch: pytest.MonkeyPatch, cli: CliRunner) -> Iterator[list[Any]]:
    """Production settings in the environment; ``uvicorn.run`` recorded instead of run."""
    for name, value in strong().items():
        monkeypatch.setenv(f"WAGEGUARD_{name.upper()}", value)
    monkeypatch.setenv("WAGEGUARD_ENVIRONMENT", "production")
    monkeypatch.setenv("WAGEGUARD_MONITOR_SCHEDULER_ENABLED", "false")
    started: list[Any] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: started.append(kw))
    yield started


def serve(cli: CliRunner) -> Any:
    from wageguard.cli.main import app

    return cli.invoke(app, ["serve"])


def test_serve_in_production_with_an_empty_session_secret_stops(
    cli: CliRunner, serve_env: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WAGEGUARD_SESSION_SECRET", "")
    result = serve(cli)
    assert result.exit_code != 0 and serve_env == []
    assert "session_secret" in result.output and "生产" in result.output


def test_serve_in_production_with_equal_keys_stops(
    cli: CliRunner, serve_env: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WAGEGUARD_INDEX_KEY", key(ONE))
    monkeypatch.setenv("WAGEGUARD_DATA_KEY", key(ONE))
    result = serve(cli)
    assert result.exit_code != 0 and serve_env == []
    assert "index_key" in result.output


def test_serve_in_production_refuses_demo_users_with_demo_passwords(
    cli: CliRunner, serve_env: list[Any], db: Database
) -> None:
    admin = DEMO_LOGINS[0]
    with db.transaction() as s:
        create_user(session=s, username=admin.username, password=admin.password, role=Role.ADMIN)
        create_user(session=s, username="bank", password="a-real-password-chosen-later", role=Role.BANK)
    result = serve(cli)
    assert result.exit_code != 0 and serve_env == []
    assert "admin" in result.output and "演示" in result.output and "demo" in result.output
    assert "bank" not in result.output


def test_serve_in_production_starts_without_demo_passwords(
    cli: CliRunner, serve_env: list[Any], db: Database
) -> None:
    with db.transaction() as s:
        create_user(session=s, username="admin", password="not-the-demo-one", role=Role.ADMIN)
    result = serve(cli)
    assert result.exit_code == 0, result.output
    assert len(serve_env) == 1


@pytest.fixture
def production_client(database_url: str, db: Database, tmp_path: Any) -> Iterator[TestClient]:
    s = production(database_url=database_url, var_dir=tmp_path / "var")
    with TestClient(create_app(s, db=db), base_url="https://testserver") as c:
        yield c


def test_openapi_and_docs_need_a_login_in_production(production_client: TestClient, db: Database) -> None:
    assert production_client.get("/api/v1/openapi.json").status_code == 401
    docs = production_client.get("/api/v1/docs", follow_redirects=False)
    assert docs.status_code == 303 and docs.headers["location"].startswith("/login?next=/api/v1/docs")
    with db.transaction() as s:
        create_user(session=s, username="dev", password="pw-dev-long-enough", role=Role.ADMIN)
    r = production_client.post(
        "/api/v1/auth/token", json={"username": "dev", "password": "pw-dev-long-enough"}
    )
    bearer = {"Authorization": f"Bearer {r.json()['access_token']}"}
    spec = production_client.get("/api/v1/openapi.json", headers=bearer)
    assert spec.status_code == 200 and spec.json()["info"]["title"].startswith("WageGuard")
    token = re.search(r'name="csrf" value="([^"]+)"', production_client.get("/login").text)
    assert token is not None
    form = {"username": "dev", "password": "pw-dev-long-enough", "csrf": token.group(1)}
    assert production_client.post("/login", data=form, follow_redirects=False).status_code == 303
    page = production_client.get("/api/v1/docs")
    assert page.status_code == 200 and "swagger-ui" in page.text


def test_openapi_and_docs_stay_open_outside_production(client: TestClient) -> None:
    assert client.get("/api/v1/openapi.json").status_code == 200
    page = client.get("/api/v1/docs")
    assert page.status_code == 200 and "/api/v1/openapi.json" in page.text
    assert "<script>" not in page.text  # the page's own script is a static file (CSP forbids inline script)
