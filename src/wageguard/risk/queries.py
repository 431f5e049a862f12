"""Reads of the risk feeds: what is stored for a project or an enterprise (API, pages, scoring, tests)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from wageguard.risk.models import (
    RiskContract,
    RiskContractPayment,
    RiskCreditEvent,
    RiskRegistration,
    RiskTaxYear,
)


def contract_of_project(session: Session, project_id: int) -> dict[str, Any] | None:
    """The project's contract as last fed, with its progress payments by stage; ``None`` when none."""
    contract = session.scalar(select(RiskContract).where(RiskContract.project_id == project_id))
    if contract is None:
        return None
    payments = session.scalars(
        select(RiskContractPayment)
        .where(RiskContractPayment.contract_id == contract.id)
        .order_by(RiskContractPayment.due_date, RiskContractPayment.stage)
    )
    return {
        "owner_id": contract.owner_id,
        "contract_fen": contract.contract_fen,
        "signed_date": contract.signed_date,
        "as_of": contract.as_of,
        "payments": [
            {
                "stage": p.stage,
                "due_date": p.due_date,
                "due_fen": p.due_fen,
                "paid_date": p.paid_date,
                "paid_fen": p.paid_fen,
            }
            for p in payments
        ],
    }


def tax_years_of_enterprise(session: Session, enterprise_id: int) -> list[dict[str, Any]]:
    """The enterprise's tax years, oldest first."""
    rows = session.scalars(
        select(RiskTaxYear).where(RiskTaxYear.enterprise_id == enterprise_id).order_by(RiskTaxYear.tax_year)
    )
    return [
        {
            "tax_year": r.tax_year,
            "rating": r.rating,
            "arrears_fen": r.arrears_fen,
            "revenue_fen": [r.revenue_q1_fen, r.revenue_q2_fen, r.revenue_q3_fen, r.revenue_q4_fen],
            "as_of": r.as_of,
        }
        for r in rows
    ]


def registration_of_enterprise(session: Session, enterprise_id: int) -> dict[str, Any] | None:
    """The enterprise's registration profile and credit records (by kind, oldest first); ``None`` when
    the feed never named it."""
    reg = session.scalar(select(RiskRegistration).where(RiskRegistration.enterprise_id == enterprise_id))
    if reg is None:
        return None
    events = session.scalars(
        select(RiskCreditEvent)
        .where(RiskCreditEvent.enterprise_id == enterprise_id)
        .order_by(RiskCreditEvent.kind, RiskCreditEvent.event_date, RiskCreditEvent.id)
    )
    return {
        "establish_date": reg.establish_date,
        "reg_capital_fen": reg.reg_capital_fen,
        "paid_in_capital_fen": reg.paid_in_capital_fen,
        "as_of": reg.as_of,
        "events": [
            {
                "kind": e.kind,
                "date": e.event_date,
                "end_date": e.end_date,
                "amount_fen": e.amount_fen,
                "authority": e.authority,
                "name": e.name,
                "reference": e.reference,
                "reason": e.reason,
            }
            for e in events
        ],
    }
