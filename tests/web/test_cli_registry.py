"""``wageguard registry``: the same scoped queries from the shell."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from wageguard.cli.main import app
from wageguard.registry.choices import Role


@pytest.fixture
def runner(cli: CliRunner) -> CliRunner:
    return cli


def test_counties_and_projects_as_the_system(runner, city):
    r = runner.invoke(app, ["registry", "counties"])
    assert r.exit_code == 0, r.output
    assert "碧江区" in r.output and "万山区" in r.output and "南明区" in r.output
    r = runner.invoke(app, ["registry", "projects", "--region", "520600"])
    assert r.exit_code == 0, r.output
    assert "共 3 个项目" in r.output and "南明商业中心" not in r.output


def test_a_users_scope_applies_with_as(runner, city, make_user):
    make_user("bj", Role.INSPECTOR, region_code="520602")
    r = runner.invoke(app, ["registry", "projects", "--as", "bj"])
    assert r.exit_code == 0, r.output
    assert "共 2 个项目" in r.output and "万山大道" not in r.output
    r = runner.invoke(app, ["registry", "counties", "--as", "nobody"])
    assert r.exit_code != 0
