"""Plain values: dates, datetimes, amounts in yuan (to integer fen), code-table values, numbers, flags."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from wageguard.validation.base import Invalid, text_of

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
        raise Invalid("date.invalid", "Excel 日期序号超出范围", "Excel serial date out of range")
    return _EXCEL_EPOCH + timedelta(days=value)


def parse_date(value: Any) -> date:
    """A date from ``yyyy-MM-dd``, ``yyyy/MM/dd``, ``yyyyMMdd``, a date object or an Excel serial number."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _excel_serial(float(value)).date()
    text = text_of(value)
    match = _DATE.match(text) or _COMPACT_DATE.match(text)
    if match is None and len(text) > 10 and text[10] in " T":
        match = _DATE.match(text[:10])
    if match is None:
        raise Invalid(BAD_DATE[0], BAD_DATE[1], "invalid date (expected yyyy-MM-dd, yyyy/MM/dd or yyyyMMdd)")
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise Invalid("date.invalid", "日期不存在", "no such calendar date") from None


def parse_datetime(value: Any) -> datetime:
    """A local datetime from ``yyyy-MM-dd HH:mm:ss`` (seconds optional), a datetime or an Excel serial."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _excel_serial(float(value)).replace(microsecond=0)
    match = _DATETIME.match(text_of(value))
    if match is None:
        raise Invalid(
            "datetime.invalid",
            "时间格式错误（应为 yyyy-MM-dd HH:mm:ss）",
            "invalid time (yyyy-MM-dd HH:mm:ss)",
        )
    try:
        y, mo, d, h, mi, sec = (int(p) for p in match.groups(default="0"))
        return datetime(y, mo, d, h, mi, sec)
    except ValueError:
        raise Invalid("datetime.invalid", "时间不存在", "no such date or time") from None


def parse_amount_fen(value: Any, *, allow_negative: bool = False) -> int:
    """Yuan as people write it (``1,234.50``, ``¥1234.5``, ``12元``) to integer fen; at most two decimals."""
    if isinstance(value, float):
        text = repr(value)
    elif isinstance(value, int | Decimal) and not isinstance(value, bool):
        text = str(value)
    else:
        text = _AMOUNT_NOISE.sub("", text_of(value))
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise Invalid("amount.invalid", "金额格式错误（单位：元）", "invalid amount (in yuan)") from None
    if not amount.is_finite():
        raise Invalid("amount.invalid", "金额格式错误（单位：元）", "invalid amount (in yuan)")
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
    if not re.fullmatch(r"[+-]?\d+", text):
        raise Invalid("int.invalid", "应为整数", "must be a whole number")
    number = int(text)
    if (low is not None and number < low) or (high is not None and number > high):
        raise Invalid("int.range", f"应在 {low} 至 {high} 之间", f"must be between {low} and {high}")
    return number


def parse_float(value: Any, *, low: float | None = None, high: float | None = None) -> float:
    """A decimal number, optionally within ``low..high`` (coordinates)."""
    try:
        number = float(text_of(value))
    except ValueError:
        raise Invalid("number.invalid", "应为数字", "must be a number") from None
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
    """Free text, stripped, at most ``max_len`` characters."""
    text = value.strip() if value.__class__ is str else text_of(value)
    if len(text) > max_len:
        raise Invalid("text.too_long", f"长度不能超过 {max_len} 个字符", f"longer than {max_len} characters")
    return text
