"""The risk pages in Chromium on a small demo city scored once: the menu's 风险 opens the visit list, its
first enterprise's link opens the enterprise page, whose factor chart and score-history chart ECharts draws
beside the tables that stay the source of truth."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select
from tests.web.demo_city import demo_city

from wageguard.db import Database
from wageguard.risk.models import RiskScore
from wageguard.risk.scoring import score_enterprises
from wageguard.web.app import create_app


@pytest.fixture(scope="module")
def city_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    settings = demo_city(Path(tmp_path_factory.mktemp("e2e-risk")))
    db = Database(settings.database_url)
    score_enterprises(db=db, as_of=date(2026, 10, 31))
    score_enterprises(db=db, as_of=date(2026, 11, 30))
    web = create_app(settings, db=db)
    with db.sessions() as s:  # the demo's own risk stage scored its as-of date too
        web.state.scored_dates = int(s.scalar(select(func.count(func.distinct(RiskScore.as_of)))) or 0)
    yield web
    db.dispose()


@pytest.fixture
def app(city_app: Any) -> Any:
    return city_app


def test_the_visit_list_links_to_the_enterprise_page_and_its_chart_renders(
    live_server: str, page: Any, city_app: Any
) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(live_server + "/login")
    page.get_by_label("用户名").fill("tongren")
    page.get_by_label("密码").fill("tongren123")
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(r"/$"))
    page.get_by_role("navigation", name="main").get_by_role("link", name="风险").click()
    expect(page).to_have_url(re.compile(r"/risk$"))
    expect(page.get_by_role("heading", name="本周走访名单")).to_be_visible()
    first = page.locator("#visit-list tbody tr").first
    name = first.locator('a[href^="/enterprises/"]').inner_text().strip()
    enterprise_id = first.get_attribute("data-enterprise")
    first.locator('a[href^="/enterprises/"]').click()

    expect(page).to_have_url(re.compile(rf"/enterprises/{enterprise_id}$"))
    expect(page.get_by_role("heading", name=name, exact=True)).to_be_visible()
    expect(page.locator("#risk-factors-chart canvas").first).to_be_visible()  # ECharts drew the factors
    expect(page.locator("#risk-history-chart canvas").first).to_be_visible()
    expect(page.locator("#factors-table tbody tr")).to_have_count(17)
    assert city_app.state.scored_dates >= 2
    expect(page.locator("#history-table tbody tr")).to_have_count(city_app.state.scored_dates)
    assert not errors, errors
