"""The monthly attendance sheet (月考勤表) as a printable XLSX: title, project, team, month, a row per worker
(ID masked), a column per day (hours), totals per worker and per day. Every row goes through
``wageguard.exports.cells.write_row``, so names that look like formulas stay text."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from wageguard.attendance.schemas import Sheet
from wageguard.exports.cells import safe_sheet_title, write_row

FIXED = ["序号 No.", "姓名 Name", "身份证号 ID", "班组 Team", "工种 Trade"]


def hours_text(minutes: int) -> float:
    """Minutes on site as hours with one decimal (how the sheet shows a day)."""
    return round(minutes / 60, 1)


def _header(ws: Worksheet, sheet: Sheet, width: int) -> None:
    title = f"{sheet.project_name} {sheet.month} 月考勤表 Monthly attendance sheet"
    write_row(ws, [title])
    write_row(ws, [f"项目 Project: {sheet.project_code} {sheet.project_name}"])
    write_row(ws, [f"班组 Team: {sheet.team or '全部 all'}", None, None, f"月份 Month: {sheet.month}"])
    for row in (1, 2):
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    ws["A1"].font = Font(size=16, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center")


def sheet_to_xlsx(sheet: Sheet) -> bytes:
    """Render ``sheet`` as an XLSX workbook (A4 landscape, fit to width) and return its bytes."""
    wb = Workbook()
    ws = wb.active
    ws.title = safe_sheet_title(sheet.month)
    days = list(range(1, sheet.day_count + 1))
    columns = [*FIXED, *[str(d) for d in days], "出勤天数 Days", "工时 Hours"]
    _header(ws, sheet, len(columns))
    write_row(ws, columns)
    for number, row in enumerate(sheet.rows, start=1):
        cells: list[object] = [number, row.name, row.id_masked, row.team, row.work_type]
        cells.extend(hours_text(row.minutes_by_day[d]) if d in row.minutes_by_day else None for d in days)
        cells.extend([row.days, hours_text(row.minutes)])
        write_row(ws, cells)
    totals: list[object] = ["合计 Total", None, None, None, f"{len(sheet.rows)} 人"]
    totals.extend(sheet.days_per_day.get(d) for d in days)
    totals.extend([sheet.total_days, hours_text(sheet.total_minutes)])
    write_row(ws, totals)
    _style(ws, len(columns), header_row=4, last_row=ws.max_row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _style(ws: object, width: int, *, header_row: int, last_row: int) -> None:
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    bold = Font(bold=True)
    for cell in ws[header_row]:  # type: ignore[index]
        cell.font = bold
        cell.alignment = Alignment(horizontal="center", wrap_text=True)
    for cell in ws[last_row]:  # type: ignore[index]
        cell.font = bold
    for col in range(1, width + 1):
        letter = get_column_letter(col)
        ws.column_dimensions[letter].width = {1: 5, 2: 10, 3: 20, 4: 12, 5: 10}.get(col, 5)  # type: ignore[attr-defined]
    for row in ws.iter_rows(min_row=header_row, max_row=last_row):  # type: ignore[attr-defined]
        for cell in row:
            cell.border = border
    ws.freeze_panes = ws.cell(row=header_row + 1, column=len(FIXED) + 1)  # type: ignore[attr-defined]
    ws.page_setup.orientation = "landscape"  # type: ignore[attr-defined]
    ws.page_setup.paperSize = 9  # type: ignore[attr-defined]  # A4
    ws.page_setup.fitToWidth = 1  # type: ignore[attr-defined]
    ws.page_setup.fitToHeight = 0  # type: ignore[attr-defined]
    ws.sheet_properties.pageSetUpPr.fitToPage = True  # type: ignore[attr-defined]
    ws.print_title_rows = f"{header_row}:{header_row}"  # type: ignore[attr-defined]
