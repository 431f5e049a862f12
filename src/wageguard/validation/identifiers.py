"""Personal and enterprise identifiers: ID numbers, social credit codes, bank cards, phone numbers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from stdnum import numdb
from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError

from wageguard.validation.base import WARNING, Invalid, Notice, text_of

_SEPARATORS = re.compile(r"[\s\-]")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}\d{7,8}$")
_PHONE_NOISE = re.compile(r"[\s\-()]")
_DOUBLED = str.maketrans("0123456789", "0246813579")

AREA_UNKNOWN = Notice(
    "id.area_unknown",
    "身份证号地区码未知或在出生年份无效（仅提示）",
    "ID number area code unknown or not valid in the birth year (warning only)",
    WARNING,
)
CARD_LUHN = Notice(
    "card.luhn",
    "银行卡号未通过 Luhn 校验（仅提示）",
    "bank card number fails the Luhn check (warning only)",
    WARNING,
)


@dataclass(frozen=True, slots=True)
class IdNumber:
    """A checked resident ID number (GB 11643) and what it tells."""

    number: str
    birth_date: date
    gender: str


def parse_id_number(value: Any) -> IdNumber:
    """Validate an 18-character ID number: format, birth date and ISO 7064 mod 11-2 check digit."""
    number = text_of(value)
    if not number.isalnum():
        number = _SEPARATORS.sub("", number)
    number = number.upper()
    if len(number) != 18:
        raise Invalid("id.length", "身份证号应为 18 位", "ID number must have 18 characters")
    body = number[:17]
    if not body.isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise Invalid(
            "id.format",
            "身份证号只能由数字和末位 X 组成",
            "ID number must be digits with an optional final X",
        )
    if ric.calc_check_digit(number) != number[17]:
        raise Invalid("id.checksum", "身份证号校验位错误", "ID number check digit is wrong")
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise Invalid(
            "id.birth_date", "身份证号中的出生日期无效", "ID number holds an invalid birth date"
        ) from None
    if born.year < 1900 or (born.year >= 2000 and born > date.today()):  # no clock read for older dates
        raise Invalid("id.birth_date", "身份证号中的出生日期无效", "ID number holds an invalid birth date")
    return IdNumber(number=number, birth_date=born, gender="M" if int(number[16]) % 2 else "F")


Years = tuple[tuple[int, int], ...]
_ANY_YEAR: Years = ((0, 9999),)


@lru_cache(maxsize=65536)
def _area_years(area: str) -> Years:
    """Birth years in which an area code was in force, read once per code from stdnum's cn/loc table.

    Same rule as ``stdnum.cn.ric.get_birth_place``: an unknown code has no years; a county listed
    without ``[start-end]`` is valid in every year; otherwise each ``[start-end]`` range (ends open
    when blank) counts.
    """
    results = numdb.get("cn/loc").info(area)
    info = {k: v for _part, props in results for k, v in props.items()}
    if not info or "county" not in info:
        return ()
    spans = []
    for county in info["county"].split(","):
        if not county.startswith("["):
            return _ANY_YEAR
        start, end = county[1:].split("]")[0].split("-")
        spans.append((int(start) if start else 0, int(end) if end else 9999))
    return tuple(spans)


_VERDICTS: dict[tuple[str, int], bool] = {}


def _area_known(area: str, year: int) -> bool:
    """Whether ``area`` was in force in ``year`` (verdicts memoised: a few thousand areas x ~80 years)."""
    key = (area, year)
    known = _VERDICTS.get(key)
    if known is None:
        if len(_VERDICTS) >= 500_000:
            _VERDICTS.clear()
        known = _VERDICTS[key] = any(start <= year <= end for start, end in _area_years(area))
    return known


def id_number_warnings(checked: IdNumber) -> list[Notice]:
    """Warnings for a valid ID number: area code unknown or not in force in the birth year (stdnum cn.ric)."""
    if _area_known(checked.number[:6], checked.birth_date.year):
        return []
    return [AREA_UNKNOWN]


def parse_uscc(value: Any) -> str:
    """Validate a unified social credit code (GB 32100, 18 characters with check character)."""
    code = _SEPARATORS.sub("", text_of(value)).upper()
    if len(code) != 18:
        raise Invalid(
            "uscc.length", "统一社会信用代码应为 18 位", "unified social credit code must have 18 characters"
        )
    try:
        return str(uscc.validate(code))
    except ValidationError as exc:
        if "checksum" in type(exc).__name__.lower():
            raise Invalid(
                "uscc.checksum",
                "统一社会信用代码校验位错误",
                "unified social credit code check character is wrong",
            ) from None
        raise Invalid(
            "uscc.format", "统一社会信用代码格式错误", "unified social credit code has an invalid format"
        ) from None


def parse_bank_card(value: Any) -> str:
    """Validate a bank card number: 12 to 19 digits (spaces and dashes ignored)."""
    card = text_of(value)
    if not card.isdigit():
        card = _SEPARATORS.sub("", card)
    if not card.isdigit():
        raise Invalid("card.format", "银行卡号只能包含数字", "bank card number must contain only digits")
    if not 12 <= len(card) <= 19:
        raise Invalid("card.length", "银行卡号应为 12 至 19 位", "bank card number must have 12 to 19 digits")
    return card


def luhn_ok(digits: str) -> bool:
    """Luhn check of a digit string (same result as ``stdnum.luhn.is_valid``, several times faster)."""
    doubled = digits[-2::-2].translate(_DOUBLED)
    if digits.isascii():  # byte values minus ord("0"): sums in C, no int() per digit
        total = sum(digits[::-2].encode()) + sum(doubled.encode()) - 48 * len(digits)
        return total % 10 == 0
    return (sum(map(int, digits[::-2])) + sum(map(int, doubled))) % 10 == 0


def bank_card_warnings(card: str) -> list[Notice]:
    """A Luhn failure is only a warning: some Chinese cards are reported not to pass it."""
    return [] if luhn_ok(card) else [CARD_LUHN]


def _phone_digits(value: Any) -> str:
    text = text_of(value)
    return text if text.isdigit() else _PHONE_NOISE.sub("", text)


def _strip_country(number: str) -> str:
    if number.startswith("+86"):
        return number[3:]
    if number.startswith("0086"):
        return number[4:]
    if number.startswith("86") and len(number) == 13:
        return number[2:]
    return number


def parse_mobile(value: Any) -> str:
    """Validate a mainland mobile number (11 digits starting 13-19; +86 prefix allowed)."""
    number = _strip_country(_phone_digits(value))
    if not _MOBILE.match(number):
        raise Invalid(
            "phone.invalid", "手机号码格式错误（应为 11 位大陆手机号）", "not a valid mainland mobile number"
        )
    return number


def parse_phone(value: Any) -> str:
    """A mobile number, or a landline with area code (``0856-5221234``); returned without separators."""
    number = _strip_country(_phone_digits(value))
    if _MOBILE.match(number) or _LANDLINE.match(number):
        return number
    raise Invalid("phone.invalid", "电话号码格式错误", "not a valid phone number")
