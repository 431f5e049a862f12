"""Cells that are safe to open in Excel, WPS and LibreOffice: the one place every XLSX and CSV writer goes
through.

Formula injection: a text cell whose first character is ``=``, ``+``, ``-``, ``@``, tab or carriage return
may be taken for a formula (a worker registered as ``=HYPERLINK(...)`` would otherwise become a live link in
an inspector's spreadsheet). XLSX cells with such text are written as typed text with Excel's "quote prefix"
style (shown exactly as written, still text when edited); CSV cells get a leading single quote. Numbers
(``int``, ``float``, ``Decimal``) are never touched, so negative amounts stay numeric. An instant
(``datetime``; naive ones are UTC, as the database keeps them) is written as text in the platform's zone to
the minute (``2026-12-01 01:05``), never UTC with seconds; a ``date`` stays a date.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.worksheet.worksheet import Worksheet

from wageguard.timezones import zone

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_TITLE_BAD = re.compile(r"[\[\]:*?/\\\s]+")
TITLE_MAX = 31  # Excel's limit on sheet names
ZONE = "Asia/Shanghai"  # Settings.timezone's default; writers pass the platform's own


def clock_cell(value: datetime, zone_name: str = ZONE) -> str:
    """An instant as ``YYYY-MM-DD HH:MM`` in ``zone_name`` (naive datetimes are UTC)."""
    aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    return aware.astimezone(zone(zone_name)).strftime("%Y-%m-%d %H:%M")


def is_formula_like(text: str) -> bool:
    """Whether a spreadsheet could read ``text`` as a formula."""
    return text.startswith(FORMULA_START)


def _xlsx_value(value: object, zone_name: str) -> object:
    if isinstance(value, datetime):
        return clock_cell(value, zone_name)
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)  # control characters make openpyxl refuse the file
    return value


def write_row(sheet: Worksheet, values: Sequence[object], zone_name: str = ZONE) -> None:
    """Append one row to ``sheet``; formula-like text becomes quote-prefixed text, numbers stay numbers,
    instants are text in ``zone_name`` to the minute."""
    cleaned = [_xlsx_value(v, zone_name) for v in values]
    sheet.append(cleaned)
    row = sheet.max_row
    for column, value in enumerate(cleaned, start=1):
        if isinstance(value, str) and is_formula_like(value):
            cell = sheet.cell(row=row, column=column)
            cell.data_type = "s"
            cell.quotePrefix = True


def safe_sheet_title(text: str) -> str:
    """A valid sheet name: Excel refuses ``[ ] : * ? / \\`` and more than 31 characters."""
    title = _TITLE_BAD.sub(" ", text).strip()[:TITLE_MAX].strip()
    return title or "Sheet"


def csv_cell(value: object, zone_name: str = ZONE) -> str:
    """One CSV field: numbers as written, dates ISO, instants in ``zone_name`` to the minute, formula-like
    text behind a single quote."""
    if value is None:
        return ""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, datetime):
        return clock_cell(value, zone_name)
    text = value.isoformat() if isinstance(value, date) else str(value)
    return "'" + text if is_formula_like(text) else text


def csv_row(values: Iterable[object], zone_name: str = ZONE) -> list[str]:
    """A CSV row (for ``csv.writer.writerow``) with every field made safe by ``csv_cell``."""
    return [csv_cell(v, zone_name) for v in values]
