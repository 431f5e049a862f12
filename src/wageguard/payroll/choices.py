"""Code tables of the money slice: stable codes used in the database, the API, pages and docs."""

from __future__ import annotations

from enum import StrEnum


class PaymentStatus(StrEnum):
    """What the bank reports of one payroll transfer.

    A later report may move a payment forward (instructed -> success/failed -> returned), never back.
    """

    INSTRUCTED = "instructed"
    SUCCESS = "success"
    FAILED = "failed"
    RETURNED = "returned"


STATUS_RANK = {
    PaymentStatus.INSTRUCTED: 0,
    PaymentStatus.SUCCESS: 1,
    PaymentStatus.FAILED: 1,
    PaymentStatus.RETURNED: 2,
}

STATUS_WORDS: dict[str, PaymentStatus] = {
    "成功": PaymentStatus.SUCCESS,
    "交易成功": PaymentStatus.SUCCESS,
    "处理成功": PaymentStatus.SUCCESS,
    "已入账": PaymentStatus.SUCCESS,
    "success": PaymentStatus.SUCCESS,
    "succeeded": PaymentStatus.SUCCESS,
    "ok": PaymentStatus.SUCCESS,
    "book": PaymentStatus.SUCCESS,
    "失败": PaymentStatus.FAILED,
    "交易失败": PaymentStatus.FAILED,
    "处理失败": PaymentStatus.FAILED,
    "failed": PaymentStatus.FAILED,
    "fail": PaymentStatus.FAILED,
    "rjct": PaymentStatus.FAILED,
    "退回": PaymentStatus.RETURNED,
    "已退回": PaymentStatus.RETURNED,
    "退票": PaymentStatus.RETURNED,
    "returned": PaymentStatus.RETURNED,
    "待处理": PaymentStatus.INSTRUCTED,
    "已提交": PaymentStatus.INSTRUCTED,
    "instructed": PaymentStatus.INSTRUCTED,
    "pending": PaymentStatus.INSTRUCTED,
    "pdng": PaymentStatus.INSTRUCTED,
}


class MatchOutcome(StrEnum):
    """How a payment was tied to a worker (see docs/money.md)."""

    MATCHED = "matched"
    OTHER_CARD = "other_card"
    UNKNOWN_PAYEE = "unknown_payee"
    FAILED = "failed"
    RETURNED = "returned"


OUTCOME_LABELS = {
    MatchOutcome.MATCHED: "已匹配 / matched",
    MatchOutcome.OTHER_CARD: "非本人卡 / paid to another card",
    MatchOutcome.UNKNOWN_PAYEE: "收款人不明 / unknown payee",
    MatchOutcome.FAILED: "失败 / failed",
    MatchOutcome.RETURNED: "退回 / returned",
}


class DepositKind(StrEnum):
    """A wage guarantee deposit lodged in cash or as a bank guarantee letter (保函)."""

    CASH = "cash"
    GUARANTEE_LETTER = "guarantee_letter"


class DepositMovementKind(StrEnum):
    USE = "use"
    TOP_UP = "top_up"


class PaySheetSource(StrEnum):
    API = "api"
    CSV = "csv"
    XLSX = "xlsx"


class BankFileFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"
    CAMT053 = "camt053"
    CAMT054 = "camt054"
    PAIN001 = "pain001"
    PUSH = "push"
