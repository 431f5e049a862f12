"""Writing tallies, always inside the caller's transaction, so an aggregate never runs ahead of its facts.

Two verbs: ``add_tallies`` (deltas: a new worker-day, a payment) and ``replace_tallies`` (a recomputed figure
for some projects: the engine's owed amounts, a pay sheet's new version). Both keep each region's row the
sum of its rows, and note what changed for the live screen (published once the transaction commits).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from wageguard.tallies import live
from wageguard.tallies.models import NO_PROJECT, REGION_ROW

Delta = tuple[str, str, int, str, int]  # measure, period, project_id, region_code, change
CHUNK = 500

_UPSERT = (
    "INSERT INTO tallies (measure, period, project_id, region_code, value) VALUES ({m}, {m}, {m}, {m}, {m}) "
    "ON CONFLICT (measure, period, project_id, region_code) "
    "DO UPDATE SET value = tallies.value + excluded.value"
)


def month_sql(session: Session, column: str) -> str:
    """SQL for the ``YYYY-MM`` of a date or timestamp column, on either database (the slices' tally
    recomputations group by it)."""
    if session.get_bind().dialect.name == "postgresql":
        return f"to_char({column}, 'YYYY-MM')"
    return f"substr({column}, 1, 7)"


def add_tallies(session: Session, deltas: Iterable[Delta]) -> None:
    """Add ``deltas`` to their project rows and to their regions' rows (zero deltas are dropped)."""
    rows: dict[tuple[str, str, int, str], int] = {}
    regions: dict[tuple[str, str, str], int] = {}
    changes: list[Delta] = []
    for measure, period, project_id, region, change in deltas:
        if not change:
            continue
        changes.append((measure, period, project_id, region, change))
        rows[(measure, period, project_id, region)] = (
            rows.get((measure, period, project_id, region), 0) + change
        )
        regions[(measure, period, region)] = regions.get((measure, period, region), 0) + change
    if not changes:
        return
    params = [(m, p, pid, region, v) for (m, p, pid, region), v in sorted(rows.items()) if v] + [
        (m, p, REGION_ROW, region, v) for (m, p, region), v in sorted(regions.items()) if v
    ]
    if params:  # one driver-level executemany: no per-row statement processing (bulk callers: rebuild, runs)
        conn = session.connection()
        mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
        conn.exec_driver_sql(_UPSERT.format(m=mark), params)
    live.note_tally_changes(session, changes)


def replace_tallies(
    session: Session,
    *,
    measures: Collection[str],
    rows: Iterable[Delta],
    project_ids: Collection[int] | None = None,
    regions: Collection[str] = (),
    periods: Collection[str] | None = None,
) -> None:
    """Make the rows of ``measures`` (of ``periods``; None: every period) equal ``rows`` ((measure, period,
    project, region, value)) for ``project_ids`` (None: every project and every row on no project) and the
    no-project rows of ``regions``: a row in that scope but not in ``rows`` becomes 0."""
    old = _current(session, measures, project_ids, regions, periods)
    deltas: list[Delta] = []
    for measure, period, project_id, region, value in rows:
        key = (measure, period, project_id, region)
        before = old.pop(key, 0)
        if value != before:
            deltas.append((*key, value - before))
    for key, before in old.items():
        if before:
            deltas.append((*key, -before))
    add_tallies(session, deltas)


def _current(
    session: Session,
    measures: Collection[str],
    project_ids: Collection[int] | None,
    regions: Collection[str],
    periods: Collection[str] | None,
) -> dict[tuple[str, str, int, str], int]:
    lock = " FOR UPDATE" if session.get_bind().dialect.name == "postgresql" else ""
    base = "SELECT measure, period, project_id, region_code, value FROM tallies WHERE "
    params: dict[str, Any] = {}
    where = [_in("measure", "m", sorted(set(measures)), params), f"project_id <> {REGION_ROW}"]
    if periods is not None:
        where.append(_in("period", "p", sorted(set(periods)), params))
    scopes: list[tuple[str, dict[str, Any]]] = []
    if project_ids is None:
        scopes.append(("", {}))
    else:
        ids = sorted(set(project_ids))
        for start in range(0, len(ids), CHUNK):
            extra: dict[str, Any] = {}
            scopes.append((" AND " + _in("project_id", "i", ids[start : start + CHUNK], extra), extra))
        if regions:
            extra = {}
            clause = _in("region_code", "r", sorted(set(regions)), extra)
            scopes.append((f" AND project_id = {NO_PROJECT} AND {clause}", extra))
    found: dict[tuple[str, str, int, str], int] = {}
    for clause, extra in scopes:
        sql = base + " AND ".join(where) + clause + lock
        for measure, period, pid, region, value in session.execute(text(sql), {**params, **extra}):
            found[(str(measure), str(period), int(pid), str(region))] = int(value)
    return found


def _in(column: str, prefix: str, values: list[Any], params: dict[str, Any]) -> str:
    """``column IN (:prefix0, …)``, adding the values to ``params``."""
    if not values:
        return "1 = 0"
    names = [f"{prefix}{n}" for n in range(len(values))]
    params.update(dict(zip(names, values, strict=True)))
    return f"{column} IN ({', '.join(':' + n for n in names)})"
