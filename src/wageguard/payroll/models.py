"""Tables of the money slice.

Account and card numbers are stored as ``*_enc`` (AES-GCM) + ``*_bidx`` (blind index) + ``*_masked``.
Money is integer fen. Big tables (pay sheet lines, bank payments) carry ``project_id`` and ``region_code``.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from wageguard.db import Base, utcnow


class WageAccount(Base):
    """A special wage account (农民工工资专用账户) or, in Guizhou's model, a virtual sub-account of the GC's
    one real account: the sub-account names the project and ``parent_account_id`` the real account."""

    __tablename__ = "wage_accounts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id"), index=True)
    parent_account_id: Mapped[int | None] = mapped_column(ForeignKey("wage_accounts.id"), index=True)
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprises.id"))
    region_code: Mapped[str] = mapped_column(String(6), index=True)
    bank_code: Mapped[str | None] = mapped_column(String(8))
    bank_name: Mapped[str | None] = mapped_column(String(100))
    account_name: Mapped[str | None] = mapped_column(String(200))
    account_enc: Mapped[bytes] = mapped_column(LargeBinary)
    account_bidx: Mapped[str] = mapped_column(String(32), unique=True)
    account_masked: Mapped[str] = mapped_column(String(40))
    is_virtual: Mapped[bool] = mapped_column(Boolean, default=False)
    opened_date: Mapped[date | None] = mapped_column(Date)
    tripartite_date: Mapped[date | None] = mapped_column(Date)
    closed_date: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class AccountBalance(Base):
    """A balance of a wage account as the bank reported it on a day."""

    __tablename__ = "wage_account_balances"
    __table_args__ = (UniqueConstraint("account_id", "as_of"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("wage_accounts.id"))
    as_of: Mapped[date] = mapped_column(Date)
    balance_fen: Mapped[int] = mapped_column(BigInteger)
    source: Mapped[str] = mapped_column(String(16), default="bank")


class MoneyTerms(Base):
    """A project's agreed labour-cost share of progress payments, payment cycle and deposit ratio.

    Ratios are basis points (2000 = 20%)."""

    __tablename__ = "project_money_terms"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), unique=True)
    labour_cost_ratio_bp: Mapped[int | None] = mapped_column(Integer)
    payment_cycle_days: Mapped[int] = mapped_column(Integer, default=30)
    deposit_ratio_bp: Mapped[int | None] = mapped_column(Integer)
    contract_value_fen: Mapped[int | None] = mapped_column(BigInteger)


class LabourCostInflow(Base):
    """A labour-cost transfer (人工费用拨付) from the owner into a wage account."""

    __tablename__ = "labour_cost_inflows"
    __table_args__ = (
        UniqueConstraint("account_id", "natural_key"),
        Index("ix_labour_cost_inflows_project_date", "project_id", "value_date"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("wage_accounts.id"))
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id"))
    region_code: Mapped[str] = mapped_column(String(6))
    payer_name: Mapped[str | None] = mapped_column(String(200))
    payer_enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprises.id"))
    value_date: Mapped[date] = mapped_column(Date)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    progress_ref: Mapped[str | None] = mapped_column(String(64))
    progress_amount_fen: Mapped[int | None] = mapped_column(BigInteger)
    bank_reference: Mapped[str | None] = mapped_column(String(64))
    natural_key: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class WageDeposit(Base):
    """A wage guarantee deposit (工资保证金): cash or a bank guarantee letter."""

    __tablename__ = "wage_deposits"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprises.id"))
    region_code: Mapped[str] = mapped_column(String(6), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    deposit_date: Mapped[date] = mapped_column(Date)
    required_ratio_bp: Mapped[int | None] = mapped_column(Integer)
    bank_name: Mapped[str | None] = mapped_column(String(100))
    letter_no: Mapped[str | None] = mapped_column(String(64))
    expiry_date: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class DepositMovement(Base):
    """A use of a deposit (to pay arrears) or a top-up restoring it."""

    __tablename__ = "wage_deposit_movements"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    deposit_id: Mapped[int] = mapped_column(ForeignKey("wage_deposits.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    movement_date: Mapped[date] = mapped_column(Date)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str | None] = mapped_column(String(300))


class PaySheet(Base):
    """One version of a team's monthly pay sheet (工资单); a correction supersedes the current version."""

    __tablename__ = "pay_sheets"
    __table_args__ = (
        UniqueConstraint("project_id", "team_id", "pay_month", "version"),
        Index("ix_pay_sheets_project_month", "project_id", "pay_month", "is_current"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprises.id"))
    region_code: Mapped[str] = mapped_column(String(6), index=True)
    pay_month: Mapped[str] = mapped_column(String(7))
    version: Mapped[int] = mapped_column(Integer, default=1)
    is_current: Mapped[bool] = mapped_column(Boolean, default=True)
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("pay_sheets.id"))
    content_sha256: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(8))
    submitted_by: Mapped[str] = mapped_column(String(64))
    submitted_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    line_count: Mapped[int] = mapped_column(Integer, default=0)
    gross_total_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    net_total_fen: Mapped[int] = mapped_column(BigInteger, default=0)


