"""Money and month texts: amounts and dates come from ``wageguard.validation`` (exact yuan -> fen), the pay
month helpers (remark -> month) live here."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from functools import lru_cache

from wageguard.validation.base import Invalid
from wageguard.validation.values import format_fen, parse_amount_fen, parse_date

AmountError = Invalid
__all__ = ["AmountError", "format_fen", "parse_amount_fen", "parse_date"]

_MONTH_PATTERNS = (
    re.compile(r"(20\d{2})\s*年\s*(\d{1,2})\s*月"),
    re.compile(r"(20\d{2})[-/.](\d{1,2})(?!\d)"),
    re.compile(r"(20\d{2})(\d{2})(?!\d)"),
)
_BARE_MONTH = re.compile(r"(?<!\d)(\d{1,2})\s*月")


@lru_cache(maxsize=4096)
def month_of_remark(remark: str | None, value_date: date) -> str | None:
    """The pay month a remark names (``工资 2026年10月``, ``10月工资``, ``2026-10``), as ``YYYY-MM``.

    A bare month (``10月工资``) means the latest such month not after the value date's month.
    """
    if not remark:
        return None
    text = unicodedata.normalize("NFKC", remark)
    for pattern in _MONTH_PATTERNS:
        found = pattern.search(text)
        if found and 1 <= int(found.group(2)) <= 12:
            return f"{int(found.group(1)):04d}-{int(found.group(2)):02d}"
    bare = _BARE_MONTH.search(text)
    if bare and 1 <= int(bare.group(1)) <= 12:
        month = int(bare.group(1))
        year = value_date.year if month <= value_date.month else value_date.year - 1
        return f"{year:04d}-{month:02d}"
    return None


def month_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def previous_month(month: str) -> str:
    year, mon = int(month[:4]), int(month[5:7])
    return f"{year - 1:04d}-12" if mon == 1 else f"{year:04d}-{mon - 1:02d}"


_MONTH_TEXT = re.compile(r"^(20\d{2})-(0[1-9]|1[0-2])$")


def parse_month(value: object) -> str:
    """A pay month ``YYYY-MM`` (also accepts ``YYYY/MM`` and ``YYYYMM``)."""
    text = str(value).strip().replace("/", "-")
    if len(text) == 6 and text.isdigit():
        text = f"{text[:4]}-{text[4:]}"
    if not _MONTH_TEXT.match(text):
        raise ValueError(f"not a month: {value!r}")
    return text
