"""The alert tallies of the command screen and the alerts' live feed items.

After every engine run (every project) and every alert lifecycle change (its project), in the same
transaction: per project the amount owed, the workers affected and whether it owes (``owing.py``'s answer,
so the screen and the project page never disagree), unfinished alerts per level, and alerts raised and
finished per month. Alerts on no project (a device, a card) count in their region's rows.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import case, select, text
from sqlalchemy.orm import Session

from wageguard.auth.scope import SYSTEM
from wageguard.db import utcnow
from wageguard.monitoring.choices import FINISHED
from wageguard.monitoring.models import Alert
from wageguard.monitoring.owing import owing_by_project
from wageguard.monitoring.rules import describe_rule
from wageguard.registry.models import Project, Region
from wageguard.tallies import live
from wageguard.tallies.measures import ALERT_LEVEL_MEASURES, ALL_TIME, Measure
from wageguard.tallies.models import NO_PROJECT
from wageguard.tallies.service import Delta, month_sql, replace_tallies

CHUNK = 500
FEED_MAX = 20  # alerts announced per engine run (the most severe first)
STANDING = [Measure.OWED, Measure.OWED_WORKERS, Measure.OWING, *ALERT_LEVEL_MEASURES.values()]
MONTHLY = [Measure.ALERTS_RAISED, Measure.ALERTS_CLOSED]


def _scoped(where: str, project_ids: list[int] | None, params: dict[str, Any]) -> str:
    if project_ids is None:
        return where
    names = [f"p{n}" for n in range(len(project_ids))]
    params.update(dict(zip(names, project_ids, strict=True)))
    return f"{where} AND project_id IN ({', '.join(':' + n for n in names)})"


def _counted(session: Session, project_ids: list[int] | None) -> list[Delta]:
    rows: list[Delta] = []
    finished = ", ".join(f"'{s.value}'" for s in FINISHED)
    closed_on = (
        "COALESCE(cleared_on, updated_at)"
        if session.get_bind().dialect.name == "sqlite"
        else ("COALESCE(cleared_on::timestamp, updated_at)")
    )
    pid = f"COALESCE(project_id, {NO_PROJECT})"
    queries = [
        (f"SELECT {pid}, region_code, level, COUNT(*) FROM alerts WHERE status NOT IN ({finished})", "level"),
        (
            f"SELECT {pid}, region_code, {month_sql(session, 'first_seen_on')}, COUNT(*) "
            "FROM alerts WHERE 1 = 1",
            "raised",
        ),
        (
            f"SELECT {pid}, region_code, {month_sql(session, closed_on)}, COUNT(*) FROM alerts "
            f"WHERE status IN ({finished})",
            "closed",
        ),
    ]
    for head, kind in queries:
        params: dict[str, Any] = {}
        sql = _scoped(head, project_ids, params) + " GROUP BY 1, 2, 3"
        for p, region, key, n in session.execute(text(sql), params):
            if kind == "level":
                measure = ALERT_LEVEL_MEASURES.get(str(key))
                if measure is not None:
                    rows.append((measure.value, ALL_TIME, int(p), str(region), int(n)))
            else:
                measure = Measure.ALERTS_RAISED if kind == "raised" else Measure.ALERTS_CLOSED
                rows.append((measure.value, str(key), int(p), str(region), int(n)))
    return rows


def refresh_alert_tallies(session: Session, project_ids: Collection[int] | None = None) -> None:
    """Recompute the alert tallies of ``project_ids`` (None: every project and every region's alerts on no
    project)."""
    batches: list[list[int] | None]
    if project_ids is None:
        batches = [None]
    else:
        ids = sorted(set(project_ids))
        batches = [ids[i : i + CHUNK] for i in range(0, len(ids), CHUNK)]
    for batch in batches:
        if batch is not None and not batch:
            continue
        owing = owing_by_project(session=session, principal=SYSTEM, project_ids=batch)
        region_of = dict(
            session.execute(select(Project.id, Project.region_code).where(Project.id.in_(list(owing)))).all()
        )
        rows = _counted(session, batch)
        for pid, o in owing.items():
            region = region_of.get(pid)
            if region is None or not o.owes:
                continue
            rows += [
                (Measure.OWED.value, ALL_TIME, pid, region, o.owed_fen),
                (Measure.OWED_WORKERS.value, ALL_TIME, pid, region, o.workers),
                (Measure.OWING.value, ALL_TIME, pid, region, 1),
            ]
        replace_tallies(session, measures=[*STANDING, *MONTHLY], rows=rows, project_ids=batch)


def alert_feed_items(session: Session, alert_ids: Collection[int]) -> list[dict[str, Any]]:
    """Feed items (no personal data) of ``alert_ids``, newest first: level, rule, both titles, project and
    region names, time (UTC ISO), link."""
    if not alert_ids:
        return []
    rows = session.execute(
        select(
            Alert.id,
            Alert.level,
            Alert.rule_code,
            Alert.region_code,
            Alert.created_at,
            Project.name,
            Region.name,
        )
        .outerjoin(Project, Project.id == Alert.project_id)
        .outerjoin(Region, Region.code == Alert.region_code)
        .where(Alert.id.in_(list(alert_ids)))
        .order_by(Alert.created_at.desc(), Alert.id.desc())
    ).all()
    items = []
    for alert_id, level, code, region_code, created, project, region in rows:
        rule = describe_rule(code)
        items.append(
            {
                "kind": "alert",
                "id": int(alert_id),
                "level": level,
                "rule_code": code,
                "title_zh": rule.title_zh,
                "title_en": rule.title_en,
                "project": project or "",
                "region": region or region_code,
                "region_code": region_code,
                "at": (created or utcnow()).isoformat() + "Z",
                "url": f"/alerts/{int(alert_id)}",
            }
        )
    return items


def announce_run(session: Session, run_started: Any) -> None:
    """After an engine run's writes: the screens refetch, and the run's new alerts scroll in."""
    rank = case((Alert.level == "red", 0), (Alert.level == "orange", 1), else_=2)
    query = select(Alert.id).where(Alert.created_at >= run_started).order_by(rank, Alert.id.desc())
    new = [int(i) for i in session.scalars(query.limit(FEED_MAX))]
    for item in reversed(alert_feed_items(session, new)):
        live.note_event(session, {"type": "feed", "item": item})
    live.note_event(session, {"type": "refresh"})