class PaySheetLine(Base):
    """One worker's line of a pay sheet: days, hours, gross (应发), net (实发), payee card, pay date."""

    __tablename__ = "pay_sheet_lines"
    __table_args__ = (
        Index("ix_pay_sheet_lines_card", "card_bidx"),
        Index("ix_pay_sheet_lines_project_month", "project_id", "pay_month"),
        Index("ix_pay_sheet_lines_sheet", "sheet_id"),
        Index("ix_pay_sheet_lines_worker", "worker_id"),
        Index("ix_pay_sheet_lines_month", "pay_month"),  # the monitoring engine's month read (0003b)
        Index("ix_pay_sheet_lines_third_ref", "third_ref"),  # matching by reference (0003c)
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sheet_id: Mapped[int] = mapped_column(ForeignKey("pay_sheets.id"))
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))
    region_code: Mapped[str] = mapped_column(String(6))
    pay_month: Mapped[str] = mapped_column(String(7))
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"))
    days: Mapped[float | None] = mapped_column(Float)
    work_hours: Mapped[float | None] = mapped_column(Float)
    card_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    card_bidx: Mapped[str | None] = mapped_column(String(32))
    card_masked: Mapped[str | None] = mapped_column(String(32))
    bank_code: Mapped[str | None] = mapped_column(String(8))
    bank_name: Mapped[str | None] = mapped_column(String(100))
    gross_fen: Mapped[int] = mapped_column(BigInteger)
    net_fen: Mapped[int] = mapped_column(BigInteger)
    is_back_pay: Mapped[bool] = mapped_column(Boolean, default=False)
    balance_date: Mapped[date | None] = mapped_column(Date)
    third_ref: Mapped[str | None] = mapped_column(String(64))


class BankPayment(Base):
    """One payroll transfer reported by a bank (代发流水), with its match to a worker and the key that
    matched it (``match_key``: ``reference``, ``line_card``, ``card``, ``name``; None when unknown).

    ``natural_key`` is ``r:<bank reference>`` or ``k:<card bidx>:<amount>:<date>:<sequence>``; it is unique
    per account, so re-imported files and overlapping statements add nothing twice."""

    __tablename__ = "bank_payments"
    __table_args__ = (
        UniqueConstraint("natural_key", "account_id"),
        Index("ix_bank_payments_project_month", "project_id", "pay_month"),
        Index("ix_bank_payments_card_month", "payee_card_bidx", "pay_month"),
        Index("ix_bank_payments_worker_month", "worker_id", "pay_month"),
        Index("ix_bank_payments_month", "pay_month"),  # the monitoring engine's month reads (0003b)
        Index(  # the risk features' history read (0003e): covering, in the order it groups by
            "ix_bank_payments_month_history", "pay_month", "project_id", "status", "value_date", "outcome"
        ),
        Index(  # the bank's failed and returned payments (0003d): failures are rare, so only they are held
            "ix_bank_payments_failed",
            "account_id",
            "value_date",
            sqlite_where=text("status IN ('failed', 'returned')"),
            postgresql_where=text("status IN ('failed', 'returned')"),
        ),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("wage_accounts.id"))
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id"))
    region_code: Mapped[str] = mapped_column(String(6))
    import_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))
    natural_key: Mapped[str] = mapped_column(String(96))
    bank_reference: Mapped[str | None] = mapped_column(String(64))
    payee_name: Mapped[str] = mapped_column(String(64))
    payee_card_enc: Mapped[bytes] = mapped_column(LargeBinary)
    payee_card_bidx: Mapped[str] = mapped_column(String(32))
    payee_card_masked: Mapped[str] = mapped_column(String(32))
    payee_bank: Mapped[str | None] = mapped_column(String(100))
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    value_date: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12))
    failure_reason: Mapped[str | None] = mapped_column(String(200))
    remark: Mapped[str | None] = mapped_column(String(200))
    pay_month: Mapped[str] = mapped_column(String(7))
    month_source: Mapped[str] = mapped_column(String(12))
    outcome: Mapped[str] = mapped_column(String(16))
    worker_id: Mapped[int | None] = mapped_column(ForeignKey("workers.id"))
    pay_sheet_line_id: Mapped[int | None] = mapped_column(ForeignKey("pay_sheet_lines.id"))
    line_ref: Mapped[str | None] = mapped_column(String(200))  # the payer's reference (EndToEndId …) (0003c)
    match_key: Mapped[str | None] = mapped_column(String(12))  # reference / line_card / card / name (0003c)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
