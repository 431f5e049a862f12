"""In the browser: an inspector logs in, filters the alert inbox, opens an alert and acknowledges it."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from tests.monitoring.seed import AS_OF, plant
from tests.monitoring.test_engine_db import SEPT

from wageguard.monitoring.engine import run_monitoring
from wageguard.registry.choices import Role


def test_inspector_acknowledges_an_alert_from_the_inbox(
    live_server, page, db, settings, protector, make_user
):
    with db.transaction() as s:
        plant(s, protector)
    run_monitoring(db=db, settings=settings, as_of=AS_OF, months=SEPT)
    make_user("bj", Role.INSPECTOR, region_code="520602")

    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(live_server + "/alerts")
    expect(page).to_have_url(re.compile(r"/login\?next=/alerts$"))
    page.get_by_label("用户名").fill("bj")
    page.get_by_label("密码").fill("pw-bj")
    page.get_by_role("button", name="登录").click()

    expect(page).to_have_url(re.compile(r"/alerts$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("预警收件箱")
    expect(page.locator("#alert-table tbody tr")).to_have_count(5)
    page.get_by_label("预警规则").select_option("W06")
    page.get_by_role("button", name="筛选").click()
    expect(page.locator("#alert-table tbody tr")).to_have_count(1)
    row = page.locator("#alert-table tbody tr").first
    expect(row.locator(".level-red")).to_have_text("红")

    row.get_by_role("link", name="查看").click()
    expect(page).to_have_url(re.compile(r"/alerts/\d+$"))
    expect(page.locator("#alert-status")).to_have_text("待处理")
    # a grouped alert: head-count and declared vs paid, the workers listed beneath
    expect(page.locator("#evidence-facts")).to_contain_text("涉及人数")
    expect(page.locator("#evidence-facts")).to_contain_text("实发")
    expect(page.locator("#alert-workers")).to_be_visible()
    page.get_by_role("button", name="确认").click()

    expect(page).to_have_url(re.compile(r"/alerts/\d+\?done=acknowledged$"))
    expect(page.locator("#alert-status")).to_have_text("已确认")
    expect(page.locator("#alert-history")).to_contain_text("bj")
    expect(page.get_by_role("button", name="确认")).to_have_count(0)
    page.get_by_role("link", name="预警", exact=True).click()
    expect(page.locator("#alert-table tbody tr")).to_have_count(5)
    assert errors == []
