"""Alert lifecycle use cases: acknowledge, assign, start handling, resolve, close (each one transaction);
an enterprise's answer to an alert on its project (a note and an attachment such as the bank receipt) and
the audited view of that attachment."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from wageguard.audit.service import record_audit
from wageguard.auth.models import User
from wageguard.auth.policy import check_alert_answer, check_region_write
from wageguard.auth.scope import Principal
from wageguard.auth.service import principal_of
from wageguard.db import utcnow
from wageguard.errors import Conflict, NotFound, Problem, ValidationFailed
from wageguard.monitoring.choices import FINISHED, AlertStatus, EventAction
from wageguard.monitoring.models import Alert, AlertAttachment, AlertEvent
from wageguard.monitoring.tallying import refresh_alert_tallies
from wageguard.registry.choices import Role
from wageguard.registry.models import ProjectParticipant
from wageguard.security.crypto import Protector

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
    if alert.project_id is not None:  # an alert on no project is recounted by the next engine run
        refresh_alert_tallies(session, [int(alert.project_id)])
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


# -- the enterprise's answers ------------------------------------------------------------------------------

ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024
NOTE_MAX_CHARS = 2000
# What an attachment may be, told by its first bytes (never by its name or the browser's content type).
ATTACHMENT_TYPES: dict[str, bytes] = {
    "application/pdf": b"%PDF-",
    "image/jpeg": b"\xff\xd8\xff",
    "image/png": b"\x89PNG\r\n\x1a\n",
}
SUFFIX = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}


@dataclass(frozen=True)
class AttachmentIn:
    """A file as uploaded: the name the browser gave (sanitised by the caller) and its bytes."""

    filename: str
    data: bytes


def sniffed_type(data: bytes) -> str | None:
    """``application/pdf``, ``image/jpeg`` or ``image/png`` by the file's first bytes; ``None`` otherwise."""
    return next((ct for ct, magic in ATTACHMENT_TYPES.items() if data.startswith(magic)), None)


def _attachment_problem(file: AttachmentIn) -> Problem | None:
    if not file.data:
        return Problem("attachment", "empty", "附件是空文件", "The attachment is empty", value=file.filename)
    if len(file.data) > ATTACHMENT_MAX_BYTES:
        mb = ATTACHMENT_MAX_BYTES // (1024 * 1024)
        return Problem(
            "attachment",
            "too_big",
            f"附件“{file.filename}”超过 {mb} MB",
            f"The attachment {file.filename} is over {mb} MB",
            value=file.filename,
        )
    if sniffed_type(file.data) is None:
        return Problem(
            "attachment",
            "file_type",
            f"附件“{file.filename}”不是 PDF、JPG 或 PNG 文件",
            f"The attachment {file.filename} is not a PDF, JPEG or PNG file",
            value=file.filename,
        )
    return None


def answer_alert(
    *,
    session: Session,
    principal: Principal,
    protector: Protector,
    alert_id: int,
    note: str,
    attachment: AttachmentIn | None = None,
) -> AlertEvent:
    """The enterprise's answer to an alert on one of its projects: a note (what was done, e.g. "paid on
    12 October") and optionally one file (PDF / JPEG / PNG by content, at most ``ATTACHMENT_MAX_BYTES``),
    stored encrypted. Recorded as a ``responded`` event in the alert's history; the status is the
    inspector's to change."""
    alert = session.get(Alert, alert_id)
    if alert is None:
        raise NotFound(f"alert {alert_id} not found", message_zh="预警不存在")
    check_alert_answer(session, principal, alert.project_id)
    text = (note or "").strip()
    if not text:
        raise ValidationFailed(
            "a note is required",
            [Problem("note", "required", "请填写答复说明", "Please write what was done")],
            message_zh="请填写答复说明",
        )
    if len(text) > NOTE_MAX_CHARS:
        raise ValidationFailed(f"the note is over {NOTE_MAX_CHARS} characters", message_zh="答复说明过长")
    if attachment is not None and (problem := _attachment_problem(attachment)) is not None:
        raise ValidationFailed(problem.message_en, [problem], message_zh=problem.message_zh)
    event = AlertEvent(
        alert_id=alert.id, actor=principal.username, action=EventAction.RESPONDED.value, note=text
    )
    session.add(event)
    session.flush()
    if attachment is not None:
        content_type = sniffed_type(attachment.data)
        assert content_type is not None
        session.add(
            AlertAttachment(
                alert_id=alert.id,
                event_id=event.id,
                filename=attachment.filename,
                content_type=content_type,
                size_bytes=len(attachment.data),
                sha256=hashlib.sha256(attachment.data).hexdigest(),
                data_enc=protector.encrypt_bytes(attachment.data),
                uploaded_by=principal.username,
            )
        )
        event.detail = {"attachment": attachment.filename}
    alert.updated_at = utcnow()
    session.flush()
    return event


def may_view_alert(session: Session, principal: Principal, alert: Alert) -> bool:
    """Inspectors of the alert's region and admins; the enterprises taking part in its project."""
    if principal.covers_region(alert.region_code):
        return True
    if principal.enterprise_id is None or alert.project_id is None:
        return False
    found = session.scalar(
        select(ProjectParticipant.id)
        .where(
            ProjectParticipant.project_id == alert.project_id,
            ProjectParticipant.enterprise_id == principal.enterprise_id,
        )
        .limit(1)
    )
    return found is not None and principal.role is Role.ENTERPRISE


@dataclass(frozen=True)
class AttachmentOut:
    """An attachment's clear content for the one response that serves it."""

    filename: str
    content_type: str
    data: bytes


def view_alert_attachment(
    *, session: Session, principal: Principal, protector: Protector, alert_id: int, attachment_id: int
) -> AttachmentOut:
    """One attachment of an alert the caller may see, decrypted and checked against its digest. A receipt
    shows account numbers and names, so every view is audited (action ``view_alert_attachment``)."""
    alert = session.get(Alert, alert_id)
    file = session.get(AlertAttachment, attachment_id)
    if (
        alert is None
        or file is None
        or file.alert_id != alert.id
        or not may_view_alert(session, principal, alert)
    ):
        raise NotFound("attachment not found", message_zh="附件不存在")
    data = protector.decrypt_bytes(file.data_enc)
    if hashlib.sha256(data).hexdigest() != file.sha256:
        raise ValueError(f"alert attachment {file.id}: content does not match its digest")
    record_audit(
        session,
        actor=principal.username,
        action="view_alert_attachment",
        subject_type="alert",
        subject_id=alert.id,
        detail={"attachment": file.id},
    )
    return AttachmentOut(file.filename, file.content_type, data)
