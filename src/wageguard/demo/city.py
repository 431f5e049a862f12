"""The plan of a demo city: enterprises, projects and who takes part in them, teams and their sizes.

The plan is small (a few thousand objects even for a province) and held in memory; workers are not part of
it: they are drawn one at a time while the files are written (``files.py``).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from itertools import accumulate

from wageguard.demo import names
from wageguard.demo.people import PeopleFactory, Person
from wageguard.demo.places import Region, counties_of, prefecture_of, seat_of, short_name

# Project statuses: mostly under construction (003), a few finished (004) or halted (005).
STATUSES = (("003", 88), ("004", 7), ("005", 5))
PAY_DAYS = ((15, 40), (10, 20), (20, 15), (25, 15), (28, 10))
GRACE_DAYS = ((4, 70), (5, 15), (7, 10), (3, 5))


@dataclass
class Corp:
    code: str
    name: str
    role: str  # owner / gc / sub / labour: what the demo uses it for
    legal_man: str
    reg_capital: int  # yuan
    established: date
    area_code: str
    address: str


@dataclass
class TeamPlan:
    sys_no: str
    name: str
    corp: Corp
    size: int
    work_type: str
    management: bool = False


@dataclass
class ProjectPlan:
    code: str
    name: str
    category: str
    county: Region
    owner: Corp
    gc: Corp
    subs: list[Corp]
    labour: list[Corp]
    invest: int  # yuan
    start: date
    complete: date  # planned completion, or the actual one for finished (004) projects
    status: str
    pay_day: int
    grace_days: int
    link_man: Person
    labour_officer: Person
    contract_signed: date
    notice_board: date
    address: str
    lng: float
    lat: float
    pm: dict[str, Person] = field(default_factory=dict)  # corp code -> project manager
    teams: list[TeamPlan] = field(default_factory=list)
    headcount: int = 0


@dataclass
class CityPlan:
    region_code: str
    as_of: date
    corps: list[Corp]
    projects: list[ProjectPlan]


def _quota(weights: list[float], total: int) -> list[int]:
    """Split ``total`` proportionally to ``weights`` (largest remainder), every share at least 1."""
    scale = sum(weights)
    raw = [max(1.0, total * w / scale) for w in weights]
    shares = [int(r) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: raw[i] - shares[i], reverse=True)
    for i in order[: max(0, total - sum(shares))]:
        shares[i] += 1
    while sum(shares) > total:
        i = max(range(len(shares)), key=lambda k: shares[k])
        shares[i] -= 1
    return shares


def _round_robin(counties: list[Region]) -> list[Region]:
    """Counties ordered so consecutive projects fall in different prefectures (a province's spread)."""
    groups: dict[str | None, list[Region]] = {}
    for county in counties:
        groups.setdefault(county.parent_code, []).append(county)
    ordered: list[Region] = []
    for k in range(max(len(g) for g in groups.values())):
        ordered.extend(g[k] for g in groups.values() if k < len(g))
    return ordered


@lru_cache(maxsize=8)
def _zipf(n: int) -> list[float]:
    """Cumulative Zipf weights (1, 1/2, 1/3 …) for ``n`` items."""
    return list(accumulate(1 / (k + 1) for k in range(n)))


def _team_sizes(rng: random.Random, headcount: int) -> list[int]:
    """Management team first (3–8, or 1 on tiny projects), then trade teams of 8–60."""
    mgmt = 1 if headcount < 12 else min(headcount // 10 + 3, 8)
    sizes, left = [mgmt], headcount - mgmt
    while left > 0:
        size = min(left, rng.randint(8, 60))
        if 0 < left - size < 5:
            size = left
        sizes.append(size)
        left -= size
    return sizes


class CityPlanner:
    """Draws the plan from one seeded RNG, in a fixed order."""

    def __init__(self, *, seed: int, region_code: str, projects: int, workers: int, as_of: date) -> None:
        if projects < 1 or workers < projects:
            raise ValueError("need at least one project and one worker per project")
        self.rng = random.Random(f"wageguard-demo:{seed}:plan")
        self.people = PeopleFactory(self.rng, region_code)
        self.region_code = region_code
        self.counties = _round_robin(counties_of(region_code))
        self.n_projects, self.n_workers, self.as_of = projects, workers, as_of
        self._names: set[str] = set()

    def plan(self) -> CityPlan:
        pools = self._corp_pools()
        projects = [self._project(i, pools) for i in range(self.n_projects)]
        weights = [p.invest**0.6 for p in projects]
        for project, headcount in zip(projects, _quota(weights, self.n_workers), strict=True):
            project.headcount = headcount
            self._teams(project)
        corps = [c for pool in pools.values() for c in pool]
        return CityPlan(self.region_code, self.as_of, corps, projects)

    def _unique(self, draw: Callable[[], str], variant: Callable[[str, int], str]) -> str:
        """A name not used before in this city (a numbered variant once the tables run dry)."""
        for attempt in range(1000):
            name = draw() if attempt < 20 else variant(draw(), attempt)
            if name not in self._names:
                self._names.add(name)
                return name
        raise RuntimeError("no unique name left")

    def _corp(self, role: str, county: Region) -> Corp:
        rng = self.rng
        name = self._unique(lambda: names.corp_name(rng, role, county), names.numbered_corp)
        gov = name.endswith("局")
        established = date(rng.randint(1995 if role != "labour" else 2008, 2022), rng.randint(1, 12), 1)
        code = names.uscc(rng, county.code, gov=gov, new_style=established.year >= 2016)
        while code in self._names:
            code = names.uscc(rng, county.code, gov=gov, new_style=established.year >= 2016)
        self._names.add(code)
        capital = {"owner": 50_000_000, "gc": 200_000_000, "sub": 20_000_000, "labour": 5_000_000}[role]
        street = rng.choice(names.STREETS)
        return Corp(
            code=code,
            name=name,
            role=role,
            legal_man=self.people.name("M" if rng.random() < 0.9 else "F"),
            reg_capital=int(capital * rng.uniform(0.1, 1.5)) // 10_000 * 10_000,
            established=established,
            area_code=county.code,
            address=f"{prefecture_of(county.code).name}{county.name}{street}{rng.randint(1, 300)}号",
        )

    def _corp_pools(self) -> dict[str, list[Corp]]:
        """Owners in every county; contractors mostly registered at the seat, the rest spread around."""
        n, counties = self.n_projects, self.counties
        owners_per_county = max(1, n // (8 * len(counties)))
        pools = {"owner": [self._corp("owner", c) for c in counties for _ in range(owners_per_county)]}
        sizes = {"gc": max(2, n // 6), "sub": max(2, n // 3), "labour": max(3, n * 2 // 5)}
        for role, size in sizes.items():
            pools[role] = [
                self._corp(role, self.rng.choice(counties) if i % 2 else counties[0]) for i in range(size)
            ]
        return pools

    def _project_name(self, county: Region) -> tuple[str, str]:
        drawn: list[str] = []

        def draw() -> str:
            category, name = names.project_name(self.rng, short_name(county.name))
            drawn.append(category)
            return name

        name = self._unique(draw, names.numbered_project)
        return drawn[-1], name

    def _project(self, index: int, pools: dict[str, list[Corp]]) -> ProjectPlan:
        rng = self.rng
        county = self.counties[index % len(self.counties)]
        category, name = self._project_name(county)
        start = self.as_of - timedelta(days=rng.randint(60, 3 * 365))
        status = rng.choices([s for s, _ in STATUSES], weights=[w for _, w in STATUSES])[0]
        if status == "004":  # finished: the actual completion date, in the past
            complete = self.as_of - timedelta(days=rng.randint(5, 50))
        else:  # planned completion, still ahead
            planned = start + timedelta(days=rng.randint(300, 1200))
            complete = max(planned, self.as_of + timedelta(days=rng.randint(30, 400)))
        gc_pool = pools["gc"]
        seat = seat_of(county.code)
        return ProjectPlan(
            code=f"{county.code}{start.year}{index + 1:04d}",
            name=name,
            category=category,
            county=county,
            owner=rng.choice([c for c in pools["owner"] if c.area_code == county.code]),
            gc=rng.choices(gc_pool, cum_weights=_zipf(len(gc_pool)))[0],  # a few big GCs, a long tail
            subs=rng.sample(pools["sub"], k=min(len(pools["sub"]), rng.randint(1, 3))),
            labour=rng.sample(pools["labour"], k=min(len(pools["labour"]), rng.randint(1, 3))),
            invest=int(rng.lognormvariate(18.2, 1.0)) // 10_000 * 10_000 + 1_000_000,
            start=start,
            complete=complete,
            status=status,
            pay_day=rng.choices([d for d, _ in PAY_DAYS], weights=[w for _, w in PAY_DAYS])[0],
            grace_days=rng.choices([d for d, _ in GRACE_DAYS], weights=[w for _, w in GRACE_DAYS])[0],
            link_man=self.people.person(male_share=0.8),
            labour_officer=self.people.person(male_share=0.6),
            contract_signed=start - timedelta(days=rng.randint(10, 60)),
            notice_board=start - timedelta(days=rng.randint(1, 10)),
            address=f"{prefecture_of(county.code).name}{county.name}{rng.choice(names.PLACES)}片区",
            lng=seat[0] + rng.uniform(-0.12, 0.12),
            lat=seat[1] + rng.uniform(-0.1, 0.1),
        )

    def _teams(self, project: ProjectPlan) -> None:
        rng = self.rng
        employers = project.labour + project.subs
        for corp in [project.gc, *employers]:
            project.pm[corp.code] = self.people.person(male_share=0.9)
        seen: dict[tuple[str, str], int] = {}
        for k, size in enumerate(_team_sizes(rng, project.headcount)):
            corp = project.gc if k == 0 else rng.choice(employers)
            work_type = "900" if k == 0 else names.trade(rng)
            n = seen[(corp.code, work_type)] = seen.get((corp.code, work_type), 0) + 1
            team_name = "项目管理部" if k == 0 else names.team_name(work_type, n)
            project.teams.append(
                TeamPlan(f"{project.code}{k + 1:03d}", team_name, corp, size, work_type, management=k == 0)
            )
