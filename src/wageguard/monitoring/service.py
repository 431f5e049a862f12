"""Alert lifecycle use cases: acknowledge, assign, start handling, resolve, close (each one transaction)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

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


BULK_ACTIONS = (EventAction.ACKNOWLEDGED, EventAction.ASSIGNED)
BULK_MAX = 200


@dataclass
class BulkOutcome:
    """What a bulk action did: the alerts it changed, and each refused alert with the reason
    (``not_found``: no such alert in the caller's scope; ``status``: its status forbids the action;
    ``assignee``: the chosen inspector cannot take that alert)."""

    applied: list[int] = field(default_factory=list)
    refused: list[tuple[int, str]] = field(default_factory=list)


def act_on_alerts(
    *,
    session: Session,
    principal: Principal,
    alert_ids: Sequence[int],
    action: EventAction,
    assignee_user_id: int | None = None,
    note: str | None = None,
) -> BulkOutcome:
    """Acknowledge or assign several alerts in one transaction, each through ``act_on_alert`` (the same
    write policy and status rules as the single action).

    Not all-or-nothing: an inspector who ticks twenty alerts, one of which a colleague has just
    acknowledged, should not lose the other nineteen. Each alert is checked before anything of it changes,
    so a refused one is left untouched and reported with its reason; the others are applied."""
    if action not in BULK_ACTIONS:
        raise ValidationFailed(f"{action.value} is not a bulk action", message_zh="该操作不能批量执行")
    ids = list(dict.fromkeys(alert_ids))
    if not ids:
        raise ValidationFailed("no alerts chosen", message_zh="请先勾选预警")
    if len(ids) > BULK_MAX:
        raise ValidationFailed(
            f"at most {BULK_MAX} alerts at once", message_zh=f"一次最多处理 {BULK_MAX} 条预警"
        )
    if action is EventAction.ASSIGNED and assignee_user_id is None:
        raise ValidationFailed("assignee required", message_zh="请指定处理人")
    outcome = BulkOutcome()
    for alert_id in ids:
        try:
            act_on_alert(
                session=session,
                principal=principal,
                alert_id=alert_id,
                action=action,
                note=note,
                assignee_user_id=assignee_user_id,
            )
        except NotFound:
            outcome.refused.append((alert_id, "not_found"))
        except Conflict:
            outcome.refused.append((alert_id, "status"))
        except ValidationFailed:
            outcome.refused.append((alert_id, "assignee"))
        else:
            outcome.applied.append(alert_id)
    return outcome


def is_finished(alert: Alert) -> bool:
    return AlertStatus(alert.status) in FINISHED
