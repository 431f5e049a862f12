"""Input and output shapes: the public form (validated field by field, bilingual) and the case API."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from pydantic import BaseModel, Field

from wageguard.complaints.choices import CaseAction, Outcome
from wageguard.errors import Problem
from wageguard.timezones import UtcInstant
from wageguard.validation import Invalid, parse_bank_card, parse_id_number, parse_mobile

TOKEN_RE = re.compile(r"^[0-9a-f]{32}$")
FORM_FIELDS = (
    "name",
    "id_number",
    "phone",
    "bank_card",
    "employer",
    "work_start",
    "work_end",
    "months_owed",
    "amount_owed",
    "workers_affected",
    "description",
    "region_code",
)
FIELD_EN = {  # the fields' names in the English messages shown to workers
    "name": "your name",
    "employer": "the employer or team leader",
    "work_start": "the start date",
    "work_end": "the end date",
    "months_owed": "months unpaid",
    "workers_affected": "workers affected",
    "description": "what happened",
}


@dataclass(frozen=True)
class ComplaintIn:
    """A validated complaint, ready to store (money in fen)."""

    name: str
    id_number: str
    phone: str
    bank_card: str | None
    employer: str
    work_start: date
    work_end: date | None
    months_owed: int
    amount_owed_fen: int
    workers_affected: int
    description: str
    region_code: str | None = None


@dataclass(frozen=True)
class PhotoIn:
    """An uploaded photo as received (checked in the service)."""

    filename: str
    content_type: str
    data: bytes


def _p(field: str, code: str, zh: str, en: str, value: str | None = None) -> Problem:
    return Problem(field=field, code=code, message_zh=zh, message_en=en, value=value)


ID_MESSAGES = {  # what is wrong with a typed ID number, in the form's words
    "id.format": ("身份证号码只能由数字和末位 X 组成", "The ID number must be digits, the last one may be X"),
    "id.checksum": (
        "身份证号码有误（最后一位校验码不符），请逐位核对",
        "The ID number is wrong (its check digit does not match); check each digit",
    ),
    "id.birth_date": (
        "身份证号码中的出生日期（第 7 到 14 位）无效",
        "The birth date in the ID number (digits 7 to 14) is not a valid date",
    ),
}


def _id_number(raw: Mapping[str, str], problems: list[Problem]) -> str:
    """GB 11643 check via ``wageguard.validation`` (an unknown area code is only a warning: not shown)."""
    value = raw.get("id_number", "").strip()
    if not value:
        problems.append(_p("id_number", "required", "请填写身份证号码", "Please fill in your ID number"))
        return value
    try:
        return parse_id_number(value).number
    except Invalid as exc:
        code = exc.problem(field="id_number").code
        if code == "id.length":
            n = len(re.sub(r"[\s-]", "", value))
            zh = f"身份证号码应为 18 位，您填写了 {n} 位"
            en = f"The ID number has 18 characters; you typed {n}"
        else:
            zh, en = ID_MESSAGES.get(code, ("身份证号码有误，请核对", "The ID number is not valid; check it"))
        problems.append(_p("id_number", code, zh, en))  # personal: never echoed
        return value


def _text(raw: Mapping[str, str], field: str, label: str, max_len: int, problems: list[Problem]) -> str:
    value = raw.get(field, "").strip()
    if not value:
        problems.append(_p(field, "required", f"请填写{label}", f"Please fill in {FIELD_EN[field]}"))
    elif len(value) > max_len:
        en = f"{FIELD_EN[field].capitalize()}: at most {max_len} characters"
        problems.append(_p(field, "too_long", f"{label}不能超过{max_len}个字", en))
    return value


FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
COUNT_RE = re.compile(r"[0-9]{1,6}")


EN_COUNT = {"months_owed": "The months unpaid", "workers_affected": "The number of workers"}
COUNT_EXAMPLE = {"months_owed": "3", "workers_affected": "4"}


def _int(raw: Mapping[str, str], field: str, label: str, hi: int, problems: list[Problem]) -> int:
    """A count typed as ASCII or full-width digits (superscripts and other scripts' digits are refused)."""
    value = raw.get(field, "").strip()
    digits = value.translate(FULL_WIDTH_DIGITS)
    what_en = EN_COUNT[field]
    if not value:
        problems.append(_p(field, "required", f"请填写{label}", f"Please fill in {FIELD_EN[field]}"))
        return 0
    if not digits.isascii() or not digits.isdigit():
        example = COUNT_EXAMPLE[field]
        zh, en = f"{label}应为整数，例如 {example}", f"{what_en} must be a whole number, e.g. {example}"
        problems.append(_p(field, "number", zh, en, value[:20]))
        return 0
    if not COUNT_RE.fullmatch(digits) or int(digits) > hi:
        zh, en = f"{label}不能超过 {hi:,}", f"{what_en} cannot be more than {hi:,}"
        problems.append(_p(field, "range", zh, en, value[:20]))
        return 0
    if int(digits) < 1:
        zh, en = f"{label}至少为 1", f"{what_en} must be at least 1"
        problems.append(_p(field, "range", zh, en, value[:20]))
        return 0
    return int(digits)


def _date(
    raw: Mapping[str, str], field: str, label: str, today: date, problems: list[Problem]
) -> date | None:
    value = raw.get(field, "").strip()
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        en = f"{FIELD_EN[field].capitalize()} must be a date written year-month-day, e.g. 2026-03-01"
        problems.append(_p(field, "date", f"{label}应为 年-月-日，例如 2026-03-01", en, value[:20]))
        return None
    if day > today:
        en = f"{FIELD_EN[field].capitalize()} cannot be after today ({today.isoformat()})"
        problems.append(_p(field, "date_range", f"{label}不能晚于今天（{today.isoformat()}）", en, value))
        return None
    if day.year < 1990:
        en = f"{FIELD_EN[field].capitalize()} cannot be before 1990"
        problems.append(_p(field, "date_range", f"{label}不能早于 1990 年", en, value))
        return None
    return day


AMOUNT_MAX_YUAN = 100_000_000


def _amount_fen(raw: Mapping[str, str], problems: list[Problem]) -> int:
    """The amount owed in yuan (thousands separators, full-width digits and a trailing 元 allowed), in fen;
    each way it can be wrong has its own message."""
    typed = raw.get("amount_owed", "").strip()
    value = typed.translate(FULL_WIDTH_DIGITS).replace("．", ".").removesuffix("元").strip()
    value = value.replace(",", "").replace("，", "").replace(" ", "")

    def refuse(code: str, zh: str, en: str) -> int:
        problems.append(_p("amount_owed", code, zh, en, typed[:20]))
        return 0

    if not value:
        return refuse("required", "请填写被拖欠金额（元）", "Please fill in the amount owed (yuan)")
    try:
        yuan = Decimal(value) if re.fullmatch(r"[+-]?[0-9]*\.?[0-9]*", value) else Decimal("NaN")
    except InvalidOperation:
        yuan = Decimal("NaN")
    if not yuan.is_finite():
        return refuse(
            "amount.number",
            "金额应为数字，例如 3500 或 3500.50",
            "The amount must be a number, e.g. 3500 or 3500.50",
        )
    if yuan <= 0:
        return refuse("amount.positive", "金额应大于 0 元", "The amount must be more than 0 yuan")
    if yuan > AMOUNT_MAX_YUAN:
        return refuse(
            "amount.too_large",
            f"金额不能超过 {AMOUNT_MAX_YUAN:,} 元，请核对是否多输了位数",
            f"The amount cannot be more than {AMOUNT_MAX_YUAN:,} yuan; check for extra digits",
        )
    if yuan != yuan.quantize(Decimal("0.01")):
        return refuse(
            "amount.decimals",
            "金额最多两位小数（精确到分），例如 3500.50",
            "The amount can have at most 2 decimals (fen), e.g. 3500.50",
        )
    return int(yuan * 100)


def _contact(raw: Mapping[str, str], problems: list[Problem]) -> tuple[str, str | None]:
    typed = raw.get("phone", "").strip()
    phone = typed
    if not typed:
        problems.append(_p("phone", "required", "请填写手机号码", "Please fill in your mobile number"))
    else:
        try:
            phone = parse_mobile(typed)
        except Invalid:
            zh = "手机号码应为 11 位数字、以 1 开头，例如 13912345678"
            en = "The mobile number must be 11 digits starting with 1, e.g. 13912345678"
            problems.append(_p("phone", "phone.invalid", zh, en))  # personal: never echoed
    card: str | None = raw.get("bank_card", "").strip() or None
    if card is not None:
        try:
            card = parse_bank_card(card)
        except Invalid as exc:
            if exc.problem(field="bank_card").code == "card.format":
                zh = "工资卡号只能包含数字（空格可以保留）"
                en = "The wage card number can contain only digits (spaces are fine)"
            else:
                n = len(re.sub(r"[\s-]", "", card))
                zh = f"工资卡号应为 12 到 19 位数字，您填写了 {n} 位"
                en = f"The wage card number has 12 to 19 digits; you typed {n}"
            problems.append(_p("bank_card", "card", zh, en))
    return phone, card


def parse_complaint_form(
    raw: Mapping[str, str], *, today: date, need_region: bool
) -> tuple[ComplaintIn | None, list[Problem]]:
    """Validate the public form: either a complaint or the problems, one per bad field."""
    problems: list[Problem] = []
    name = _text(raw, "name", "姓名", 64, problems)
    id_number = _id_number(raw, problems)
    phone, card = _contact(raw, problems)
    employer = _text(raw, "employer", "用工单位或包工头", 200, problems)
    work_start = _date(raw, "work_start", "开始工作日期", today, problems)
    if work_start is None and not any(p.field == "work_start" for p in problems):
        problems.append(_p("work_start", "required", "请填写开始工作日期", "Please fill in the start date"))
    work_end = _date(raw, "work_end", "结束工作日期", today, problems)
    if work_start and work_end and work_end < work_start:
        problems.append(
            _p("work_end", "order", "结束日期不能早于开始日期", "The end date is before the start date")
        )
    months = _int(raw, "months_owed", "被拖欠月数", 120, problems)
    amount = _amount_fen(raw, problems)
    workers = _int(raw, "workers_affected", "涉及人数", 10_000, problems)
    description = _text(raw, "description", "情况说明", 2000, problems)
    region = raw.get("region_code", "").strip() or None
    if need_region and not region:
        problems.append(_p("region_code", "required", "请选择欠薪发生地（区县）", "Please choose the county"))
    if problems or work_start is None:
        return None, problems
    complaint = ComplaintIn(
        name,
        id_number,
        phone,
        card,
        employer,
        work_start,
        work_end,
        months,
        amount,
        workers,
        description,
        region,
    )
    return complaint, []


class CaseActionIn(BaseModel):
    """An inspector's step on a case."""

    action: CaseAction
    reason: str | None = Field(default=None, max_length=2000)
    outcome: Outcome | None = None


class CaseRevealIn(BaseModel):
    """Why the complainant's clear ID, phone and card numbers are needed (written to the audit log)."""

    reason: str = Field(min_length=2, max_length=500, description="why the clear numbers are needed")


class CaseEventOut(BaseModel):
    at: UtcInstant
    actor: str
    action: str
    from_state: str | None
    to_state: str
    note: str | None


class CaseOut(BaseModel):
    """A case as inspectors see it (personal numbers masked)."""

    id: int
    tracking_code: str
    project_id: int | None
    project_code: str | None
    project_name: str | None
    region_code: str
    name: str
    id_masked: str
    phone_masked: str
    card_masked: str | None
    employer: str
    work_start: date
    work_end: date | None
    months_owed: int
    amount_owed_fen: int
    workers_affected: int
    description: str | None = Field(description="the worker's description, decrypted for case handlers")
    state: str
    outcome: str | None
    not_accepted_reason: str | None
    received_date: date
    accept_due: date
    accepted_date: date | None
    finish_due: date | None
    extended: bool
    overdue: str
    deadline: date | None = Field(default=None, description="the current deadline: accept_due or finish_due")
    deadline_kind: str | None = Field(default=None, description="accept or finish (None: no deadline runs)")
    working_days_left: int | None = Field(
        default=None, description="working days to the deadline from today; negative: overdue by that many"
    )
    county_name: str | None = None
    assignee_user_id: int | None = None
    assignee_name: str | None = None
    photo_count: int = 0
    events: list[CaseEventOut] = Field(default_factory=list)


class CaseListOut(BaseModel):
    total: int
    items: list[CaseOut]
