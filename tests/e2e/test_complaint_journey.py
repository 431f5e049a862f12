"""A worker scans the site's QR link, files a complaint on a phone, an inspector handles it, the worker
sees the new status — in headless Chromium, without any JavaScript of ours."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.complaints.conftest import COUNTY, SiteProject, valid_form
from tests.factories import make_region_project

from wageguard.auth.scope import Principal
from wageguard.config import Settings
from wageguard.db import Database
from wageguard.registry.choices import Role

PHONE_VIEWPORT = {"width": 390, "height": 844}


def _site(db: Database) -> SiteProject:
    with db.transaction() as session:
        project, _gc = make_region_project(session, COUNTY, name="碧江滨江花园二期")
        return SiteProject(project.id, project.project_code, project.name, project.region_code)


def _fill(page: Any, form: dict[str, str]) -> None:
    for name, value in form.items():
        if name == "description":
            page.fill("#f-description", value)
        elif value:
            page.fill(f"#f-{name}", value)


def test_worker_files_on_a_phone_and_inspector_resolves(
    live_server: str,
    new_page: Callable[..., Any],
    db: Database,
    settings: Settings,
    make_user: Callable[..., Principal],
) -> None:
    site = _site(db)
    make_user("bijiang", Role.INSPECTOR, region_code=COUNTY)
    scan_link = f"{settings.public_base_url}/c/{site.code}".replace(settings.public_base_url, live_server)

    phone = new_page(viewport=PHONE_VIEWPORT, is_mobile=True, has_touch=True)
    phone.goto(scan_link)
    assert phone.inner_text("#project-name").startswith(site.name)
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE_VIEWPORT["width"]
    form = valid_form()
    good_id = form["id_number"]
    bad_id = good_id[:17] + ("1" if good_id[17] != "1" else "2")
    _fill(phone, {**form, "id_number": bad_id})
    phone.tap("#submit")
    phone.wait_for_selector("#e-id_number")
    assert "身份证号码有误（最后一位校验码不符）" in phone.inner_text("#e-id_number")
    assert phone.is_visible("#form-errors")
    for name in ("name", "phone", "employer", "work_start", "amount_owed", "months_owed"):
        assert phone.input_value(f"#f-{name}") == form[name], name
    assert phone.input_value("#f-id_number") == bad_id
    assert phone.input_value("#f-description") == form["description"]
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE_VIEWPORT["width"]

    phone.fill("#f-id_number", good_id)
    phone.tap("#submit")
    code = phone.inner_text("#tracking-code").strip()
    assert code.startswith("TS") and len(code) == 12

    desk = new_page(viewport={"width": 1280, "height": 900})
    desk.goto(f"{live_server}/cases")
    assert "/login" in desk.url
    desk.fill("input[name=username]", "bijiang")
    desk.fill("input[name=password]", "pw-bijiang")
    desk.click("button[type=submit]")
    desk.wait_for_url(f"{live_server}/cases")
    desk.click(f"text={code}")
    assert "已收到，待审核" in desk.inner_text("#case-state")
    desk.click("#act-accept button")
    assert desk.inner_text("#case-state") == "已立案"
    desk.select_option("#act-resolve select[name=outcome]", "paid_after_mediation")
    desk.fill("#act-resolve input[name=reason]", "经调解，总包已代发全部欠薪")
    desk.click("#act-resolve button")
    assert desk.inner_text("#case-state") == "已办结（调解后已支付）"
    events = desk.inner_text("#events")
    assert "bijiang" in events and "立案受理" in events and "办结" in events

    phone.goto(f"{live_server}/c/status?code={code}")
    assert phone.input_value("#f-code") == code
    phone.fill("#f-phone", form["phone"])
    phone.tap("#lookup")
    assert phone.inner_text("#state-label") == "已办结"
    assert phone.inner_text("#outcome-label") == "调解后已支付"
    assert form["name"] not in phone.content()
