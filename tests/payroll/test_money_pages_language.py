"""The money pages speak Chinese by default and English with ``?lang=en``, one language at a time."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from tests.payroll.conftest import World, payroll, submit

from wageguard.auth.scope import Principal
from wageguard.db import Database
from wageguard.registry.choices import Role
from wageguard.security.crypto import Protector


def test_accounts_flows_and_pay_pages_in_both_languages(
    client: TestClient,
    db: Database,
    protector: Protector,
    make_user: Callable[..., Principal],
    login: Callable[[str], dict[str, str]],
    world: World,
) -> None:
    submit(db, protector, payroll(world, "2026-10", ["5000", "4800", "4700"]))
    make_user("insp", Role.INSPECTOR, region_code="520602")
    headers = login("insp")
    pay = f"/money/projects/{world.project_id}?month=2026-10"

    accounts = client.get("/money", headers=headers)
    assert accounts.status_code == 200 and "工资专用账户" in accounts.text and "三方协议" in accounts.text
    assert "Special wage accounts" not in accounts.text and 'class="lang-switch"' in accounts.text
    flows = client.get(f"/money/accounts/{world.account_id}", headers=headers)
    assert "人工费拨付（元）" in flows.text and "银行未报告" in flows.text
    chinese_pay = client.get(pay, headers=headers)
    assert "应发与实付" in chinese_pay.text and "未支付" in chinese_pay.text and "张三" in chinese_pay.text

    accounts = client.get("/money", params={"lang": "en"}, headers=headers)
    assert accounts.status_code == 200 and '<html lang="en">' in accounts.text
    assert "Special wage accounts" in accounts.text and "Tripartite agreement" in accounts.text
    assert "工资专用账户" not in accounts.text and "三方协议" not in accounts.text
    flows = client.get(f"/money/accounts/{world.account_id}", params={"lang": "en"}, headers=headers)
    assert "Labour-cost inflows (yuan)" in flows.text and "not reported by the bank" in flows.text
    english_pay = client.get(pay + "&lang=en", headers=headers)
    assert "Declared vs paid" in english_pay.text and "Gross pay" in english_pay.text
    assert "Unpaid" in english_pay.text and "未支付" not in english_pay.text and "张三" in english_pay.text


def test_money_pages_out_of_scope_show_the_not_found_page_in_the_chosen_language(
    client: TestClient,
    make_user: Callable[..., Principal],
    login: Callable[[str], dict[str, str]],
    world: World,
) -> None:
    make_user("far", Role.INSPECTOR, region_code="520603")
    headers = login("far")
    english = client.get(f"/money/accounts/{world.account_id}", params={"lang": "en"}, headers=headers)
    assert english.status_code == 404 and "outside your scope" in english.text
    chinese = client.get(f"/money/projects/{world.project_id}", params={"lang": "zh"}, headers=headers)
    assert chinese.status_code == 404 and "未找到该页面或您无权查看。" in chinese.text
