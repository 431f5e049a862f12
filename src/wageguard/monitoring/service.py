"""Alert lifecycle use cases: acknowledge, assign, start handling, resolve, close (each one transaction)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from wageguard.auth.policy import check_region_write
from wageguard.auth.scope import Principal
from wageguard.db import utcnow
from wageguard.errors import Conflict, NotFound, ValidationFailed
from wageguard.monitoring.choices import FINISHED, AlertStatus, EventAction
from wageguard.monitoring.models import Alert, AlertEvent

ALLOWED = {
    EventAction.ACKNOWLEDGED: {AlertStatus.OPEN},
    EventAction.ASSIGNED: {AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED, AlertStatus.IN_HAND},
    EventAction.IN_HAND: {AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED},
    EventAction.RESOLVED: {AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED, AlertStatus.IN_HAND},
    EventAction.CLOSED: {
        AlertStatus.OPEN,
        AlertStatus.ACKNOWLEDGED,
        AlertStatus.IN_HAND,
        AlertStatus.RESOLVED,
    },
}
TARGET = {
    EventAction.ACKNOWLEDGED: AlertStatus.ACKNOWLEDGED,
    EventAction.IN_HAND: AlertStatus.IN_HAND,
    EventAction.RESOLVED: AlertStatus.RESOLVED,
    EventAction.CLOSED: AlertStatus.CLOSED,
}


def _load(session: Session, alert_id: int, principal: Principal) -> Alert:
    """The alert, if the write policy lets ``principal`` act on it (inspectors of its region, admins)."""
    alert = session.get(Alert, alert_id)
    if alert is None:
        raise NotFound(f"alert {alert_id} not found", message_zh="预警不存在")
    check_region_write(principal, alert.region_code, what_en=f"alert {alert_id}", what_zh="预警")
    return alert


def act_on_alert(
    *,
    session: Session,
    principal: Principal,
    alert_id: int,
    action: EventAction,
    note: str | None = None,
    assignee_user_id: int | None = None,
    assignee_name: str | None = None,
) -> Alert:
    """Move an alert along its lifecycle; resolving and closing need a note (why, what was done)."""
    alert = _load(session, alert_id, principal)
    if action not in ALLOWED:
        raise ValidationFailed(f"unknown action {action}")
    if AlertStatus(alert.status) not in ALLOWED[action]:
        raise Conflict(f"alert is {alert.status}; cannot {action.value}", message_zh="当前状态不允许此操作")
    if action in (EventAction.RESOLVED, EventAction.CLOSED) and not (note or "").strip():
        raise ValidationFailed("a note is required", message_zh="请填写处理说明")
    if action is EventAction.ASSIGNED:
        if not assignee_name:
            raise ValidationFailed("assignee required", message_zh="请指定处理人")
        alert.assignee_user_id, alert.assignee_name = assignee_user_id, assignee_name
    else:
        alert.status = TARGET[action].value
    alert.updated_at = utcnow()
    session.add(
        AlertEvent(
            alert_id=alert.id,
            actor=principal.username,
            action=action.value,
            note=note,
            detail={"assignee": assignee_name} if assignee_name else None,
        )
    )
    session.flush()
    return alert


def is_finished(alert: Alert) -> bool:
    return AlertStatus(alert.status) in FINISHED
