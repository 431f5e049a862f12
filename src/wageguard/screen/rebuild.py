"""Rebuild every tally from the facts: for a database that predates them, or to check they never drift
(a test compares the tallies kept at ingest with a rebuild)."""

from __future__ import annotations

import logging
from datetime import date, timedelta

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from wageguard.attendance.models import WorkerDay
from wageguard.config import Settings
from wageguard.db import Database, utcnow
from wageguard.monitoring.tallying import refresh_alert_tallies
from wageguard.payroll.tallying import rebuild_money_tallies
from wageguard.registry.tallying import refresh_registry_tallies
from wageguard.risk.tallying import refresh_risk_tallies
from wageguard.screen.queries import work_day
from wageguard.tallies.measures import Measure
from wageguard.tallies.models import Tally
from wageguard.tallies.service import add_tallies

log = logging.getLogger("wageguard.screen")
ON_SITE_DAYS = 40  # the screen shows 30 days on site; older days are kept only as they arrive


def rebuild_tallies(session: Session, *, today: date) -> int:
    """Empty ``tallies`` and compute it again from the facts; returns the number of rows written."""
    session.execute(text("DELETE FROM tallies"))
    refresh_registry_tallies(session)
    since = today - timedelta(days=ON_SITE_DAYS)
    rows = session.execute(
        select(WorkerDay.project_id, WorkerDay.region_code, WorkerDay.work_date, func.count())
        .where(WorkerDay.work_date >= since)
        .group_by(WorkerDay.project_id, WorkerDay.region_code, WorkerDay.work_date)
    ).all()
    add_tallies(
        session, [(Measure.ON_SITE.value, d.isoformat(), int(p), str(r), int(n)) for p, r, d, n in rows]
    )
    rebuild_money_tallies(session)
    refresh_alert_tallies(session)
    refresh_risk_tallies(session)
    return int(session.scalar(select(func.count()).select_from(Tally)) or 0)


def ensure_tallies(db: Database, settings: Settings) -> bool:
    """Rebuild the tallies when the table is empty but projects exist; returns whether it did."""
    with db.transaction() as session:
        if not tallies_missing(session):
            return False
        rows = rebuild_tallies(session, today=work_day(settings, utcnow()))
    log.info("tallies rebuilt from the facts: %d rows", rows)
    return True


def tallies_missing(session: Session) -> bool:
    """Whether the table is empty while projects exist (a database upgraded from before the tallies)."""
    has_rows = session.scalar(select(Tally.measure).limit(1)) is not None
    return not has_rows and session.scalar(text("SELECT id FROM projects LIMIT 1")) is not None
