"""One click from the inspector's landing page to a project's answer: "does this project owe wages?",
how much, since when, the open alerts and the 12-month chart, in Chromium on a small demo city."""

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
    settings = demo_city(Path(tmp_path_factory.mktemp("e2e-answer")))
    db = Database(settings.database_url)
    yield create_app(settings, db=db)
    db.dispose()


@pytest.fixture
def app(city_app: Any) -> Any:
    return city_app


def test_one_click_from_the_landing_page_to_the_owes_wages_answer(live_server: str, page: Any) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(live_server + "/login")
    page.get_by_label("用户名").fill("tongren")
    page.get_by_label("密码").fill("tongren123")
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(r"/$"))

    first = page.locator("#top-owing tbody tr").first
    amount = first.locator("td").nth(2).inner_text().strip()
    since = first.locator("td").nth(4).inner_text().strip()
    first.locator('a[href^="/projects/"]').click()  # the one click

    expect(page).to_have_url(re.compile(r"/projects/\d+$"))
    answer = page.locator("#owes-answer")
    expect(answer.locator(".answer-verdict")).to_have_text("欠薪")
    expect(answer).to_contain_text(f"欠薪 {amount} 元")
    expect(answer).to_contain_text(f"自 {since} 起")
    expect(page.locator(".alert-list li").first).to_be_visible()
    expect(page.locator("#project-chart canvas").first).to_be_visible()  # ECharts drew the 12 months
    expect(page.locator("#months-table tbody tr")).to_have_count(12)
    page.get_by_role("link", name="逐月核对出勤与发放 →").click()
    expect(page).to_have_url(re.compile(r"/owed-wages$"))
    assert not errors, errors


def test_one_click_from_the_project_list_to_the_answer(live_server: str, page: Any) -> None:
    """The list sorted by the amount owed: the first row's owes-wages link opens the project, whose answer
    says 欠薪 with the same amount the list showed."""
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(live_server + "/login")
    page.get_by_label("用户名").fill("tongren")
    page.get_by_label("密码").fill("tongren123")
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(r"/$"))
    page.goto(live_server + "/projects")
    page.locator('th[data-sort="owed"] a').click()  # sort by the amount owed, largest first
    expect(page.locator('th[data-sort="owed"]')).to_have_attribute("aria-sort", "descending")
    owes = page.locator("#project-list tbody tr").first.locator("a.owes.yes")
    listed = owes.inner_text().strip()  # "欠薪 1,234.00 元"
    assert re.fullmatch(r"欠薪 [\d,]+\.\d\d 元", listed), listed
    owes.click()  # the one click
    expect(page).to_have_url(re.compile(r"/projects/\d+$"))
    answer = page.locator("#owes-answer")
    expect(answer.locator(".answer-verdict")).to_have_text("欠薪")
    expect(answer).to_contain_text(listed)
    assert not errors, errors
