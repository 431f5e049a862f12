"""Payments a bank pushes as JSON: the same checks as a file row."""

from __future__ import annotations

from wageguard.errors import Problem
from wageguard.payroll.banks.records import ParsedPayment
from wageguard.payroll.banks.tabular import parse_row
from wageguard.payroll.schemas import BankPaymentIn

_COLUMNS = {
    name: i
    for i, name in enumerate(
        (
            "payee_name",
            "payee_card",
            "amount",
            "value_date",
            "status",
            "failure_reason",
            "remark",
            "reference",
            "payee_bank",
            "end_to_end_id",
            "line_ref",
        )
    )
}


def parse_push(items: list[BankPaymentIn]) -> tuple[list[ParsedPayment], list[Problem]]:
    """Payments and the problems of the rows that could not be read (rows numbered from 1)."""
    payments: list[ParsedPayment] = []
    problems: list[Problem] = []
    for row, item in enumerate(items, start=1):
        cells = [getattr(item, name) for name in _COLUMNS]
        cells[_COLUMNS["value_date"]] = str(item.value_date)
        parsed = parse_row(cells, _COLUMNS, row)
        if isinstance(parsed, list):
            problems.extend(parsed)
        else:
            payments.append(parsed)
    return payments, problems
