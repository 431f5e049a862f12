"""A worker on a phone (390×844) files a complaint from the site's QR link, is told exactly what is wrong
with a mistyped amount, then reads the status page: the step in plain words, the office handling it and
the next deadline in working days — in headless Chromium."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from tests.complaints.conftest import COUNTY, SiteProject, valid_form
from tests.factories import make_region_project

from wageguard.db import Database

PHONE_VIEWPORT = {"width": 390, "height": 844}
OFFICE = "铜仁市碧江区人力资源和社会保障局（劳动保障监察）"


def _site(db: Database) -> SiteProject:
    with db.transaction() as session:
        project, _gc = make_region_project(session, COUNTY, name="碧江锦江大桥引道工程")
        return SiteProject(project.id, project.project_code, project.name, project.region_code)


def test_worker_files_on_a_phone_and_reads_the_office_and_the_next_deadline(
    live_server: str, new_page: Callable[..., Any], db: Database
) -> None:
    site = _site(db)
    phone = new_page(viewport=PHONE_VIEWPORT, is_mobile=True, has_touch=True)
    phone.goto(f"{live_server}/c/{site.code}")
    form = valid_form(amount_owed="abc")
    for name, value in form.items():
        if value:
            phone.fill(f"#f-{name}", value)
    phone.tap("#submit")
    phone.wait_for_selector("#e-amount_owed")
    assert phone.inner_text("#e-amount_owed") == "金额应为数字，例如 3500 或 3500.50"
    assert phone.input_value("#f-amount_owed") == "abc"

    phone.fill("#f-amount_owed", "12,800.50")
    phone.tap("#submit")
    code = phone.inner_text("#tracking-code").strip()
    assert re.fullmatch(r"TS[0-9A-Z]{10}", code)

    phone.click(f'a[href="/c/status?code={code}"]')
    phone.wait_for_url(f"**/c/status?code={code}")
    assert phone.input_value("#f-code") == code
    phone.fill("#f-phone", form["phone"])
    phone.tap("#lookup")
    phone.wait_for_selector("#status-result")
    assert phone.inner_text("#state-label").startswith("已收到，待审核")
    assert "已受理" not in phone.inner_text("#status-result")
    assert phone.inner_text("#office") == OFFICE
    deadline = phone.inner_text("#next-deadline")
    assert re.match(r"\d{4}-\d{2}-\d{2} 前决定是否立案（还剩 [1-5] 个工作日）", deadline), deadline
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE_VIEWPORT["width"]
    assert form["name"] not in phone.content() and form["id_number"] not in phone.content()

    phone.tap("#lang-switch")  # the English page keeps the code; look it up again
    phone.fill("#f-phone", form["phone"])
    phone.tap("#lookup")
    phone.wait_for_selector("#status-result")
    assert phone.inner_text("#office").startswith("Labour inspection, Human Resources and Social Security")
    assert re.search(r"\([1-5] working days? left\)", phone.inner_text("#next-deadline"))
