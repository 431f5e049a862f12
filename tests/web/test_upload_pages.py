"""Uploads in the browser (issue 11 part 6): the clerk's pay sheet and the bank officer's statement are
checked row by row and shown before anything is stored, then stored once on confirm; plus the money pages'
exports.

Over HTTP on the test database (SQLite, or PostgreSQL with ``WAGEGUARD_TEST_PG_URL``); every file is made by
the repository's own writers (pay sheets in the national columns, ``write_camt054``)."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import openpyxl
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from tests.factories import make_region_project, make_team
from tests.payroll import conftest as money_world
from tests.payroll.conftest import ACCOUNT, World, payment_count, write_icbc

from wageguard.auth.scope import Principal
from wageguard.config import Settings
from wageguard.db import Database
from wageguard.ingest.models import ImportBatch
from wageguard.payroll.banks.writers import PaymentOut, write_camt054
from wageguard.payroll.choices import PaymentStatus
from wageguard.payroll.models import PaySheet, PaySheetLine
from wageguard.registry.choices import Role
from wageguard.security.crypto import mask
from wageguard.web.pages.imports import PENDING_TTL_S

MONTH = "2026-10"
HEAD = ["projectCode", "teamSysNo", "payMonth", "idCardNumber", "days", "workHours"]
HEAD += ["payRollBankCardNumber", "totalPayAmount", "actualAmount"]
TOKEN = re.compile(r'name="token" value="([^"]*)"')
world = money_world.world  # the money tests' project: a team of three workers with cards, a wage account


def pay_csv(world: World, nets: list[str], *, gross: list[str] | None = None, month: str = MONTH) -> bytes:
    """A flat pay sheet in the national column names, one row per worker (gross = net + 100 by default)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEAD)
    for i, net in enumerate(nets):
        g = gross[i] if gross else str(float(net) + 100)
        writer.writerow(
            [world.project_code, world.team_sys_no, month, world.ids[i], 22, 176, world.cards[i], g, net]
        )
    return out.getvalue().encode()


def counts(db: Database) -> tuple[int, int, int]:
    with db.sessions() as s:
        return tuple(  # type: ignore[return-value]
            int(s.scalar(select(func.count()).select_from(model)) or 0)
            for model in (PaySheet, PaySheetLine, ImportBatch)
        )


def preview(client: TestClient, headers: dict[str, str], project_id: int, data: bytes, lang: str = "zh"):  # type: ignore[no-untyped-def]
    return client.post(
        f"/imports/paysheet?lang={lang}",
        headers=headers,
        data={"project_id": str(project_id), "month": MONTH},
        files={"file": ("工资单.csv", data, "text/csv")},
    )


def token_of(html: str) -> str:
    match = TOKEN.search(html)
    assert match is not None, html
    return match.group(1)


def test_a_bad_pay_sheet_shows_row_field_and_reason_and_stores_nothing(
    client: TestClient,
    db: Database,
    world: World,
    make_user: Callable[..., Principal],
    login: Callable[[str], dict[str, str]],
) -> None:
    make_user("clerk", Role.ENTERPRISE, enterprise_id=world.enterprise_id)
    headers = login("clerk")
    before = counts(db)
    bad = pay_csv(world, ["5000", "4800", "4700"], gross=["5100", "4900", "4600"])  # row 4: net above gross
    page = preview(client, headers, world.project_id, bad)
    assert page.status_code == 200
    assert "文件有 1 处错误，未保存任何数据。" in page.text
    row = re.search(r'<table class="table data" id="problems">.*?<tbody>(.*?)</tbody>', page.text, re.S)
    assert row is not None
    cells = re.findall(r"<td>(.*?)</td>", row.group(1))
    assert cells == ["4", "actualAmount", "", "实发金额不能大于应发金额"]
    assert re.search(r'<button type="submit" id="confirm"\s+disabled', page.text)
    assert token_of(page.text) == ""
    english = preview(client, headers, world.project_id, bad, lang="en")
    assert "The file has 1 problem; nothing was stored." in english.text
    assert "net pay exceeds gross pay" in english.text and "实发金额" not in english.text
    assert counts(db) == before  # no sheet, no line, not even an import record: a preview is not an import


