"""Plain records the bank readers produce, independent of the file format."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from wageguard.errors import Problem
from wageguard.ingest.boundary import CONTROL, has_control
from wageguard.payroll.choices import PaymentStatus


@dataclass(frozen=True, slots=True)
class ParsedPayment:
    """One payroll transfer as a bank reports it (card number still in clear: it is encrypted on store)."""

    row: int | str
    payee_name: str
    payee_card: str
    amount_fen: int
    value_date: date
    status: PaymentStatus
    account_no: str | None = None
    failure_reason: str | None = None
    remark: str | None = None
    reference: str | None = None
    payee_bank: str | None = None
    end_to_end_id: str | None = None
    line_ref: str | None = None

    @property
    def link_reference(self) -> str | None:
        """The reference a later report of this payment carries too: the payer's EndToEndId (a pain.001
        batch and its camt.054 or CSV result), else the bank's reference."""
        return self.end_to_end_id or self.reference

    @property
    def line_refs(self) -> tuple[str, ...]:
        """Texts that may name a pay-sheet line (its ``thirdPayRollCode``), best first."""
        return tuple(dict.fromkeys(r for r in (self.line_ref, self.end_to_end_id) if r))


@dataclass(frozen=True, slots=True)
class ParsedCredit:
    """A credit booked on the account: a labour-cost inflow from the owner."""

    row: int | str
    amount_fen: int
    value_date: date
    payer_name: str | None
    reference: str | None
    remark: str | None
    progress_amount_fen: int | None = None


@dataclass
class BankDocument:
    """What one bank file says: its account (if it names one), payments, credits and closing balances."""

    file_format: str
    account_no: str | None
    payments: Iterable[ParsedPayment]
    credits: list[ParsedCredit] = field(default_factory=list)
    balances: list[tuple[date, int]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


def problem(
    row: int | str | None, field_name: str, code: str, zh: str, en: str, value: object = None
) -> Problem:
    """A bilingual problem row for an import report."""
    return Problem(
        field=field_name,
        code=code,
        message_zh=zh,
        message_en=en,
        row=row,
        value=None if value is None else str(value)[:80],
    )


# Longest text each stored column takes (bank_payments / labour_cost_inflows): longer is an error, never cut.
TEXT_MAX = {
    "payee_name": 64,
    "reference": 64,
    "end_to_end_id": 64,
    "line_ref": 200,
    "payee_bank": 100,
    "failure_reason": 200,
    "remark": 200,
    "payer_name": 200,
}
_LINE_BREAKS = re.compile(r"[\t\r\n]+")


def clean_text(
    value: str | None, *, row: int | str | None, field_name: str, max_len: int, problems: list[Problem]
) -> str | None:
    """``value`` stripped, tabs and line breaks as one space; a problem (and None) for a control character
    (NUL and the rest of C0/C1) or for text longer than ``max_len``."""
    if value is None:
        return None
    if has_control(value):
        problems.append(
            problem(
                row,
                field_name,
                "text.control",
                "含有控制字符（如 NUL），请删除后重新导入",
                "contains a control character (such as NUL); remove it and import again",
                CONTROL.sub("\ufffd", value),
            )
        )
        return None
    text = (value if value.isprintable() else _LINE_BREAKS.sub(" ", value)).strip()
    if len(text) > max_len:
        problems.append(
            problem(
                row,
                field_name,
                "text.too_long",
                f"长度超过 {max_len} 个字符（共 {len(text)} 个）",
                f"longer than {max_len} characters ({len(text)})",
                text,
            )
        )
        return None
    return text or None


def normalise_card(value: object) -> str:
    """Digits of a card or account number (spaces and dashes dropped)."""
    text = str(value)
    if text.isdigit():
        return text
    return "".join(text.replace("-", "").split())
