"""Code tables of the risk feeds: the feeds themselves, tax credit ratings, registration record types."""

from __future__ import annotations

from enum import StrEnum


class Feed(StrEnum):
    """The three external feeds (``wageguard risk import FEED FILE``, ``POST /api/v1/risk/feeds/{feed}``)."""

    CONTRACTING = "contracting"
    TAX = "tax"
    REGISTRATION = "registration"


FEED_OBJECT = {
    Feed.CONTRACTING: "RiskContracting",
    Feed.TAX: "RiskTax",
    Feed.REGISTRATION: "RiskRegistration",
}
"""The ``import_batches.object_name`` of each feed's imports."""

FEED_TITLE_ZH = {
    Feed.CONTRACTING: "发包合同数据",
    Feed.TAX: "税务数据",
    Feed.REGISTRATION: "市场监管与信用数据",
}

TAX_RATING = {"A": "A级", "B": "B级", "M": "M级", "C": "C级", "D": "D级"}
"""纳税信用等级 (State Taxation Administration): A best … D worst; M for new or small-revenue enterprises."""

PROFILE = "profile"
LEGAL_REP = "legal_rep"
ABNORMAL = "abnormal"
DISHONEST = "dishonest"
PENALTY = "penalty"
SOCIAL_INSURANCE = "social_insurance"

RECORD_TYPE = {
    PROFILE: "登记信息",
    LEGAL_REP: "法定代表人变更",
    ABNORMAL: "经营异常名录",
    DISHONEST: "失信被执行人",
    PENALTY: "行政处罚",
    SOCIAL_INSURANCE: "社保欠缴",
}
"""``recordType`` of a registration-and-credit row (the code or its Chinese label is accepted)."""

CREDIT_EVENT_KINDS = (LEGAL_REP, ABNORMAL, DISHONEST, PENALTY, SOCIAL_INSURANCE)
"""The record types stored as ``risk_credit_events`` rows (``profile`` is the enterprise's own row)."""
