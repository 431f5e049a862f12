"""Reads: case lists and details (region-scoped), deadlines and escalations, public status, W20 inputs."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import Session

from wageguard.auth.models import User
from wageguard.auth.scope import Principal, region_prefix
from wageguard.complaints.choices import FINISH_CLOCK_STATES, OUTCOME_LABELS, STATE_LABELS, CaseState, Overdue
from wageguard.complaints.intake import ComplaintIntake
from wageguard.complaints.models import Complaint, ComplaintEvent, ComplaintPhoto
from wageguard.complaints.schemas import CaseEventOut, CaseListOut, CaseOut
from wageguard.config import Settings
from wageguard.errors import NotFound
from wageguard.registry.choices import Role
from wageguard.registry.models import Project, Region
from wageguard.security.crypto import Protector
from wageguard.validation import Invalid, parse_mobile
from wageguard.workdays import WorkingCalendar, china_today


@dataclass(frozen=True)
class ComplaintBrief:
    """One complaint as the monitoring engine sees it (no personal data)."""

    id: int
    project_id: int
    region_code: str
    received_date: date
    state: str
    workers_affected: int
    amount_owed_fen: int


@dataclass(frozen=True)
class PublicStatus:
    """All a status look-up reveals: the state of the worker's own complaint, the office handling it and
    its next deadline (no personal data, no inspector's name)."""

    tracking_code: str
    state: str
    state_label: str
    outcome_label: str | None
    received_date: date
    updated_date: date
    outcome: str | None = None  # the code, for the page language's name
    office: str | None = None  # the county's labour inspection office, in Chinese
    region_name: str | None = None  # the county the office serves (铜仁市碧江区)
    not_accepted_reason: str | None = None
    deadline: date | None = None
    deadline_kind: str | None = None  # accept / finish
    working_days_left: int | None = None  # negative: overdue
    resolved_date: date | None = None


@dataclass(frozen=True)
class Assignee:
    """A user a case can be assigned to (an active inspector of its region)."""

    id: int
    username: str
    display_name: str


def current_deadline(c: Complaint) -> tuple[date | None, str | None]:
    """The deadline that runs now: deciding whether to accept (received), finishing (accepted or under
    investigation), or none (decided, finished, withdrawn)."""
    if c.state == CaseState.RECEIVED:
        return c.accept_due, "accept"
    if c.state in FINISH_CLOCK_STATES and c.finish_due is not None:
        return c.finish_due, "finish"
    return None, None


def working_days_left(due: date, today: date, calendar: WorkingCalendar) -> int:
    """Working days from ``today`` to ``due`` (0: due today); once past, minus the working days since
    (at least one: a deadline passed on Friday is a day overdue on Saturday)."""
    if today <= due:
        return calendar.working_days_between(today, due)
    return -max(1, calendar.working_days_between(due, today))


def _deadline_order() -> ColumnElement[date]:
    """The current deadline as SQL (NULL where none runs), for sorting by it."""
    return case(
        (Complaint.state == CaseState.RECEIVED.value, Complaint.accept_due),
        (Complaint.state.in_([s.value for s in FINISH_CLOCK_STATES]), Complaint.finish_due),
        else_=None,
    )


def overdue_flag(c: Complaint, today: date, calendar: WorkingCalendar, due_soon_days: int) -> Overdue:
    """Deadline flag of a case on ``today`` (accept within N, finish within M working days)."""
    soon = calendar.add_working_days(today, due_soon_days)
    if c.state == CaseState.RECEIVED:
        if today > c.accept_due:
            return Overdue.ACCEPT_OVERDUE
        return Overdue.ACCEPT_DUE_SOON if c.accept_due <= soon else Overdue.NONE
    if c.state in FINISH_CLOCK_STATES and c.finish_due is not None:
        if today > c.finish_due:
            return Overdue.FINISH_OVERDUE
        return Overdue.FINISH_DUE_SOON if c.finish_due <= soon else Overdue.NONE
    return Overdue.NONE


def _flag_clause(before: date) -> ColumnElement[bool]:
    """Open cases whose current deadline falls before ``before``."""
    return or_(
        and_(Complaint.state == CaseState.RECEIVED.value, Complaint.accept_due < before),
        and_(Complaint.state.in_([s.value for s in FINISH_CLOCK_STATES]), Complaint.finish_due < before),
    )


def _description(c: Complaint, protector: Protector | None) -> str | None:
    """The worker's description in clear for a case handler's view (``None`` without a protector, or on a
    row from before migration 0005b that ``encrypt-personal-data`` has not moved yet)."""
    if protector is None or c.description_enc is None:
        return None
    return protector.decrypt_text(c.description_enc)


def _case_out(
    c: Complaint,
    project: Project | None,
    flag: Overdue,
    protector: Protector | None,
    *,
    today: date,
    calendar: WorkingCalendar,
    county_name: str | None = None,
    assignee_name: str | None = None,
) -> CaseOut:
    deadline, kind = current_deadline(c)
    return CaseOut(
        id=c.id,
        tracking_code=c.tracking_code,
        project_id=c.project_id,
        project_code=project.project_code if project else None,
        project_name=project.name if project else None,
        region_code=c.region_code,
        name=c.name,
        id_masked=c.id_masked,
        phone_masked=c.phone_masked,
        card_masked=c.card_masked,
        employer=c.employer,
        work_start=c.work_start,
        work_end=c.work_end,
        months_owed=c.months_owed,
        amount_owed_fen=c.amount_owed_fen,
        workers_affected=c.workers_affected,
        description=_description(c, protector),
        state=c.state,
        outcome=c.outcome,
        not_accepted_reason=c.not_accepted_reason,
        received_date=c.received_date,
        accept_due=c.accept_due,
        accepted_date=c.accepted_date,
        finish_due=c.finish_due,
        extended=c.extended,
        overdue=flag.value,
        deadline=deadline,
        deadline_kind=kind,
        working_days_left=None if deadline is None else working_days_left(deadline, today, calendar),
        county_name=county_name,
        assignee_user_id=c.assignee_user_id,
        assignee_name=assignee_name,
    )


def list_cases(
    session: Session,
    principal: Principal,
    *,
    today: date,
    calendar: WorkingCalendar,
    settings: Settings,
    state: str | None = None,
    escalated_only: bool = False,
    project_id: int | None = None,
    county: str | None = None,
    assignee_user_id: int | None = None,
    sort: str = "received",
    limit: int = 100,
    offset: int = 0,
    protector: Protector | None = None,
) -> CaseListOut:
    """Cases in the caller's region, newest first (``sort="deadline"``: the nearest current deadline first,
    cases without one last); ``escalated_only`` keeps overdue and due-soon ones; ``county`` keeps one
    county's cases, ``assignee_user_id`` one handler's ("my cases").

    With ``protector`` each case carries its description in clear (the case handlers' views); without it
    (the CLI's escalation list) the description is left out."""
    cond = [principal.region_clause(Complaint.region_code)]
    if principal.role not in (Role.ADMIN, Role.INSPECTOR):
        cond.append(Complaint.id.is_(None))
    if state:
        cond.append(Complaint.state == state)
    if project_id is not None:
        cond.append(Complaint.project_id == project_id)
    if county:
        cond.append(Complaint.region_code == county)
    if assignee_user_id is not None:
        cond.append(Complaint.assignee_user_id == assignee_user_id)
    if escalated_only:
        soon = calendar.add_working_days(today, settings.complaint_due_soon_working_days)
        cond.append(_flag_clause(soon + timedelta(days=1)))
    total = session.scalar(select(func.count()).select_from(Complaint).where(*cond)) or 0
    newest = (Complaint.received_at.desc(), Complaint.id.desc())
    order = (_deadline_order().asc().nulls_last(), *newest) if sort == "deadline" else newest
    rows = session.execute(
        select(Complaint, Project, Region.name, User.display_name)
        .outerjoin(Project, Project.id == Complaint.project_id)
        .outerjoin(Region, Region.code == Complaint.region_code)
        .outerjoin(User, User.id == Complaint.assignee_user_id)
        .where(*cond)
        .order_by(*order)
        .limit(limit)
        .offset(offset)
    ).all()
    due_soon = settings.complaint_due_soon_working_days
    items = [
        _case_out(
            c,
            p,
            overdue_flag(c, today, calendar, due_soon),
            protector,
            today=today,
            calendar=calendar,
            county_name=county_name,
            assignee_name=assignee_name,
        )
        for c, p, county_name, assignee_name in rows
    ]
    return CaseListOut(total=total, items=items)


def get_case(
    session: Session,
    principal: Principal,
    case_id: int,
    *,
    today: date,
    calendar: WorkingCalendar,
    settings: Settings,
    protector: Protector | None = None,
) -> CaseOut:
    """One case with its step log and photo count; outside the caller's region it does not exist.
    ``protector`` decrypts the description (as in ``list_cases``)."""
    c = session.get(Complaint, case_id)
    if (
        c is None
        or principal.role not in (Role.ADMIN, Role.INSPECTOR)
        or not principal.covers_region(c.region_code)
    ):
        raise NotFound(f"case {case_id}", message_zh="案件不存在")
    project = session.get(Project, c.project_id) if c.project_id else None
    flag = overdue_flag(c, today, calendar, settings.complaint_due_soon_working_days)
    assignee = session.get(User, c.assignee_user_id) if c.assignee_user_id else None
    out = _case_out(
        c,
        project,
        flag,
        protector,
        today=today,
        calendar=calendar,
        county_name=region_name(session, c.region_code),
        assignee_name=assignee.display_name if assignee else None,
    )
    events = session.scalars(
        select(ComplaintEvent).where(ComplaintEvent.complaint_id == c.id).order_by(ComplaintEvent.id)
    ).all()
    out.events = [
        CaseEventOut(
            at=e.at, actor=e.actor, action=e.action, from_state=e.from_state, to_state=e.to_state, note=e.note
        )
        for e in events
    ]
    out.photo_count = (
        session.scalar(
            select(func.count()).select_from(ComplaintPhoto).where(ComplaintPhoto.complaint_id == c.id)
        )
        or 0
    )
    return out


def case_photo(
    session: Session, principal: Principal, protector: Protector, case_id: int, index: int
) -> tuple[str, bytes]:
    """The ``index``-th photo (0-based) of a case the caller may see, decrypted: content type and bytes.
    Viewing one is audited: go through ``complaints.case_handling.view_case_photo``."""
    c = session.get(Complaint, case_id)
    if (
        c is None
        or principal.role not in (Role.ADMIN, Role.INSPECTOR)
        or not principal.covers_region(c.region_code)
    ):
        raise NotFound(f"case {case_id}", message_zh="案件不存在")
    photo = session.scalars(
        select(ComplaintPhoto)
        .where(ComplaintPhoto.complaint_id == case_id)
        .order_by(ComplaintPhoto.id)
        .offset(index)
    ).first()
    if photo is None or photo.data_enc is None:
        raise NotFound("photo", message_zh="照片不存在")
    data = protector.decrypt_bytes(photo.data_enc)
    if hashlib.sha256(data).hexdigest() != photo.sha256:
        raise ValueError(f"photo {photo.id}: content does not match its digest")
    return photo.content_type, data


def public_status(
    session: Session,
    protector: Protector,
    *,
    tracking_code: str,
    phone: str,
    today: date | None = None,
    calendar: WorkingCalendar | None = None,
) -> PublicStatus | None:
    """The state of a complaint for its own complainant: code AND phone must match, else ``None``.

    The phone is compared through its blind index (the clear number is never stored), after the same
    normalisation as the form (``+86``, spaces and dashes dropped), in constant time."""
    code = tracking_code.strip().upper()
    c = session.scalar(select(Complaint).where(Complaint.tracking_code == code))
    try:
        typed = parse_mobile(phone)
    except Invalid:
        typed = phone.strip()
    if c is None or not hmac.compare_digest(c.phone_bidx, protector.blind_index(typed)):
        return None
    today, calendar = today or china_today(), calendar or WorkingCalendar()
    deadline, kind = current_deadline(c)
    return PublicStatus(
        tracking_code=c.tracking_code,
        state=c.state,
        state_label=STATE_LABELS[c.state],
        outcome_label=OUTCOME_LABELS.get(c.outcome or ""),
        received_date=c.received_date,
        updated_date=china_today(c.updated_at or c.received_at),
        outcome=c.outcome,
        office=inspection_office(session, c.region_code),
        region_name=region_name(session, c.region_code),
        not_accepted_reason=c.not_accepted_reason if c.state == CaseState.NOT_ACCEPTED else None,
        deadline=deadline,
        deadline_kind=kind,
        working_days_left=None if deadline is None else working_days_left(deadline, today, calendar),
        resolved_date=c.resolved_date,
    )


def queued_status(
    intake: ComplaintIntake, protector: Protector, *, tracking_code: str, phone: str
) -> PublicStatus | None:
    """The state of a complaint still waiting in the intake (received, not yet filed): code AND phone must
    match, as for ``public_status``. Its office and deadline are known once it is filed (moments later)."""
    found = intake.lookup(tracking_code.strip().upper())
    try:
        typed = parse_mobile(phone)
    except Invalid:
        typed = phone.strip()
    if found is None or not hmac.compare_digest(found[0], protector.blind_index(typed)):
        return None
    received = china_today(found[1])
    state = CaseState.RECEIVED.value
    return PublicStatus(tracking_code.strip().upper(), state, STATE_LABELS[state], None, received, received)


def complaints_for_project_in_window(
    session: Session, project_id: int, start: date, end: date
) -> list[ComplaintBrief]:
    """Complaints about one project received (China date) from ``start`` to ``end`` inclusive (rule W20)."""
    rows = session.scalars(
        select(Complaint)
        .where(Complaint.project_id == project_id, Complaint.received_date.between(start, end))
        .order_by(Complaint.received_date, Complaint.id)
    ).all()
    return [_brief(c) for c in rows]


def project_complaint_counts(session: Session, start: date, end: date) -> dict[int, int]:
    """Complaints per project received from ``start`` to ``end`` inclusive, in one query (W20, set-based)."""
    rows = session.execute(
        select(Complaint.project_id, func.count())
        .where(Complaint.project_id.is_not(None), Complaint.received_date.between(start, end))
        .group_by(Complaint.project_id)
    ).all()
    return {int(pid): int(n) for pid, n in rows if pid is not None}


def _brief(c: Complaint) -> ComplaintBrief:
    assert c.project_id is not None
    return ComplaintBrief(
        id=c.id,
        project_id=c.project_id,
        region_code=c.region_code,
        received_date=c.received_date,
        state=c.state,
        workers_affected=c.workers_affected,
        amount_owed_fen=c.amount_owed_fen,
    )


def region_name(session: Session, region_code: str) -> str:
    """A region's name with its prefecture's (铜仁市碧江区), or the code where the region is unknown."""
    parent = Region.__table__.alias("parent")
    row = session.execute(
        select(Region.name, Region.level, parent.c.name)
        .outerjoin(parent, parent.c.code == Region.parent_code)
        .where(Region.code == region_code)
    ).first()
    if row is None:
        return region_code
    name, level, parent_name = row
    return f"{parent_name or ''}{name}" if level == "county" else str(name)


def inspection_office(session: Session, region_code: str) -> str:
    """The labour inspection office handling complaints from a county (the notice board prints the same)."""
    return f"{region_name(session, region_code)}人力资源和社会保障局（劳动保障监察）"


def counties_in_scope(session: Session, principal: Principal) -> list[tuple[str, str]]:
    """The counties inside the caller's region (code, name), for the case list's county filter."""
    rows = session.execute(
        select(Region.code, Region.name)
        .where(Region.level == "county", principal.region_clause(Region.code))
        .order_by(Region.code)
    ).all()
    return [(str(code), str(name)) for code, name in rows]


def case_assignees(session: Session, region_code: str) -> list[Assignee]:
    """Active inspectors whose region covers ``region_code``: who a case there can be assigned to."""
    users = session.scalars(
        select(User)
        .where(User.role == Role.INSPECTOR.value, User.is_active.is_(True), User.region_code.is_not(None))
        .order_by(User.region_code.desc(), User.username)
    ).all()
    return [
        Assignee(u.id, u.username, u.display_name)
        for u in users
        if u.region_code and region_code.startswith(region_prefix(u.region_code))
    ]


def inspectors_for_region(session: Session, region_code: str) -> list[str]:
    """Usernames of active inspectors whose region covers ``region_code`` (the county's case handlers)."""
    users = session.execute(
        select(User.username, User.region_code).where(
            User.role == Role.INSPECTOR.value, User.is_active.is_(True)
        )
    ).all()
    return sorted(u for u, r in users if r and region_code.startswith(region_prefix(r)))


@dataclass(frozen=True)
class PublicProject:
    """What the public form shows about a project."""

    project_code: str
    name: str
    region_code: str
    region_name: str


def public_project(session: Session, project_code: str) -> PublicProject:
    row = session.execute(
        select(Project.project_code, Project.name, Project.region_code, Region.name)
        .join(Region, Region.code == Project.region_code)
        .where(Project.project_code == project_code)
    ).first()
    if row is None:
        raise NotFound(f"project {project_code}", message_zh="未找到该项目，请核对二维码或直接拨打12333")
    return PublicProject(row[0], row[1], row[2], row[3])


def counties(session: Session) -> list[tuple[str, str]]:
    """Every county (code, name with its prefecture), for the form without a project."""
    parent = Region.__table__.alias("parent")
    rows = session.execute(
        select(Region.code, Region.name, parent.c.name)
        .outerjoin(parent, parent.c.code == Region.parent_code)
        .where(Region.level == "county")
        .order_by(Region.code)
    ).all()
    return [(code, f"{pname or ''}{name}") for code, name, pname in rows]


@dataclass(frozen=True)
class CaseProject:
    """The project a complaints list is about."""

    id: int
    project_code: str
    name: str
    region_code: str


def project_for_cases(session: Session, principal: Principal, project_id: int) -> CaseProject:
    """A project whose complaints the caller may read (inspectors of its region, admins); else not found."""
    row = session.execute(
        select(Project.id, Project.project_code, Project.name, Project.region_code).where(
            Project.id == project_id, principal.region_clause(Project.region_code)
        )
    ).first()
    if row is None or principal.role not in (Role.ADMIN, Role.INSPECTOR):
        raise NotFound(f"project {project_id}", message_zh="项目不存在")
    return CaseProject(int(row[0]), str(row[1]), str(row[2]), str(row[3]))
