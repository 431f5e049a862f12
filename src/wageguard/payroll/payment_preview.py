"""The dry run of a bank file import: the same reading, write policy, matching and storing as
``payments.import_bank_file``, in a transaction that is always rolled back, so the bank officer sees each
payment line with the worker it would match (or the problems that would reject the file) before confirming."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from wageguard.auth.scope import Principal
from wageguard.db import Database
from wageguard.errors import ImportRejected, Problem
from wageguard.ingest.boundary import Limits
from wageguard.payroll.banks.records import ParsedPayment
from wageguard.payroll.models import BankPayment
from wageguard.payroll.payments import (
    ImportResult,
    encoding_problem,
    file_sha256,
    open_batch,
    read_bank_file,
    store_document,
)
from wageguard.registry.models import Worker
from wageguard.security.crypto import Protector, mask


@dataclass(frozen=True)
class PreviewPayment:
    """One payment line of a previewed bank file, as it would be stored (card masked)."""

    row: int | str
    payee_name: str
    card_masked: str
    amount_fen: int
    value_date: Any
    status: str
    failure_reason: str | None
    outcome: str | None = None
    worker_name: str | None = None
    stored_before: bool = False


@dataclass
class BankPreview:
    """What ``import_bank_file`` would do with a file: its result, or the problems that reject it."""

    file_format: str
    result: ImportResult | None = None
    problems: list[Problem] = field(default_factory=list)
    payments: list[PreviewPayment] = field(default_factory=list)


PREVIEW_LINES = 2000
"""Payment lines a preview lists (all are checked and counted)."""


def _preview_lines(
    session: Session, protector: Protector, seen: list[ParsedPayment], batch_id: int | None
) -> list[PreviewPayment]:
    stored: dict[str, tuple[str, str | None]] = {}
    queues: dict[tuple[str, int, Any], list[tuple[str, str | None]]] = {}
    if batch_id is not None:
        rows = session.execute(
            select(
                BankPayment.natural_key,
                BankPayment.payee_card_bidx,
                BankPayment.amount_fen,
                BankPayment.value_date,
                BankPayment.outcome,
                Worker.name,
            )
            .outerjoin(Worker, Worker.id == BankPayment.worker_id)
            .where(BankPayment.import_batch_id == batch_id)
            .order_by(BankPayment.id)
        )
        for key, bidx, amount, day, outcome, name in rows:
            stored[key] = (outcome, name)
            queues.setdefault((bidx, amount, day), []).append((outcome, name))
    out = []
    for p in seen:
        found: tuple[str, str | None] | None
        if batch_id is None:
            found = None
        elif p.link_reference:
            found = stored.get(f"r:{p.link_reference}")
        else:
            queue = queues.get((protector.blind_index(p.payee_card), p.amount_fen, p.value_date)) or []
            found = queue.pop(0) if queue else None
        out.append(
            PreviewPayment(
                row=p.row,
                payee_name=p.payee_name,
                card_masked=mask(p.payee_card),
                amount_fen=p.amount_fen,
                value_date=p.value_date,
                status=p.status.value,
                failure_reason=p.failure_reason,
                outcome=found[0] if found else None,
                worker_name=found[1] if found else None,
                stored_before=batch_id is not None and found is None,
            )
        )
    return out


def preview_bank_file(
    *,
    db: Database,
    principal: Principal,
    protector: Protector,
    path: Path,
    profile: str | None = None,
    account_no: str | None = None,
    actor: str,
    chunk_rows: int = 5000,
    limits: Limits | None = None,
    encoding: str | None = None,
) -> BankPreview:
    """A dry run of ``import_bank_file``: the same reading, write policy, matching and storing, in a
    transaction that is always rolled back; nothing is stored, recorded or announced. Returns each payment
    line with the worker it matched (or the problems that would reject the file)."""
    preview = BankPreview(file_format="")
    seen: list[ParsedPayment] = []

    def recorded(payments: Iterable[ParsedPayment]) -> Iterator[ParsedPayment]:
        for p in payments:  # a tabular file's rows are read while they are stored: keep the first ones
            if len(seen) < PREVIEW_LINES:
                seen.append(p)
            yield p

    with db.sessions() as session:
        session.begin()
        try:
            doc = read_bank_file(path, profile, limits=limits, encoding=encoding)
            doc.payments = recorded(doc.payments)
            preview.file_format = doc.file_format
            batch = open_batch(session, path.name, doc.file_format, file_sha256(path), actor)
            preview.result = store_document(
                session=session,
                principal=principal,
                protector=protector,
                doc=doc,
                account_no=account_no,
                batch=batch,
                chunk_rows=chunk_rows,
            )
            preview.payments = _preview_lines(session, protector, seen, batch.id)
        except ImportRejected as exc:
            preview.result = None
            preview.problems = list(exc.problems)
            preview.payments = _preview_lines(session, protector, seen, None)
        except UnicodeDecodeError:
            preview.problems = [encoding_problem()]
        finally:
            session.rollback()
    return preview
