"""A three-province fixture in one database: Guizhou, Hunan and Sichuan, each with a clean project and a
project with planted faults, written through the other slices' tables (the monitoring seed's helpers).

Workers carry realistic clear ID and card numbers (sealed and blind-indexed as the platform stores them), so
tests can check that none reaches the lake in clear.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy.orm import Session
from tests.monitoring.seed import NET, add_project, add_worker, set_payment

from wageguard.attendance.models import WorkerDay, WorkerMonth
from wageguard.payroll.models import BankPayment, WageAccount
from wageguard.registry.models import BankCard, Project, ProjectWorker, Region, Team, Worker
from wageguard.security.crypto import Protector, mask

PROVINCES = {
    "520000": ("贵州省", "520600", "铜仁市", "520602", "碧江区"),
    "430000": ("湖南省", "430100", "长沙市", "430102", "芙蓉区"),
    "510000": ("四川省", "510100", "成都市", "510104", "锦江区"),
}


@dataclass
class Planted:
    """Ids of what was planted, and every clear personal number written."""

    faulty: dict[str, int] = field(default_factory=dict)  # province -> faulty project id
    clean: dict[str, int] = field(default_factory=dict)
    clear_numbers: list[str] = field(default_factory=list)
    cross: dict[str, int] = field(default_factory=dict)  # cross-province fault -> worker id


def _regions(s: Session) -> None:
    for prov, (pname, pref, prefname, county, cname) in PROVINCES.items():
        for code, name, level, parent in (
            (prov, pname, "province", None),
            (pref, prefname, "prefecture", prov),
            (county, cname, "county", pref),
        ):
            if s.get(Region, code) is None:
                s.add(Region(code=code, name=name, level=level, parent_code=parent))
                s.flush()


def _personal_numbers(s: Session, p: Protector, w: Worker, county: str, out: Planted) -> None:
    """Give ``w`` a clear-looking ID and card number (sealed, indexed, masked) and a registered card."""
    id_no = f"{county}19900101{w.id:04d}"
    card_no = f"6222020{w.id:012d}"
    w.id_enc, w.id_bidx, w.id_masked = p.encrypt(id_no), p.blind_index(id_no), mask(id_no)
    s.add(
        BankCard(
            worker_id=w.id,
            card_enc=p.encrypt(card_no),
            card_bidx=p.blind_index(card_no),
            card_masked=mask(card_no),
        )
    )
    for pay in s.query(BankPayment).filter_by(worker_id=w.id):
        pay.payee_card_enc, pay.payee_card_masked = p.encrypt(card_no), mask(card_no)
        if pay.outcome == "matched":
            pay.payee_card_bidx = p.blind_index(card_no)
    out.clear_numbers += [id_no, card_no]


def _days(s: Session, project: Project, w: Worker, first: int, n: int) -> None:
    """Worker-days ``first``..``first + n - 1`` of September 2026 on ``project`` (9 hours each)."""
    for d in range(first, first + n):
        s.add(
            WorkerDay(
                project_id=project.id,
                worker_id=w.id,
                work_date=date(2026, 9, d),
                region_code=project.region_code,
                first_in=datetime(2026, 9, d, 0, 30),
                last_out=datetime(2026, 9, d, 9, 30),
                minutes=540,
                punch_count=2,
            )
        )


def plant_three_provinces(s: Session, p: Protector, *, faults: bool = True, clean: bool = True) -> Planted:
    """Per province: with ``clean`` a clean project (three workers paid in full) and, with ``faults``, a
    project with one unpaid, one underpaid, one paid to another card and one paid without attendance
    (W06–W08, W11, W12)."""
    _regions(s)
    out = Planted()
    base = 0
    for prov, (*_, county, _cname) in PROVINCES.items():
        base += 100
        made = []
        if clean:
            ok, team, acct = add_project(s, p, f"{prov}C", county)
            made += [add_worker(s, p, ok, team, acct, base + n) for n in range(1, 4)]
            out.clean[prov] = ok.id
        if faults:
            bad, team, acct = add_project(s, p, f"{prov}F", county)
            made += [
                add_worker(s, p, bad, team, acct, base + 10),
                add_worker(s, p, bad, team, acct, base + 11, paid=None),
                add_worker(s, p, bad, team, acct, base + 12, paid=NET - 10_000),
                add_worker(s, p, bad, team, acct, base + 13, outcome="other_card"),
                add_worker(s, p, bad, team, acct, base + 14, days=0),
            ]
            out.faulty[prov] = bad.id
        s.flush()
        for w in made:
            _personal_numbers(s, p, w, county, out)
            for pw in s.query(WorkerMonth).filter_by(worker_id=w.id):
                _days(s, s.get(Project, pw.project_id), w, 1, pw.days)  # type: ignore[arg-type]
    s.flush()
    return out


def _site(s: Session, project_id: int) -> tuple[Project, Team, WageAccount]:
    proj = s.get(Project, project_id)
    assert proj is not None
    return (
        proj,
        s.query(Team).filter_by(project_id=proj.id).one(),
        s.query(WageAccount).filter_by(project_id=proj.id).one(),
    )


def _engage(s: Session, proj: Project, team: Team, w: Worker, days: int = 0, first: int = 1) -> None:
    """``w`` also on ``proj``'s roster, attending ``days`` days from ``first`` (worker-days and month)."""
    s.add(ProjectWorker(project_id=proj.id, worker_id=w.id, team_id=team.id, region_code=proj.region_code))
    if days:
        s.add(
            WorkerMonth(
                project_id=proj.id,
                worker_id=w.id,
                month="2026-09",
                region_code=proj.region_code,
                days=days,
                minutes=days * 540,
            )
        )
        _days(s, proj, w, first, days)


def plant_cross_province_faults(s: Session, p: Protector, planted: Planted) -> None:
    """On the clean projects (after ``plant_three_provinces``): N01 one card collecting the wages of a
    Guizhou and a Hunan worker; N02 a Guizhou worker also attending in Sichuan on 8 September; N03 a Hunan
    worker paid for September by a Sichuan project too, without attending there."""
    gz, hn, sc = (_site(s, planted.clean[c]) for c in ("520000", "430000", "510000"))
    boss_card = p.blind_index("6222029999000000001")
    for n, (proj, team, acct) in ((901, gz), (902, hn)):
        w = add_worker(s, p, proj, team, acct, n, outcome="other_card")
        s.flush()
        _days(s, proj, w, 1, 22)
        for pay in s.query(BankPayment).filter_by(worker_id=w.id):
            pay.payee_card_bidx = boss_card
        planted.cross[f"N01-{proj.region_code[:2]}"] = w.id
    twice = add_worker(s, p, *gz, 903)
    s.flush()
    _days(s, gz[0], twice, 1, 22)
    _engage(s, sc[0], sc[1], twice, days=1, first=8)
    planted.cross["N02"] = twice.id
    away = add_worker(s, p, *hn, 904)
    s.flush()
    _days(s, hn[0], away, 1, 22)
    _engage(s, sc[0], sc[1], away)
    set_payment(s, p, sc[2], sc[0], away, NET, key="sc")
    s.flush()
    for pay in s.query(BankPayment).filter_by(worker_id=away.id, project_id=sc[0].id):
        pay.payee_card_bidx = p.blind_index(f"second-card-of-{away.id}")  # not N01: another card
    planted.cross["N03"] = away.id
    s.flush()
