"""Input and output shapes: the public form (validated field by field, bilingual) and the case API."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from pydantic import BaseModel, Field

from wageguard.complaints.choices import CaseAction, Outcome
from wageguard.errors import Problem
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


def _id_number(raw: Mapping[str, str], problems: list[Problem]) -> str:
    """GB 11643 check via ``wageguard.validation`` (an unknown area code is only a warning: not shown)."""
    value = raw.get("id_number", "").strip()
    if not value:
        problems.append(_p("id_number", "required", "请填写身份证号码", "ID number is required"))
        return value
    try:
        return parse_id_number(value).number
    except Invalid as exc:
        problems.append(exc.problem(field="id_number"))
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


def _int(raw: Mapping[str, str], field: str, label: str, hi: int, problems: list[Problem]) -> int:
    """A count typed as ASCII or full-width digits (superscripts and other scripts' digits are refused)."""
    value = raw.get(field, "").strip()
    digits = value.translate(FULL_WIDTH_DIGITS)
    if not COUNT_RE.fullmatch(digits) or not 1 <= int(digits) <= hi:
        zh, en = f"{label}应为1到{hi}之间的整数", f"Enter a whole number from 1 to {hi}"
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
        en = f"{FIELD_EN[field].capitalize()} must be a date (year-month-day)"
        problems.append(_p(field, "date", f"{label}格式应为 年-月-日", en, value))
        return None
    if day > today or day.year < 1990:
        en = f"{FIELD_EN[field].capitalize()} cannot be after today"
        problems.append(_p(field, "date_range", f"{label}不能晚于今天", en, value))
        return None
    return day


def _amount_fen(raw: Mapping[str, str], problems: list[Problem]) -> int:
    value = raw.get("amount_owed", "").strip().replace(",", "").replace("，", "")
    try:
        yuan = Decimal(value)
    except InvalidOperation:
        yuan = Decimal(-1)
    if not yuan.is_finite() or yuan <= 0 or yuan > 100_000_000 or yuan != yuan.quantize(Decimal("0.01")):
        problems.append(
            _p(
                "amount_owed",
                "amount",
                "请填写被拖欠金额（元，最多两位小数）",
                "Enter the amount owed in yuan (at most 2 decimals)",
                value,
            )
        )
        return 0
    return int(yuan * 100)


def _contact(raw: Mapping[str, str], problems: list[Problem]) -> tuple[str, str | None]:
    phone = raw.get("phone", "").strip()
    try:
        phone = parse_mobile(phone)
    except Invalid as exc:
        problems.append(exc.problem(field="phone"))
    card: str | None = raw.get("bank_card", "").strip() or None
    if card is not None:
        try:
            card = parse_bank_card(card)
        except Invalid as exc:
            problems.append(exc.problem(field="bank_card"))
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
    at: datetime
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