def test_a_good_pay_sheet_is_previewed_then_stored_once(
    client: TestClient,
    db: Database,
    world: World,
    make_user: Callable[..., Principal],
    login: Callable[[str], dict[str, str]],
    settings: Settings,
) -> None:
    make_user("clerk", Role.ENTERPRISE, enterprise_id=world.enterprise_id)
    headers = login("clerk")
    before = counts(db)
    page = preview(client, headers, world.project_id, pay_csv(world, ["5000", "4800.5", "4700"]))
    assert page.status_code == 200 and "文件检查通过，尚未保存。" in page.text
    assert "共 3 行，3 名工人，实发合计 14,500.50 元，应发合计 14,800.50 元。" in page.text
    assert "张三" in page.text and "4,800.50" in page.text and world.ids[0] not in page.text
    assert counts(db) == before
    token = token_of(page.text)
    assert len(token) == 32 and (settings.var_dir / "pending-uploads" / token).is_dir()

    done = client.post("/imports/paysheet/confirm", headers=headers, data={"token": token})
    assert done.status_code == 200 and "工资单已导入" in done.text and "第 1 版（新建）" in done.text
    sheets, lines, batches = counts(db)
    assert (sheets, lines, batches) == (before[0] + 1, before[1] + 3, before[2] + 1)
    assert not list((settings.var_dir / "pending-uploads").iterdir())  # the file is not kept after it

    again = client.post("/imports/paysheet/confirm", headers=headers, data={"token": token})
    assert again.status_code == 409 and "已确认过或已过期" in again.text
    assert counts(db) == (sheets, lines, batches)


def test_a_token_is_bound_to_its_user(
    client: TestClient,
    db: Database,
    world: World,
    make_user: Callable[..., Principal],
    login: Callable[[str], dict[str, str]],
) -> None:
    make_user("clerk", Role.ENTERPRISE, enterprise_id=world.enterprise_id)
    make_user("clerk2", Role.ENTERPRISE, enterprise_id=world.enterprise_id)
    page = preview(client, login("clerk"), world.project_id, pay_csv(world, ["5000"]))
    before = counts(db)
    stolen = client.post(
        "/imports/paysheet/confirm", headers=login("clerk2"), data={"token": token_of(page.text)}
    )
    assert stolen.status_code == 409 and counts(db) == before


def test_another_enterprises_project_is_refused(
    client: TestClient,
    db: Database,
    world: World,
    make_user: Callable[..., Principal],
    login: Callable[[str], dict[str, str]],
) -> None:
    with db.transaction() as s:
        other, other_gc = make_region_project(s, "520602", name="别家的工地")
        make_team(s, project=other, enterprise=other_gc, name="木工班")
        other_id, other_code = other.id, other.project_code
    make_user("clerk", Role.ENTERPRISE, enterprise_id=world.enterprise_id)
    headers = login("clerk")
    form = client.get("/imports/paysheet", headers=headers)
    assert form.status_code == 200 and "碧江资金测试工地" in form.text and "别家的工地" not in form.text
    before = counts(db)
    refused = preview(client, headers, other_id, pay_csv(world, ["5000"]))
    assert refused.status_code == 403
    assert "该项目不是贵单位参与的项目，不能为其上传工资单。" in refused.text
    # a file naming the other project, uploaded under the clerk's own project: refused row by row
    data = pay_csv(world, ["5000"]).replace(world.project_code.encode(), other_code.encode())
    page = preview(client, headers, world.project_id, data)
    assert "项目不存在或无权操作" in page.text and token_of(page.text) == ""
    assert counts(db) == before
    make_user("banker", Role.BANK, bank_code="103")
    bank = client.get("/imports/paysheet", headers=login("banker"))
    assert bank.status_code == 403 and "只有施工企业的工资专员可以上传工资单。" in bank.text


def _camt(world: World, path: Path) -> Path:
    day = date(2026, 11, 10)
    return write_camt054(
        path,
        ACCOUNT,
        [
            PaymentOut("E1", world.names[0], world.cards[0], 500000, day, remark="工资 2026年10月"),
            PaymentOut("E2", world.names[1], world.cards[1], 480050, day, remark="工资 2026年10月"),
            PaymentOut(
                "E3",
                world.names[2],
                world.cards[2],
                470000,
                day,
                PaymentStatus.RETURNED,
                "账户已冻结",
                "工资",
            ),
        ],
        "MSG1",
    )


