"""Reads of workers and project workers, scoped to the caller and masked.

A worker is visible when they are engaged on a project the caller may see; only those engagements and
contracts are shown, and only the phone, home address and payroll cards recorded on them (an admin also
sees the person's other registered cards), so nobody learns what another enterprise recorded about a shared
person. ID, card and phone numbers and addresses leave here masked; clear values come only from
``registry/reveal.py``, which audits every read.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, select, true, tuple_
from sqlalchemy.orm import Session

from wageguard.auth.scope import Principal
from wageguard.errors import NotFound
from wageguard.registry.choices import WORK_TYPE, Role
from wageguard.registry.models import BankCard, LabourContract, Project, ProjectWorker, Team, Worker
from wageguard.registry.queries import (
    AnySelect,
    contains,
    ensure_project_visible,
    ensure_reader,
    in_region,
    paginate,
    visible_project_ids,
    visible_projects,
)
from wageguard.registry.schemas import (
    CardOut,
    ContractOut,
    EngagementOut,
    Page,
    WorkerDetail,
    WorkerFilters,
    WorkerOut,
)
from wageguard.security.crypto import Protector


def visible_engagements(principal: Principal) -> ColumnElement[bool]:
    """Project-worker rows of projects the caller may see (through the project index, not the copied
    ``region_code``, so a stale copy can never widen the scope)."""
    if principal.is_admin:
        return true()
    return ProjectWorker.project_id.in_(visible_project_ids(principal))


def _engagement_conditions(f: WorkerFilters) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = []
    if f.region:
        in_area = select(Project.id).where(in_region(Project.region_code, f.region))
        conds.append(ProjectWorker.project_id.in_(in_area))
    if f.project_id is not None:
        conds.append(ProjectWorker.project_id == f.project_id)
    if f.team_id is not None:
        conds.append(ProjectWorker.team_id == f.team_id)
    if f.enterprise_id is not None:
        conds.append(ProjectWorker.enterprise_id == f.enterprise_id)
    if f.work_type:
        conds.append(ProjectWorker.work_type == f.work_type)
    return conds


def _person_conditions(f: WorkerFilters, protector: Protector | None) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = []
    if f.q:
        conds.append(contains(Worker.name, f.q))
    if f.id_number:
        if protector is None:
            raise ValueError("an ID-number filter needs the protector")
        conds.append(Worker.id_bidx == protector.blind_index(f.id_number))
    return conds


@dataclass
class Recorded:
    """What the newest visible engagements of one worker record: phone, address and payroll card."""

    phone_masked: str | None = None
    phone_enc: bytes | None = None
    address_enc: bytes | None = None
    card: BankCard | None = None


def recorded(session: Session, principal: Principal, worker_ids: list[int]) -> dict[int, Recorded]:
    """Per worker: the phone, address and card of the newest visible engagement recording each; an admin
    falls back to the person's current card."""
    if not worker_ids:
        return {}
    out = {w: Recorded() for w in worker_ids}
    bidxs: dict[int, str] = {}
    stmt = (
        select(
            ProjectWorker.worker_id,
            ProjectWorker.phone_masked,
            ProjectWorker.phone_enc,
            ProjectWorker.address_enc,
            ProjectWorker.card_bidx,
        )
        .where(ProjectWorker.worker_id.in_(worker_ids), visible_engagements(principal))
        .order_by(ProjectWorker.id)
    )
    for worker_id, masked, phone_enc, address_enc, card_bidx in session.execute(stmt):
        rec = out[worker_id]
        if phone_enc is not None:
            rec.phone_masked, rec.phone_enc = masked, phone_enc
        if address_enc is not None:
            rec.address_enc = address_enc
        if card_bidx is not None:
            bidxs[worker_id] = card_bidx
    if bidxs:
        wanted = tuple_(BankCard.worker_id, BankCard.card_bidx).in_(list(bidxs.items()))
        for card in session.scalars(select(BankCard).where(wanted)):
            out[card.worker_id].card = card
    if principal.is_admin:
        lacking = [w for w, rec in out.items() if rec.card is None]
        for worker_id, card in _current_cards(session, lacking).items():
            out[worker_id].card = card
    return out


def _current_cards(session: Session, worker_ids: list[int]) -> dict[int, BankCard]:
    if not worker_ids:
        return {}
    stmt = (
        select(BankCard)
        .where(BankCard.worker_id.in_(worker_ids), BankCard.is_current.is_(True))
        .order_by(BankCard.id)
    )
    return {card.worker_id: card for card in session.scalars(stmt)}


def _worker_out(worker: Worker, rec: Recorded) -> WorkerOut:
    card = rec.card
    return WorkerOut(
        id=worker.id,
        name=worker.name,
        id_card_type=worker.id_card_type,
        id_masked=worker.id_masked,
        gender=worker.gender,
        phone_masked=rec.phone_masked,
        card_masked=card.card_masked if card else None,
        bank_name=card.bank_name if card else None,
    )


