"""Complaints → alerts: a complaint about a project raises or reinforces the project's alerts at once.

``on_complaint_stored`` runs inside the transaction that stores the complaint (registered with the
complaints slice's ``register_complaint_hook`` by ``install``, called once from ``web.app.create_app``
and the CLI's start-up), so the alert commits or rolls back with the complaint. It

1. records the complaint (``reinforced`` event, actor ``complaint``, the tracking code only) in the history
   of every unfinished alert of the project for a rule about unpaid wages (W05, W06, W07, W17, W18, W19)
   whose period is one of the months the complaint names (the ``months_owed`` months ending with the
   work period) or that has no period. Their level is left as it is: levels follow the data (the next run
   recomputes them), and a complaint is a claim still to be checked; its weight is carried by W20;
2. locks and refreshes the project's W20 alert exactly as the engine would compute it now (same
   evidence, same hash: ``spike_finding`` is the row-at-a-time twin of the rule's ``spike_findings``):
   raised with the count so far (yellow below the spike count, orange at it), updated, or reopened if it
   had been resolved, and adds the same ``reinforced`` event to it. The next engine run finds the same
   (rule, subject, period) and hash, so it neither duplicates nor rewrites it.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import bindparam, func, insert, or_, select
from sqlalchemy.orm import Session

from wageguard.complaints.models import Complaint
from wageguard.complaints.service import register_complaint_hook
from wageguard.config import Settings, get_settings
from wageguard.db import utcnow
from wageguard.monitoring.calendar import add_months, month_key
from wageguard.monitoring.choices import FINISHED, AlertStatus, EventAction, SubjectType
from wageguard.monitoring.models import Alert, AlertEvent
from wageguard.monitoring.rules.w20_complaints_spike import KEYS, spike_finding
from wageguard.monitoring.tallying import refresh_alert_tallies
from wageguard.monitoring.thresholds import resolve_keys
from wageguard.monitoring.upsert import content_hash, find_alert, upsert_one
from wageguard.workdays import CHINA_TZ_OFFSET, china_today

RELEVANT_RULES = ("W05", "W06", "W07", "W17", "W18", "W19")
ACTOR = "complaint"
MAX_MONTHS_NAMED = 36
_CONFIG: dict[str, Settings] = {}

# Built once: every complaint runs these inside its write transaction, so building, coercing and hashing
# the expressions anew each time (most of the hook's cost) is avoided; the compiled forms are cached.
_UNFINISHED = [s.value for s in AlertStatus if s not in FINISHED]
_REINFORCE = (
    select(Alert.id)
    .where(
        Alert.project_id == bindparam("project_id"),
        Alert.rule_code.in_(RELEVANT_RULES),
        Alert.status.in_(_UNFINISHED),
        or_(Alert.period.in_(bindparam("months", expanding=True)), Alert.period == ""),
    )
    .order_by(Alert.id)
)
_IN_WINDOW = (
    Complaint.project_id == bindparam("project_id"),
    Complaint.received_at >= bindparam("lo"),
    Complaint.received_at < bindparam("hi"),
)
_WINDOW = (
    select(
        Complaint.tracking_code,
        Complaint.received_at,
        select(func.count()).where(*_IN_WINDOW).correlate(None).scalar_subquery(),
        select(func.max(Complaint.received_at)).where(*_IN_WINDOW).correlate(None).scalar_subquery(),
    )
    .where(*_IN_WINDOW)
    .order_by(Complaint.received_at, Complaint.tracking_code)
    .limit(bindparam("limit"))
)
# Plain Core executemany (the ORM bulk path costs more per row).
_EVENTS = insert(AlertEvent.metadata.tables[AlertEvent.__tablename__])


def install(settings: Settings | None = None) -> None:
    """Link complaints to alerts (idempotent). ``settings`` gives the evidence cap and threshold defaults;
    without it the process settings are read when the first complaint arrives."""
    if settings is not None:
        _CONFIG["settings"] = settings
    register_complaint_hook(on_complaint_stored)


def months_named(c: Complaint) -> list[str]:
    """The months a complaint says are owed: the last ``months_owed`` months of its work period (ending at
    the work end, or the day it was received), never before the month work started."""
    end = min(c.work_end or c.received_date, c.received_date)
    last = end.replace(day=1)
    n = max(1, min(int(c.months_owed or 1), MAX_MONTHS_NAMED))
    first = max(c.work_start.replace(day=1), add_months(last, -(n - 1)))
    out, month = [], first
    while month <= last:
        out.append(month_key(month))
        month = add_months(month, 1)
    return out or [month_key(last)]


def _record(session: Session, alert_ids: list[int], day: date, code: str) -> None:
    """A ``reinforced`` history row on each alert, naming the complaint by its tracking code only."""
    if not alert_ids:
        return
    note = f"投诉 {code} 佐证 / reinforced by complaint {code}"
    now, action = utcnow(), EventAction.REINFORCED.value
    rows = [
        {"alert_id": i, "at": now, "as_of": day, "actor": ACTOR, "action": action, "note": note}
        | {"detail": {"complaint": code}}
        for i in alert_ids
    ]
    session.execute(_EVENTS, rows)


def reinforce_alerts(session: Session, c: Complaint) -> list[int]:
    """Ids of the project's unfinished wage alerts of the months the complaint names."""
    assert c.project_id is not None
    ids = session.scalars(_REINFORCE, {"project_id": c.project_id, "months": months_named(c)}).all()
    return list(ids)


