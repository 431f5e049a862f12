"""``wageguard serve --build-demo``: the server starts once the registry and the logins are in; the other
stages load in the background, their progress recorded for the landing page, and the truth comparison and
the logins print when they finish."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from wageguard.auth.models import User
from wageguard.cli.main import app as cli_app
from wageguard.config import Settings, get_settings
from wageguard.db import Database
from wageguard.demo.progress import current_progress, still_loading
from wageguard.monitoring.models import MonitorRun

WAIT_S = 300  # bound on the background build of a tiny city (a few seconds on an idle machine)


def _count(url: str, model: Any) -> int:
    db = Database(url)
    try:
        with db.sessions() as session:
            return int(session.scalar(select(func.count()).select_from(model)) or 0)
    finally:
        db.dispose()


@pytest.fixture
def var_dir(db: Database, cli: CliRunner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    monkeypatch.setenv("WAGEGUARD_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("WAGEGUARD_MONITOR_SCHEDULER_ENABLED", "false")
    get_settings.cache_clear()
    yield tmp_path / "var"
    get_settings.cache_clear()


def test_the_server_starts_after_the_registry_and_the_rest_loads_behind_it(
    var_dir: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: dict[str, Any] = {}

    def fake_run(web: Any, **kw: Any) -> None:
        """What a visitor would find the moment the server starts, then the build's end."""
        s = get_settings()
        seen["at_start"] = current_progress(s)
        seen["users_at_start"] = _count(s.database_url, User)
        builder = next(t for t in threading.enumerate() if t.name == "demo-build")
        builder.join(timeout=WAIT_S)
        assert not builder.is_alive(), "the background build did not finish within the bound"
        seen["at_end"] = current_progress(s)
        seen["loading_at_end"] = still_loading(s)

    monkeypatch.setattr("wageguard.cli.serve.uvicorn.run", fake_run)
    args = ["serve", "--build-demo", "--demo-projects", "2", "--demo-workers", "30", "--port", "8766"]
    result = CliRunner().invoke(cli_app, args)
    assert result.exit_code == 0, result.output
    start = {s.name: s.state for s in seen["at_start"]}
    assert start["registry"] == "done"
    assert [state for name, state in start.items() if name != "registry"] != ["done"] * (len(start) - 1)
    assert seen["users_at_start"] >= 5  # the printed logins exist before the server answers
    assert {s.state for s in seen["at_end"]} == {"done"}
    assert seen["loading_at_end"] is None
    out = result.output
    assert out.index("admin      admin123") < out.index("[2/")  # logins printed before the rest loads
    assert "http://127.0.0.1:8766" in out  # the URL served, not the default one
    assert "真值对照" in out  # the monitoring stage's truth comparison, printed when it finishes
    assert out.count("admin      admin123") == 2  # and the logins again at the end
    assert _count(settings.database_url, MonitorRun) >= 1
