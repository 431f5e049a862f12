"""In the browser: a city inspector sorts the inbox by amount, filters it by county and acknowledges two
alerts at once."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from tests.web.test_inbox import plant_inbox

from wageguard.monitoring.models import Alert


def test_inspector_sorts_filters_and_bulk_acknowledges(live_server, page, db, settings, make_user):
    planted = plant_inbox(db, settings, make_user)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(live_server + "/alerts")
    page.get_by_label("用户名").fill("tongren")
    page.get_by_label("密码").fill("pw-tongren")
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(r"/alerts$"))
    rows = page.locator("#alert-table tbody tr")
    expect(rows).to_have_count(6)

    page.locator("#alert-table thead").get_by_role("link", name="涉及金额（元）").click()
    expect(page).to_have_url(re.compile(r"sort=amount&dir=desc"))
    expect(page.locator('th[aria-sort="descending"]')).to_contain_text("涉及金额")
    amounts = rows.locator("td.amount")
    expect(amounts).to_have_text(["123,456.78", "20,000.00", "5,000.00", "70.00", "0.99", "—"])

    page.get_by_label("区县").select_option(label="碧江区")
    page.get_by_role("button", name="筛选").click()
    expect(page).to_have_url(re.compile(r"county=520602"))
    expect(rows).to_have_count(4)
    expect(amounts).to_have_text(["123,456.78", "5,000.00", "70.00", "0.99"])  # still by amount
    expect(page.locator("#level-counts")).to_contain_text("红 2")

    a2, c1 = planted.id_of("a2"), planted.id_of("c1")
    page.get_by_label(f"选择预警 {a2}").check()
    page.get_by_label(f"选择预警 {c1}").check()
    page.get_by_role("button", name="批量确认").click()

    expect(page.locator("#bulk-notice")).to_contain_text("已确认 2 条预警。")
    expect(page).to_have_url(re.compile(r"county=520602.*done=acknowledged"))
    expect(rows).to_have_count(4)
    for alert_id in (a2, c1):
        expect(page.locator(f'tr[data-alert="{alert_id}"]')).to_contain_text("已确认")
    expect(page.locator(f'tr[data-alert="{planted.id_of("a1")}"]')).to_contain_text("待处理")
    with db.sessions() as s:
        acknowledged = {a.id for a in s.query(Alert).filter(Alert.status == "acknowledged")}
    assert acknowledged == {a2, c1, planted.id_of("b1")}  # b1 was acknowledged before
    assert errors == []
