"""An inspector's landing page in Chromium on a small demo city: counts by level, the county table with the
amount owed, and one click from a county to its projects, then to a project."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from tests.web.demo_city import demo_city

from wageguard.db import Database
from wageguard.web.app import create_app


@pytest.fixture(scope="module")
def city_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    settings = demo_city(Path(tmp_path_factory.mktemp("e2e-landing")))
    db = Database(settings.database_url)
    yield create_app(settings, db=db)
    db.dispose()


@pytest.fixture
def app(city_app: Any) -> Any:  # the live server serves the demo city
    return city_app


def test_inspector_lands_on_the_region_and_drills_into_a_county(live_server: str, page: Any) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(live_server + "/")
    expect(page).to_have_url(re.compile(r"/login$"))
    page.get_by_label("用户名").fill("tongren")
    page.get_by_label("密码").fill("tongren123")
    page.get_by_role("button", name="登录").click()

    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("辖区概览：铜仁市")
    for level, name in (("red", "红色预警"), ("orange", "橙色预警"), ("yellow", "黄色预警")):
        tile = page.locator(f'#kpi-alerts a[href="/alerts?level={level}"]')
        expect(tile).to_contain_text(name)
        expect(tile.locator(".kpi-value")).to_have_text(re.compile(r"^\d[\d,]*$"))
    expect(page.locator("#owed-total")).to_have_text(re.compile(r"^\d{1,3}(,\d{3})*\.\d\d 元$"))
    rows = page.locator("#county-table tbody tr")
    expect(rows.first).to_be_visible()
    assert rows.count() >= 2
    first = rows.first
    county = first.get_attribute("data-code")
    name = first.locator("td").first.inner_text().strip()
    expect(first).to_have_class(re.compile(r"heat-4"))  # the most owed county, darkest

    first.get_by_role("link", name=name).click()
    expect(page).to_have_url(re.compile(rf"/projects\?county={county}$"))
    project = page.locator('#project-list a[href^="/projects/"]').first
    expect(project).to_be_visible()
    project_name = project.inner_text().strip()
    project.click()
    expect(page).to_have_url(re.compile(r"/projects/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(project_name)
    assert not errors, errors
