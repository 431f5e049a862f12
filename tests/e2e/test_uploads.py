"""In the browser: the payroll clerk uploads a pay sheet with one bad row (report shown, nothing stored),
then a good one and confirms; the bank officer uploads a camt.054 and confirms (plain multipart forms with
the CSRF field)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright.sync_api import expect
from tests.payroll import conftest as money_world
from tests.payroll.conftest import World, payment_count
from tests.web.test_upload_pages import MONTH, _camt, counts, pay_csv

from wageguard.auth.scope import Principal
from wageguard.db import Database
from wageguard.registry.choices import Role

world = money_world.world


def _log_in(page: Any, live_server: str, username: str) -> None:
    page.goto(live_server + "/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(f"pw-{username}")
    page.get_by_role("button", name="登录").click()
    expect(page).not_to_have_url(re.compile(r"/login"))


def _upload_pay_sheet(page: Any, live_server: str, world: World, path: Path) -> None:
    page.goto(live_server + "/imports/paysheet")
    expect(page.get_by_role("heading", level=1)).to_have_text("上传工资单")
    page.locator("#project").select_option(str(world.project_id))
    page.locator("#month").fill(MONTH)
    page.locator("#file").set_input_files(str(path))
    page.get_by_role("button", name="检查文件").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("工资单检查结果")


def test_clerk_sees_the_bad_row_then_confirms_a_good_sheet(
    live_server: str,
    page: Any,
    db: Database,
    world: World,
    make_user: Callable[..., Principal],
    tmp_path: Path,
) -> None:
    make_user("clerk", Role.ENTERPRISE, enterprise_id=world.enterprise_id)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    _log_in(page, live_server, "clerk")
    before = counts(db)

    bad = tmp_path / "工资单-有错.csv"
    bad.write_bytes(pay_csv(world, ["5000", "4800", "abc"], gross=["5100", "4900", "4800"]))
    _upload_pay_sheet(page, live_server, world, bad)
    expect(page.locator("#verdict")).to_have_text(re.compile(r"^文件有 1 处错误，未保存任何数据。"))
    cells = page.locator("#problems tbody tr").first.locator("td")
    expect(cells).to_have_count(4)
    expect(cells.nth(0)).to_have_text("4")
    expect(cells.nth(1)).to_have_text("actualAmount")
    expect(cells.nth(2)).to_have_text("abc")
    expect(page.get_by_role("button", name="确认导入")).to_be_disabled()
    assert counts(db) == before

    good = tmp_path / "工资单.csv"
    good.write_bytes(pay_csv(world, ["5000", "4800", "4700"]))
    _upload_pay_sheet(page, live_server, world, good)
    expect(page.locator("#verdict")).to_have_text(re.compile(r"^文件检查通过，尚未保存。"))
    expect(page.locator("#summary")).to_have_text(
        "共 3 行，3 名工人，实发合计 14,500.00 元，应发合计 14,800.00 元。"
    )
    expect(page.locator("#lines tbody tr")).to_have_count(3)
    assert counts(db) == before
    page.get_by_role("button", name="确认导入").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("工资单已导入")
    assert counts(db)[:2] == (before[0] + 1, before[1] + 3)

    assert errors == []


def test_bank_officer_uploads_a_camt054_and_confirms(
    live_server: str,
    page: Any,
    db: Database,
    world: World,
    make_user: Callable[..., Principal],
    tmp_path: Path,
) -> None:
    make_user("banker", Role.BANK, bank_code="103")
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    _log_in(page, live_server, "banker")
    page.goto(live_server + "/money")
    expect(page.locator("#accounts tbody tr")).to_have_count(1)
    page.get_by_role("link", name="上传银行对账文件").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("上传银行对账文件")
    page.locator("#file").set_input_files(str(_camt(world, tmp_path / "camt054.xml")))
    page.get_by_role("button", name="检查文件").click()

    expect(page.locator("#verdict")).to_have_text(re.compile(r"^文件检查通过，尚未保存。"))
    rows = page.locator("#payments tbody tr")
    expect(rows).to_have_count(3)
    expect(page.locator("#payments")).to_contain_text("已匹配")
    expect(page.locator("#payments")).to_contain_text("5,000.00")
    assert payment_count(db) == 0
    page.get_by_role("button", name="确认导入").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("银行文件已导入")
    assert payment_count(db) == 3

    page.get_by_role("link", name="返回工资专用账户").click()
    expect(page.locator("#accounts")).to_contain_text("失败 0 笔，退回 1 笔，共 4,700.00 元")
    assert errors == []
