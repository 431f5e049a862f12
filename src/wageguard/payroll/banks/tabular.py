"""Reading bank CSV/XLSX files through a profile, streaming row by row.

Files are read through the one input boundary (``wageguard.ingest.boundary``): size, encoding (UTF-8,
GBK/GB18030 as Chinese e-banking exports by default, Big5, UTF-16 with BOM; undecidable → refused), XLSX zip
checks, strict CSV quoting, field length and control characters. This module finds the header row (title
lines above it are skipped), skips summary lines, and checks each row's values.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from wageguard.errors import Problem
from wageguard.ingest.boundary import (
    BadInput,
    Limits,
    Source,
    empty_file,
    guess_format,
    header_names,
    open_sheet,
)
from wageguard.payroll.amounts import AmountError, parse_amount_fen, parse_bank_date
from wageguard.payroll.banks.profiles import FIELDS, REQUIRED, BankProfile
from wageguard.payroll.banks.records import (
    TEXT_MAX,
    BankDocument,
    ParsedPayment,
    clean_text,
    normalise_card,
    problem,
)
from wageguard.payroll.choices import STATUS_WORDS, PaymentStatus
from wageguard.security.crypto import mask

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
    return card if card.isascii() and card.isdigit() and 8 <= len(card) <= 32 else None


def _raw_text(value: Any) -> str | None:
    """A cell as text before cleaning (spreadsheet numbers and dates rendered), None when blank."""
    if value is None:
        return None
    text = value if isinstance(value, str) else _cell_text(value)
    return text if text.strip() else None


def _date_cell(raw: Any) -> Any:
    if isinstance(raw, int | float) and not isinstance(raw, bool) and raw > 19_000_000:
        return str(int(raw))  # yyyyMMdd typed as a number
    return raw


def _invalid(exc: AmountError, row_no: int, field_name: str, code: str, raw: Any) -> Problem:
    return problem(
        row_no, field_name, code, exc.notice.message_zh, exc.notice.message_en, _cell_text(raw)[:40]
    )


def parse_row(cells: Sequence[Any], cols: dict[str, int], row_no: int) -> ParsedPayment | list[Problem]:
    """One data row to a payment, or the problems that reject it (each field reported once)."""

    def get(name: str) -> Any:
        idx = cols.get(name)
        return cells[idx] if idx is not None and idx < len(cells) else None

    probs: list[Problem] = []

    def clean(name: str) -> str | None:
        return clean_text(
            _raw_text(get(name)), row=row_no, field_name=name, max_len=TEXT_MAX[name], problems=probs
        )

    raw_name = _raw_text(get("payee_name"))
    name = clean("payee_name")
    if raw_name is None:
        probs.append(problem(row_no, "payee_name", "required", "收款人户名为空", "payee name is empty"))
    card = _card(get("payee_card"))
    if card is None:
        raw_card = _cell_text(get("payee_card"))
        probs.append(
            problem(
                row_no,
                "payee_card",
                "card_invalid",
                "收款账号无效（应为 8 至 32 位数字）",
                "payee card is not a card number (8 to 32 digits)",
                mask(raw_card[:40]) if raw_card else None,
            )
        )
    amount = 0
    try:
        amount = parse_amount_fen(get("amount"))
    except AmountError as exc:
        probs.append(_invalid(exc, row_no, "amount", "amount_invalid", get("amount")))
    else:
        if amount <= 0:
            probs.append(
                problem(row_no, "amount", "amount_invalid", "金额须大于 0", "amount must be above 0", amount)
            )
    value_date = date.min
    raw_date = _date_cell(get("value_date"))
    try:
        value_date = parse_bank_date(raw_date)
    except AmountError as exc:
        probs.append(_invalid(exc, row_no, "value_date", "date_invalid", raw_date))
    status = _status(_cell_text(get("status")))
    if status is None:
        probs.append(
            problem(
                row_no,
                "status",
                "status_unknown",
                "无法识别的状态",
                "unknown status",
                _cell_text(get("status")),
            )
        )
    account_no = normalise_card(_cell_text(get("account_no"))) or None
    if account_no is not None and not (
        account_no.isascii() and account_no.isalnum() and len(account_no) <= 40
    ):
        probs.append(
            problem(row_no, "account_no", "account_invalid", "付款账号无效", "paying account is not valid")
        )
    failure_reason, remark = clean("failure_reason"), clean("remark")
    reference, payee_bank = clean("reference"), clean("payee_bank")
    end_to_end = clean("end_to_end_id")
    line_ref = remark if cols.get("line_ref") == cols.get("remark") else clean("line_ref")
    if probs:
        return probs
    assert name is not None and card is not None and status is not None
    return ParsedPayment(
        row=row_no,
        payee_name="".join(name.split()),
        payee_card=card,
        amount_fen=amount,
        value_date=value_date,
        status=status,
        account_no=account_no,
        failure_reason=failure_reason,
        remark=remark,
        reference=reference,
        payee_bank=payee_bank,
        end_to_end_id=end_to_end,
        line_ref=line_ref,
    )


def _is_summary(cells: Sequence[Any]) -> bool:
    head = cells[0] if cells else None
    if isinstance(head, str) and head and not head[0].isspace() and head[0] not in "合总小tT":
        return False
    first = next((_cell_text(c) for c in cells if _cell_text(c)), "")
    return not first or first.lower().startswith(SUMMARY_MARKS)


def _at_column(fault: BadInput, names: list[str]) -> Problem:
    """The fault's problem, a column number (``#3``) replaced by the header's name for it."""
    field_name = fault.field
    number = field_name[1:] if field_name.startswith("#") else ""
    if number.isdigit() and 0 < int(number) <= len(names) and names[int(number) - 1]:
        field_name = names[int(number) - 1]
    return fault.problem(field=field_name)


def _wrong_width(number: int, found: int, width: int, header_row: int) -> BadInput:
    return BadInput(
        "csv.width",
        f"该行有 {found} 个字段，表头（第 {header_row} 行）有 {width} 个；整个文件未导入",
        f"the row has {found} fields, the header (row {header_row}) has {width}; nothing imported",
        row=number,
    )


def iter_payments(
    records: Iterator[tuple[int, Sequence[Any]]],
    profile: BankProfile,
    doc: BankDocument,
    *,
    exact_width: bool,
) -> Iterator[ParsedPayment]:
    """Payments of a record stream: find the header, then parse rows, recording problems into ``doc``.

    A fault of the file itself (encoding, quoting, a field over the limit, a control character, a CSV row not
    as wide as the header, a repeated header name) ends the reading with its problem: the file is rejected.
    """
    cols: dict[str, int] | None = None
    names: list[str] = []
    header_row = row_no = 0
    data_rows = 0
    try:
        for row_no, cells in records:
            if cols is None:
                cols = _header_map(cells, profile)
                if cols is not None:
                    names, header_row = header_names(list(cells), row_no), row_no
                elif row_no >= profile.header_search_rows:
                    break
                continue
            if _is_summary(cells):
                continue
            if exact_width and len(cells) != len(names):
                raise _wrong_width(row_no, len(cells), len(names), header_row)
            data_rows += 1
            parsed = parse_row(cells, cols, row_no)
            if isinstance(parsed, list):
                if len(doc.problems) < PROBLEM_CAP:  # keep the report (and memory) bounded on a hopeless file
                    doc.problems.extend(parsed)
            else:
                yield parsed
    except BadInput as fault:
        doc.problems.append(_at_column(fault, names))
        return
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
    elif not data_rows:
        doc.problems.append(empty_file().problem(row=header_row))


def tabular_format(path: Path) -> str:
    """``xlsx`` or ``csv``: by extension (``.xlsx``/``.xlsm``), else by the file's first bytes."""
    with path.open("rb") as fh:
        return guess_format(Source(fh, path.name), None, ("csv", "xlsx"))


def _records(
    path: Path, file_format: str, limits: Limits, encoding: str | None
) -> Iterator[tuple[int, Sequence[Any]]]:
    with path.open("rb") as fh:
        sheet = open_sheet(Source(fh, path.name), limits, file_format=file_format, encoding=encoding)
        yield from sheet.records


def read_tabular(
    path: Path, profile: BankProfile, *, limits: Limits | None = None, encoding: str | None = None
) -> BankDocument:
    """A lazily-parsed document for a CSV or XLSX file, read through the input boundary (size, encoding,
    XLSX zip checks, strict CSV quoting, field length, control characters); iterate ``payments`` once."""
    file_format = tabular_format(path)
    doc = BankDocument(file_format=file_format, account_no=None, payments=[])
    records = _records(path, file_format, limits or Limits(), encoding)
    doc.payments = iter_payments(records, profile, doc, exact_width=file_format == "csv")
    return doc
