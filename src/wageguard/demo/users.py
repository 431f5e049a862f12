"""The demo's users, with known passwords, one per role (printed by ``wageguard demo``)."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from wageguard.auth.models import User
from wageguard.auth.service import create_user
from wageguard.registry.choices import Role
from wageguard.registry.models import Project

DEMO_BANK_CODE = "103"  # 中国农业银行: holds most special wage accounts in the demo
DEMO_DEVICE_ACCOUNT = "gate"  # the device account every demo gate is linked to (attendance stage)


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: Role
    title_zh: str
    title_en: str
    region_code: str | None = None
    enterprise: bool = False
    bank_code: str | None = None

    def as_dict(self) -> dict[str, str | None]:
        return {k: str(v) if v is not None else None for k, v in asdict(self).items()}


DEMO_LOGINS = (
    DemoLogin("admin", "admin123", Role.ADMIN, "系统管理员", "administrator"),
    DemoLogin("tongren", "tongren123", Role.INSPECTOR, "铜仁市监察员", "Tongren city inspector", "520600"),
    DemoLogin("bijiang", "bijiang123", Role.INSPECTOR, "碧江区监察员", "Bijiang county inspector", "520602"),
    DemoLogin("gc", "gc123", Role.ENTERPRISE, "总承包企业用户", "general contractor user", enterprise=True),
    DemoLogin("bank", "bank123", Role.BANK, "代发银行用户", "payroll bank user", bank_code=DEMO_BANK_CODE),
    DemoLogin(DEMO_DEVICE_ACCOUNT, "gate123", Role.DEVICE, "实名制闸机（设备账号）", "gate device account"),
)


def busiest_contractor(session: Session) -> int | None:
    """The general contractor with the most projects (lowest id on a tie), or None without projects."""
    stmt = (
        select(Project.contractor_id)
        .where(Project.contractor_id.is_not(None))
        .group_by(Project.contractor_id)
        .order_by(func.count().desc(), Project.contractor_id)
        .limit(1)
    )
    return session.scalar(stmt)


def ensure_demo_users(*, session: Session) -> list[DemoLogin]:
    """Create the demo users that do not exist yet; return every demo login that is usable."""
    existing = set(session.scalars(select(User.username)))
    contractor = busiest_contractor(session)
    usable: list[DemoLogin] = []
    for login in DEMO_LOGINS:
        if login.enterprise and contractor is None:
            continue
        if login.username not in existing:
            create_user(
                session=session,
                username=login.username,
                password=login.password,
                role=login.role,
                display_name=login.title_zh,
                region_code=login.region_code,
                enterprise_id=contractor if login.enterprise else None,
                bank_code=login.bank_code,
            )
        usable.append(login)
    return usable
