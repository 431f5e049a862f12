"""The one way to read a worker's clear ID and bank-card numbers: audited, with a stated reason."""

from __future__ import annotations

from sqlalchemy.orm import Session

from wageguard.audit.service import record_audit
from wageguard.auth.scope import Principal
from wageguard.errors import Forbidden
from wageguard.registry.choices import Role
from wageguard.registry.schemas import WorkerRevealOut
from wageguard.registry.worker_queries import current_card, visible_worker
from wageguard.security.crypto import Protector

REVEALERS = {Role.ADMIN, Role.INSPECTOR}


def reveal_worker(
    *, session: Session, principal: Principal, protector: Protector, worker_id: int, reason: str
) -> WorkerRevealOut:
    """Decrypt one visible worker's ID number and current card for an admin or an in-scope inspector.

    Writes an audit entry (action ``reveal``) in the caller's transaction, so no clear number leaves
    without its record.
    """
    if principal.role not in REVEALERS:
        raise Forbidden(f"role {principal.role} may not reveal", message_zh="该角色无权查看完整证件号码")
    worker = visible_worker(session, principal, worker_id)
    card = current_card(session, worker.id)
    fields = ["id_number"] + (["card_number"] if card else [])
    record_audit(
        session,
        actor=principal.username,
        action="reveal",
        subject_type="worker",
        subject_id=worker.id,
        detail={"reason": reason.strip(), "fields": fields},
    )
    return WorkerRevealOut(
        worker_id=worker.id,
        name=worker.name,
        id_number=protector.decrypt(worker.id_enc),
        card_number=protector.decrypt(card.card_enc) if card else None,
        bank_name=card.bank_name if card else None,
    )
