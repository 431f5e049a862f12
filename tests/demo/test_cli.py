"""``wageguard demo``: builds a small city, prints the URL and the logins, guards PostgreSQL data."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from wageguard.cli.main import app
from wageguard.config import Settings, get_settings
from wageguard.db import Database
from wageguard.registry.models import ProjectWorker

SMALL = ["--projects", "3", "--workers", "60", "--seed", "3"]
TINY = ["--projects", "1", "--workers", "5"]


@pytest.fixture
def cli_env(db: Database, cli: CliRunner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """The CLI reads the test database from the environment, like a real run (the ``cli`` fixture sets it
    and closes the CLI's engine afterwards)."""
    monkeypatch.setenv("WAGEGUARD_VAR_DIR", str(tmp_path / "var"))
    get_settings.cache_clear()
    yield tmp_path / "files"
    get_settings.cache_clear()


def _workers(url: str) -> int:
    db = Database(url)
    try:
        with db.sessions() as session:
            return int(session.scalar(select(func.count()).select_from(ProjectWorker)) or 0)
    finally:
        db.dispose()


def test_demo_builds_the_city_and_prints_url_and_logins(cli_env: Path, settings: Settings) -> None:
    result = CliRunner().invoke(app, ["demo", "--reset", *SMALL, "--out", str(cli_env)])
    assert result.exit_code == 0, result.output
    assert "[1/" in result.output and "registry" in result.output
    assert "http://127.0.0.1:8000" in result.output
    for pair in (
        "admin      admin123",
        "tongren    tongren123",
        "bijiang    bijiang123",
        "bank       bank123",
    ):
        assert pair in result.output
    assert "演示账号" in result.output and "demo logins" in result.output
    assert (cli_env / "registry" / "ProjectWorker.csv").exists()
    assert _workers(settings.database_url) >= 60  # later stages may plant a few more


def test_reset_rebuilds_sqlite_but_never_overwrites_a_filled_postgresql(
    cli_env: Path, settings: Settings, backend: str
) -> None:
    runner = CliRunner()
    build = ["demo", "--reset", "--projects", "2", "--workers", "12", "--out", str(cli_env)]
    assert runner.invoke(app, build).exit_code == 0
    first = _workers(settings.database_url)
    again = runner.invoke(app, ["demo", "--reset", *TINY, "--out", str(cli_env)])
    if backend == "sqlite":
        assert again.exit_code == 0, again.output
        assert 5 <= _workers(settings.database_url) < first
    else:
        assert again.exit_code == 2
        assert "refusing" in again.output
        assert _workers(settings.database_url) == first


def test_postgresql_needs_reset_even_when_empty(cli_env: Path, settings: Settings, backend: str) -> None:
    result = CliRunner().invoke(app, ["demo", *TINY, "--out", str(cli_env)])
    if backend == "sqlite":  # without --reset SQLite keeps its data and adds the demo to it
        assert result.exit_code == 0, result.output
        assert _workers(settings.database_url) >= 5
    else:
        assert result.exit_code == 2
        assert _workers(settings.database_url) == 0
