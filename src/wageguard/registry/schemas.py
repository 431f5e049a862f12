"""Pydantic shapes of the registry's read side: query filters in, masked records out.

No schema here carries a clear ID, bank-card or phone number or a home address except ``WorkerRevealOut``
and ``ProjectContactsOut``, which only the audited reveal use cases build.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from wageguard.bounds import Offset, RowId

T = TypeVar("T")


def _region_field() -> Any:
    return Field(default=None, pattern=r"^\d{2}(\d{2}){0,2}$", description="GB/T 2260 code or its prefix")


# ---------------------------------------------------------------- filters (query parameters)


class PageQuery(BaseModel):
    """Pagination: ``limit`` rows from ``offset``; the largest limit is ``api_page_size_max``."""

    limit: int = Field(default=50, ge=1, description="rows per page (at most api_page_size_max)")
    offset: Offset = 0


class EnterpriseFilters(PageQuery):
    region: str | None = _region_field()
    q: str | None = Field(default=None, max_length=100, description="name or credit code contains")
    project_id: RowId | None = Field(default=None, description="takes part in this project")


class ProjectFilters(PageQuery):
    region: str | None = _region_field()
    status: str | None = Field(default=None, max_length=4)
    category: str | None = Field(default=None, max_length=4)
    enterprise_id: RowId | None = Field(default=None, description="projects this enterprise takes part in")
    q: str | None = Field(default=None, max_length=100, description="name or project code contains")


class TeamFilters(PageQuery):
    region: str | None = _region_field()
    project_id: RowId | None = None
    enterprise_id: RowId | None = None
    q: str | None = Field(default=None, max_length=100, description="team name contains")


class WorkerFilters(PageQuery):
    region: str | None = _region_field()
    project_id: RowId | None = None
    team_id: RowId | None = None
    enterprise_id: RowId | None = None
    work_type: str | None = Field(default=None, max_length=4, description="工种 code")
    q: str | None = Field(default=None, max_length=64, description="name contains")
    id_number: str | None = Field(
        default=None, max_length=32, description="exact ID number, matched through the blind index"
    )


# ---------------------------------------------------------------- records out


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


class Orm(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class RegionNode(Orm):
    code: str
    name: str
    level: str
    parent_code: str | None
    project_count: int = 0
    children: list[RegionNode] = []


class EnterpriseOut(Orm):
    id: int
    corp_code: str
    name: str
    corp_type: str | None
    legal_man: str | None
    reg_capital_fen: int | None
    establish_date: date | None
    region_code: str | None
    address: str | None


class EnterpriseRole(BaseModel):
    project_id: int
    project_name: str
    corp_type: str
    corp_type_name: str


class EnterpriseDetail(EnterpriseOut):
    projects: list[EnterpriseRole]


class ProjectOut(Orm):
    id: int
    project_code: str
    name: str
    category: str | None
    category_name: str | None
    status: str
    status_name: str | None
    region_code: str
    region_name: str | None
    address: str | None
    invest_fen: int | None
    start_date: date | None
    complete_date: date | None
    pay_day: int
    grace_days: int
    worker_count: int


class ParticipantOut(BaseModel):
    enterprise_id: int
    enterprise_name: str
    corp_code: str
    corp_type: str
    corp_type_name: str
    entry_date: date | None
    exit_date: date | None
    pm_name: str | None
    pm_id_masked: str | None
    pm_phone_masked: str | None


class TeamOut(BaseModel):
    id: int
    team_sys_no: str
    name: str
    project_id: int
    project_name: str
    enterprise_id: int
    enterprise_name: str
    leader_name: str | None
    leader_id_masked: str | None
    leader_phone_masked: str | None
    entry_date: date | None
    exit_date: date | None
    worker_count: int


class ProjectDetail(ProjectOut):
    description: str | None
    lng: float | None
    lat: float | None
    link_man: str | None
    link_phone_masked: str | None
    builder_license: str | None
    contract_signed_date: date | None
    labour_officer_name: str | None
    labour_officer_phone_masked: str | None
    notice_board_date: date | None
    active_worker_count: int
    participants: list[ParticipantOut]
    teams: list[TeamOut]


class WorkerOut(BaseModel):
    id: int
    name: str
    id_card_type: str
    id_masked: str
    gender: str | None
    phone_masked: str | None
    card_masked: str | None
    bank_name: str | None


class EngagementOut(BaseModel):
    """A worker on a project (项目工人): team, 工种, role, entry and exit, and the masked phone, home address
    and payroll card recorded on this engagement."""

    project_worker_id: int
    project_id: int
    project_name: str
    worker_id: int
    worker_name: str
    id_masked: str
    team_id: int | None
    team_name: str | None
    enterprise_id: int | None
    work_type: str | None
    work_type_name: str | None
    work_role: str | None
    is_team_leader: bool
    entry_date: date | None
    exit_date: date | None
    phone_masked: str | None = None
    address_masked: str | None = None
    card_masked: str | None = None


class ContractOut(BaseModel):
    project_id: int
    enterprise_id: int
    period_type: str
    start_date: date
    end_date: date | None
    wage_basis: str | None
    rate_fen: int | None


class CardOut(BaseModel):
    card_masked: str
    bank_name: str | None
    is_current: bool


class WorkerDetail(WorkerOut):
    nation: str | None
    engagements: list[EngagementOut]
    contracts: list[ContractOut]
    cards: list[CardOut]


class CountySummary(BaseModel):
    code: str
    name: str
    project_count: int
    worker_count: int
    active_worker_count: int


class RevealIn(BaseModel):
    """Why the clear values are needed: recorded in the audit entry, so blank or one-letter reasons are
    refused (surrounding spaces are dropped before counting)."""

    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=500)] = Field(
        description="why the clear numbers are needed (audited)"
    )


class WorkerRevealOut(BaseModel):
    """Clear personal data of one worker; every one of these is written to the audit log. Card, phone and
    address are those of the newest engagement the caller may see that records them."""

    worker_id: int
    name: str
    id_number: str
    card_number: str | None
    bank_name: str | None
    phone: str | None = None
    address: str | None = None


class ParticipantContact(BaseModel):
    enterprise_id: int
    enterprise_name: str
    corp_type: str
    pm_name: str | None
    pm_phone: str | None


class TeamContact(BaseModel):
    team_id: int
    name: str
    leader_name: str | None
    leader_phone: str | None


class ProjectContactsOut(BaseModel):
    """Clear phones of a project's contact, labour officer, project managers and team leaders (audited)."""

    project_id: int
    link_man: str | None
    link_phone: str | None
    labour_officer_name: str | None
    labour_officer_phone: str | None
    participants: list[ParticipantContact]
    teams: list[TeamContact]
