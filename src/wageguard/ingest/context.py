"""State of one running import: the connection, caches of referenced ids, problems and counts."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from wageguard.auth import policy
from wageguard.auth.scope import Principal
from wageguard.errors import Problem
from wageguard.ingest.report import ImportReport
from wageguard.registry.choices import Role
from wageguard.registry.models import Enterprise, Project, Region, Team, Worker
from wageguard.registry.personal import Sealer, sealers
from wageguard.registry.service import ids_by
from wageguard.security.crypto import Protector
from wageguard.validation import Notice


@dataclass(frozen=True)
class ProjectRef:
    id: int
    region_code: str


@dataclass(frozen=True)
class PersonRef:
    """A stored person as the identity check needs them."""

    id: int
    name: str
    registered_by: int | None


@dataclass(frozen=True)
class AuditEvent:
    """An audit entry owed by an import, written with its batch record (``always``, or if stored)."""

    action: str
    subject_type: str
    subject_id: int | str | None
    detail: dict[str, Any]
    always: bool = False


@dataclass(frozen=True)
class TeamRef:
    id: int
    sys_no: str
    project_id: int
    enterprise_id: int
    name: str


NOT_YOUR_PROJECT = Notice("scope.not_your_project", "不是本企业参建的项目，无权导入", "not your project")
NOT_YOUR_ENTERPRISE = Notice("scope.not_your_enterprise", "不能修改其他企业的信息", "not your enterprise")
PROJECT_MISSING = Notice("ref.project_missing", "项目未登记", "project is not registered")
CORP_MISSING = Notice("ref.enterprise_missing", "企业未登记", "enterprise is not registered")
TEAM_MISSING = Notice("ref.team_missing", "班组未登记", "team is not registered")
REGION_UNKNOWN = Notice("ref.region_unknown", "行政区划代码未知", "unknown region code")
REGION_LOCKED = Notice(
    "scope.region_locked",
    "项目所在区县不能由企业修改（请联系主管部门）",
    "an enterprise cannot change a project's region (ask the authority)",
)
IDENTITY_MISMATCH = Notice(
    "identity.name_mismatch", "身份证号已登记为其他姓名", "ID number registered under another name"
)
"""The precise reason, for admins and the audit log."""
IDENTITY_UNVERIFIED = Notice(
    "identity.unverified",
    "姓名与证件号码未能核验一致，请核对后重新导入",
    "the name and ID number could not be verified together; check both and import again",
)
"""What an enterprise is told instead: it never learns whether (or by whom) the number is registered."""
WORKER_MISSING = Notice(
    "ref.worker_missing",
    "该工人未在此项目登记（请先导入 ProjectWorker）",
    "worker is not registered on this project",
)


def _chunks(values: list[Any], size: int = 5000) -> Iterable[list[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


@dataclass
class ImportContext:
    """Everything a handler needs while validating and writing one file."""

    conn: Connection
    protector: Protector
    actor: Principal
    report: ImportReport
    defaults: dict[str, Any] = field(default_factory=dict)
    seen: dict[Hashable, int | str] = field(default_factory=dict)
    _projects: dict[str, ProjectRef | None] = field(default_factory=dict)
    _corps: dict[str, int | None] = field(default_factory=dict)
    _teams: dict[str, TeamRef | None] = field(default_factory=dict)
    audit: list[AuditEvent] = field(default_factory=list)
    _regions: set[str] | None = None
    _mine: set[int] | None = None
    _sealers: tuple[Sealer, Sealer] | None = None

    @property
    def writing(self) -> bool:
        """Rows are written only while the file has no error; afterwards the rest is only validated."""
        return not self.report.errors

    def error(self, notice: Notice, *, row: int | str, field: str, value: Any = None) -> None:
        self.report.errors.append(
            notice.problem(field=field, row=row, value=None if value is None else str(value))
        )

    def add_problems(self, problems: list[Problem]) -> None:
        self.report.errors.extend(problems)

    # -- references, loaded in bulk per chunk and cached for the whole file ------------------------------
    def projects(self, codes: Iterable[str]) -> dict[str, ProjectRef | None]:
        missing = [c for c in set(codes) if c not in self._projects]
        for part in _chunks(missing):
            self._projects.update(dict.fromkeys(part))
            stmt = select(Project.id, Project.project_code, Project.region_code).where(
                Project.project_code.in_(part)
            )
            for pid, pcode, region in self.conn.execute(stmt):
                self._projects[pcode] = ProjectRef(pid, region)
        return self._projects

    def corps(self, codes: Iterable[str]) -> dict[str, int | None]:
        missing = [c for c in set(codes) if c not in self._corps]
        for part in _chunks(missing):
            self._corps.update(dict.fromkeys(part))
            stmt = select(Enterprise.id, Enterprise.corp_code).where(Enterprise.corp_code.in_(part))
            for eid, ccode in self.conn.execute(stmt):
                self._corps[ccode] = eid
        return self._corps

    def teams(self, sys_nos: Iterable[str]) -> dict[str, TeamRef | None]:
        missing = [c for c in set(sys_nos) if c not in self._teams]
        for part in _chunks(missing):
            self._teams.update(dict.fromkeys(part))
            cols = (Team.id, Team.team_sys_no, Team.project_id, Team.enterprise_id, Team.name)
            for rec in self.conn.execute(select(*cols).where(Team.team_sys_no.in_(part))):
                self._teams[rec[1]] = TeamRef(*rec)
        return self._teams

    def team_by_name(self, project_id: int, enterprise_id: int, name: str) -> TeamRef | None:
        key = f"{project_id}/{enterprise_id}/{name}"
        if key not in self._teams:
            cols = (Team.id, Team.team_sys_no, Team.project_id, Team.enterprise_id, Team.name)
            stmt = select(*cols).where(
                Team.project_id == project_id, Team.enterprise_id == enterprise_id, Team.name == name
            )
            rec = self.conn.execute(stmt).first()
            self._teams[key] = TeamRef(*rec) if rec else None
        return self._teams[key]

    def region_known(self, code: str) -> bool:
        if self._regions is None:
            self._regions = set(self.conn.execute(select(Region.code)).scalars())
        return code in self._regions

    def worker_ids(self, bidxs: Iterable[str]) -> dict[str, int]:
        """Stored worker ids by blind index (not cached: workers are written by the import itself)."""
        return ids_by(self.conn, Worker.__table__, "id_bidx", bidxs)  # type: ignore[arg-type]

    def people(self, bidxs: Iterable[str]) -> dict[str, PersonRef]:
        """Stored people by blind index (not cached: workers are written by the import itself)."""
        wanted = list(set(bidxs))
        found: dict[str, PersonRef] = {}
        cols = (Worker.id_bidx, Worker.id, Worker.name, Worker.registered_by)
        for part in _chunks(wanted):
            for bidx, worker_id, name, owner in self.conn.execute(select(*cols).where(cols[0].in_(part))):
                found[bidx] = PersonRef(worker_id, name, owner)
        return found

    @property
    def phone_sealer(self) -> Sealer:
        if self._sealers is None:
            self._sealers = sealers(self.protector)
        return self._sealers[0]

    @property
    def address_sealer(self) -> Sealer:
        if self._sealers is None:
            self._sealers = sealers(self.protector)
        return self._sealers[1]

    # -- scope (asks auth/policy.py) -----------------------------------------------------------------
    @property
    def is_enterprise(self) -> bool:
        return self.actor.role is Role.ENTERPRISE

    def may_touch_project(self, project_id: int) -> bool:
        """Admins may import anything; an enterprise user only rows of projects their enterprise is in."""
        if self.actor.is_admin:
            return True
        if self._mine is None:
            self._mine = policy.registry_project_ids(self.conn, self.actor) or set()
        return project_id in self._mine

    def note_my_project(self, project_id: int) -> None:
        if self._mine is not None:
            self._mine.add(project_id)

    def owns(self, person: PersonRef) -> bool:
        """Whether this import may change the person's identity fields and current card."""
        return policy.owns_identity(self.actor, person.registered_by)

    def note(self, event: AuditEvent) -> None:
        self.audit.append(event)