def list_workers(
    session: Session, principal: Principal, filters: WorkerFilters, *, protector: Protector | None = None
) -> Page[WorkerOut]:
    """Visible workers, one row each, filtered by their visible engagements and by name or ID number."""
    ensure_reader(principal)
    conds = _person_conditions(filters, protector)
    engagement = _engagement_conditions(filters)
    if engagement or not principal.is_admin:
        engaged = select(ProjectWorker.worker_id).where(visible_engagements(principal), *engagement)
        conds.append(Worker.id.in_(engaged))
    stmt = select(Worker).where(*conds).order_by(Worker.id)
    page = paginate(session, filters, stmt, lambda row: row[0])
    found = recorded(session, principal, [w.id for w in page.items])
    items = [_worker_out(w, found[w.id]) for w in page.items]
    return Page[WorkerOut](items=items, total=page.total, limit=page.limit, offset=page.offset)


def visible_worker(session: Session, principal: Principal, worker_id: int) -> Worker:
    """The worker if the caller may see them, else ``NotFound``."""
    ensure_reader(principal)
    stmt = select(Worker).where(Worker.id == worker_id)
    if not principal.is_admin:
        engaged = select(ProjectWorker.worker_id).where(visible_engagements(principal))
        stmt = stmt.where(Worker.id.in_(engaged))
    worker = session.scalar(stmt)
    if worker is None:
        raise NotFound(f"worker {worker_id} not found", message_zh="未找到该工人")
    return worker


def _sees_identity(principal: Principal, worker: Worker) -> bool:
    """Registered details beyond name and document (nation) go to admins, inspectors and the registering
    enterprise; another enterprise sees only what it recorded itself."""
    return principal.role is not Role.ENTERPRISE or principal.enterprise_id == worker.registered_by


def get_worker(session: Session, principal: Principal, worker_id: int) -> WorkerDetail:
    """One visible worker with the engagements and contracts the caller may see, and the masked cards
    those engagements name (an admin sees every registered card)."""
    worker = visible_worker(session, principal, worker_id)
    engagements = session.execute(
        _engagement_select().where(ProjectWorker.worker_id == worker_id, visible_engagements(principal))
    ).all()
    contracts = session.scalars(
        select(LabourContract)
        .join(Project, Project.id == LabourContract.project_id)
        .where(LabourContract.worker_id == worker_id, visible_projects(principal))
        .order_by(LabourContract.start_date)
    ).all()
    cards = session.scalars(
        select(BankCard).where(BankCard.worker_id == worker_id).order_by(BankCard.id)
    ).all()
    named = {row[0].card_bidx for row in engagements}
    shown = [c for c in cards if principal.is_admin or c.card_bidx in named]
    by_bidx = {c.card_bidx: c.card_masked for c in cards}
    return WorkerDetail(
        **_worker_out(worker, recorded(session, principal, [worker.id])[worker.id]).model_dump(),
        nation=worker.nation if _sees_identity(principal, worker) else None,
        engagements=[
            _engagement_out(*row, card_masked=by_bidx.get(row[0].card_bidx or "")) for row in engagements
        ],
        contracts=[ContractOut.model_validate(c, from_attributes=True) for c in contracts],
        cards=[
            CardOut(card_masked=c.card_masked, bank_name=c.bank_name, is_current=c.is_current) for c in shown
        ],
    )


def _engagement_select() -> AnySelect:
    return (
        select(ProjectWorker, Project.name, Worker, Team.name)
        .join(Project, Project.id == ProjectWorker.project_id)
        .join(Worker, Worker.id == ProjectWorker.worker_id)
        .outerjoin(Team, Team.id == ProjectWorker.team_id)
        .order_by(ProjectWorker.id)
    )


def _engagement_out(
    pw: ProjectWorker,
    project_name: str,
    worker: Worker,
    team_name: str | None,
    *,
    card_masked: str | None = None,
) -> EngagementOut:
    return EngagementOut(
        project_worker_id=pw.id,
        project_id=pw.project_id,
        project_name=project_name,
        worker_id=worker.id,
        worker_name=worker.name,
        id_masked=worker.id_masked,
        team_id=pw.team_id,
        team_name=team_name,
        enterprise_id=pw.enterprise_id,
        work_type=pw.work_type,
        work_type_name=WORK_TYPE.get(pw.work_type or ""),
        work_role=pw.work_role,
        is_team_leader=bool(pw.is_team_leader),
        entry_date=pw.entry_date,
        exit_date=pw.exit_date,
        phone_masked=pw.phone_masked,
        address_masked=pw.address_masked,
        card_masked=card_masked,
    )


def list_project_workers(
    session: Session,
    principal: Principal,
    project_id: int,
    filters: WorkerFilters,
    *,
    protector: Protector | None = None,
) -> Page[EngagementOut]:
    """Workers of one visible project (项目工人) by team, enterprise, 工种, name or ID number."""
    ensure_project_visible(session, principal, project_id)
    narrowed = filters.model_copy(update={"project_id": project_id, "region": None})
    conds = [ProjectWorker.project_id == project_id, *_engagement_conditions(narrowed)]
    conds += _person_conditions(filters, protector)
    stmt = _engagement_select().where(*conds)
    return paginate(session, filters, stmt, lambda row: _engagement_out(*row))
