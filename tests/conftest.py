"""Test fixtures: a fresh, migrated database per test on SQLite (default) or PostgreSQL.

Set ``WAGEGUARD_TEST_PG_URL`` (e.g. ``postgresql+psycopg://postgres@127.0.0.1:5432/test``) to run the
suite on PostgreSQL: each pytest process creates its own throw-away database from that server and drops it
afterwards, and each test starts from empty tables (seeded regions kept).

Set ``WAGEGUARD_TEST_REDIS_URL`` (e.g. ``redis://127.0.0.1:6379/0``) to count login throttles and rate
limits in that Redis (under a key prefix unique to each test) instead of the database's ``counters`` table.
"""

from __future__ import annotations

import base64
import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from typer.testing import CliRunner

from wageguard.auth.scope import Principal
from wageguard.auth.service import create_user, principal_of
from wageguard.cli import context as cli_context
from wageguard.config import Settings, get_settings
from wageguard.db import Database, scratch_database
from wageguard.migrate import upgrade_database
from wageguard.models import Base
from wageguard.registry.choices import Role
from wageguard.security.crypto import Protector
from wageguard.web.app import create_app

# The suite's own keys, pinned before any Settings is built: Settings also reads var/wageguard.env from the
# working directory, which ``make demo`` (or a test running the demo) may write in the middle of a run, and
# data sealed under one key would not open under the next. Environment variables win over that file.
os.environ.update(
    {
        "WAGEGUARD_DATA_KEY": base64.urlsafe_b64encode(b"wageguard-test-data-key-32-bytes").decode(),
        "WAGEGUARD_INDEX_KEY": base64.urlsafe_b64encode(b"wageguard-test-index-key-32bytes").decode(),
        "WAGEGUARD_SESSION_SECRET": "wageguard-test-session-secret",
    }
)

PG_URL = os.environ.get("WAGEGUARD_TEST_PG_URL")
REDIS_URL = os.environ.get("WAGEGUARD_TEST_REDIS_URL", "")
KEEP_TABLES = {"regions", "alembic_version"}


@pytest.fixture(scope="session")
def backend() -> str:
    return "postgresql" if PG_URL else "sqlite"


@pytest.fixture(scope="session")
def _template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated database: a SQLite file to copy, or a PostgreSQL database to truncate."""
    if PG_URL:
        url, drop = scratch_database(PG_URL, prefix="wg_test")
        upgrade_database(url)
        yield url
        drop()
    else:
        path = tmp_path_factory.mktemp("template") / "template.db"
        upgrade_database(f"sqlite:///{path}")
        yield str(path)


def _truncate_all(db: Database) -> None:
    names = [t.name for t in Base.metadata.sorted_tables if t.name not in KEEP_TABLES]
    with db.engine.begin() as conn:
        conn.execute(text("TRUNCATE " + ", ".join(f'"{n}"' for n in names) + " RESTART IDENTITY CASCADE"))


@pytest.fixture
def database_url(_template: str, tmp_path: Path) -> str:
    if PG_URL:
        return _template
    path = tmp_path / "wageguard.db"
    shutil.copyfile(_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Iterator[Settings]:
    """The test's settings; counters in Redis when ``WAGEGUARD_TEST_REDIS_URL`` is set, else the database."""
    prefix = f"wgtest:{uuid.uuid4().hex}:"
    yield Settings(
        environment="test",
        database_url=database_url,
        var_dir=tmp_path / "var",
        redis_url=REDIS_URL,
        redis_key_prefix=prefix,
    )
    if REDIS_URL:
        from wageguard.security.counters import RedisCounterStore

        RedisCounterStore(REDIS_URL, prefix=prefix).clear_prefix()


@pytest.fixture
def db(settings: Settings) -> Iterator[Database]:
    database = Database(settings.database_url)
    if PG_URL:
        _truncate_all(database)
    yield database
    database.dispose()


@pytest.fixture
def protector(settings: Settings) -> Protector:
    return Protector(settings.data_key_bytes, settings.index_key_bytes)


@pytest.fixture
def app(settings: Settings, db: Database):  # type: ignore[no-untyped-def]
    return create_app(settings, db=db)


@pytest.fixture
def client(app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(app) as c:
        yield c


@pytest.fixture
def make_user(db: Database) -> Callable[..., Principal]:
    """Create a user (password ``pw-<username>``) and return its principal."""

    def make(username: str, role: Role = Role.ADMIN, **kw: object) -> Principal:
        with db.transaction() as session:
            user = create_user(session=session, username=username, password=f"pw-{username}", role=role, **kw)  # type: ignore[arg-type]
            return principal_of(user)

    return make


@pytest.fixture
def login(client: TestClient) -> Callable[[str], dict[str, str]]:
    """Bearer headers for a user made with ``make_user``."""

    def do(username: str) -> dict[str, str]:
        r = client.post("/api/v1/auth/token", json={"username": username, "password": f"pw-{username}"})
        assert r.status_code == 200, r.text
        return {"Authorization": f"Bearer {r.json()['access_token']}"}

    return do


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, settings: Settings) -> Iterator[CliRunner]:
    """A CliRunner whose ``wageguard`` commands use this test's database; cached settings and the CLI's
    pooled engine are reset around it so nothing leaks between tests."""
    monkeypatch.setenv("WAGEGUARD_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("WAGEGUARD_ENVIRONMENT", "test")
    get_settings.cache_clear()
    forget_cli_database()
    yield CliRunner()
    forget_cli_database()
    get_settings.cache_clear()


def forget_cli_database() -> None:
    """Close the CLI's cached engine (if a command made one) and forget it: dropping it unclosed would
    leave its pooled PostgreSQL connections to the garbage collector (an unraisable ResourceWarning,
    reported in whichever later test happened to collect it)."""
    if cli_context.database.cache_info().currsize:
        cli_context.database().dispose()
    cli_context.database.cache_clear()