def test_a_bank_officer_previews_and_confirms_a_camt054(
    client: TestClient,
    db: Database,
    world: World,
    make_user: Callable[..., Principal],
    login: Callable[[str], dict[str, str]],
    tmp_path: Path,
) -> None:
    make_user("banker", Role.BANK, bank_code="103")
    headers = login("banker")
    money = client.get("/money", headers=headers)
    assert money.status_code == 200 and 'href="/money/statements/upload"' in money.text
    assert world.cards[0] not in money.text and mask(ACCOUNT) in money.text
    form = client.get("/money/statements/upload", headers=headers)
    assert form.status_code == 200 and "camt.054" in form.text
    data = _camt(world, tmp_path / "camt054.xml").read_bytes()
    before = payment_count(db), counts(db)[2]

    page = client.post("/money/statements/upload", headers=headers, files={"file": ("camt054.xml", data)})
    assert page.status_code == 200 and "文件检查通过，尚未保存。" in page.text
    assert "付款 3 笔，合计 14,500.50 元；新增 3 笔" in page.text
    body = re.search(r'id="payments">.*?<tbody>(.*?)</tbody>', page.text, re.S)
    assert body is not None
    rows = [re.findall(r"<td[^>]*>(.*?)</td>", r) for r in re.findall(r"<tr>(.*?)</tr>", body.group(1), re.S)]
    assert sorted((r[1], r[3], r[6], r[7]) for r in rows) == [
        ("张三", "5,000.00", "张三", "已匹配"),
        ("李四", "4,800.50", "李四", "已匹配"),
        ("王五", "4,700.00", "王五", "退回"),
    ]
    assert all(world.cards[i] not in page.text for i in range(3))
    assert {r[2] for r in rows} == {mask(card) for card in world.cards}
    assert "退回（账户已冻结）" in page.text
    assert (payment_count(db), counts(db)[2]) == before  # the dry run was rolled back

    token = token_of(page.text)
    done = client.post("/money/statements/upload/confirm", headers=headers, data={"token": token})
    assert done.status_code == 200 and "银行文件已导入" in done.text and "新增 3 笔" in done.text
    assert payment_count(db) == before[0] + 3
    again = client.post("/money/statements/upload/confirm", headers=headers, data={"token": token})
    assert again.status_code == 409 and payment_count(db) == before[0] + 3

    money = client.get("/money", headers=headers)
    assert "失败 0 笔，退回 1 笔，共 4,700.00 元" in money.text and "camt054.xml" in money.text


def test_a_statement_for_an_account_of_another_bank_is_refused(
    client: TestClient,
    db: Database,
    world: World,
    make_user: Callable[..., Principal],
    login: Callable[[str], dict[str, str]],
    tmp_path: Path,
) -> None:
    make_user("other", Role.BANK, bank_code="105")
    headers = login("other")
    data = _camt(world, tmp_path / "camt054.xml").read_bytes()
    page = client.post("/money/statements/upload", headers=headers, files={"file": ("camt054.xml", data)})
    assert page.status_code == 200 and "文件有 1 处错误，未保存任何数据。" in page.text
    assert f"账户 {mask(ACCOUNT)} 不是已登记的工资专用账户" in page.text and token_of(page.text) == ""
    assert payment_count(db) == 0


