"""Who may write what: the one write policy, asked by every service that changes a row.

Reads are scoped by ``Principal`` clauses (``scope.py``); writes ask here. Each check raises ``NotFound``
for an object the caller may not even see and ``Forbidden`` where the object is visible but not theirs to
change, so an answer never reveals what lies outside the caller's scope.

Rules:

- an admin (and the CLI's ``SYSTEM``) writes everything;
- a bank writes only accounts held at its own bank: a bank user without a bank code writes nothing, an
  account without a bank code accepts no bank write;
- an enterprise writes only projects it takes part in, and accounts of its own or of those projects;
- a device account writes punches only for the projects of the devices linked to it;
- an inspector acts (alerts, cases, devices, money records) only inside their region.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from wageguard.auth.scope import Principal
from wageguard.errors import Forbidden, NotFound
from wageguard.registry.choices import Role
from wageguard.registry.models import Project, ProjectParticipant

Db = Session | Connection


class HeldAccount(Protocol):
    """What the policy needs of a wage account (``payroll.models.WageAccount`` or ``AccountInfo``)."""

    @property
    def bank_code(self) -> str | None: ...
    @property
    def enterprise_id(self) -> int | None: ...
    @property
    def project_id(self) -> int | None: ...
    @property
    def region_code(self) -> str: ...


def _not_found(what_en: str, what_zh: str) -> NotFound:
    return NotFound(f"{what_en} not found", message_zh=f"未找到{what_zh}")


def _participates(db: Db, enterprise_id: int, project_id: int) -> bool:
    found = db.scalar(
        select(ProjectParticipant.id)
        .where(ProjectParticipant.project_id == project_id, ProjectParticipant.enterprise_id == enterprise_id)
        .limit(1)
    )
    return found is not None


def check_region_write(principal: Principal, region_code: str | None) -> None:
    """An inspector (or admin) acting on something located in ``region_code``; ``NotFound`` otherwise."""
    if principal.is_admin:
        return
    if principal.role is Role.INSPECTOR and principal.covers_region(region_code):
        return
    raise _not_found("object", "对象")


def check_project_write(db: Db, principal: Principal, project: Project) -> None:
    """The caller may write records of ``project`` (money records, attendance, rosters, devices)."""
    if principal.is_admin:
        return
    if principal.role is Role.INSPECTOR and principal.covers_region(project.region_code):
        return
    if (
        principal.role is Role.ENTERPRISE
        and principal.enterprise_id is not None
        and _participates(db, principal.enterprise_id, project.id)
    ):
        return
    code = project.project_code
    raise NotFound(f"project {code} not found", message_zh=f"未找到项目 {code}")


def writable_project(db: Db, principal: Principal, project_code: str) -> Project:
    """The project numbered ``project_code`` if the caller may write its records, else ``NotFound``."""
    project = db.scalar(select(Project).where(Project.project_code == project_code))
    if project is None:
        raise NotFound(f"project {project_code} not found", message_zh=f"未找到项目 {project_code}")
    check_project_write(db, principal, project)
    return project


def check_account_write(db: Db, principal: Principal, account: HeldAccount) -> None:
    """The caller may write ``account`` (inflows, balances, payments, sub-accounts)."""
    if principal.is_admin:
        return
    if principal.role is Role.BANK:
        if principal.bank_code and account.bank_code and principal.bank_code == account.bank_code:
            return
        raise _not_found("wage account", "工资专用账户")
    if principal.role is Role.INSPECTOR and principal.covers_region(account.region_code):
        return
    if principal.role is Role.ENTERPRISE and principal.enterprise_id is not None:
        if account.enterprise_id == principal.enterprise_id:
            return
        if account.project_id is not None and _participates(db, principal.enterprise_id, account.project_id):
            return
    raise _not_found("wage account", "工资专用账户")


def check_bank_file(principal: Principal, bank_code: str | None) -> None:
    """A bank posting a file in the name of ``bank_code`` (or of its own bank when ``None``)."""
    if principal.is_admin:
        return
    if principal.role is not Role.BANK or not principal.bank_code:
        raise Forbidden("only a bank posts bank files", message_zh="仅银行可提交银行文件")
    if bank_code and bank_code != principal.bank_code:
        raise Forbidden("file of another bank", message_zh="不得提交其他银行的文件")


def check_device_punches(db: Db, principal: Principal, project_ids: Iterable[int]) -> None:
    """A device account writes punches only for projects served by devices linked to it."""
    wanted = set(project_ids)
    if principal.role is not Role.DEVICE:
        return
    from wageguard.attendance.models import Device

    served = set(
        db.scalars(
            select(Device.project_id).where(
                Device.account_user_id == principal.user_id, Device.project_id.in_(wanted)
            )
        )
    )
    if principal.user_id is None or wanted - served:
        raise Forbidden(
            "this device account serves no device of the project", message_zh="本设备账户无该项目的考勤设备"
        )


# -- registry --
# (registry/ingest write checks live below this line; maintained by the registry side)
