"""XLSX exports of the money views (declared vs paid per worker; account inflows vs outflows).

Amounts are numbers (yuan, two decimals shown), so a spreadsheet can add them up; every cell goes through
``wageguard.exports.cells`` (names and remarks that look like formulas stay text).
"""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO
from typing import Any

from wageguard.exports.cells import safe_sheet_title, write_row
from wageguard.payroll.queries import ProjectMonthPay

STATE_ZH = {"paid": "已足额", "partial": "未足额", "unpaid": "未支付", "undeclared": "未申报"}
YUAN_FORMAT = "#,##0.00"


def _yuan(fen: int) -> Decimal:
    """Fen as an exact yuan number for a cell."""
    return Decimal(fen).scaleb(-2)


def _workbook_bytes(title: str, header: list[str], rows: list[list[Any]]) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = safe_sheet_title(title)
    write_row(sheet, header)
    for row in rows:
        write_row(sheet, row)
    for line in sheet.iter_rows(min_row=2):
        for cell in line:
            if isinstance(cell.value, Decimal | float):
                cell.number_format = YUAN_FORMAT
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def pay_workbook(view: ProjectMonthPay) -> bytes:
    """One row per worker: team, days, gross, net, paid, gap, state (amounts in yuan)."""
    header = [
        "姓名 Name",
        "身份证 ID",
        "班组 Team",
        "出勤天数 Days",
        "应发 Gross",
        "实发 Net",
        "已付 Paid",
        "非本人卡 Other card",
        "失败/退回 Failed",
        "差额 Gap",
        "状态 State",
        "最后付款日 Last paid",
    ]
    rows = [
        [
            w.name,
            w.id_masked,
            w.team or "",
            w.days,
            _yuan(w.gross_fen),
            _yuan(w.net_fen),
            _yuan(w.paid_fen),
            _yuan(w.other_card_fen),
            _yuan(w.failed_fen),
            _yuan(w.gap_fen),
            STATE_ZH[w.state],
            w.last_paid.isoformat() if w.last_paid else "",
        ]
        for w in view.workers
    ]
    totals = view.totals()
    rows.append(
        [
            "合计 Total",
            "",
            "",
            None,
            _yuan(totals["gross_fen"]),
            _yuan(totals["net_fen"]),
            _yuan(totals["paid_fen"]),
            "",
            _yuan(totals["failed_fen"]),
            _yuan(totals["net_fen"] - totals["paid_fen"]),
            "",
            "",
        ]
    )
    return _workbook_bytes(f"{view.project_code} {view.month}", header, rows)


def account_workbook(summary: dict[str, Any]) -> bytes:
    """One row per month: inflows, outflows; then the latest balance."""
    header = ["月份 Month", "人工费拨付 Inflows", "代发工资 Outflows"]
    rows: list[list[Any]] = [
        [m["month"], _yuan(m["inflow_fen"]), _yuan(m["outflow_fen"])] for m in summary["months"]
    ]
    rows.append(["合计 Total", _yuan(summary["inflow_total_fen"]), _yuan(summary["outflow_total_fen"])])
    if summary["balance_fen"] is not None:
        rows.append([f"余额 Balance {summary['balance_as_of']}", _yuan(summary["balance_fen"]), ""])
    return _workbook_bytes(summary["account_masked"], header, rows)
