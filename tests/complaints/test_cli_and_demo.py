"""The ``wageguard complaints`` commands and the demo stage (states, arrears projects, the spike)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from tests.complaints.conftest import SiteProject
from tests.factories import make_region_project
from typer.testing import CliRunner

from wageguard.calendar_models import CalendarOverride
from wageguard.cli.main import app
from wageguard.complaints.models import Complaint
from wageguard.complaints.queries import complaints_for_project_in_window
from wageguard.config import Settings, get_settings
from wageguard.db import Database
from wageguard.demo.complaints_stage import complaints_stage
from wageguard.demo.stages import DemoContext
from wageguard.demo.truth import ground_truth
from wageguard.registry.models import Project
from wageguard.security.crypto import Protector


@pytest.fixture
def cli_env(cli: CliRunner, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("WAGEGUARD_PUBLIC_BASE_URL", "https://wg.example.cn")
    get_settings.cache_clear()
    return cli


def test_cli_writes_qr_codes_and_the_notice_board(
    cli_env: CliRunner, site: SiteProject, tmp_path: Path
) -> None:
    svg, png, pdf = tmp_path / "q.svg", tmp_path / "q.png", tmp_path / "board.pdf"
    r = cli_env.invoke(app, ["complaints", "qr", site.code, "--out", str(svg)])
    assert r.exit_code == 0, r.output
    assert f"https://wg.example.cn/c/{site.code}" in r.output and svg.read_bytes().startswith(b"<svg")
    assert cli_env.invoke(app, ["complaints", "qr", site.code, "--out", str(png)]).exit_code == 0
    assert png.read_bytes().startswith(b"\x89PNG")
    r = cli_env.invoke(app, ["complaints", "notice-board", site.code, "--out", str(pdf)])
    assert r.exit_code == 0, r.output
    assert pdf.read_bytes().startswith(b"%PDF")


def test_cli_overrides_the_calendar(cli_env: CliRunner, db: Database) -> None:
    r = cli_env.invoke(app, ["complaints", "calendar-set", "2027-06-05", "--working", "--note", "调休"])
    assert r.exit_code == 0, r.output
    r = cli_env.invoke(app, ["complaints", "add-working-days", "2027-06-04", "1"])
    assert r.output.strip() == "2027-06-05"
    with db.sessions() as session:
        row = session.get(CalendarOverride, date(2027, 6, 5))
        assert row is not None and row.is_working and row.note == "调休"


@pytest.fixture
def ctx(db: Database, protector: Protector, settings: Settings, tmp_path: Path) -> DemoContext:
    with db.transaction() as session:
        for i in range(4):
            make_region_project(session, "520602", name=f"演示项目{i}")
    return DemoContext(
        db=db,
        protector=protector,
        settings=settings,
        out_dir=tmp_path,
        as_of=date(2026, 11, 28),
        log=lambda _line: None,
    )


def test_the_demo_stage_plants_states_arrears_matches_and_a_spike_once(
    ctx: DemoContext, db: Database
) -> None:
    with db.sessions() as session:
        codes = list(session.scalars(select(Project.project_code).order_by(Project.id)))
    ctx.truth["money"] = {"arrears": [{"project_code": codes[2], "month": "2026-10"}]}
    truth_so_far = ground_truth(ctx)
    for code in codes:  # complaints are only filed about projects that carry a planted fault
        truth_so_far.plant("late_pay", "money", code, month="2026-10")
    complaints_stage(ctx)
    truth = ctx.truth["complaints"]
    states = {c["state"] for c in truth["cases"]}
    assert {
        "received",
        "accepted",
        "investigating",
        "resolved",
        "closed",
        "not_accepted",
        "withdrawn",
    } <= states
    assert truth["spike"]["project_code"] == codes[2] and truth["spike"]["count_30d"] >= 3
    assert any(c["on_arrears_project"] for c in truth["cases"])
    with db.sessions() as session:
        spike_id = session.scalar(select(Project.id).where(Project.project_code == codes[2]))
        assert spike_id is not None
        window = complaints_for_project_in_window(
            session, spike_id, ctx.as_of - timedelta(days=29), ctx.as_of
        )
        assert len(window) == truth["spike"]["count_30d"]
        stored = {c.tracking_code: c.state for c in session.scalars(select(Complaint))}
    assert stored == {c["tracking_code"]: c["state"] for c in truth["cases"]}
    complaints_stage(ctx)  # a rerun adds nothing
    with db.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Complaint)) == len(truth["cases"])
