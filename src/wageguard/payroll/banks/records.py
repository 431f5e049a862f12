"""Plain records the bank readers produce, independent of the file format."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from wageguard.errors import Problem
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


def normalise_card(value: object) -> str:
    """Digits of a card or account number (spaces and dashes dropped)."""
    text = str(value)
    if text.isdigit():
        return text
    return "".join(text.replace("-", "").split())
