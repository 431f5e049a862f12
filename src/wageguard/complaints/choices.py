"""Code tables of the complaint slice: case states, outcomes, actions, hotlines."""

from __future__ import annotations

from enum import StrEnum


class CaseState(StrEnum):
    """Where a complaint case stands (labels in ``STATE_LABELS``)."""

    RECEIVED = "received"
    ACCEPTED = "accepted"
    NOT_ACCEPTED = "not_accepted"
    INVESTIGATING = "investigating"
    RESOLVED = "resolved"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"


class Outcome(StrEnum):
    """How a resolved case ended."""

    PAID_AFTER_MEDIATION = "paid_after_mediation"
    ORDER_TO_PAY = "order_to_pay"
    TRANSFERRED_TO_ARBITRATION = "transferred_to_arbitration"
    TRANSFERRED_TO_POLICE = "transferred_to_police"


class CaseAction(StrEnum):
    """What an inspector can do to a case."""

    ACCEPT = "accept"
    NOT_ACCEPT = "not_accept"
    INVESTIGATE = "investigate"
    RESOLVE = "resolve"
    CLOSE = "close"
    WITHDRAW = "withdraw"
    EXTEND = "extend"


class Overdue(StrEnum):
    """Deadline flag of an open case."""

    NONE = "none"
    ACCEPT_DUE_SOON = "accept_due_soon"
    ACCEPT_OVERDUE = "accept_overdue"
    FINISH_DUE_SOON = "finish_due_soon"
    FINISH_OVERDUE = "finish_overdue"


STATE_LABELS: dict[str, str] = {
    "received": "已收到，待审核",  # not 受理: nobody has decided yet whether to accept it
    "accepted": "已立案",
    "not_accepted": "不予受理",
    "investigating": "调查处理中",
    "resolved": "已办结",
    "closed": "已结案归档",
    "withdrawn": "已撤回",
}
OUTCOME_LABELS: dict[str, str] = {
    "paid_after_mediation": "调解后已支付",
    "order_to_pay": "责令支付",
    "transferred_to_arbitration": "移送劳动人事争议仲裁",
    "transferred_to_police": "移送公安机关（涉嫌拒不支付劳动报酬罪）",
}
ACTION_LABELS: dict[str, str] = {
    "submit": "提交投诉",
    "accept": "立案受理",
    "not_accept": "不予受理",
    "investigate": "开始调查",
    "resolve": "办结",
    "close": "结案归档",
    "withdraw": "撤回",
    "extend": "延长办理期限（经批准）",
    "assign": "指派承办人",
}
OVERDUE_LABELS: dict[str, str] = {
    "none": "",
    "accept_due_soon": "即将超期（受理）",
    "accept_overdue": "超期未受理",
    "finish_due_soon": "即将超期（办结）",
    "finish_overdue": "超期未办结",
}

# (action, from states, to state)
TRANSITIONS: dict[CaseAction, tuple[frozenset[CaseState], CaseState | None]] = {
    CaseAction.ACCEPT: (frozenset({CaseState.RECEIVED}), CaseState.ACCEPTED),
    CaseAction.NOT_ACCEPT: (frozenset({CaseState.RECEIVED}), CaseState.NOT_ACCEPTED),
    CaseAction.INVESTIGATE: (frozenset({CaseState.ACCEPTED}), CaseState.INVESTIGATING),
    CaseAction.RESOLVE: (frozenset({CaseState.ACCEPTED, CaseState.INVESTIGATING}), CaseState.RESOLVED),
    CaseAction.CLOSE: (frozenset({CaseState.RESOLVED, CaseState.NOT_ACCEPTED}), CaseState.CLOSED),
    CaseAction.WITHDRAW: (
        frozenset({CaseState.RECEIVED, CaseState.ACCEPTED, CaseState.INVESTIGATING}),
        CaseState.WITHDRAWN,
    ),
    # extending the deadline keeps the state
    CaseAction.EXTEND: (frozenset({CaseState.ACCEPTED, CaseState.INVESTIGATING}), None),
}
OPEN_STATES = frozenset({CaseState.RECEIVED, CaseState.ACCEPTED, CaseState.INVESTIGATING})
FINISH_CLOCK_STATES = frozenset({CaseState.ACCEPTED, CaseState.INVESTIGATING})

# Hotlines and channels printed on every notice board (national numbers).
HOTLINES: list[tuple[str, str]] = [
    ("12333", "人力资源社会保障服务热线（劳动保障监察投诉）"),
    ("12345", "政务服务便民热线"),
    ("12348", "公共法律服务热线（法律援助）"),
]
SECTOR_AUTHORITY: dict[str, tuple[str, str]] = {
    # project category -> (authority, sector hotline)
    "01": ("住房和城乡建设局", "12319"),
    "02": ("住房和城乡建设局", "12319"),
    "03": ("住房和城乡建设局", "12319"),
    "04": ("住房和城乡建设局", "12319"),
    "05": ("交通运输局", "12328"),
    "06": ("交通运输局", "12328"),
    "07": ("水务（水利）局", "12314"),
}
DEFAULT_SECTOR = ("住房和城乡建设局", "12319")
NATIONAL_CLUE_PLATFORM = "全国根治欠薪线索反映平台（国务院客户端微信小程序）"
SUBCONTRACTOR_CORP_TYPES = frozenset({"001", "002", "003", "004", "005", "006"})
PHOTO_TYPES: dict[str, bytes] = {"image/jpeg": b"\xff\xd8\xff", "image/png": b"\x89PNG\r\n\x1a\n"}
