"""Money and month texts for bank files: strict yuan amounts (to integer fen, bounded), ISO 20022 and table
dates within a plausible window, and the pay month helpers (remark -> month).

Bank amounts are stricter than ``wageguard.validation``'s: plain decimal digits only (no exponent, ``inf``,
``nan``, underscores or hex), at most two decimals and at most ``MAX_AMOUNT_FEN``, so every stored amount and
every sum of a file's amounts fits a 64-bit integer on SQLite and PostgreSQL.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from functools import lru_cache
from typing import Any

from wageguard.validation.base import Invalid, text_of
from wageguard.validation.values import format_fen, parse_date

AmountError = Invalid
__all__ = [
    "DATE_MAX",
    "DATE_MIN",
    "MAX_AMOUNT_FEN",
    "AmountError",
    "format_fen",
    "parse_amount_fen",
    "parse_bank_date",
    "parse_iso_date",
]

MAX_AMOUNT_FEN = 999_999_999_999  # 9,999,999,999.99 yuan: below 100亿元 per amount
DATE_MIN = date(2000, 1, 1)
DATE_MAX = date(2099, 12, 31)
BEIJING = timezone(timedelta(hours=8))  # China keeps one offset all year: no daylight saving

_PLAIN_AMOUNT = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")
_AMOUNT_NOISE = re.compile(r"[\s,，¥￥元]")
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})(Z|[+-][0-9]{2}:[0-9]{2})?")
_ISO_DATETIME = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2})?"
)


def parse_amount_fen(value: Any, *, allow_negative: bool = False) -> int:
    """Yuan as banks write it (``1,234.50``, ``¥1234.5``, ``12元``) to fen, at most ``MAX_AMOUNT_FEN``."""
    if isinstance(value, bool):
        text = ""
    elif isinstance(value, float):
        text = repr(value)  # inf, nan and 1e+20 fail the plain-digits rule below
    elif isinstance(value, int | Decimal):
        text = str(value)
    else:
        text = text_of(value)
        text = _AMOUNT_NOISE.sub("", text if text.isascii() else unicodedata.normalize("NFKC", text))
    if not _PLAIN_AMOUNT.fullmatch(text):
        raise Invalid(
            "amount.invalid",
            "金额格式错误（单位：元；只用数字和小数点，不用科学计数法）",
            "invalid amount (yuan in plain digits, no exponent)",
        )
    whole, _, fraction = text.lstrip("+-").partition(".")
    whole = whole.lstrip("0") or "0"
    if len(fraction.rstrip("0")) > 2:
        raise Invalid("amount.precision", "金额最多保留两位小数", "amount has more than two decimals")
    if len(whole) > 10 or int(whole) * 100 + int(fraction[:2].ljust(2, "0")) > MAX_AMOUNT_FEN:
        raise Invalid(
            "amount.range",
            f"金额超出范围（最多 {format_fen(MAX_AMOUNT_FEN)} 元）",
            f"amount out of range (at most {format_fen(MAX_AMOUNT_FEN)} yuan)",
        )
    fen = int(Decimal(f"{whole}.{fraction or '0'}") * 100) * (-1 if text.startswith("-") else 1)
    if fen < 0 and not allow_negative:
        raise Invalid("amount.negative", "金额不能为负数", "amount must not be negative")
    return fen


def _in_window(day: date) -> date:
    if not DATE_MIN <= day <= DATE_MAX:
        raise Invalid(
            "date.range",
            f"日期超出合理范围（{DATE_MIN.isoformat()} 至 {DATE_MAX.isoformat()}）",
            f"date outside {DATE_MIN.isoformat()} .. {DATE_MAX.isoformat()}",
        )
    return day


def parse_bank_date(value: Any) -> date:
    """A cell's date (``yyyy-MM-dd``, ``yyyy/MM/dd``, ``yyyyMMdd``, a date, an Excel serial) in the window."""
    return _in_window(parse_date(value))


def _offset(text: str | None) -> timezone | None:
    if text is None:
        return None
    if text == "Z":
        return UTC
    hours, minutes = int(text[1:3]), int(text[4:6])
    if hours > 14 or minutes > 59 or (hours == 14 and minutes):
        raise Invalid("date.invalid", "时区偏移无效", "invalid time-zone offset")
    delta = timedelta(hours=hours, minutes=minutes)
    return timezone(-delta if text[0] == "-" else delta)


def parse_iso_date(value: str) -> date:
    """An ISO 20022 ISODate (``2017-04-01``, ``2017-04-01+02:00``: the date as written) or ISODateTime
    (``2017-04-01T23:30:00.000-05:00``: with an offset, the date in Beijing time; without, as written)."""
    text = value.strip()
    try:
        if match := _ISO_DATE.fullmatch(text):
            _offset(match[4])
            return _in_window(date(int(match[1]), int(match[2]), int(match[3])))
        if match := _ISO_DATETIME.fullmatch(text):
            y, mo, d, h, mi, sec = (int(match[i]) for i in range(1, 7))
            stamp = datetime(y, mo, d, h, mi, sec, tzinfo=_offset(match[7]))
            if stamp.tzinfo is not None:
                stamp = stamp.astimezone(BEIJING)
            return _in_window(stamp.date())
    except ValueError as exc:
        if isinstance(exc, Invalid):
            raise
        raise Invalid("date.invalid", "日期不存在", "no such calendar date") from None
    raise Invalid(
        "date.invalid",
        "日期格式错误（应为 ISO 8601：yyyy-MM-dd 或 yyyy-MM-ddTHH:mm:ss，可带时区）",
        "invalid date (ISO 8601 yyyy-MM-dd or yyyy-MM-ddTHH:mm:ss, offset allowed)",
    )


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
