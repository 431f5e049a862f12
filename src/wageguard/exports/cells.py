"""Cells that are safe to open in Excel, WPS and LibreOffice: the one place every XLSX and CSV writer goes
through.

Formula injection: a text cell whose first character is ``=``, ``+``, ``-``, ``@``, tab or carriage return
may be taken for a formula (a worker registered as ``=HYPERLINK(...)`` would otherwise become a live link in
an inspector's spreadsheet). XLSX cells with such text are written as typed text with Excel's "quote prefix"
style (shown exactly as written, still text when edited); CSV cells get a leading single quote. Numbers
(``int``, ``float``, ``Decimal``) are never touched, so negative amounts stay numeric.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_TITLE_BAD = re.compile(r"[\[\]:*?/\\\s]+")
TITLE_MAX = 31  # Excel's limit on sheet names


def is_formula_like(text: str) -> bool:
    """Whether a spreadsheet could read ``text`` as a formula."""
    return text.startswith(FORMULA_START)


def _xlsx_value(value: object) -> object:
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)  # control characters make openpyxl refuse the file
    return value


def write_row(sheet: Worksheet, values: Sequence[object]) -> None:
    """Append one row to ``sheet``; formula-like text becomes quote-prefixed text, numbers stay numbers."""
    cleaned = [_xlsx_value(v) for v in values]
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


def csv_cell(value: object) -> str:
    """One CSV field: numbers as written, dates ISO, formula-like text behind a single quote."""
    if value is None:
        return ""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return str(value)
    text = value.isoformat() if isinstance(value, date) else str(value)
    return "'" + text if is_formula_like(text) else text


def csv_row(values: Iterable[object]) -> list[str]:
    """A CSV row (for ``csv.writer.writerow``) with every field made safe by ``csv_cell``."""
    return [csv_cell(v) for v in values]
