"""Plain values: dates, datetimes, amounts in yuan (to integer fen), code-table values, numbers, flags.

Checked at the edge, so nothing a database cannot hold gets further: amounts within ``AMOUNT_MAX_FEN`` and
written as plain decimals (no exponent, ``inf``, ``nan``); dates real and within ``DATE_MIN`` … ``DATE_MAX``;
text without control characters and never truncated (too long is an error).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from wageguard.validation.base import Invalid, text_of

DATE_MIN = date(1900, 1, 1)
DATE_MAX = date(2099, 12, 31)
"""The plausible window of every imported date (birth dates, contracts, punches, pay)."""
AMOUNT_MAX_FEN = 10**14
"""The largest amount accepted: 1 万亿 (10^12) yuan, far inside a 64-bit integer of fen."""
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_INTEGER = re.compile(r"[+-]?[0-9]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_NUMBER_CHARS = 40
_INT64 = 2**63 - 1

_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_DATETIME = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$")
_AMOUNT_NOISE = re.compile(r"[\s,，¥￥元]")
_EXCEL_EPOCH = datetime(1899, 12, 30)
_TRUE = {"1", "true", "yes", "y", "是", "t"}
_FALSE = {"0", "false", "no", "n", "否", "f"}

BAD_DATE = ("date.invalid", "日期格式错误（应为 yyyy-MM-dd、yyyy/MM/dd 或 yyyyMMdd）")


def _excel_serial(value: float) -> datetime:
    if not 1 <= value < 2958466:
        raise Invalid("date.range", "Excel 日期序号超出范围", "Excel serial date out of range")
    return _EXCEL_EPOCH + timedelta(days=value)


def _in_window(day: date, code: str = "date.range") -> date:
    if not DATE_MIN <= day <= DATE_MAX:
        raise Invalid(
            code,
            f"日期超出合理范围（{DATE_MIN} 至 {DATE_MAX}）",
            f"date outside the plausible range {DATE_MIN} to {DATE_MAX}",
        )
    return day


def parse_date(value: Any) -> date:
    """A date from ``yyyy-MM-dd``, ``yyyy/MM/dd``, ``yyyyMMdd``, a date object or an Excel serial number,
    within ``DATE_MIN`` … ``DATE_MAX``."""
    if isinstance(value, datetime):
        return _in_window(value.date())
    if isinstance(value, date):
        return _in_window(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        if not math.isfinite(value):
            raise Invalid(BAD_DATE[0], BAD_DATE[1], "invalid date")
        return _in_window(_excel_serial(float(value)).date())
    text = text_of(value)
    match = _DATE.match(text) or _COMPACT_DATE.match(text)
    if match is None and len(text) > 10 and text[10] in " T":
        match = _DATE.match(text[:10])
    if match is None:
        raise Invalid(BAD_DATE[0], BAD_DATE[1], "invalid date (expected yyyy-MM-dd, yyyy/MM/dd or yyyyMMdd)")
    try:
        day = date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise Invalid("date.invalid", "日期不存在", "no such calendar date") from None
    return _in_window(day)


def parse_datetime(value: Any) -> datetime:
    """A local datetime from ``yyyy-MM-dd HH:mm:ss`` (seconds optional), a datetime or an Excel serial,
    its date within ``DATE_MIN`` … ``DATE_MAX``."""
    if isinstance(value, datetime):
        _in_window(value.date(), "datetime.range")
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if not math.isfinite(value):
            raise Invalid("datetime.invalid", "时间格式错误", "invalid time")
        moment = _excel_serial(float(value)).replace(microsecond=0)
        _in_window(moment.date(), "datetime.range")
        return moment
    match = _DATETIME.match(text_of(value))
    if match is None:
        raise Invalid(
            "datetime.invalid",
            "时间格式错误（应为 yyyy-MM-dd HH:mm:ss）",
            "invalid time (yyyy-MM-dd HH:mm:ss)",
        )
    try:
        y, mo, d, h, mi, sec = (int(p) for p in match.groups(default="0"))
        moment = datetime(y, mo, d, h, mi, sec)
    except ValueError:
        raise Invalid("datetime.invalid", "时间不存在", "no such date or time") from None
    _in_window(moment.date(), "datetime.range")
    return moment


def _bad_amount() -> Invalid:
    return Invalid(
        "amount.invalid",
        "金额格式错误（单位：元，写成 1234.50，不用科学计数法）",
        "invalid amount (yuan, written like 1234.50, no exponent)",
    )


def parse_amount_fen(value: Any, *, allow_negative: bool = False) -> int:
    """Yuan as people write it (``1,234.50``, ``¥1234.5``, ``12元``) to integer fen; at most two decimals,
    at most ``AMOUNT_MAX_FEN``; no exponent forms, ``inf`` or ``nan``."""
    if isinstance(value, bool):
        raise _bad_amount()
    if isinstance(value, float):
        if not math.isfinite(value):
            raise _bad_amount()
        amount = Decimal(repr(value))
    elif isinstance(value, int):
        amount = Decimal(value) if abs(value) <= _INT64 else Decimal(_INT64 + 1)
    elif isinstance(value, Decimal):
        if not value.is_finite():
            raise _bad_amount()
        amount = value
    else:
        text = _AMOUNT_NOISE.sub("", text_of(value))
        if len(text) > _NUMBER_CHARS or not _DECIMAL.fullmatch(text):
            raise _bad_amount()
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise _bad_amount() from None
    if abs(amount) * 100 > AMOUNT_MAX_FEN:
        top = format_fen(AMOUNT_MAX_FEN)
        raise Invalid(
            "amount.range", f"金额超出范围（最多 {top} 元）", f"amount out of range (at most {top} yuan)"
        )
    fen = amount * 100
    if fen != fen.to_integral_value():
        raise Invalid("amount.precision", "金额最多保留两位小数", "amount has more than two decimals")
    if fen < 0 and not allow_negative:
        raise Invalid("amount.negative", "金额不能为负数", "amount must not be negative")
    return int(fen)


def format_fen(fen: int) -> str:
    """Integer fen as a yuan string with two decimals (``123450`` -> ``1234.50``)."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole}.{cents:02d}"


