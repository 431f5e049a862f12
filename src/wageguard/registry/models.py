"""Tables of the real-name registry.

Personal data (ID and bank-card numbers, phones, home addresses) is never stored in clear: ``*_enc`` holds
AES-GCM ciphertext, ``*_bidx`` the blind index used for lookup and uniqueness, ``*_masked`` the display form.
Columns named ``legacy_*`` hold clear values written before migration 0001b; nothing reads or writes them
except ``wageguard registry encrypt-personal-data``, which moves them into the encrypted columns and empties
them (docs/formats.md, "Personal data").

Who owns what (docs/formats.md, "Shared people"): a ``Worker`` row is the person's identity (name, document,
gender, birth date, nation), owned by the enterprise that first registered them (``registered_by``; ``None``
= registered by the platform). Everything an enterprise records about engaging the person (team, 工种,
dates, phone, home address, payroll card) lives on the ``ProjectWorker`` row of that project, so one
enterprise's import never changes what another recorded. ``BankCard`` rows are the person's registered
cards (payment matching); ``is_current`` is the platform-wide current card, moved only by admins and the
owner.
Big tables carry ``region_code`` / ``project_id`` so they can later be partitioned by them.
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
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from wageguard.db import Base, utcnow


class Region(Base):
    """A GB/T 2260 administrative region (province, prefecture or county)."""

    __tablename__ = "regions"
    code: Mapped[str] = mapped_column(String(6), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    level: Mapped[str] = mapped_column(String(16))
    parent_code: Mapped[str | None] = mapped_column(String(6), ForeignKey("regions.code"), index=True)
    min_wage_tier: Mapped[int | None] = mapped_column(Integer)


class Enterprise(Base):
    """An enterprise identified by its unified social credit code (统一社会信用代码)."""

    __tablename__ = "enterprises"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    corp_code: Mapped[str] = mapped_column(String(18), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    corp_type: Mapped[str | None] = mapped_column(String(8))
    legal_man: Mapped[str | None] = mapped_column(String(64))
    reg_capital_fen: Mapped[int | None] = mapped_column(BigInteger)
    establish_date: Mapped[date | None] = mapped_column(Date)
    region_code: Mapped[str | None] = mapped_column(String(6), ForeignKey("regions.code"), index=True)
    address: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class Project(Base):
    """A construction project (national standard's ProjectMaster plus pay day and grace days)."""

    __tablename__ = "projects"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    category: Mapped[str | None] = mapped_column(String(4))
    contractor_id: Mapped[int | None] = mapped_column(ForeignKey("enterprises.id"), index=True)
    build_corp_id: Mapped[int | None] = mapped_column(ForeignKey("enterprises.id"), index=True)
    region_code: Mapped[str] = mapped_column(String(6), ForeignKey("regions.code"), index=True)
    address: Mapped[str | None] = mapped_column(String(300))
    lng: Mapped[float | None] = mapped_column(Float)
    lat: Mapped[float | None] = mapped_column(Float)
    invest_fen: Mapped[int | None] = mapped_column(BigInteger)
    start_date: Mapped[date | None] = mapped_column(Date)
    complete_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(4), default="003")
    link_man: Mapped[str | None] = mapped_column(String(64))
    link_phone_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    link_phone_masked: Mapped[str | None] = mapped_column(String(32))
    legacy_link_phone: Mapped[str | None] = mapped_column("link_phone", String(32), deferred=True)
    builder_license: Mapped[str | None] = mapped_column(String(64))
    pay_day: Mapped[int] = mapped_column(Integer, default=15)
    grace_days: Mapped[int] = mapped_column(Integer, default=4)
    contract_signed_date: Mapped[date | None] = mapped_column(Date)
    labour_officer_name: Mapped[str | None] = mapped_column(String(64))
    labour_officer_phone_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    labour_officer_phone_masked: Mapped[str | None] = mapped_column(String(32))
    legacy_labour_officer_phone: Mapped[str | None] = mapped_column(
        "labour_officer_phone", String(32), deferred=True
    )
    notice_board_date: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class ProjectParticipant(Base):
    """An enterprise taking part in a project under a national ``corpType`` (参建单位)."""

    __tablename__ = "project_participants"
    __table_args__ = (UniqueConstraint("project_id", "enterprise_id", "corp_type"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"), index=True)
    corp_type: Mapped[str] = mapped_column(String(4))
    entry_date: Mapped[date | None] = mapped_column(Date)
    exit_date: Mapped[date | None] = mapped_column(Date)
    pm_name: Mapped[str | None] = mapped_column(String(64))
    pm_id_card_type: Mapped[str | None] = mapped_column(String(4))
    pm_id_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    pm_id_bidx: Mapped[str | None] = mapped_column(String(32))
    pm_id_masked: Mapped[str | None] = mapped_column(String(32))
    pm_phone_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    pm_phone_masked: Mapped[str | None] = mapped_column(String(32))
    legacy_pm_phone: Mapped[str | None] = mapped_column("pm_phone", String(32), deferred=True)


class Team(Base):
    """A team (班组) of one enterprise on one project, with its leader."""

    __tablename__ = "teams"
    __table_args__ = (UniqueConstraint("project_id", "enterprise_id", "name"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_sys_no: Mapped[str] = mapped_column(String(32), unique=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    leader_name: Mapped[str | None] = mapped_column(String(64))
    leader_phone_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    leader_phone_masked: Mapped[str | None] = mapped_column(String(32))
    legacy_leader_phone: Mapped[str | None] = mapped_column("leader_phone", String(32), deferred=True)
    leader_id_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    leader_id_bidx: Mapped[str | None] = mapped_column(String(32), index=True)
    leader_id_masked: Mapped[str | None] = mapped_column(String(32))
    entry_date: Mapped[date | None] = mapped_column(Date)
    exit_date: Mapped[date | None] = mapped_column(Date)


class Worker(Base):
    """A person registered by real name; one row per ID number (blind-indexed); identity fields only."""

    __tablename__ = "workers"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    id_card_type: Mapped[str] = mapped_column(String(4), default="01")
    id_enc: Mapped[bytes] = mapped_column(LargeBinary)
    id_bidx: Mapped[str] = mapped_column(String(32), unique=True)
    id_masked: Mapped[str] = mapped_column(String(32))
    gender: Mapped[str | None] = mapped_column(String(1))
    birth_date: Mapped[date | None] = mapped_column(Date)
    nation: Mapped[str | None] = mapped_column(String(32))
    registered_by: Mapped[int | None] = mapped_column(Integer)  # enterprises.id; no FK (see migration 0001b)
    legacy_phone: Mapped[str | None] = mapped_column("phone", String(32), deferred=True)
    legacy_address: Mapped[str | None] = mapped_column("address", String(300), deferred=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class ProjectWorker(Base):
    """A worker's engagement on a project: team, 工种 code, role, entry and exit, and what the engaging
    enterprise recorded: phone, home address and payroll card (``card_bidx`` names one of the worker's
    ``BankCard`` rows)."""

    __tablename__ = "project_workers"
    __table_args__ = (
        UniqueConstraint("project_id", "worker_id"),
        Index("ix_project_workers_worker", "worker_id"),
        Index("ix_project_workers_team", "team_id"),
        Index("ix_project_workers_project_exit", "project_id", "exit_date"),  # head-counts (0001d)
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprises.id"))
    region_code: Mapped[str] = mapped_column(String(6))
    work_type: Mapped[str | None] = mapped_column(String(4))
    work_role: Mapped[str | None] = mapped_column(String(4))
    is_team_leader: Mapped[bool] = mapped_column(Boolean, default=False)
    has_insurance: Mapped[bool | None] = mapped_column(Boolean)
    entry_date: Mapped[date | None] = mapped_column(Date)
    exit_date: Mapped[date | None] = mapped_column(Date)
    phone_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    phone_masked: Mapped[str | None] = mapped_column(String(32))
    address_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    address_masked: Mapped[str | None] = mapped_column(String(32))
    card_bidx: Mapped[str | None] = mapped_column(String(32))


class WorkerEntryExit(Base):
    """One entry (进场, type 1) or exit (退场, type 0) of a worker on a project."""

    __tablename__ = "worker_entry_exits"
    __table_args__ = (UniqueConstraint("project_worker_id", "date", "type"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_worker_id: Mapped[int] = mapped_column(ForeignKey("project_workers.id"))
    date: Mapped[date] = mapped_column(Date)
    type: Mapped[str] = mapped_column(String(1))


class LabourContract(Base):
    """A labour contract: period type, wage basis (daily / monthly / piece) and rate in fen."""

    __tablename__ = "labour_contracts"
    __table_args__ = (UniqueConstraint("project_id", "worker_id", "enterprise_id", "start_date"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"), index=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"))
    period_type: Mapped[str] = mapped_column(String(1))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    wage_basis: Mapped[str | None] = mapped_column(String(16))
    rate_fen: Mapped[int | None] = mapped_column(BigInteger)
    unit: Mapped[str | None] = mapped_column(String(4))
    unit_price_fen: Mapped[int | None] = mapped_column(BigInteger)


class BankCard(Base):
    """A worker's registered bank card (工资卡); ``is_current`` marks the platform-wide current one."""

    __tablename__ = "bank_cards"
    __table_args__ = (UniqueConstraint("worker_id", "card_bidx"), Index("ix_bank_cards_bidx", "card_bidx"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"))
    card_enc: Mapped[bytes] = mapped_column(LargeBinary)
    card_bidx: Mapped[str] = mapped_column(String(32))
    card_masked: Mapped[str] = mapped_column(String(32))
    bank_name: Mapped[str | None] = mapped_column(String(100))
    top_bank_code: Mapped[str | None] = mapped_column(String(8))
    is_current: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
