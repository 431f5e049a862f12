"""Small factories inserting registry rows through the ORM models (for tests of every slice).

Each returns the flushed row, so ids are set. Personal numbers are valid (check digits right) and stored
the way the registry stores them: ciphertext, blind index and masked form; phones sealed (``_sealed``) with
the test settings' keys, a worker's phone and payroll card on their engagements. Unique values come from one
counter, so factories can be called freely within one test database.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from stdnum import luhn
from stdnum.cn import ric, uscc

from wageguard.config import Settings
from wageguard.registry.models import (
    BankCard,
    Enterprise,
    LabourContract,
    Project,
    ProjectParticipant,
    ProjectWorker,
    Team,
    Worker,
)
from wageguard.registry.personal import Sealer
from wageguard.security.crypto import Protector, mask

_seq = itertools.count(1)

GC = "009"  # 总承包单位
LABOUR_SUB = "006"  # 劳务分包
OWNER = "008"  # 建设单位


def next_seq() -> int:
    return next(_seq)


def _phones() -> Sealer:
    # The suite's keys (pinned by tests/conftest.py in the environment), as every test's settings has them.
    settings = Settings(environment="test")
    return Sealer(Protector(settings.data_key_bytes, settings.index_key_bytes), "phone")


def _sealed(prefix: str, phone: str | None) -> dict[str, Any]:
    """``<prefix>_enc`` and ``<prefix>_masked`` of a phone, as the importer stores them."""
    return _phones().seal(prefix, phone) if phone else {}


def id_number(seq: int | None = None, *, area: str = "522201") -> str:
    """A valid 18-digit resident ID number (right check digit; 522201 is Tongren's pre-2011 code)."""
    seq = seq if seq is not None else next_seq()
    birth = date(1990, 1, 1) + timedelta(days=seq // 1000)
    body = f"{area}{birth:%Y%m%d}{seq % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def card_number(seq: int | None = None) -> str:
    """A Luhn-valid 19-digit bank card number."""
    body = f"621700{(seq if seq is not None else next_seq()):012d}"
    return body + luhn.calc_check_digit(body)


def credit_code(seq: int | None = None, *, area: str = "520602") -> str:
    """A valid unified social credit code (统一社会信用代码)."""
    body = f"91{area}{(seq if seq is not None else next_seq()) % 10**9:09d}"
    return body + uscc.calc_check_digit(body)


def make_enterprise(
    session: Session, *, name: str | None = None, region_code: str | None = "520602"
) -> Enterprise:
    seq = next_seq()
    enterprise = Enterprise(
        corp_code=credit_code(seq, area=region_code or "520602"),
        name=name or f"测试建筑有限公司{seq}",
        legal_man=f"法人{seq}",
        region_code=region_code,
        reg_capital_fen=10_000_000_00,
        establish_date=date(2010, 1, 1),
    )
    session.add(enterprise)
    session.flush()
    return enterprise


def make_project(
    session: Session,
    *,
    region_code: str = "520602",
    name: str | None = None,
    status: str = "003",
    category: str = "01",
    participants: Sequence[tuple[Enterprise, str]] = (),
    link_phone: str | None = "13800138000",
) -> Project:
    """A project in ``region_code`` with the given (enterprise, corp_type) participants."""
    seq = next_seq()
    gc = next((e for e, t in participants if t == GC), None)
    project = Project(
        project_code=f"P{region_code}{seq:06d}",
        name=name or f"测试项目{seq}",
        region_code=region_code,
        status=status,
        category=category,
        contractor_id=gc.id if gc else None,
        invest_fen=50_000_000_00,
        start_date=date(2025, 3, 1),
        link_man="联系人",
        labour_officer_name="劳资员",
        **_sealed("link_phone", link_phone),
        **_sealed("labour_officer_phone", "13900139000"),
    )
    session.add(project)
    session.flush()
    for enterprise, corp_type in participants:
        session.add(
            ProjectParticipant(project_id=project.id, enterprise_id=enterprise.id, corp_type=corp_type)
        )
    session.flush()
    return project


def make_region_project(
    session: Session, region_code: str = "520602", *, name: str | None = None
) -> tuple[Project, Enterprise]:
    """A project in ``region_code`` with a general contractor registered in the same county."""
    gc = make_enterprise(session, region_code=region_code)
    return make_project(session, region_code=region_code, name=name, participants=[(gc, GC)]), gc


def make_team(
    session: Session,
    *,
    project: Project,
    enterprise: Enterprise,
    name: str | None = None,
    leader_name: str | None = "班组长",
    leader_phone: str | None = "13700137000",
) -> Team:
    seq = next_seq()
    team = Team(
        team_sys_no=f"T{seq:08d}",
        project_id=project.id,
        enterprise_id=enterprise.id,
        name=name or f"班组{seq}",
        leader_name=leader_name,
        **_sealed("leader_phone", leader_phone),
    )
    session.add(team)
    session.flush()
    return team


def make_worker(
    session: Session,
    protector: Protector,
    *,
    project: Project | None = None,
    team: Team | None = None,
    name: str | None = None,
    number: str | None = None,
    card: str | None = "auto",
    phone: str | None = "13612345678",
    work_type: str = "010",
    exit_date: date | None = None,
) -> Worker:
    """A worker with an encrypted ID number, a current bank card, and (with ``project``) an engagement
    recording ``phone`` and the card."""
    seq = next_seq()
    clear = number or id_number(seq)
    worker = Worker(
        name=name or f"工人{seq}",
        id_enc=protector.encrypt(clear),
        id_bidx=protector.blind_index(clear),
        id_masked=mask(clear),
        gender="1",
    )
    session.add(worker)
    session.flush()
    if card:
        add_card(session, protector, worker, card_number(seq) if card == "auto" else card)
    if project is not None:
        engage(
            session, worker, project=project, team=team, work_type=work_type, exit_date=exit_date, phone=phone
        )
    return worker


def add_card(session: Session, protector: Protector, worker: Worker, clear: str) -> BankCard:
    """A new current card for the worker (earlier cards stop being current)."""
    for old in session.query(BankCard).filter_by(worker_id=worker.id, is_current=True):
        old.is_current = False
    card = BankCard(
        worker_id=worker.id,
        card_enc=protector.encrypt(clear),
        card_bidx=protector.blind_index(clear),
        card_masked=mask(clear),
        bank_name="中国农业银行",
        top_bank_code="103",
        is_current=True,
    )
    session.add(card)
    session.flush()
    return card


def engage(
    session: Session,
    worker: Worker,
    *,
    project: Project,
    team: Team | None = None,
    work_type: str = "010",
    exit_date: date | None = None,
    rate_fen: int | None = 30_000,
    phone: str | None = None,
) -> ProjectWorker:
    """Put a worker on a project (and team), with a daily-wage labour contract; the engagement records
    ``phone`` and the worker's current card."""
    enterprise_id = team.enterprise_id if team else project.contractor_id
    card = session.scalar(
        select(BankCard.card_bidx).where(BankCard.worker_id == worker.id, BankCard.is_current.is_(True))
    )
    pw = ProjectWorker(
        project_id=project.id,
        worker_id=worker.id,
        team_id=team.id if team else None,
        enterprise_id=enterprise_id,
        region_code=project.region_code,
        work_type=work_type,
        work_role="20",
        entry_date=date(2025, 3, 1),
        exit_date=exit_date,
        card_bidx=card,
        **_sealed("phone", phone),
    )
    session.add(pw)
    if enterprise_id is not None and rate_fen is not None:
        session.add(
            LabourContract(
                project_id=project.id,
                worker_id=worker.id,
                enterprise_id=enterprise_id,
                period_type="1",
                start_date=date(2025, 3, 1),
                wage_basis="daily",
                rate_fen=rate_fen,
            )
        )
    session.flush()
    return pw
