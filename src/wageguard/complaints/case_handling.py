"""Use cases of the case handler: move a case along its state machine, reveal the complainant, view a photo.

Each checks the write policy on the case's region in one place (``_load_case``); the clear ID, phone and card
numbers (``reveal_complainant``) and each photo (``view_case_photo``) are audited reads.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Session

from wageguard.audit.service import record_audit
from wageguard.auth.models import User
from wageguard.auth.policy import check_region_write, check_superior_approval
from wageguard.auth.scope import Principal, region_prefix
from wageguard.complaints.choices import (
    OPEN_STATES,
    STATE_LABELS,
    TRANSITIONS,
    CaseAction,
    CaseState,
    Outcome,
)
from wageguard.complaints.models import Complaint, ComplaintEvent
from wageguard.complaints.queries import case_photo
from wageguard.config import Settings
from wageguard.db import Database, utcnow
from wageguard.errors import Conflict, NotFound, Problem, ValidationFailed
from wageguard.registry.choices import Role
from wageguard.security.crypto import Protector
from wageguard.workdays import WorkingCalendar, china_today, load_calendar


def _load_case(session: Session, principal: Principal, case_id: int) -> Complaint:
    """The case, if the write policy lets ``principal`` act on it (inspectors of its county and above)."""
    case = session.get(Complaint, case_id, with_for_update=True)
    if case is None:
        raise NotFound(f"case {case_id} not found", message_zh="案件不存在")
    check_region_write(principal, case.region_code, what_en=f"case {case_id}", what_zh="案件")
    return case


def _require(ok: bool, en: str, zh: str) -> None:
    if not ok:
        raise ValidationFailed(en, [Problem("reason", "required", zh, en)])


def _apply(
    case: Complaint,
    action: CaseAction,
    *,
    principal: Principal,
    reason: str | None,
    outcome: Outcome | None,
    today: date,
    calendar: WorkingCalendar,
    settings: Settings,
) -> None:
    if action is CaseAction.ACCEPT:
        case.accepted_date = today
        case.finish_due = calendar.add_working_days(today, settings.complaint_finish_working_days)
    elif action is CaseAction.NOT_ACCEPT:
        _require(bool(reason), "a reason is required", "请填写不予受理的理由")
        case.not_accepted_reason = reason
    elif action is CaseAction.RESOLVE:
        if outcome is None:
            raise ValidationFailed(
                "outcome required", [Problem("outcome", "required", "请选择办结结果", "outcome")]
            )
        case.outcome, case.resolved_date = outcome.value, today
    elif action is CaseAction.CLOSE:
        case.closed_date = today
    elif action is CaseAction.EXTEND:
        _require(bool(reason), "a reason is required", "请填写延期理由（复杂案件）")
        if case.extended:
            raise Conflict("already extended", message_zh="办理期限已延长过一次")
        check_superior_approval(principal, what_en="an extension", what_zh="延期")
        assert case.finish_due is not None
        case.finish_due = calendar.add_working_days(
            case.finish_due, settings.complaint_extension_working_days
        )
        case.extended = True


def act_on_case(
    *,
    db: Database,
    principal: Principal,
    settings: Settings,
    case_id: int,
    action: CaseAction,
    reason: str | None = None,
    outcome: Outcome | None = None,
    now: datetime | None = None,
) -> Complaint:
    """Move a case one step (accept, not accept, investigate, resolve, close, withdraw, extend), logged."""
    now = now or utcnow()
    reason = (reason or "").strip() or None
    with db.transaction() as session:
        case = _load_case(session, principal, case_id)
        allowed_from, to_state = TRANSITIONS[action]
        before = CaseState(case.state)
        if before not in allowed_from:
            raise Conflict(
                f"cannot {action} a {before} case",
                message_zh=f"当前状态不允许此操作（{STATE_LABELS[before.value]}）",
            )
        _apply(
            case,
            action,
            principal=principal,
            reason=reason,
            outcome=outcome,
            today=china_today(now),
            calendar=load_calendar(session),
            settings=settings,
        )
        case.state = (to_state or before).value
        note = reason if outcome is None else f"{outcome.value}: {reason or ''}".rstrip(": ")
        session.add(
            ComplaintEvent(
                complaint_id=case.id,
                at=now,
                actor=principal.username,
                action=action.value,
                from_state=before.value,
                to_state=case.state,
                note=note,
            )
        )
    return case


ASSIGN = "assign"  # the event action of an assignment (the state does not change)


def _assignee(session: Session, case: Complaint, user_id: int) -> User:
    """The user a case is assigned to: an active inspector whose region covers the case's county."""
    user = session.get(User, user_id)
    if (
        user is None
        or not user.is_active
        or user.role != Role.INSPECTOR.value
        or not user.region_code
        or not case.region_code.startswith(region_prefix(user.region_code))
    ):
        raise ValidationFailed(
            f"user {user_id} cannot take this case: no active inspector of its region has that id",
            [
                Problem(
                    field="assignee_user_id",
                    code="assignee.out_of_scope",
                    message_zh="承办人须为本案件所属地区在职的监察员",
                    message_en="the assignee must be an active inspector of the case's region",
                    value=str(user_id),
                )
            ],
            message_zh="承办人不在本案件的管辖范围内（须为本地区在职的监察员）",
        )
    return user


