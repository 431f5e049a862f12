"""Whose screen, of which region, on which day: the one object every figure reads with.

A region-scoped view (inspector, admin) sums the regions' rows of ``tallies`` under a code prefix; an
enterprise's view sums the rows of its own projects (it never sees a region's totals).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from wageguard.tallies.models import REGION_ROW


@dataclass(frozen=True)
class View:
    prefix: str | None  # GB/T 2260 prefix ('' = the whole country); None: the projects below
    project_ids: tuple[int, ...] | None  # an enterprise's projects
    today: date

    def sum(self, session: Session, measure: str, period: str) -> int:
        """The view's sum of one measure and period."""
        return self.sums(session, [(measure, period)]).get((measure, period), 0)

    def sums(self, session: Session, keys: list[tuple[str, str]]) -> dict[tuple[str, str], int]:
        """The view's sums of several (measure, period) keys in one statement."""
        params: dict[str, Any] = {}
        pairs = []
        for n, (measure, period) in enumerate(sorted(set(keys))):
            params[f"m{n}"], params[f"p{n}"] = measure, period
            pairs.append(f"(measure = :m{n} AND period = :p{n})")
        sql = (
            f"SELECT measure, period, SUM(value) FROM tallies WHERE ({' OR '.join(pairs)}) AND "
            f"{self.rows_clause(params)} GROUP BY measure, period"
        )
        return {(str(m), str(p)): int(v or 0) for m, p, v in session.execute(text(sql), params)}

    def rows_clause(self, params: dict[str, Any], *, projects: bool = False, alias: str = "") -> str:
        """Which tally rows the view reads: its regions' sums, or (``projects`` or an enterprise) its
        project rows; ``alias`` names the tallies table in a join."""
        at = f"{alias}." if alias else ""
        if self.project_ids is not None:
            if not self.project_ids:
                return "1 = 0"
            names = [f"v{n}" for n in range(len(self.project_ids))]
            params.update(dict(zip(names, self.project_ids, strict=True)))
            return f"{at}project_id IN ({', '.join(':' + n for n in names)})"
        params["prefix"] = f"{self.prefix or ''}%"
        which = f"{at}project_id > 0" if projects else f"{at}project_id = {REGION_ROW}"
        return f"{which} AND {at}region_code LIKE :prefix"
