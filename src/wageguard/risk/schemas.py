"""The three feeds' row formats (docs/formats.md, "Risk feeds"): fields, parsers, required, documentation.

Every feed is read as flat rows — a CSV/XLSX row, or a JSON object with its nested lists flattened
(``feeds.py``) — and each row is checked by the generic row parser of the registry importer
(``ingest/spec.py``), so values answer the same codes everywhere (``uscc.*``, ``date.*``, ``amount.*``,
``code.unknown``, ``required``). What a row parser cannot know (today, the registry, the rest of the file)
is checked by ``feeds.py`` and ``service.py``.
"""

from __future__ import annotations

from typing import Any

from wageguard.ingest.spec import FieldSpec, ObjectSpec, code, text
from wageguard.risk.choices import RECORD_TYPE, TAX_RATING, Feed
from wageguard.validation import Invalid, parse_amount_fen, parse_date, parse_int, parse_uscc, text_of

FIRST_TAX_YEAR = 1990


def _uscc(name: str, doc: str, *, required: bool = False) -> FieldSpec:
    return FieldSpec(name, "uscc", parse_uscc, required, doc, cached=True)


def _day(name: str, doc: str, *, required: bool = False) -> FieldSpec:
    return FieldSpec(name, "date", parse_date, required, doc)


def _money(name: str, doc: str, *, required: bool = False) -> FieldSpec:
    return FieldSpec(name, "amount_yuan", parse_amount_fen, required, doc)


def _year(value: Any) -> int:
    return parse_int(value, low=FIRST_TAX_YEAR, high=2099)


def _rating(value: Any) -> str:
    rating = text_of(value).upper().removesuffix("级")
    if rating not in TAX_RATING:
        raise Invalid(
            "code.unknown",
            "纳税信用等级应为 A、B、M、C、D 之一",
            "tax credit rating must be one of A, B, M, C, D",
        )
    return rating


_AS_OF = _day("asOfDate", "数据日期 data date (as of); a file older than what is stored does not replace it")

CONTRACTING = ObjectSpec(
    name="RiskContracting",
    title_zh="发包合同与进度款",
    list_key="paymentList",
    fields=(
        text("projectCode", "项目编码 project code (registered)", required=True, max_len=64),
        _uscc("ownerCorpCode", "建设单位统一社会信用代码 owner's credit code (registered)", required=True),
        _money("contractAmount", "合同金额（元）contract value, yuan", required=True),
        _day("contractDate", "合同签订日期 signed"),
        _AS_OF,
        text(
            "stage",
            "进度款期次 payment stage (unique per project); blank: no payment on this row",
            max_len=32,
        ),
        _day("dueDate", "计划支付日期 scheduled date (required with stage)"),
        _money("dueAmount", "计划支付金额（元）scheduled amount, yuan (required with stage)"),
        _day("paidDate", "实际支付日期 paid on (required with paidAmount)"),
        _money("paidAmount", "实际支付金额（元）paid amount, yuan"),
    ),
)

TAX = ObjectSpec(
    name="RiskTax",
    title_zh="纳税信用与欠税",
    fields=(
        _uscc("corpCode", "统一社会信用代码 credit code (registered)", required=True),
        FieldSpec("taxYear", "year", _year, True, f"纳税年度 tax year, {FIRST_TAX_YEAR} … this year"),
        FieldSpec("creditRating", "code:纳税信用等级", _rating, True, "纳税信用等级 rating A/B/M/C/D"),
        _money("taxArrears", "欠税金额（元）tax arrears, yuan (blank: 0)"),
        _money("revenueQ1", "第一季度营业收入（元）revenue Q1, yuan"),
        _money("revenueQ2", "第二季度营业收入（元）revenue Q2, yuan"),
        _money("revenueQ3", "第三季度营业收入（元）revenue Q3, yuan"),
        _money("revenueQ4", "第四季度营业收入（元）revenue Q4, yuan"),
        _AS_OF,
    ),
)

REGISTRATION = ObjectSpec(
    name="RiskRegistration",
    title_zh="市场监管登记与信用记录",
    fields=(
        _uscc("corpCode", "统一社会信用代码 credit code (registered)", required=True),
        code("recordType", "记录类型 record type (see below)", RECORD_TYPE, "记录类型", required=True),
        _day("establishDate", "成立日期 established (profile)"),
        _money("regCapital", "注册资本（元）registered capital, yuan (profile)"),
        _money("paidInCapital", "实缴资本（元）paid-in capital, yuan (profile)"),
        _day("date", "变更/列入/处罚/截至日期 change, listing, decision or as-of date"),
        _day("endDate", "移出日期 removed from the list (abnormal, dishonest)"),
        _money("amount", "金额（元）penalty or arrears amount, yuan"),
        text("authority", "机关 authority / court", max_len=100),
        text("name", "新任法定代表人 the new legal representative (legal_rep)", max_len=64),
        text("reference", "文书号/案号 decision or case number", max_len=64),
        text("reason", "事由 reason", max_len=200),
        _AS_OF,
    ),
    ordered=(("date", "endDate"),),
)

SPECS = {Feed.CONTRACTING: CONTRACTING, Feed.TAX: TAX, Feed.REGISTRATION: REGISTRATION}

NOT_FUTURE = {
    Feed.CONTRACTING: ("contractDate", "paidDate", "asOfDate"),
    Feed.TAX: ("asOfDate",),
    Feed.REGISTRATION: ("establishDate", "date", "endDate", "asOfDate"),
}
"""Dates that record what has happened (``date.future`` when after today); scheduled dates may be ahead."""


REGISTRATION_NEEDS = {
    "profile": ("establishDate", "regCapital"),
    "legal_rep": ("date", "name"),
    "abnormal": ("date",),
    "dishonest": ("date",),
    "penalty": ("date", "authority", "amount"),
    "social_insurance": ("date", "amount"),
}
"""Required fields per ``recordType``; a blank one answers ``required``."""

REGISTRATION_LISTS = {
    "legalRepChanges": "legal_rep",
    "abnormalOperations": "abnormal",
    "dishonestDebtors": "dishonest",
    "penalties": "penalty",
    "socialInsuranceArrears": "social_insurance",
}
"""JSON list keys of a registration object and the record type of their items."""

PROFILE_FIELDS = ("establishDate", "regCapital", "paidInCapital")
