"""Reads of the risk slice: what the feeds stored for a project or an enterprise (unscoped: admins' and
the scoring's reads), and the scores, scoped by ``Principal`` (``enterprise_clause``): an enterprise's
latest score with its factors, its history and band worsenings, the ranked inspection list."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, false, func, or_, select, true
from sqlalchemy.orm import InstrumentedAttribute, Session

from wageguard.auth.scope import Principal
from wageguard.registry.choices import Role
from wageguard.registry.models import Enterprise, Project, ProjectParticipant
from wageguard.risk.models import (
    RiskBandChange,
    RiskContract,
    RiskContractPayment,
    RiskCreditEvent,
    RiskRegistration,
    RiskScore,
    RiskTaxYear,
)
from wageguard.risk.reasons import reason_text, top_reasons


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


# -- scores (``risk score``), scoped -----------------------------------------------------------------------


def enterprise_clause(principal: Principal, column: InstrumentedAttribute[int]) -> ColumnElement[bool]:
    """SQL condition restricting an enterprise-id ``column`` to the enterprises ``principal`` may see:
    admins all; an inspector those with a project in their region (as general contractor or participant)
    or registered there; an enterprise user its own; banks and devices none."""
    if principal.is_admin:
        return true()
    if principal.role is Role.ENTERPRISE and principal.enterprise_id is not None:
        return column == principal.enterprise_id
    if principal.role is not Role.INSPECTOR or not principal.region_code:
        return false()
    contracting = select(Project.contractor_id).where(
        principal.region_clause(Project.region_code), Project.contractor_id.is_not(None)
    )
    taking_part = (
        select(ProjectParticipant.enterprise_id)
        .join(Project, Project.id == ProjectParticipant.project_id)
        .where(principal.region_clause(Project.region_code))
    )
    registered = select(Enterprise.id).where(principal.region_clause(Enterprise.region_code))  # type: ignore[arg-type]
    return or_(column.in_(contracting), column.in_(taking_part), column.in_(registered))


def _score_view(score: RiskScore, name: str | None = None) -> dict[str, Any]:
    return {
        "enterprise_id": score.enterprise_id,
        "enterprise_name": name,
        "as_of": score.as_of,
        "region_code": score.region_code,
        "scorecard_version": score.scorecard_version,
        "model_version": score.model_version,
        "total": score.total,
        "grade": score.grade,
        "band": score.band,
        "probability": score.probability,
    }


VISIT_ORDER = (RiskScore.probability.desc().nulls_last(), RiskScore.total.desc(), RiskScore.enterprise_id)
"""The inspection list's order: the learned model's probability where it scored the date (it targets
visits better, docs/risk.md), then the scorecard's total, then id."""


def latest_score(session: Session, principal: Principal, enterprise_id: int) -> dict[str, Any] | None:
    """The enterprise's latest score with every factor (value, points, words zh/en) and its top three
    reasons; ``None`` when it has none or ``principal`` may not see it."""
    score = session.scalar(
        select(RiskScore)
        .where(
            RiskScore.enterprise_id == enterprise_id, enterprise_clause(principal, RiskScore.enterprise_id)
        )
        .order_by(RiskScore.as_of.desc())
        .limit(1)
    )
    if score is None:
        return None
    factors = [
        {
            **f,
            "zh": reason_text(f["factor"], f["value"], f["points"], "zh"),
            "en": reason_text(f["factor"], f["value"], f["points"], "en"),
        }
        for f in score.factors
    ]
    return {**_score_view(score), "factors": factors, "reasons": top_reasons(score.factors)}


def score_history(session: Session, principal: Principal, enterprise_id: int) -> list[dict[str, Any]]:
    """The enterprise's scores, oldest first (date, total, grade, band, version); empty when unseen."""
    rows = session.scalars(
        select(RiskScore)
        .where(
            RiskScore.enterprise_id == enterprise_id, enterprise_clause(principal, RiskScore.enterprise_id)
        )
        .order_by(RiskScore.as_of)
    )
    return [_score_view(r) for r in rows]


def band_changes(session: Session, principal: Principal, enterprise_id: int) -> list[dict[str, Any]]:
    """The enterprise's band worsenings, oldest first; empty when unseen."""
    rows = session.scalars(
        select(RiskBandChange)
        .where(
            RiskBandChange.enterprise_id == enterprise_id,
            enterprise_clause(principal, RiskBandChange.enterprise_id),
        )
        .order_by(RiskBandChange.as_of)
    )
    return [
        {
            "as_of": r.as_of,
            "previous_as_of": r.previous_as_of,
            "from_band": r.from_band,
            "to_band": r.to_band,
            "from_grade": r.from_grade,
            "to_grade": r.to_grade,
            "total": r.total,
        }
        for r in rows
    ]


def visit_list(
    session: Session, principal: Principal, *, as_of: date | None = None, limit: int = 50
) -> list[dict[str, Any]]:
    """ "Whom to visit this week": the enterprises ``principal`` may see, scored on the latest date by
    ``as_of`` (default: the latest), worst first (``VISIT_ORDER``), each with its top three reasons in words.
    Enterprise users see only themselves (one row at most); banks nothing."""
    latest = select(func.max(RiskScore.as_of))
    if as_of is not None:
        latest = latest.where(RiskScore.as_of <= as_of)
    day = session.scalar(latest)
    if day is None:
        return []
    rows = session.execute(
        select(RiskScore, Enterprise.name)
        .join(Enterprise, Enterprise.id == RiskScore.enterprise_id)
        .where(RiskScore.as_of == day, enterprise_clause(principal, RiskScore.enterprise_id))
        .order_by(*VISIT_ORDER)
        .limit(limit)
    ).all()
    return [
        {**_score_view(score, name), "rank": i, "reasons": top_reasons(score.factors)}
        for i, (score, name) in enumerate(rows, start=1)
    ]
