"""Tables of the external risk feeds (migration 0007, branch ``risk``).

Each feed stores one snapshot per subject, replaced whole when a file brings different content for it:
a project's contract with its progress payments (``risk_contracts`` + ``risk_contract_payments``), an
enterprise's tax year (``risk_tax_years``), an enterprise's registration profile with its credit records
(``risk_registrations`` + ``risk_credit_events``). ``content_sha256`` is the hash of the subject's records as
parsed, so a resent file is recognised and changes nothing; ``as_of`` is the data date the feed gave
(``asOfDate``; NULL when it gave none). Money is integer fen.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from wageguard.db import Base, utcnow


class RiskContract(Base):
    """A project's construction contract (发包合同) as the contracting feed gives it: owner and value."""

    __tablename__ = "risk_contracts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), unique=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"), index=True)
    region_code: Mapped[str] = mapped_column(String(6), index=True)
    contract_fen: Mapped[int] = mapped_column(BigInteger)
    signed_date: Mapped[date | None] = mapped_column(Date)
    as_of: Mapped[date | None] = mapped_column(Date)
    content_sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class RiskContractPayment(Base):
    """One progress payment (进度款) of a contract: scheduled date and amount, and what was paid when."""

    __tablename__ = "risk_contract_payments"
    __table_args__ = (UniqueConstraint("contract_id", "stage"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("risk_contracts.id"))
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    stage: Mapped[str] = mapped_column(String(32))
    due_date: Mapped[date] = mapped_column(Date)
    due_fen: Mapped[int] = mapped_column(BigInteger)
    paid_date: Mapped[date | None] = mapped_column(Date)
    paid_fen: Mapped[int | None] = mapped_column(BigInteger)


class RiskTaxYear(Base):
    """An enterprise's tax year: credit rating (纳税信用等级), arrears (欠税) and revenue per quarter."""

    __tablename__ = "risk_tax_years"
    __table_args__ = (UniqueConstraint("enterprise_id", "tax_year"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"))
    tax_year: Mapped[int] = mapped_column(Integer)
    rating: Mapped[str] = mapped_column(String(1))
    arrears_fen: Mapped[int] = mapped_column(BigInteger)
    revenue_q1_fen: Mapped[int | None] = mapped_column(BigInteger)
    revenue_q2_fen: Mapped[int | None] = mapped_column(BigInteger)
    revenue_q3_fen: Mapped[int | None] = mapped_column(BigInteger)
    revenue_q4_fen: Mapped[int | None] = mapped_column(BigInteger)
    as_of: Mapped[date | None] = mapped_column(Date)
    content_sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class RiskRegistration(Base):
    """An enterprise's registration profile (市场监管登记) as the feed last gave it; the anchor of its
    credit records."""

    __tablename__ = "risk_registrations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"), unique=True)
    establish_date: Mapped[date | None] = mapped_column(Date)
    reg_capital_fen: Mapped[int | None] = mapped_column(BigInteger)
    paid_in_capital_fen: Mapped[int | None] = mapped_column(BigInteger)
    as_of: Mapped[date | None] = mapped_column(Date)
    content_sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class RiskCreditEvent(Base):
    """One credit record of an enterprise: a change of legal representative, an abnormal-operation listing,
    a dishonest-debtor listing, an administrative penalty or a social-insurance arrears figure (``kind``,
    ``risk/choices.py``). ``event_date`` is the change, listing, decision or as-of date; ``end_date`` the
    removal from a list."""

    __tablename__ = "risk_credit_events"
    __table_args__ = (Index("ix_risk_credit_events_enterprise_kind", "enterprise_id", "kind"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"))
    kind: Mapped[str] = mapped_column(String(16))
    event_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    amount_fen: Mapped[int | None] = mapped_column(BigInteger)
    authority: Mapped[str | None] = mapped_column(String(100))
    name: Mapped[str | None] = mapped_column(String(64))
    reference: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str | None] = mapped_column(String(200))


class RiskScore(Base):
    """One enterprise's score on one data date (``as_of``, migration 0007b): the scorecard version (and,
    once one is trained, the model version) that produced it, the total, grade (A–D) and colour band, and
    every factor's value and points (``factors``: a list of ``{"factor", "value", "points"}``, worst
    first; with ``"contribution"``, the model's log-odds, and ``probability`` set where a learned model
    scored the date, migration 0007c). Scoring the same date again replaces that date's rows; earlier
    dates are kept as history."""

    __tablename__ = "risk_scores"
    __table_args__ = (
        UniqueConstraint("enterprise_id", "as_of"),
        Index("ix_risk_scores_as_of_band", "as_of", "band"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"))
    as_of: Mapped[date] = mapped_column(Date)
    region_code: Mapped[str] = mapped_column(String(6))
    scorecard_version: Mapped[str] = mapped_column(String(64))
    model_version: Mapped[str | None] = mapped_column(String(64))
    total: Mapped[int] = mapped_column(Integer)
    grade: Mapped[str] = mapped_column(String(1))
    band: Mapped[str] = mapped_column(String(8))
    factors: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    probability: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class RiskBandChange(Base):
    """An enterprise's band got worse between its previous scored date (``previous_as_of``) and ``as_of``
    (e.g. yellow → red); written by ``risk score``, replaced with that date's scores."""

    __tablename__ = "risk_band_changes"
    __table_args__ = (
        UniqueConstraint("enterprise_id", "as_of"),
        Index("ix_risk_band_changes_as_of", "as_of"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"))
    as_of: Mapped[date] = mapped_column(Date)
    previous_as_of: Mapped[date] = mapped_column(Date)
    from_grade: Mapped[str] = mapped_column(String(1))
    to_grade: Mapped[str] = mapped_column(String(1))
    from_band: Mapped[str] = mapped_column(String(8))
    to_band: Mapped[str] = mapped_column(String(8))
    total: Mapped[int] = mapped_column(Integer)
    region_code: Mapped[str] = mapped_column(String(6))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class RiskScorecardOverride(Base):
    """A region's changes to the default scorecard (``risk/scorecard.py``): a partial definition (factor
    weights, points, grade cut-offs) and its own ``version``; a county's beats its prefecture's, which
    beats the province's. The effective version names every override applied."""

    __tablename__ = "risk_scorecard_overrides"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    region_code: Mapped[str] = mapped_column(String(6), unique=True)
    version: Mapped[str] = mapped_column(String(32))
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)
    note: Mapped[str | None] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