def assign_case(
    *, db: Database, principal: Principal, case_id: int, assignee_user_id: int, now: datetime | None = None
) -> Complaint:
    """Give an open case to an active inspector of its region (logged as an ``assign`` step)."""
    now = now or utcnow()
    with db.transaction() as session:
        case = _load_case(session, principal, case_id)
        if CaseState(case.state) not in OPEN_STATES:
            raise Conflict(f"case {case_id} is {case.state}", message_zh="案件已办结或撤回，不能再指派")
        user = _assignee(session, case, assignee_user_id)
        case.assignee_user_id = user.id
        session.add(
            ComplaintEvent(
                complaint_id=case.id,
                at=now,
                actor=principal.username,
                action=ASSIGN,
                from_state=case.state,
                to_state=case.state,
                note=user.display_name,
            )
        )
    return case


def _reason(reason: str) -> str:
    reason = reason.strip()
    if len(reason) < 2:
        raise ValidationFailed(
            "a reason is required",
            [Problem("reason", "required", "请填写查看完整号码的理由", "State why the numbers are needed")],
        )
    return reason


def reveal_complainant(
    *, db: Database, principal: Principal, protector: Protector, case_id: int, reason: str
) -> dict[str, str | None]:
    """The complainant's ID, phone and card in clear: an audited read recording the reason and the fields
    shown."""
    reason = _reason(reason)
    with db.transaction() as session:
        case = _load_case(session, principal, case_id)
        fields = ["id_number", "phone"] + (["bank_card"] if case.card_enc else [])
        record_audit(
            session,
            actor=principal.username,
            action="reveal",
            subject_type="complaint",
            subject_id=case.id,
            detail={"reason": reason, "fields": fields},
        )
        return {
            "id_number": protector.decrypt(case.id_enc),
            "phone": protector.decrypt(case.phone_enc),
            "bank_card": protector.decrypt(case.card_enc) if case.card_enc else None,
        }


def view_case_photo(
    *, db: Database, principal: Principal, protector: Protector, case_id: int, index: int
) -> tuple[str, bytes]:
    """One photo of a case, decrypted, for a case handler in scope. Workers often photograph their ID or
    bank card, so every view is audited (action ``view_photo``); the description is not (it is the case
    itself and shown on every case page)."""
    with db.transaction() as session:
        content_type, data = case_photo(session, principal, protector, case_id, index)
        record_audit(
            session,
            actor=principal.username,
            action="view_photo",
            subject_type="complaint",
            subject_id=case_id,
            detail={"photo": index},
        )
    return content_type, data
