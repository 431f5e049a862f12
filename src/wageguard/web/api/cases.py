"""Complaint cases for inspectors (JSON): list, escalations, detail, actions, audited reveal, photos."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Path, Query, Response
from pydantic import Field
from sqlalchemy.orm import Session

from wageguard.auth.scope import Principal
from wageguard.bounds import Offset, RowId
from wageguard.complaints.case_handling import act_on_case, reveal_complainant, view_case_photo
from wageguard.complaints.queries import get_case, list_cases
from wageguard.complaints.schemas import CaseActionIn, CaseListOut, CaseOut, CaseRevealIn
from wageguard.config import Settings
from wageguard.db import Database
from wageguard.monitoring.queries import ProjectAlert, open_alerts_for_project
from wageguard.registry.choices import Role
from wageguard.security.crypto import Protector
from wageguard.web.deps import get_database, get_protector, get_session, get_settings_dep, require_roles
from wageguard.workdays import china_today, load_calendar

router = APIRouter(prefix="/cases", tags=["cases"])
inspector = require_roles(Role.INSPECTOR)
NO_STORE = "no-store"  # clear personal data: kept by no browser or proxy cache


class CaseDetailOut(CaseOut):
    """A case with its project's unfinished alerts (each links to ``/alerts/{id}``)."""

    alerts: list[ProjectAlert] = Field(default_factory=list)


@router.get("", response_model=CaseListOut)
def cases(
    state: str | None = None,
    escalated: bool = False,
    project_id: RowId | None = None,
    limit: int = Query(default=100, ge=1, le=500),
    offset: Offset = 0,
    session: Session = Depends(get_session),
    settings: Settings = Depends(get_settings_dep),
    protector: Protector = Depends(get_protector),
    principal: Principal = Depends(inspector),
) -> CaseListOut:
    """Cases in the caller's region (descriptions decrypted); ``escalated=true`` keeps overdue and due-soon
    ones."""
    return list_cases(
        session,
        principal,
        today=china_today(),
        calendar=load_calendar(session),
        settings=settings,
        state=state,
        escalated_only=escalated,
        project_id=project_id,
        limit=limit,
        offset=offset,
        protector=protector,
    )


@router.get("/escalations", response_model=CaseListOut)
def escalations(
    session: Session = Depends(get_session),
    settings: Settings = Depends(get_settings_dep),
    protector: Protector = Depends(get_protector),
    principal: Principal = Depends(inspector),
) -> CaseListOut:
    """Open cases past (or within a few working days of) their accept / finish deadline."""
    calendar = load_calendar(session)
    return list_cases(
        session,
        principal,
        today=china_today(),
        calendar=calendar,
        settings=settings,
        escalated_only=True,
        protector=protector,
    )


@router.get("/{case_id}", response_model=CaseDetailOut)
def case_detail(
    case_id: RowId,
    session: Session = Depends(get_session),
    settings: Settings = Depends(get_settings_dep),
    protector: Protector = Depends(get_protector),
    principal: Principal = Depends(inspector),
) -> CaseDetailOut:
    case = get_case(
        session,
        principal,
        case_id,
        today=china_today(),
        calendar=load_calendar(session),
        settings=settings,
        protector=protector,
    )
    alerts: list[ProjectAlert] = []
    if case.project_id is not None:
        alerts = open_alerts_for_project(session=session, principal=principal, project_id=case.project_id)
    return CaseDetailOut(**case.model_dump(), alerts=alerts)


@router.post("/{case_id}/actions", response_model=CaseOut)
def case_action(
    case_id: RowId,
    body: CaseActionIn,
    db: Database = Depends(get_database),
    settings: Settings = Depends(get_settings_dep),
    protector: Protector = Depends(get_protector),
    principal: Principal = Depends(inspector),
) -> CaseOut:
    """Move the case one step: accept, not_accept (reason), investigate, resolve (outcome), close,
    withdraw, extend (reason; a prefecture-level or higher inspector approves)."""
    act_on_case(
        db=db,
        principal=principal,
        settings=settings,
        case_id=case_id,
        action=body.action,
        reason=body.reason,
        outcome=body.outcome,
    )
    with db.sessions() as session:
        return get_case(
            session,
            principal,
            case_id,
            today=china_today(),
            calendar=load_calendar(session),
            settings=settings,
            protector=protector,
        )


@router.post("/{case_id}/reveal")
def reveal(
    case_id: RowId,
    body: CaseRevealIn,
    response: Response,
    db: Database = Depends(get_database),
    protector: Protector = Depends(get_protector),
    principal: Principal = Depends(inspector),
) -> dict[str, str | None]:
    """The complainant's ID, phone and card in clear, for a stated reason; every call is written to the
    audit log (reason and fields shown) and the answer is never cached."""
    response.headers["Cache-Control"] = NO_STORE
    return reveal_complainant(
        db=db, principal=principal, protector=protector, case_id=case_id, reason=body.reason
    )


@router.get("/{case_id}/photos/{index}")
def photo(
    case_id: RowId,
    index: int = Path(ge=0, le=100),
    db: Database = Depends(get_database),
    protector: Protector = Depends(get_protector),
    principal: Principal = Depends(inspector),
) -> Response:
    """One photo of the case, decrypted; every view is audited and never cached."""
    content_type, data = view_case_photo(
        db=db, principal=principal, protector=protector, case_id=case_id, index=index
    )
    return Response(data, media_type=content_type, headers={"Cache-Control": f"private, {NO_STORE}"})