def parse_code(value: Any, table: Mapping[str, str], *, table_name: str = "") -> str:
    """A code-table value; numeric codes that lost leading zeros (in Excel) and labels are accepted."""
    text = text_of(value)
    if text in table:
        return text
    if text.isdigit() and table:
        width = len(next(iter(table)))
        padded = text.zfill(width)
        if padded in table:
            return padded
    for code, label in table.items():
        if label == text:
            return code
    name = f"（{table_name}）" if table_name else ""
    raise Invalid(
        "code.unknown", f"代码表中没有该值{name}", f"value not in the code table {table_name}".strip()
    )


def parse_int(value: Any, *, low: int | None = None, high: int | None = None) -> int:
    """A whole number, optionally within ``low..high``."""
    text = text_of(value)
    if not _INTEGER.fullmatch(text):
        raise Invalid("int.invalid", "应为整数", "must be a whole number")
    low = -_INT64 - 1 if low is None else low
    high = _INT64 if high is None else high
    number = int(text) if len(text) <= 20 else _INT64 + 1
    if number < low or number > high:
        raise Invalid("int.range", f"应在 {low} 至 {high} 之间", f"must be between {low} and {high}")
    return number


def parse_float(value: Any, *, low: float | None = None, high: float | None = None) -> float:
    """A plain decimal number (no exponent, ``inf`` or ``nan``), optionally within ``low..high``."""
    if isinstance(value, bool):
        raise Invalid("number.invalid", "应为数字", "must be a number")
    if isinstance(value, float | int):
        number = float(value) if abs(value) < 1e300 else math.inf
    else:
        text = text_of(value)
        if len(text) > _NUMBER_CHARS or not _DECIMAL.fullmatch(text):
            raise Invalid("number.invalid", "应为数字", "must be a number")
        number = float(text)
    if not math.isfinite(number):
        raise Invalid("number.invalid", "应为数字", "must be a number")
    if (low is not None and number < low) or (high is not None and number > high):
        raise Invalid("number.range", f"应在 {low} 至 {high} 之间", f"must be between {low} and {high}")
    return number


def parse_bool(value: Any) -> bool:
    """A yes/no flag: ``1/0``, ``true/false``, ``是/否``, ``Y/N``."""
    text = text_of(value).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise Invalid("bool.invalid", "应为 1/0 或 是/否", "must be 1/0 (yes/no)")


def parse_text(value: Any, *, max_len: int = 200) -> str:
    """Free text, stripped, at most ``max_len`` characters (never truncated), without control characters."""
    text = value.strip() if value.__class__ is str else text_of(value)
    if len(text) > max_len:
        raise Invalid("text.too_long", f"长度不能超过 {max_len} 个字符", f"longer than {max_len} characters")
    check_no_control(text)
    return text


def has_control(text: str) -> bool:
    """Whether ``text`` holds NUL or another control character (tab, CR and LF excepted)."""
    return not text.isprintable() and _CONTROL.search(text) is not None


def check_no_control(text: str) -> str:
    """``text`` unchanged, or ``Invalid`` (``text.control``) when it holds NUL or another control character
    (tab, CR and LF excepted): PostgreSQL cannot store NUL, XLSX cannot hold the others."""
    if has_control(text):
        raise Invalid(
            "text.control",
            "含有控制字符（如 NUL），请删除后重新导入",
            "contains a control character (such as NUL); remove it and import again",
        )
    return text
