"""Personal and enterprise identifiers: ID numbers, social credit codes, bank cards, phone numbers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError

from wageguard.validation.base import WARNING, Invalid, Notice, text_of

_SEPARATORS = re.compile(r"[\s\-]")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}\d{7,8}$")
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
    number = _SEPARATORS.sub("", text_of(value)).upper()
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
    if born.year < 1900 or born > date.today():
        raise Invalid("id.birth_date", "身份证号中的出生日期无效", "ID number holds an invalid birth date")
    return IdNumber(number=number, birth_date=born, gender="M" if int(number[16]) % 2 else "F")


@lru_cache(maxsize=16384)
def _area_known(area: str, year: int) -> bool:
    probe = f"{area}{year:04d}01010000"
    try:
        ric.get_birth_place(probe)
    except ValidationError:
        return False
    return True


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
    card = _SEPARATORS.sub("", text_of(value))
    if not card.isdigit():
        raise Invalid("card.format", "银行卡号只能包含数字", "bank card number must contain only digits")
    if not 12 <= len(card) <= 19:
        raise Invalid("card.length", "银行卡号应为 12 至 19 位", "bank card number must have 12 to 19 digits")
    return card


def luhn_ok(digits: str) -> bool:
    """Luhn check of a digit string (same result as ``stdnum.luhn.is_valid``, several times faster)."""
    doubled = digits[-2::-2].translate(_DOUBLED)
    return (sum(map(int, digits[::-2])) + sum(map(int, doubled))) % 10 == 0


def bank_card_warnings(card: str) -> list[Notice]:
    """A Luhn failure is only a warning: some Chinese cards are reported not to pass it."""
    return [] if luhn_ok(card) else [CARD_LUHN]


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
    number = _strip_country(re.sub(r"[\s\-()]", "", text_of(value)))
    if not _MOBILE.match(number):
        raise Invalid(
            "phone.invalid", "手机号码格式错误（应为 11 位大陆手机号）", "not a valid mainland mobile number"
        )
    return number


def parse_phone(value: Any) -> str:
    """A mobile number, or a landline with area code (``0856-5221234``); returned without separators."""
    number = _strip_country(re.sub(r"[\s\-()]", "", text_of(value)))
    if _MOBILE.match(number) or _LANDLINE.match(number):
        return number
    raise Invalid("phone.invalid", "电话号码格式错误", "not a valid phone number")
