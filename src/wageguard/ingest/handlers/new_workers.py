"""Fast path of the ProjectWorker import: workers seen for the first time are inserted without any diffing.

A province's first import is almost all new workers. A row qualifies when its ID number's blind index is
not stored yet and appears only once in the chunk: then the worker, its project engagement and its payroll
card are all brand new, so each becomes one tuple for a bulk insert (no merge, no lookup of old values).
Every other row (a stored worker, or one named twice in the chunk) takes the general upsert path.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from wageguard.db import utcnow
from wageguard.ingest.context import ImportContext
from wageguard.ingest.spec import ParsedRow, id_text
from wageguard.registry.models import BankCard, ProjectWorker, Worker
from wageguard.registry.service import insert_new_ids, insert_tuples
from wageguard.security.crypto import mask

WORKER_COLUMNS = (
    "id_bidx",
    "id_enc",
    "id_masked",
    "name",
    "id_card_type",
    "gender",
    "birth_date",
    "phone",
    "nation",
    "address",
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
)
CARD_COLUMNS = ("worker_id", "card_enc", "card_bidx", "card_masked", "bank_name", "top_bank_code")


def split_new(ctx: ImportContext, rows: list[ParsedRow]) -> tuple[list[ParsedRow], list[ParsedRow]]:
    """Rows of workers not stored yet and named once in the chunk, and the other rows (``_bidx`` set)."""
    times = Counter(r.values["_bidx"] for r in rows)
    stored = ctx.worker_ids(times)
    fresh: list[ParsedRow] = []
    known: list[ParsedRow] = []
    for row in rows:
        bidx = row.values["_bidx"]
        (known if bidx in stored or times[bidx] > 1 else fresh).append(row)
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
        constants={"created_at": now, "updated_at": now},
    )
    engagements, cards = [], []
    for row, worker_id in zip(rows, ids, strict=True):
        v = row.values
        v["_worker"] = worker_id
        project = v["_project"]
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
            )
        )
        card = v["payRollBankCardNumber"]
        if card:
            cards.append(_card(ctx, worker_id, card, v))
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
        v["cellPhone"],
        v["nation"],
        v["address"],
    )


def _card(ctx: ImportContext, worker_id: int, card: str, v: dict[str, Any]) -> tuple[Any, ...]:
    protect = ctx.protector
    return (
        worker_id,
        protect.encrypt(card),
        protect.blind_index(card),
        mask(card),
        v["payRollBankName"],
        v["payRollTopBankCode"],
    )