def project_window(
    session: Session, project_id: int, as_of: date, days: int, limit: int
) -> tuple[int, date | None, date | None, list[str]]:
    """The project's complaints received (China date) in the ``days`` ending on ``as_of``: the count, the
    first and last dates and the first ``limit`` tracking codes (by time received, then code), in one
    statement: the first codes in order (the first row's time is the earliest), each row also carrying the
    window's count and latest time (uncorrelated subqueries, evaluated once). The window is turned into
    ``received_at`` bounds (UTC) so every part walks the (project, received_at) index: the cost per new
    complaint stays small however many complaints the project already has."""
    lo = datetime.combine(as_of - timedelta(days=days - 1), time()) - CHINA_TZ_OFFSET
    hi = datetime.combine(as_of + timedelta(days=1), time()) - CHINA_TZ_OFFSET
    params = {"project_id": project_id, "lo": lo, "hi": hi, "limit": max(limit, 1)}
    rows = session.execute(_WINDOW, params).all()
    if not rows:
        return 0, None, None, []
    first, n, last = rows[0][1], rows[0][2], rows[0][3]
    codes = [r[0] for r in rows][: max(limit, 0)]
    return int(n), china_today(first), china_today(last), codes


def refresh_w20(
    session: Session, project_id: int, region_code: str, as_of: date, evidence_rows: int
) -> int | None:
    """The project's W20 alert brought up to date with the complaints received so far, as the engine's
    rule computes it. The alert row is locked first, so concurrent complaints about one project count each
    other."""
    key = f"{SubjectType.PROJECT.value}:{project_id}"
    current = find_alert(session, "W20", key, "")
    t = resolve_keys(session, region_code, KEYS)
    spike, days = int(t["complaints_spike_count"]), int(t["complaints_window_days"])
    n, first, last, codes = project_window(session, project_id, as_of, days, evidence_rows)
    if n == 0:
        return None
    row = spike_finding(
        project_id=project_id,
        region_code=region_code,
        complaints=n,
        spike_count=spike,
        window_days=days,
        first_received=first,
        last_received=last,
        tracking_codes=codes,
    )
    row["subject_key"] = key
    row["evidence_hash"] = content_hash(row["level"], None, None, False, row["evidence"])
    alert_id, _action = upsert_one(session=session, current=current, row=row, as_of=as_of, actor=ACTOR)
    return alert_id


def on_complaint_stored(session: Session, complaint: Complaint) -> None:
    """The complaints hook: reinforce the project's wage alerts and raise or refresh its W20 alert."""
    if complaint.project_id is None:
        return  # a complaint naming only a county has no project alert to link to
    settings = _CONFIG.get("settings") or get_settings()
    day = complaint.received_date
    ids = reinforce_alerts(session, complaint)
    w20 = refresh_w20(
        session, complaint.project_id, complaint.region_code, day, settings.monitor_evidence_rows
    )
    _record(session, [*ids, *([w20] if w20 is not None else [])], day, complaint.tracking_code)
    refresh_alert_tallies(session, [complaint.project_id])