def test_the_account_export_answers_xlsx_for_the_bank_holding_it(
    client: TestClient,
    world: World,
    make_user: Callable[..., Principal],
    login: Callable[[str], dict[str, str]],
) -> None:
    """Before: the bank officer's "导出 XLSX" (and the account page itself) answered not found for its own
    accounts, since reads were scoped by project or region only; an /api link answered JSON."""
    make_user("banker", Role.BANK, bank_code="103")
    headers = login("banker")
    assert client.get(f"/money/accounts/{world.account_id}", headers=headers).status_code == 200
    export = client.get(f"/money/accounts/{world.account_id}/export.xlsx", headers=headers)
    assert export.status_code == 200, export.text
    assert export.headers["content-type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(export.content))
    assert book.active["A1"].value == "月份 Month"
    api = client.get(f"/api/v1/money/accounts/{world.account_id}/summary.xlsx", headers=headers)
    assert api.status_code == 200

    make_user("far", Role.INSPECTOR, region_code="520603")
    far = client.get(f"/money/accounts/{world.account_id}/export.xlsx", headers=login("far"))
    assert far.status_code == 404 and far.headers["content-type"].startswith("text/html")
    make_user("b105", Role.BANK, bank_code="105")
    assert (
        client.get(f"/money/accounts/{world.account_id}/export.xlsx", headers=login("b105")).status_code
        == 404
    )

    make_user("insp", Role.INSPECTOR, region_code="520602")
    pay = client.get(f"/money/projects/{world.project_id}/pay.xlsx?month={MONTH}", headers=login("insp"))
    assert pay.status_code == 200 and pay.headers["content-type"].startswith("application/vnd.openxmlformats")


def test_an_xlsx_pay_sheet_previews_and_a_file_that_is_no_pay_sheet_is_refused_whole(
    client: TestClient,
    db: Database,
    world: World,
    make_user: Callable[..., Principal],
    login: Callable[[str], dict[str, str]],
) -> None:
    make_user("clerk", Role.ENTERPRISE, enterprise_id=world.enterprise_id)
    headers = login("clerk")
    rows = list(csv.reader(io.StringIO(pay_csv(world, ["5000", "4800"]).decode())))
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    before = counts(db)
    page = preview(client, headers, world.project_id, out.getvalue())
    assert page.status_code == 200 and "（xlsx）" in page.text and "文件检查通过，尚未保存。" in page.text
    assert "共 2 行，2 名工人，实发合计 9,800.00 元" in page.text
    junk = preview(client, headers, world.project_id, b"\x00\x01PK\x03\x04 not a workbook")
    assert junk.status_code == 200 and "文件有 1 处错误，未保存任何数据。" in junk.text
    assert "含有控制字符（如 NUL），请删除后重新导入" in junk.text
    assert token_of(junk.text) == "" and counts(db) == before


def test_a_bank_csv_in_a_profile_shows_its_bad_rows(
    client: TestClient,
    db: Database,
    world: World,
    make_user: Callable[..., Principal],
    login: Callable[[str], dict[str, str]],
    tmp_path: Path,
) -> None:
    make_user("banker", Role.BANK, bank_code="103")
    headers = login("banker")
    path = write_icbc(
        tmp_path / "icbc.csv",
        [
            ["R1", ACCOUNT, "张三", world.cards[0], "农行", "1,234.50", "2026-11-10", "成功", "", ""],
            ["R2", ACCOUNT, "李四", world.cards[1], "农行", "12.345", "2026-11-10", "成功", "", ""],
        ],
    )
    page = client.post(
        "/money/statements/upload?lang=en",
        headers=headers,
        data={"profile": "icbc"},
        files={"file": ("icbc.csv", path.read_bytes(), "text/csv")},
    )
    assert page.status_code == 200 and "nothing was stored" in page.text and token_of(page.text) == ""
    problems = re.search(r'id="problems">.*?<tbody>(.*?)</tbody>', page.text, re.S)
    assert problems is not None
    assert re.findall(r"<td>(.*?)</td>", problems.group(1)) == [
        "3",
        "amount",
        "12.345",
        "amount has more than two decimals",
    ]
    assert "1,234.50" in page.text and mask(world.cards[0]) in page.text  # the lines read, not matched
    assert payment_count(db) == 0
    good = write_icbc(
        tmp_path / "good.csv",
        [["R1", ACCOUNT, "张三", world.cards[0], "农行", "1,234.50", "2026-11-10", "成功", "", ""]],
    )
    page = client.post(
        "/money/statements/upload?lang=zh",
        headers=headers,
        data={"profile": "icbc"},
        files={"file": ("good.csv", good.read_bytes(), "text/csv")},
    )
    assert "文件检查通过，尚未保存。" in page.text and "已匹配" in page.text and "1,234.50" in page.text
    assert world.cards[0] not in page.text and mask(world.cards[0]) in page.text and payment_count(db) == 0


def test_a_kept_upload_expires(
    client: TestClient,
    db: Database,
    world: World,
    make_user: Callable[..., Principal],
    login: Callable[[str], dict[str, str]],
    settings: Settings,
) -> None:
    make_user("clerk", Role.ENTERPRISE, enterprise_id=world.enterprise_id)
    headers = login("clerk")
    token = token_of(preview(client, headers, world.project_id, pay_csv(world, ["5000"])).text)
    meta = settings.var_dir / "pending-uploads" / token / "meta.json"
    kept = json.loads(meta.read_text("utf-8"))
    meta.write_text(json.dumps({**kept, "created": kept["created"] - PENDING_TTL_S - 1}), "utf-8")
    before = counts(db)
    late = client.post("/imports/paysheet/confirm", headers=headers, data={"token": token})
    assert late.status_code == 409 and counts(db) == before and not meta.parent.exists()
