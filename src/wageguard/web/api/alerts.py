"""Alert API: the inspector's inbox, one alert with evidence and history, lifecycle actions, owed wages."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel
from sqlalchemy.orm import Session

from wageguard.auth.scope import Principal
from wageguard.bounds import Offset, RowId
from wageguard.config import Settings
from wageguard.db import Database
from wageguard.monitoring import queries, service
from wageguard.monitoring.calendar import months_back
from wageguard.monitoring.choices import EventAction
from wageguard.monitoring.models import Alert
from wageguard.registry.choices import Role
from wageguard.web.deps import get_database, get_session, get_settings_dep, require_roles

router = APIRouter(tags=["alerts 预警"])
inspector = require_roles(Role.INSPECTOR)


class ActionIn(BaseModel):
    action: EventAction
    note: str | None = None
    assignee_user_id: RowId | None = None
    assignee_name: str | None = None


def alert_out(a: Alert) -> dict[str, Any]:
    return {
        "id": a.id,
        "rule_code": a.rule_code,
        "level": a.level,
        "subject_type": a.subject_type,
        "subject_id": a.subject_id,
        "project_id": a.project_id,
        "worker_id": a.worker_id,
        "period": a.period,
        "region_code": a.region_code,
        "status": a.status,
        "still_holds": a.still_holds,
        "amount_fen": a.amount_fen,
        "workers": a.workers,
        "referral_flag": a.referral_flag,
        "first_seen_on": a.first_seen_on,
        "cleared_on": a.cleared_on,
        "escalated_on": a.escalated_on,
        "assignee_name": a.assignee_name,
    }


@router.get("/alerts")
def list_alerts(
    level: str | None = None,
    rule: str | None = None,
    county: str | None = None,
    project_id: RowId | None = None,
    status: str | None = None,
    limit: int = Query(100, ge=1, le=500),
    offset: Offset = 0,
    principal: Principal = Depends(inspector),
    session: Session = Depends(get_session),
) -> dict[str, Any]:
    f = queries.AlertFilter(level, rule, county, project_id, status, None, limit, offset)
    total, rows = queries.list_alerts(session=session, principal=principal, f=f)
    return {"total": total, "items": [alert_out(a) for a in rows]}


@router.get("/alerts/{alert_id}")
def get_alert(
    alert_id: RowId, principal: Principal = Depends(inspector), session: Session = Depends(get_session)
) -> dict[str, Any]:
    alert, events, names = queries.get_alert(session=session, principal=principal, alert_id=alert_id)
    history = [
        {"at": e.at, "as_of": e.as_of, "actor": e.actor, "action": e.action, "note": e.note} for e in events
    ]
    return {**alert_out(alert), "evidence": alert.evidence, "history": history, **names}


def line_out(line: queries.WorkerLine) -> dict[str, Any]:
    return {
        "worker_id": line.worker_id,
        "name": line.name,
        "id_masked": line.id_masked,
        "days": line.days,
        "declared_fen": line.declared_fen,
        "paid_fen": line.paid_fen,
        "amount_fen": line.amount_fen,
        "level": line.level,
        "evidence": line.evidence,
    }


@router.get("/alerts/{alert_id}/workers")
def alert_workers(
    alert_id: RowId, principal: Principal = Depends(inspector), session: Session = Depends(get_session)
) -> dict[str, Any]:
    """The worker lines of one alert (a worker-level rule's alert covers one project and month)."""
    lines = queries.alert_workers(session=session, principal=principal, alert_id=alert_id)
    return {"total": len(lines), "items": [line_out(line) for line in lines]}


@router.get("/workers/{worker_id}/alerts")
def worker_alerts(
    worker_id: RowId, principal: Principal = Depends(inspector), session: Session = Depends(get_session)
) -> dict[str, Any]:
    """A worker's alerts in the caller's region, with the worker's own figures where the alert groups
    several workers."""
    pairs = queries.worker_alerts(session=session, principal=principal, worker_id=worker_id)
    items = []
    for alert, line in pairs:
        mine = None
        if line is not None:
            mine = {
                "days": line.days,
                "declared_fen": line.declared_fen,
                "paid_fen": line.paid_fen,
                "amount_fen": line.amount_fen,
                "evidence": line.evidence,
            }
        items.append({**alert_out(alert), "line": mine})
    return {"total": len(items), "items": items}


@router.post("/alerts/{alert_id}/actions")
def act(
    alert_id: RowId,
    body: ActionIn,
    principal: Principal = Depends(inspector),
    db: Database = Depends(get_database),
) -> dict[str, Any]:
    with db.transaction() as session:
        alert = service.act_on_alert(
            session=session,
            principal=principal,
            alert_id=alert_id,
            action=body.action,
            note=body.note,
            assignee_user_id=body.assignee_user_id,
            assignee_name=body.assignee_name,
        )
        return alert_out(alert)


@router.get("/projects/{project_id}/owed-wages")
def owed_wages(
    project_id: RowId,
    as_of: date | None = None,
    months: int = Query(6, ge=1, le=24),
    principal: Principal = Depends(inspector),
    db: Database = Depends(get_database),
    settings: Settings = Depends(get_settings_dep),
) -> dict[str, Any]:
    day = as_of or date.today()
    with db.sessions() as session:
        rows = queries.project_owes(
            db_engine=db.engine,
            session=session,
            principal=principal,
            project_id=project_id,
            months=months_back(day, months),
            as_of=day,
            settings=settings,
        )
    return {"project_id": project_id, "as_of": day, "months": rows}
