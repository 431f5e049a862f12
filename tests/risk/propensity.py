"""A synthetic region for the learned model: contractors with a hidden propensity ``z`` that raises, noisily,
both their feed signals (tax rating and arrears, listings, paid-in capital) and the chance that one of
their projects raises a W06 alert in each quarter. The quarters start at ``QUARTERS``; an alert in the
quarter before a cut is history for that cut, one in the quarter after it is its outcome."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy.orm import Session
from tests import factories as f
from tests.risk import history as h

from wageguard.db import Database
from wageguard.risk.model import MODEL_FACTORS, RiskModel, Term

QUARTERS = (date(2025, 12, 1), date(2026, 3, 1), date(2026, 6, 1), date(2026, 9, 1))
CUT = QUARTERS[-1]


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


@dataclass
class Region:
    propensity: dict[int, float] = field(default_factory=dict)
    """Hidden z per contractor (enterprise id)."""
    projects: dict[int, int] = field(default_factory=dict)
    """The first project of each contractor."""
    outcomes: dict[date, set[int]] = field(default_factory=dict)
    """Per quarter start: the contractors whose project raised W06 in that quarter."""


def build_region(db: Database, contractors: int = 120, seed: int = 11) -> Region:
    rng = random.Random(seed)
    region = Region(outcomes={q: set() for q in QUARTERS})
    with db.transaction() as s:
        owner = f.make_enterprise(s)
        for _ in range(contractors):
            _contractor(s, rng, region, owner.id)
    return region


def _contractor(s: Session, rng: random.Random, region: Region, owner_id: int) -> None:
    z = rng.gauss(0.0, 1.0)
    project, gc = f.make_region_project(s, "520602")
    project.start_date = date(2024, 1, 1)
    region.propensity[gc.id] = z
    region.projects[gc.id] = project.id
    rating = "D" if rng.random() < sigmoid(1.2 * z - 1.5) else ("B" if rng.random() < sigmoid(z) else "A")
    h.tax_year(s, gc.id, 2024, rating, 5_000_000 if rng.random() < sigmoid(1.2 * z - 1) else 0)
    paid_in = 0.05 if rng.random() < sigmoid(z - 0.5) else 0.8
    unknown = rng.random() < 0.1  # paid-in capital not reported: a missing value
    h.registration(s, gc.id, date(2015, 1, 1), 10**9, None if unknown else int(10**9 * paid_in))
    if rng.random() < sigmoid(1.2 * z - 1.2):
        h.credit(s, gc.id, "abnormal", date(2025, 6, 1))
    if rng.random() < 0.5:
        h.contract(s, project, owner_id, [(date(2025, 9, 30), 10**8, date(2025, 10, 1), 10**8)])
    for start in QUARTERS:
        if rng.random() < sigmoid(1.6 * z - 0.6):
            h.alert(s, project, "red", start + timedelta(days=20), cleared=start + timedelta(days=50))
            region.outcomes[start].add(gc.id)


def hand_model() -> RiskModel:
    """A model whose only term is the tax rating: C raises the log-odds by 2, D by 1 (so the list's order
    by probability differs from the scorecard's, where D scores more)."""
    terms = [Term("tax_rating", [3.5, 4.5], [0.0, -1.0, 2.0, 1.0, 0.0])]
    terms += [Term(name, [], [0.0, 0.0, 0.0]) for name in MODEL_FACTORS if name != "tax_rating"]
    return RiskModel("rm-test", "2026-12-01T00:00:00Z", 3, ["W06", "W17", "W18"], -2.0, terms)
