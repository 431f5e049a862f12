"""Storing labour-cost inflows and balance snapshots (from bank statements or entered by hand).

Inflows are keyed per account by the bank reference, else ``value date + amount + sequence``, so a statement
imported twice, or two overlapping statements, add each credit once.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from wageguard.payroll.accounts import AccountInfo
from wageguard.payroll.banks.records import ParsedCredit
from wageguard.payroll.models import AccountBalance, LabourCostInflow


def inflow_keys(credits: list[ParsedCredit]) -> list[str]:
    """Natural keys of credits in file order: ``r:<ref>`` or ``k:<date>:<amount>:<n>``."""
    seq: Counter[tuple[date, int]] = Counter()
    keys = []
    for c in credits:
        if c.reference:
            keys.append(f"r:{c.reference}")
            continue
        seq[(c.value_date, c.amount_fen)] += 1
        keys.append(f"k:{c.value_date.isoformat()}:{c.amount_fen}:{seq[(c.value_date, c.amount_fen)]}")
    return keys


def store_credits(session: Session, account: AccountInfo, credits: list[ParsedCredit]) -> int:
    """Insert the credits not yet stored for ``account``; returns how many were new."""
    if not credits:
        return 0
    keys = inflow_keys(credits)
    have = set(
        session.scalars(
            select(LabourCostInflow.natural_key).where(
                LabourCostInflow.account_id == account.id, LabourCostInflow.natural_key.in_(keys)
            )
        )
    )
    rows = []
    for key, c in zip(keys, credits, strict=True):
        if key in have:
            continue
        have.add(key)
        rows.append(
            {
                "account_id": account.id,
                "project_id": account.project_id,
                "region_code": account.region_code,
                "payer_name": c.payer_name,
                "value_date": c.value_date,
                "amount_fen": c.amount_fen,
                "progress_ref": c.remark[:64] if c.remark else None,
                "bank_reference": c.reference,
                "progress_amount_fen": c.progress_amount_fen,
                "natural_key": key,
            }
        )
    if rows:
        session.execute(insert(LabourCostInflow), rows)
    return len(rows)


def store_balances(session: Session, account_id: int, balances: list[tuple[date, int]]) -> int:
    """Upsert the balance reported for each day (the latest report of a day wins)."""
    days = {d: fen for d, fen in balances}
    if not days:
        return 0
    have = {
        row.as_of: row.id
        for row in session.execute(
            select(AccountBalance.as_of, AccountBalance.id).where(
                AccountBalance.account_id == account_id, AccountBalance.as_of.in_(days)
            )
        )
    }
    for day, fen in days.items():
        if day in have:
            session.execute(
                update(AccountBalance).where(AccountBalance.id == have[day]).values(balance_fen=fen)
            )
        else:
            session.add(AccountBalance(account_id=account_id, as_of=day, balance_fen=fen, source="bank"))
    session.flush()
    return len(days)
