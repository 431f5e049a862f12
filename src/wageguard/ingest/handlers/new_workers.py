"""Fast path of the ProjectWorker import: workers seen for the first time are inserted without any diffing.

A province's first import is almost all new workers. A row qualifies when its ID number's blind index is
not stored yet and appears only once in the chunk: then the worker, its project engagement and its payroll
card are all brand new, so each becomes one tuple for a bulk insert (no merge, no lookup of old values).
Every other row (a stored worker, or one named twice in the chunk) takes the general upsert path.
The person is registered by the importing enterprise (``registered_by``); phone and address go sealed onto
the engagement, encrypted only where given.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from wageguard.db import utcnow
from wageguard.ingest.context import ImportContext
from wageguard.ingest.spec import ParsedRow, id_text
from wageguard.registry.models import BankCard, ProjectWorker, Worker
from wageguard.registry.personal import mask_address
from wageguard.registry.service import insert_new_ids, insert_tuples
from wageguard.security.crypto import mask, mask_phone

WORKER_COLUMNS = (
    "id_bidx",
    "id_enc",
    "id_masked",
    "name",
    "id_card_type",
    "gender",
    "birth_date",
    "nation",
)
ENGAGEMENT_COLUMNS = (
    "project_id",
    "worker_id",
    "team_id",
    "enterprise_id",
    "region_code",
    "work_type",
    "work_role",
    "is_team_leader",
    "has_insurance",
    "phone_enc",
    "phone_masked",
    "address_enc",
    "address_masked",
    "card_bidx",
)
CARD_COLUMNS = ("worker_id", "card_enc", "card_bidx", "card_masked", "bank_name", "top_bank_code")


def split_new(rows: list[ParsedRow]) -> tuple[list[ParsedRow], list[ParsedRow]]:
    """Rows of workers not stored yet and named once in the chunk, and the other rows (``_bidx`` and
    ``_person`` set by the identity check)."""
    times = Counter(r.values["_bidx"] for r in rows)
    fresh: list[ParsedRow] = []
    known: list[ParsedRow] = []
    for row in rows:
        v = row.values
        (known if v["_person"] is not None or times[v["_bidx"]] > 1 else fresh).append(row)
    return fresh, known


def insert_new_workers(ctx: ImportContext, rows: list[ParsedRow]) -> None:
    """Insert the workers, engagements and cards of rows from ``split_new``'s first list; count them."""
    if not rows:
        return
    now = utcnow()
    ids = insert_new_ids(
        ctx.conn,
        Worker.__table__,  # type: ignore[arg-type]
        WORKER_COLUMNS,
        [_person(ctx, row.values) for row in rows],
        key="id_bidx",
        constants={"created_at": now, "updated_at": now, "registered_by": ctx.actor.enterprise_id},
    )
    engagements, cards = [], []
    encrypt, encrypt_text, blind_index = (
        ctx.protector.encrypt,
        ctx.protector.encrypt_text,
        ctx.protector.blind_index,
    )
    for row, worker_id in zip(rows, ids, strict=True):
        v = row.values
        v["_worker"] = worker_id
        project = v["_project"]
        phone, address, card = v["cellPhone"], v["address"], v["payRollBankCardNumber"]
        card_bidx = blind_index(card) if card else None
        engagements.append(
            (
                project.id,
                worker_id,
                v["_team"],
                v["_corp"],
                project.region_code,
                v["workType"],
                v["workRole"],
                v["isTeamLeader"],
                v["hasBuyInsurance"],
                encrypt(phone) if phone else None,
                mask_phone(phone) if phone else None,
                encrypt_text(address) if address else None,
                mask_address(address) if address else None,
                card_bidx,
            )
        )
        if card:
            cards.append(_card(ctx, worker_id, card, card_bidx, v))
    insert_tuples(ctx.conn, ProjectWorker.__table__, ENGAGEMENT_COLUMNS, engagements)  # type: ignore[arg-type]
    insert_tuples(
        ctx.conn,
        BankCard.__table__,  # type: ignore[arg-type]
        CARD_COLUMNS,
        cards,
        constants={"is_current": True, "created_at": now},
    )
    ctx.report.inserted += len(rows)  # every one of them is an insert


def _person(ctx: ImportContext, v: dict[str, Any]) -> tuple[Any, ...]:
    checked = v["idCardNumber"]
    number = id_text(checked)
    return (
        v["_bidx"],
        ctx.protector.encrypt(number),
        mask(number),
        v["workerName"],
        v["idCardType"],
        getattr(checked, "gender", None),
        getattr(checked, "birth_date", None),
        v["nation"],
    )


def _card(
    ctx: ImportContext, worker_id: int, card: str, bidx: str | None, v: dict[str, Any]
) -> tuple[Any, ...]:
    return (
        worker_id,
        ctx.protector.encrypt(card),
        bidx,
        mask(card),
        v["payRollBankName"],
        v["payRollTopBankCode"],
    )
