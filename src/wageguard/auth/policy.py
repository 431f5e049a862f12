"""Who may write what: the one write policy, asked by every service that changes a row.

Reads are scoped by ``Principal`` clauses (``scope.py``); writes ask here, in the service layer, whatever
the entry point (HTTP, CLI, import handler, bank file or push). Each rule is written once, as an SQL
condition for set-based paths (``*_write_clause``) that the per-object checks (``check_*``) run too, so a
bulk import and a single write can never disagree. A check raises ``NotFound`` for an object the caller
may not even see (the answer reveals nothing about what lies outside their scope) and ``Forbidden`` where
the caller's role or setup allows no such write at all.

Rules:

- an admin (and the CLI's ``SYSTEM``) writes everything;
- a bank writes only accounts held at its own bank: a bank user without a bank code writes nothing and an
  account without a bank code accepts no bank write;
- an enterprise writes only projects it takes part in, and accounts held in its name or paying for those
  projects; it opens accounts only for them (or a real account in its own name);
- a device account writes punches only for the projects of the devices linked to it
  (``devices.account_user_id``);
- an inspector acts (alerts, cases, devices, money records) only inside their region;
- an enterprise answers (note, attachment) only alerts on projects it takes part in.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Connection, false, or_, select, true
from sqlalchemy.orm import Session

from wageguard.attendance.models import Device
from wageguard.auth.scope import Principal, region_prefix
from wageguard.errors import Forbidden, NotFound
from wageguard.payroll.models import WageAccount
from wageguard.registry.choices import Role
from wageguard.registry.models import Project, ProjectParticipant

Db = Session | Connection


# -- regions: alerts, cases, devices ---------------------------------------------------------------------


def may_act_in_region(principal: Principal, region_code: str | None) -> bool:
    """Whether the caller may act on something located in ``region_code`` (admins, inspectors there)."""
    return principal.is_admin or (principal.role is Role.INSPECTOR and principal.covers_region(region_code))


def check_region_write(principal: Principal, region_code: str | None, *, what_en: str, what_zh: str) -> None:
    """An alert, case or other regional object the caller acts on; ``NotFound`` outside their region."""
    if not may_act_in_region(principal, region_code):
        raise NotFound(f"{what_en} not found", message_zh=f"{what_zh}不存在")


def check_superior_approval(principal: Principal, *, what_en: str, what_zh: str) -> None:
    """Steps reserved to a superior (a case's extension): admins, and inspectors of a prefecture or a
    province (GB/T 2260 codes ending in ``00``); ``Forbidden`` for a county inspector."""
    if principal.is_admin:
        return
    if principal.role is Role.INSPECTOR and (principal.region_code or "").endswith("00"):
        return
    raise Forbidden(f"{what_en} needs a superior's approval", message_zh=f"{what_zh}须经上级（市级以上）批准")


def check_alert_answer(db: Db, principal: Principal, project_id: int | None) -> None:
    """An answer to an alert (a note, an attachment such as a bank receipt): the enterprise taking part in
    the alert's project, or an admin; ``NotFound`` for anyone else (an inspector acts on alerts instead)."""
    if principal.is_admin:
        return
    if principal.role is Role.ENTERPRISE and principal.enterprise_id is not None and project_id is not None:
        mine = db.scalar(
            select(ProjectParticipant.id)
            .where(
                ProjectParticipant.project_id == project_id,
                ProjectParticipant.enterprise_id == principal.enterprise_id,
            )
            .limit(1)
        )
        if mine is not None:
            return
    raise NotFound("alert not found", message_zh="预警不存在")


# -- projects: money records, pay sheets, attendance, devices --------------------------------------------


def project_write_clause(principal: Principal) -> ColumnElement[bool]:
    """SQL condition on ``projects`` rows whose records the caller may write."""
    if principal.is_admin:
        return true()
    if principal.role is Role.INSPECTOR and principal.region_code:
        return Project.region_code.startswith(region_prefix(principal.region_code))
    if principal.role is Role.ENTERPRISE and principal.enterprise_id is not None:
        mine = select(ProjectParticipant.project_id).where(
            ProjectParticipant.enterprise_id == principal.enterprise_id
        )
        return Project.id.in_(mine)
    return false()


def _project_not_found(code: str) -> NotFound:
    return NotFound(f"project {code} not found", message_zh=f"未找到项目 {code}")


def check_project_write(db: Db, principal: Principal, project: Project) -> None:
    """The caller may write records of ``project``; ``NotFound`` otherwise."""
    if principal.is_admin:
        return
    found = db.scalar(select(Project.id).where(Project.id == project.id, project_write_clause(principal)))
    if found is None:
        raise _project_not_found(project.project_code)


def writable_project(db: Db, principal: Principal, project_code: str) -> Project:
    """The project numbered ``project_code`` if the caller may write its records, else ``NotFound``."""
    project = db.scalar(
        select(Project).where(Project.project_code == project_code, project_write_clause(principal))
    )
    if project is None:
        raise _project_not_found(project_code)
    return project


# -- wage accounts: inflows, balances, bank payments, sub-accounts ---------------------------------------


def account_write_clause(principal: Principal) -> ColumnElement[bool]:
    """SQL condition on ``wage_accounts`` rows the caller may write."""
    if principal.is_admin:
        return true()
    if principal.role is Role.BANK:
        if not principal.bank_code:
            return false()
        return WageAccount.bank_code == principal.bank_code  # NULL never equals: no bank code, no bank write
    if principal.role is Role.INSPECTOR and principal.region_code:
        return WageAccount.region_code.startswith(region_prefix(principal.region_code))
    if principal.role is Role.ENTERPRISE and principal.enterprise_id is not None:
        mine = select(ProjectParticipant.project_id).where(
            ProjectParticipant.enterprise_id == principal.enterprise_id
        )
        return or_(WageAccount.enterprise_id == principal.enterprise_id, WageAccount.project_id.in_(mine))
    return false()


def check_bank_writer(principal: Principal) -> None:
    """A bank user without a bank code writes nothing (``Forbidden``: the user's setup, not the object)."""
    if principal.role is Role.BANK and not principal.bank_code:
        raise Forbidden("this bank user has no bank code", message_zh="该银行用户未设置银行代码，不能写入")


def writable_account_ids(db: Db, principal: Principal) -> set[int] | None:
    """Ids of the accounts the caller may write, or ``None`` for all (admins)."""
    if principal.is_admin:
        return None
    check_bank_writer(principal)
    return set(db.scalars(select(WageAccount.id).where(account_write_clause(principal))))


def check_account_write(db: Db, principal: Principal, account_id: int) -> None:
    """The caller may write the wage account ``account_id``; ``NotFound`` otherwise."""
    if principal.is_admin:
        return
    check_bank_writer(principal)
    found = db.scalar(
        select(WageAccount.id).where(WageAccount.id == account_id, account_write_clause(principal))
    )
    if found is None:
        raise NotFound("wage account not found", message_zh="未找到工资专用账户")


def check_account_opening(
    db: Db, principal: Principal, *, project: Project | None, parent_account_id: int | None, region_code: str
) -> None:
    """The caller may open an account for ``project`` (under ``parent_account_id``) in ``region_code``."""
    if principal.is_admin:
        return
    if principal.role not in (Role.ENTERPRISE, Role.INSPECTOR):
        raise Forbidden(f"role {principal.role} opens no accounts", message_zh="该角色不能登记工资专用账户")
    if project is not None:
        check_project_write(db, principal, project)
    if parent_account_id is not None:
        check_account_write(db, principal, parent_account_id)
    if project is None and principal.role is Role.INSPECTOR:
        check_region_write(principal, region_code, what_en="region", what_zh="地区")


# -- devices and punches ---------------------------------------------------------------------------------


def check_device_manage(db: Db, principal: Principal, project_id: int) -> None:
    """Register, enrol, push rosters to, query or link a device of ``project_id``: admins, and inspectors
    of the project's region."""
    if principal.is_admin:
        return
    region = db.scalar(select(Project.region_code).where(Project.id == project_id))
    if principal.role is not Role.INSPECTOR or not principal.covers_region(region):
        raise NotFound("device or project not found", message_zh="未找到设备或项目")


def check_punch_write(db: Db, principal: Principal, project: Project) -> None:
    """The caller may post punches for ``project``: a device account only through a device of its own on
    the project; anyone else as for the project's other records."""
    if principal.role is not Role.DEVICE:
        check_project_write(db, principal, project)
        return
    served = db.scalar(
        select(Device.id)
        .where(Device.project_id == project.id, Device.account_user_id == principal.user_id)
        .limit(1)
    )
    if principal.user_id is None or served is None:
        code = project.project_code
        raise NotFound(
            f"project {code} not found among this device account's devices",
            message_zh=f"本设备账号的设备中没有项目 {code}",
        )


# -- registry --
# Registry / ingest write checks (maintained by the registry side) go below this line.

REGISTRY_IMPORTERS = frozenset({Role.ADMIN, Role.ENTERPRISE})


def check_registry_importer(principal: Principal) -> None:
    """Only admins and enterprise users import registry files (Corp, Project, ..., ProjectWorker)."""
    if principal.role not in REGISTRY_IMPORTERS:
        raise Forbidden(f"role {principal.role} may not import", message_zh="该角色无权导入数据")


def registry_project_ids(db: Db, principal: Principal) -> set[int] | None:
    """Ids of the projects whose registry rows the caller may import; ``None`` means every project (admin).

    The projects rule (``project_write_clause``) for the importing roles: an enterprise writes the rows of
    the projects it takes part in (the project itself, teams, participants, engagements); others none.
    """
    if principal.is_admin:
        return None
    if principal.role not in REGISTRY_IMPORTERS:
        return set()
    return set(db.scalars(select(Project.id).where(project_write_clause(principal))))


def may_create_project(principal: Principal, contractor_id: int | None, build_corp_id: int | None) -> bool:
    """A new project: an admin, or an enterprise naming itself as its general contractor or owner."""
    if principal.is_admin:
        return True
    mine = principal.enterprise_id
    return principal.role is Role.ENTERPRISE and mine is not None and mine in (contractor_id, build_corp_id)


def may_change_project_region(principal: Principal) -> bool:
    """A project's region decides which inspectors see it: only an admin moves it."""
    return principal.is_admin


def owns_identity(principal: Principal, registered_by: int | None) -> bool:
    """Whether the caller may change a person's identity fields (name, document, gender, birth date,
    nation) and platform-wide current card: an admin, or the enterprise that registered the person."""
    if principal.is_admin:
        return True
    return (
        principal.role is Role.ENTERPRISE
        and principal.enterprise_id is not None
        and principal.enterprise_id == registered_by
    )
