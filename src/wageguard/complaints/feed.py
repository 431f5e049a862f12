"""Complaints as items of the command screen's live feed: where, how much, when — never who.

No name, phone, ID, card or complaint text: the feed is shown on a wall display.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from wageguard.complaints.models import Complaint
from wageguard.registry.models import Project, Region


def complaint_feed_items(session: Session, complaint_ids: Collection[int]) -> list[dict[str, Any]]:
    """Feed items of ``complaint_ids``, newest first."""
    if not complaint_ids:
        return []
    rows = session.execute(
        select(
            Complaint.id,
            Complaint.region_code,
            Complaint.received_at,
            Complaint.amount_owed_fen,
            Complaint.workers_affected,
            Project.name,
            Region.name,
        )
        .outerjoin(Project, Project.id == Complaint.project_id)
        .outerjoin(Region, Region.code == Complaint.region_code)
        .where(Complaint.id.in_(list(complaint_ids)))
        .order_by(Complaint.received_at.desc(), Complaint.id.desc())
    ).all()
    return [
        {
            "kind": "complaint",
            "id": int(cid),
            "region_code": region_code,
            "region": region or region_code,
            "project": project or "",
            "amount_owed_fen": int(amount or 0),
            "workers_affected": int(workers or 0),
            "at": received.isoformat() + "Z",
            "url": f"/cases/{int(cid)}",
        }
        for cid, region_code, received, amount, workers, project, region in rows
    ]
