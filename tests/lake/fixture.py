"""A three-province fixture in one database: Guizhou, Hunan and Sichuan, each with a clean project and a
project with planted faults, written through the other slices' tables (the monitoring seed's helpers).

Workers carry realistic clear ID and card numbers (sealed and blind-indexed as the platform stores them), so
tests can check that none reaches the lake in clear.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session
from tests.monitoring.seed import NET, add_project, add_worker

from wageguard.payroll.models import BankPayment
from wageguard.registry.models import BankCard, Region, Worker
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
    s.flush()
    return out
