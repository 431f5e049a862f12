"""The one way to read the registry's personal data in clear: audited, with a stated reason.

A worker's ID number, payroll card, phone and home address; a project's contact, labour-officer,
project-manager and team-leader phones. Each reveal writes an audit entry (action ``reveal``, the reason and
the fields shown) in the caller's transaction, so no clear value leaves without its record.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from wageguard.audit.service import record_audit
from wageguard.auth.scope import Principal
from wageguard.errors import Forbidden
from wageguard.registry.choices import Role
from wageguard.registry.models import Enterprise, Project, ProjectParticipant, Team
from wageguard.registry.personal import sealers
from wageguard.registry.queries import ensure_project_visible
from wageguard.registry.schemas import ParticipantContact, ProjectContactsOut, TeamContact, WorkerRevealOut
from wageguard.registry.worker_queries import recorded, visible_worker
from wageguard.security.crypto import Protector

REVEALERS = {Role.ADMIN, Role.INSPECTOR}


def _ensure_revealer(principal: Principal) -> None:
    if principal.role not in REVEALERS:
        raise Forbidden(f"role {principal.role} may not reveal", message_zh="该角色无权查看完整个人信息")


def reveal_worker(
    *, session: Session, principal: Principal, protector: Protector, worker_id: int, reason: str
) -> WorkerRevealOut:
    """Decrypt one visible worker's ID number, and the card, phone and address of their newest engagement
    the caller may see, for an admin or an in-scope inspector."""
    _ensure_revealer(principal)
    worker = visible_worker(session, principal, worker_id)
    rec = recorded(session, principal, [worker.id])[worker.id]
    phone, address = sealers(protector)
    card = rec.card
    shown = {
        "id_number": True,
        "card_number": card is not None,
        "phone": rec.phone_enc is not None,
        "address": rec.address_enc is not None,
    }
    record_audit(
        session,
        actor=principal.username,
        action="reveal",
        subject_type="worker",
        subject_id=worker.id,
        detail={"reason": reason.strip(), "fields": [f for f, on in shown.items() if on]},
    )
    return WorkerRevealOut(
        worker_id=worker.id,
        name=worker.name,
        id_number=protector.decrypt(worker.id_enc),
        card_number=protector.decrypt(card.card_enc) if card else None,
        bank_name=card.bank_name if card else None,
        phone=phone.open(rec.phone_enc),
        address=address.open(rec.address_enc),
    )


def reveal_project_contacts(
    *, session: Session, principal: Principal, protector: Protector, project_id: int, reason: str
) -> ProjectContactsOut:
    """Decrypt the phones of one visible project's contact, labour officer, project managers and team
    leaders, for an admin or an in-scope inspector."""
    _ensure_revealer(principal)
    ensure_project_visible(session, principal, project_id)
    project = session.get_one(Project, project_id)
    phone, _ = sealers(protector)
    participants = [
        ParticipantContact(
            enterprise_id=e.id,
            enterprise_name=e.name,
            corp_type=p.corp_type,
            pm_name=p.pm_name,
            pm_phone=phone.open(p.pm_phone_enc),
        )
        for p, e in session.execute(
            select(ProjectParticipant, Enterprise)
            .join(Enterprise, Enterprise.id == ProjectParticipant.enterprise_id)
            .where(ProjectParticipant.project_id == project_id)
            .order_by(ProjectParticipant.corp_type, Enterprise.id)
        )
    ]
    teams = [
        TeamContact(
            team_id=t.id, name=t.name, leader_name=t.leader_name, leader_phone=phone.open(t.leader_phone_enc)
        )
        for t in session.scalars(select(Team).where(Team.project_id == project_id).order_by(Team.id))
    ]
    out = ProjectContactsOut(
        project_id=project.id,
        link_man=project.link_man,
        link_phone=phone.open(project.link_phone_enc),
        labour_officer_name=project.labour_officer_name,
        labour_officer_phone=phone.open(project.labour_officer_phone_enc),
        participants=participants,
        teams=teams,
    )
    fields = [f for f in ("link_phone", "labour_officer_phone") if getattr(out, f)]
    fields += ["pm_phone"] if any(p.pm_phone for p in participants) else []
    fields += ["leader_phone"] if any(t.leader_phone for t in teams) else []
    record_audit(
        session,
        actor=principal.username,
        action="reveal",
        subject_type="project",
        subject_id=project.id,
        detail={"reason": reason.strip(), "fields": fields},
    )
    return out
