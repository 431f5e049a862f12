"""Validators of incoming values: each returns the normalised value or raises ``Invalid`` (code + zh + en).

Warnings (an unknown ID area code, a bank card failing Luhn) come from the ``*_warnings`` functions and never
reject a value.
"""

from wageguard.validation.base import ERROR, WARNING, Invalid, Notice, is_blank, text_of
from wageguard.validation.identifiers import (
    IdNumber,
    bank_card_warnings,
    id_number_warnings,
    parse_bank_card,
    parse_id_number,
    parse_mobile,
    parse_phone,
    parse_uscc,
)
from wageguard.validation.values import (
    format_fen,
    parse_amount_fen,
    parse_bool,
    parse_code,
    parse_date,
    parse_datetime,
    parse_float,
    parse_int,
    parse_text,
)

__all__ = [
    "ERROR",
    "WARNING",
    "IdNumber",
    "Invalid",
    "Notice",
    "bank_card_warnings",
    "format_fen",
    "id_number_warnings",
    "is_blank",
    "parse_amount_fen",
    "parse_bank_card",
    "parse_bool",
    "parse_code",
    "parse_date",
    "parse_datetime",
    "parse_float",
    "parse_id_number",
    "parse_int",
    "parse_mobile",
    "parse_phone",
    "parse_text",
    "parse_uscc",
    "text_of",
]
