"""The money tallies of the command screen, recomputed from the facts for the projects an import touched.

- ``paid``: successful transfers by value-date month, with each year's and the all-time sum beside them;
- ``paid_for``: successful transfers by the wage month they settle (``pay_month``);
- ``declared``: net wages on the current pay sheets, by wage month.

Recomputing a touched project's rows (rather than adding deltas) keeps them exact whatever the import did:
new payments, a payment a later file marks returned, a pay sheet superseded by a correction.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from wageguard.tallies.measures import ALL_TIME, Measure
from wageguard.tallies.models import NO_PROJECT
from wageguard.tallies.service import Delta, month_sql, replace_tallies

CHUNK = 500


def _chunks(ids: Collection[int]) -> list[list[int]]:
    ordered = sorted(set(ids))
    return [ordered[i : i + CHUNK] for i in range(0, len(ordered), CHUNK)]


def _marks(values: list[Any], prefix: str) -> tuple[str, dict[str, Any]]:
    names = [f"{prefix}{n}" for n in range(len(values))]
    return ", ".join(":" + n for n in names), dict(zip(names, values, strict=True))


def _paid_rows(session: Session, where: str, params: dict[str, Any], no_project: bool) -> list[Delta]:
    value_month = month_sql(session, "value_date")
    key = f"{NO_PROJECT}" if no_project else "project_id"
    group = "" if no_project else "project_id, "
    sql = (
        f"SELECT {key}, region_code, {value_month}, pay_month, SUM(amount_fen) FROM bank_payments "
        f"WHERE status = 'success' AND {where} GROUP BY {group}region_code, {value_month}, pay_month"
    )
    by_value: dict[tuple[int, str, str], int] = {}
    by_wage: dict[tuple[int, str, str], int] = {}
    for pid, region, month, pay_month, amount in session.execute(text(sql), params):
        pid, region, amount = int(pid), str(region), int(amount or 0)
        for period in (str(month), str(month)[:4], ALL_TIME):
            by_value[(pid, region, period)] = by_value.get((pid, region, period), 0) + amount
        by_wage[(pid, region, str(pay_month))] = by_wage.get((pid, region, str(pay_month)), 0) + amount
    paid: list[Delta] = [(Measure.PAID.value, p, pid, r, v) for (pid, r, p), v in by_value.items()]
    return paid + [(Measure.PAID_FOR.value, p, pid, r, v) for (pid, r, p), v in by_wage.items()]


def refresh_payment_tallies(
    session: Session, *, project_ids: Collection[int], regions: Collection[str]
) -> None:
    """Recompute ``paid`` and ``paid_for`` of ``project_ids`` and of the payments on no project in
    ``regions``."""
    rows: list[Delta] = []
    for batch in _chunks(project_ids):
        marks, params = _marks(batch, "p")
        rows += _paid_rows(session, f"project_id IN ({marks})", params, no_project=False)
    if regions:
        marks, params = _marks(sorted(set(regions)), "r")
        rows += _paid_rows(
            session, f"project_id IS NULL AND region_code IN ({marks})", params, no_project=True
        )
    if project_ids or regions:
        replace_tallies(
            session,
            measures=[Measure.PAID, Measure.PAID_FOR],
            rows=rows,
            project_ids=project_ids,
            regions=regions,
        )


def refresh_declared_tallies(session: Session, *, project_ids: Collection[int]) -> None:
    """Recompute ``declared`` (net wages of the current pay sheets per wage month) of ``project_ids``."""
    rows: list[Delta] = []
    true = "true" if session.get_bind().dialect.name == "postgresql" else "1"
    for batch in _chunks(project_ids):
        marks, params = _marks(batch, "p")
        sql = (
            "SELECT project_id, region_code, pay_month, SUM(net_total_fen) FROM pay_sheets "
            f"WHERE is_current = {true} AND project_id IN ({marks}) "
            "GROUP BY project_id, region_code, pay_month"
        )
        for pid, region, month, amount in session.execute(text(sql), params):
            rows.append((Measure.DECLARED, str(month), int(pid), str(region), int(amount or 0)))
    if project_ids:
        replace_tallies(session, measures=[Measure.DECLARED], rows=rows, project_ids=project_ids)


def rebuild_money_tallies(session: Session) -> None:
    """Recompute every money tally from the facts (``wageguard screen rebuild``)."""
    ids = [int(i) for (i,) in session.execute(text("SELECT id FROM projects"))]
    regions = [str(r) for (r,) in session.execute(text("SELECT code FROM regions"))]
    refresh_payment_tallies(session, project_ids=ids, regions=regions)
    refresh_declared_tallies(session, project_ids=ids)
