"""Who is asking, and which rows they may see.

Admins see everything; an inspector sees the region they are assigned to and everything under it
(GB/T 2260 codes nest by prefix: 52 province, 5206 prefecture, 520602 county); an enterprise user sees
the projects their enterprise takes part in; banks and devices see no registry rows through the read API.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, false, select, true
from sqlalchemy.orm import InstrumentedAttribute

from wageguard.registry.choices import Role
from wageguard.registry.models import ProjectParticipant


def region_prefix(code: str) -> str:
    """The code prefix shared by a region and everything under it."""
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code


@dataclass(frozen=True)
class Principal:
    """The authenticated caller of one request or command."""

    user_id: int | None
    username: str
    role: Role
    region_code: str | None = None
    enterprise_id: int | None = None
    bank_code: str | None = None

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    def covers_region(self, region_code: str | None) -> bool:
        """Whether a row located in ``region_code`` is inside this caller's region."""
        if self.role is Role.ADMIN:
            return True
        if self.role is not Role.INSPECTOR or not self.region_code or not region_code:
            return False
        return region_code.startswith(region_prefix(self.region_code))

    def region_clause(self, column: InstrumentedAttribute[str]) -> ColumnElement[bool]:
        """SQL condition restricting a region-coded column to this caller's region."""
        if self.role is Role.ADMIN:
            return true()
        if self.role is Role.INSPECTOR and self.region_code:
            return column.startswith(region_prefix(self.region_code))
        return false()

    def project_clause(
        self, project_id: InstrumentedAttribute[int], region_code: InstrumentedAttribute[str]
    ) -> ColumnElement[bool]:
        """SQL condition restricting rows of projects to those this caller may see."""
        if self.role is Role.ENTERPRISE and self.enterprise_id is not None:
            mine = select(ProjectParticipant.project_id).where(
                ProjectParticipant.enterprise_id == self.enterprise_id
            )
            return project_id.in_(mine)
        return self.region_clause(region_code)


SYSTEM = Principal(user_id=None, username="system", role=Role.ADMIN)
