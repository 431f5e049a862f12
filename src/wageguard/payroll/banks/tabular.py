"""Reading bank CSV/XLSX files through a profile, streaming row by row.

CSV may be UTF-8 (with or without BOM) or GBK/GB18030 (what Chinese e-banking exports by default).
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from wageguard.errors import Problem
from wageguard.payroll.amounts import AmountError, parse_amount_fen, parse_date
from wageguard.payroll.banks.profiles import FIELDS, REQUIRED, BankProfile
from wageguard.payroll.banks.records import BankDocument, ParsedPayment, normalise_card, problem
from wageguard.payroll.choices import STATUS_WORDS, PaymentStatus

SUMMARY_MARKS = ("合计", "总计", "小计", "total")
PROBLEM_CAP = 1000


def detect_encoding(path: Path) -> str:
    """``utf-8-sig`` when the head of the file decodes as UTF-8, else ``gb18030`` (a superset of GBK)."""
    with path.open("rb") as fh:
        head = fh.read(256 * 1024)
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return "gb18030"
    return "utf-8-sig"


def _cell_text(value: Any) -> str:
    if isinstance(value, str):
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


def _header_map(row: Sequence[Any], profile: BankProfile) -> dict[str, int] | None:
    cells = [_cell_text(c) for c in row]
    found: dict[str, int] = {}
    for name in FIELDS:
        for alias in profile.aliases(name):
            if alias in cells:
                found[name] = cells.index(alias)
                break
    return found if all(r in found for r in REQUIRED) else None


def _status(text: str) -> PaymentStatus | None:
    return STATUS_WORDS.get(text.strip().lower())


def _card(raw: Any) -> str | None:
    if isinstance(raw, float) and not (raw.is_integer() and raw < 1e15):
        return None  # a long card number stored as a spreadsheet number has lost digits
    card = normalise_card(_cell_text(raw))
    return card if card.isdigit() and 8 <= len(card) <= 32 else None


def parse_row(cells: Sequence[Any], cols: dict[str, int], row_no: int) -> ParsedPayment | list[Problem]:
    """One data row to a payment, or the problems that reject it."""

    def get(name: str) -> Any:
        idx = cols.get(name)
        return cells[idx] if idx is not None and idx < len(cells) else None

    probs: list[Problem] = []
    name = _cell_text(get("payee_name"))
    if not name:
        probs.append(problem(row_no, "payee_name", "required", "收款人户名为空", "payee name is empty"))
    card = _card(get("payee_card"))
    if card is None:
        probs.append(
            problem(
                row_no,
                "payee_card",
                "card_invalid",
                "收款账号无效",
                "payee card is not a card number",
                get("payee_card"),
            )
        )
    try:
        amount = parse_amount_fen(get("amount"))
    except AmountError:
        amount = 0
    if amount <= 0:
        probs.append(
            problem(
                row_no,
                "amount",
                "amount_invalid",
                "金额格式错误",
                "amount is not a valid yuan figure",
                get("amount"),
            )
        )
    raw_date = get("value_date")
    if isinstance(raw_date, int | float) and raw_date > 19_000_000:
        raw_date = str(int(raw_date))
    try:
        value_date = parse_date(raw_date)
    except ValueError:
        value_date = date.min
        probs.append(
            problem(row_no, "value_date", "date_invalid", "日期格式错误", "date is not valid", raw_date)
        )
    status = _status(_cell_text(get("status")))
    if status is None:
        probs.append(
            problem(row_no, "status", "status_unknown", "无法识别的状态", "unknown status", get("status"))
        )
    if probs:
        return probs
    assert card is not None and status is not None
    return ParsedPayment(
        row=row_no,
        payee_name="".join(name.split()),
        payee_card=card,
        amount_fen=amount,
        value_date=value_date,
        status=status,
        account_no=normalise_card(_cell_text(get("account_no"))) or None,
        failure_reason=_cell_text(get("failure_reason")) or None,
        remark=_cell_text(get("remark")) or None,
        reference=_cell_text(get("reference")) or None,
        payee_bank=_cell_text(get("payee_bank")) or None,
    )


def _is_summary(cells: Sequence[Any]) -> bool:
    head = cells[0] if cells else None
    if isinstance(head, str) and head and not head[0].isspace() and head[0] not in "合总小tT":
        return False
    first = next((_cell_text(c) for c in cells if _cell_text(c)), "")
    return not first or first.lower().startswith(SUMMARY_MARKS)


def iter_payments(
    rows: Iterator[Sequence[Any]], profile: BankProfile, doc: BankDocument
) -> Iterator[ParsedPayment]:
    """Payments of a row stream: find the header, then parse rows, recording problems into ``doc``."""
    cols: dict[str, int] | None = None
    row_no = 0
    for row_no, cells in enumerate(rows, start=1):
        if cols is None:
            cols = _header_map(cells, profile)
            if cols is None and row_no >= profile.header_search_rows:
                break
            continue
        if _is_summary(cells):
            continue
        parsed = parse_row(cells, cols, row_no)
        if isinstance(parsed, list):
            if len(doc.problems) < PROBLEM_CAP:  # keep the report (and memory) bounded on a hopeless file
                doc.problems.extend(parsed)
        else:
            yield parsed
    if cols is None:
        wanted = "、".join(profile.aliases(r)[0] for r in REQUIRED)
        doc.problems.append(
            problem(
                row_no or None,
                "header",
                "header_missing",
                f"未找到表头（格式 {profile.name} 需要列：{wanted}）",
                f"no header row found for profile {profile.name} (needs {wanted})",
            )
        )


def _csv_rows(path: Path) -> Iterator[list[str]]:
    with path.open(encoding=detect_encoding(path), newline="") as fh:
        yield from csv.reader(fh)


def _xlsx_rows(path: Path) -> Iterator[list[Any]]:
    from python_calamine import CalamineWorkbook

    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    yield from sheet.to_python(skip_empty_area=False)


def read_tabular(path: Path, profile: BankProfile) -> BankDocument:
    """A lazily-parsed document for a CSV or XLSX file; iterate ``payments`` once."""
    is_xlsx = path.suffix.lower() in (".xlsx", ".xlsm", ".xls")
    doc = BankDocument(file_format="xlsx" if is_xlsx else "csv", account_no=None, payments=[])
    rows = _xlsx_rows(path) if is_xlsx else _csv_rows(path)
    doc.payments = iter_payments(rows, profile, doc)
    return doc
