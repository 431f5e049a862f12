"""Workers drawn team by team: person, payroll card, trade, entry/exit dates and contract terms."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from wageguard.demo.city import CityPlan, ProjectPlan, TeamPlan
from wageguard.demo.names import trade
from wageguard.demo.people import Card, PeopleFactory, Person

# Daily rates in yuan by trade (mean); a worker's rate is drawn around it within 180–450.
DAILY_RATE = {"010": 330, "020": 350, "030": 340, "040": 300, "050": 340, "240": 370, "270": 380, "130": 350,
              "190": 320, "230": 290, "110": 330, "150": 360, "300": 320}  # fmt: skip
PIECE_TRADES = {"230": ("81", 28), "190": ("81", 45), "010": ("82", 160)}  # unit code, unit price (yuan)
EXIT_SHARE = 0.07


@dataclass
class Member:
    """One worker of a team as drawn: person, card, role, dates and contract terms."""

    person: Person
    card: Card
    leader: bool
    work_type: str
    entry: date
    exit: date | None
    insured: bool
    urgent: tuple[str, str]  # emergency contact: name, phone
    contract: dict[str, str]


def _window(plan: CityPlan, project: ProjectPlan) -> tuple[date, date]:
    """Dates a worker may be on site: from the project's start to today (or to its completion)."""
    end = min(project.complete, plan.as_of) if project.status == "004" else plan.as_of
    return project.start, max(end, project.start)


def draw_team(
    rng: random.Random, people: PeopleFactory, plan: CityPlan, project: ProjectPlan, team: TeamPlan
) -> Iterator[Member]:
    """The team's members, leader first: most share the team's trade; a few leave before today."""
    first, last = _window(plan, project)
    span = (last - first).days
    team_entry = first + timedelta(days=rng.randint(0, max(0, span * 2 // 3)))
    for k in range(team.size):
        work_type = team.work_type if rng.random() < 0.85 or team.management else trade(rng)
        entry = team_entry + timedelta(
            days=0 if k == 0 else rng.randint(0, max(0, (last - team_entry).days // 2))
        )
        exit_ = last if project.status == "004" else None
        if exit_ is None and k > 0 and rng.random() < EXIT_SHARE and (last - entry).days > 10:
            exit_ = entry + timedelta(days=rng.randint(7, (last - entry).days))
        yield Member(
            person=people.person(male_share=0.7 if team.management else 0.9),
            card=people.card(),
            leader=k == 0,
            work_type=work_type,
            entry=entry,
            exit=exit_,
            insured=rng.random() < 0.93,
            urgent=people.relative(),
            contract=_contract(rng, project, team, work_type, entry, exit_),
        )


def _contract(
    rng: random.Random, project: ProjectPlan, team: TeamPlan, work_type: str, entry: date, exit_: date | None
) -> dict[str, str]:
    """Contract terms: managers monthly, a few piece-rate trades by the square metre, the rest daily."""
    fixed = rng.random() < 0.3
    end = max(entry + timedelta(days=730), project.complete) if fixed else project.complete
    terms = {"contractPeriodType": "0" if fixed else "1", "startDate": entry.isoformat()}
    terms["endDate"] = (exit_ or end).isoformat()
    if team.management:
        monthly = round(rng.uniform(5000, 12000), -2)
        return {**terms, "wageBasis": "monthly", "rate": f"{monthly:.0f}"}
    if work_type in PIECE_TRADES and rng.random() < 0.25:
        unit, price = PIECE_TRADES[work_type]
        unit_price = round(price * rng.uniform(0.8, 1.25), 1)
        return {**terms, "wageBasis": "piece", "unit": unit, "unitPrice": f"{unit_price:.1f}"}
    daily = min(450, max(180, round(rng.gauss(DAILY_RATE.get(work_type, 280), 40), -1)))
    return {**terms, "wageBasis": "daily", "rate": f"{daily:.0f}"}
