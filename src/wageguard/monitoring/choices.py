"""Code tables of the monitoring slice: levels, alert states, subjects, worker-month statuses."""

from __future__ import annotations

from enum import StrEnum


class Level(StrEnum):
    """Warning level: 红 act now, 橙 serious, 黄 attention."""

    RED = "red"
    ORANGE = "orange"
    YELLOW = "yellow"


LEVEL_ZH = {Level.RED: "红", Level.ORANGE: "橙", Level.YELLOW: "黄"}
LEVEL_RANK = {Level.RED: 3, Level.ORANGE: 2, Level.YELLOW: 1}


class AlertStatus(StrEnum):
    """Alert lifecycle: open → acknowledged → in_hand → resolved / closed (reopened if it comes back)."""

    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    IN_HAND = "in_hand"
    RESOLVED = "resolved"
    CLOSED = "closed"


STATUS_ZH = {
    AlertStatus.OPEN: "待处理",
    AlertStatus.ACKNOWLEDGED: "已确认",
    AlertStatus.IN_HAND: "处理中",
    AlertStatus.RESOLVED: "已解决",
    AlertStatus.CLOSED: "已关闭",
}
FINISHED = frozenset({AlertStatus.RESOLVED, AlertStatus.CLOSED})


class SubjectType(StrEnum):
    PROJECT = "project"
    WORKER = "worker"
    DEVICE = "device"
    ENTERPRISE = "enterprise"


class PayStatus(StrEnum):
    """Status of one worker-month after reconciliation."""

    PAID = "paid"
    PARTLY_PAID = "partly_paid"
    UNPAID = "unpaid"
    NOT_DUE = "not_due"
    PAID_LATE = "paid_late"
    PAID_OTHER_CARD = "paid_other_card"
    PAID_WITHOUT_ATTENDANCE = "paid_without_attendance"


PAY_STATUS_ZH = {
    PayStatus.PAID: "已足额发放",
    PayStatus.PARTLY_PAID: "部分发放",
    PayStatus.UNPAID: "未发放",
    PayStatus.NOT_DUE: "未到发放期",
    PayStatus.PAID_LATE: "逾期发放",
    PayStatus.PAID_OTHER_CARD: "发至非本人卡",
    PayStatus.PAID_WITHOUT_ATTENDANCE: "无考勤发放",
}


class EventAction(StrEnum):
    RAISED = "raised"
    UPDATED = "updated"
    CLEARED_BY_DATA = "cleared_by_data"
    HOLDS_AGAIN = "holds_again"
    REOPENED = "reopened"
    ESCALATED = "escalated"
    ACKNOWLEDGED = "acknowledged"
    ASSIGNED = "assigned"
    IN_HAND = "in_hand"
    RESOLVED = "resolved"
    CLOSED = "closed"
    REINFORCED = "reinforced"
    RESPONDED = "responded"  # the enterprise's answer (a note, perhaps an attachment such as a receipt)
