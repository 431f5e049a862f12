"""Alert lifecycle use cases: acknowledge, assign, start handling, resolve, close (each one transaction)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from wageguard.auth.models import User
from wageguard.auth.policy import check_region_write
from wageguard.auth.scope import Principal
from wageguard.auth.service import principal_of
from wageguard.db import utcnow
from wageguard.errors import Conflict, NotFound, Problem, ValidationFailed
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


def _assignee(session: Session, alert: Alert, user_id: int) -> User:
    """The user an alert is assigned to: an active inspector (or admin) whose region covers the alert's."""
    user = session.get(User, user_id)
    if user is None or not user.is_active or not principal_of(user).covers_region(alert.region_code):
        raise ValidationFailed(
            f"user {user_id} cannot take this alert: no active inspector of its region has that id",
            [
                Problem(
                    field="assignee_user_id",
                    code="assignee.out_of_scope",
                    message_zh="处理人须为本预警所属地区在职的监察员",
                    message_en="the assignee must be an active inspector of the alert's region",
                    value=str(user_id),
                )
            ],
            message_zh="处理人不在本预警的管辖范围内",
        )
    return user


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
        if assignee_user_id is not None:
            assignee = _assignee(session, alert, assignee_user_id)
            assignee_name = assignee_name or assignee.display_name
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
