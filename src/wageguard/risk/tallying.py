"""The risk tally of the command screen: enterprises graded C or D at the latest scoring, per region.

Written by ``score_enterprises`` in the transaction that stores the scores; an enterprise's region is the
one its score is filed under (its registration, else its first project's county). Region rows only (no
project), so an enterprise's screen — which sums its own projects' rows — never sees anyone's grades.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from wageguard.risk.models import RiskScore
from wageguard.tallies.measures import ALL_TIME, Measure
from wageguard.tallies.models import NO_PROJECT
from wageguard.tallies.service import Delta, replace_tallies

HIGH_GRADES = ("C", "D")


def refresh_risk_tallies(session: Session) -> None:
    """Recount ``risk_high`` from the newest scoring date."""
    latest = session.scalar(select(func.max(RiskScore.as_of)))
    rows: list[Delta] = []
    if latest is not None:
        counted = session.execute(
            select(RiskScore.region_code, func.count())
            .where(RiskScore.as_of == latest, RiskScore.grade.in_(HIGH_GRADES), RiskScore.region_code != "")
            .group_by(RiskScore.region_code)
        )
        rows = [(Measure.RISK_HIGH.value, ALL_TIME, NO_PROJECT, str(r), int(n)) for r, n in counted]
    replace_tallies(session, measures=[Measure.RISK_HIGH], rows=rows)
