"""The registry's tallies of the command screen: projects under construction and registered workers.

Recomputed from the registry after each registry import (a grouped count over the covering index of
``project_workers``: about half a second at 1.5 M engagements), so an entry, an exit or a project's new
status is on the screen as soon as the file is committed.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from wageguard.tallies.measures import ALL_TIME, Measure
from wageguard.tallies.service import Delta, replace_tallies

UNDER_CONSTRUCTION = "003"  # registry.choices.PROJECT_STATUS: 在建


def refresh_registry_tallies(session: Session) -> None:
    """Recompute ``projects`` (1 per project under construction) and ``workers`` (engagements without an
    exit date) for every project."""
    rows: list[Delta] = []
    region_of: dict[int, str] = {}
    for pid, region, status in session.execute(text("SELECT id, region_code, status FROM projects")):
        region_of[int(pid)] = str(region)
        if status == UNDER_CONSTRUCTION:
            rows.append((Measure.PROJECTS.value, ALL_TIME, int(pid), str(region), 1))
    heads = "SELECT project_id, COUNT(*) FROM project_workers WHERE exit_date IS NULL GROUP BY project_id"
    for pid, n in session.execute(text(heads)):
        rows.append((Measure.WORKERS.value, ALL_TIME, int(pid), region_of[int(pid)], int(n)))
    replace_tallies(session, measures=[Measure.PROJECTS, Measure.WORKERS], rows=rows, periods=[ALL_TIME])
