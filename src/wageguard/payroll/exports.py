"""XLSX exports of the money views (declared vs paid per worker; account inflows vs outflows)."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from wageguard.payroll.amounts import format_fen
from wageguard.payroll.queries import ProjectMonthPay

STATE_ZH = {"paid": "已足额", "partial": "未足额", "unpaid": "未支付", "undeclared": "未申报"}


def _workbook_bytes(title: str, header: list[str], rows: list[list[Any]]) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(header)
    for row in rows:
        sheet.append(row)
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
            format_fen(w.gross_fen),
            format_fen(w.net_fen),
            format_fen(w.paid_fen),
            format_fen(w.other_card_fen),
            format_fen(w.failed_fen),
            format_fen(w.gap_fen),
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
            format_fen(totals["gross_fen"]),
            format_fen(totals["net_fen"]),
            format_fen(totals["paid_fen"]),
            "",
            format_fen(totals["failed_fen"]),
            format_fen(totals["net_fen"] - totals["paid_fen"]),
            "",
            "",
        ]
    )
    return _workbook_bytes(f"{view.project_code} {view.month}", header, rows)


def account_workbook(summary: dict[str, Any]) -> bytes:
    """One row per month: inflows, outflows; then the latest balance."""
    header = ["月份 Month", "人工费拨付 Inflows", "代发工资 Outflows"]
    rows: list[list[Any]] = [
        [m["month"], format_fen(m["inflow_fen"]), format_fen(m["outflow_fen"])] for m in summary["months"]
    ]
    rows.append(
        ["合计 Total", format_fen(summary["inflow_total_fen"]), format_fen(summary["outflow_total_fen"])]
    )
    if summary["balance_fen"] is not None:
        rows.append([f"余额 Balance {summary['balance_as_of']}", format_fen(summary["balance_fen"]), ""])
    return _workbook_bytes(summary["account_masked"], header, rows)
