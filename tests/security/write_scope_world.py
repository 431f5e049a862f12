"""Two of everything, for the write-scope tests: two counties, enterprises, projects, banks, devices and
device accounts, with an account at each bank, an account without a bank code, a deposit, and an alert and a
case in each county. Every role but admin has a user on side A and one on side B (``<role>_a``/``_b``);
a test tries side B's users on side A's objects.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pytest
from argon2 import PasswordHasher
from tests.complaints.conftest import token, valid_form
from tests.factories import card_number, id_number, make_region_project, make_team, make_worker

from wageguard.attendance.choices import Vendor
from wageguard.attendance.devices import register_device
from wageguard.attendance.schemas import DeviceIn
from wageguard.auth import passwords
from wageguard.auth.scope import SYSTEM, Principal
from wageguard.complaints.schemas import parse_complaint_form
from wageguard.complaints.service import submit_complaint
from wageguard.config import Settings
from wageguard.db import Database
from wageguard.monitoring.models import Alert
from wageguard.payroll.models import WageDeposit
from wageguard.payroll.schemas import AccountIn
from wageguard.payroll.service import open_account
from wageguard.registry.choices import Role
from wageguard.security.crypto import Protector

COUNTY_A, COUNTY_B = "520602", "520603"  # 碧江区, 万山区 (both in 铜仁市)
BANK_A, BANK_B = "103", "105"
ACC_A = "6228480000000000011"  # at bank A, pays for project A
ACC_NOBANK = "6228480000000000029"  # project A's second account, no bank code recorded
ACC_B = "6228480000000000037"  # at bank B, pays for project B
SN_A, SN_B = "ZK-A-0001", "ZK-B-0001"
KEY = "device-secret-1"
USERS = {
    "admin": (Role.ADMIN, {}),
    "insp_a": (Role.INSPECTOR, {"region_code": COUNTY_A}),
    "insp_b": (Role.INSPECTOR, {"region_code": COUNTY_B}),
    "bank_a": (Role.BANK, {"bank_code": BANK_A}),
    "bank_b": (Role.BANK, {"bank_code": BANK_B}),
    "bank_nocode": (Role.BANK, {}),
    "gate_a": (Role.DEVICE, {}),
    "gate_b": (Role.DEVICE, {}),
    "gate_none": (Role.DEVICE, {}),
}


@dataclass
class Side:
    project_id: int
    project_code: str
    enterprise_id: int
    corp_code: str
    team_sys_no: str
    worker_id: int
    worker_id_number: str
    worker_card: str
    worker_name: str
    account_id: int
    alert_id: int
    case_id: int
    serial: str


@dataclass
class WriteWorld:
    a: Side
    b: Side
    nobank_account_id: int
    deposit_id: int
    principals: dict[str, Principal]


def _alert(db: Database, project_id: int, region: str) -> int:
    with db.transaction() as s:
        alert = Alert(
            rule_code="W06",
            level="red",
            subject_type="project",
            subject_id=project_id,
            subject_key=f"project:{project_id}",
            period="2026-10",
            project_id=project_id,
            region_code=region,
            status="open",
            evidence={"note": "planted"},
            evidence_hash="0" * 32,
            first_seen_on=date(2026, 11, 1),
            last_changed_on=date(2026, 11, 1),
        )
        s.add(alert)
        s.flush()
        return alert.id


def _case(db: Database, protector: Protector, settings: Settings, project_code: str) -> int:
    form, problems = parse_complaint_form(valid_form(), today=date(2026, 9, 29), need_region=False)
    assert form is not None, problems
    receipt = submit_complaint(
        db=db,
        protector=protector,
        settings=settings,
        form=form,
        photos=[],
        idem_token=token(),
        project_code=project_code,
        now=datetime(2026, 9, 29, 2, 0),
    )
    return receipt.complaint_id


def _side(
    db: Database,
    protector: Protector,
    settings: Settings,
    make_user: Callable[..., Principal],
    *,
    label: str,
    county: str,
    bank_code: str,
    account_no: str,
    serial: str,
) -> tuple[Side, dict[str, Principal]]:
    with db.transaction() as s:
        project, gc = make_region_project(s, county, name=f"写入范围测试工地{label.upper()}")
        team = make_team(s, project=project, enterprise=gc, name=f"钢筋班{label.upper()}")
        number, card = id_number(), card_number()
        worker = make_worker(
            s, protector, project=project, team=team, name=f"工人{label.upper()}", number=number, card=card
        )
        ids = (
            project.id,
            project.project_code,
            gc.id,
            team.team_sys_no,
            worker.id,
            worker.name,
            gc.corp_code,
        )
    principals = {f"ent_{label}": make_user(f"ent_{label}", Role.ENTERPRISE, enterprise_id=ids[2])}
    with db.transaction() as s:
        account = open_account(
            session=s,
            principal=SYSTEM,
            protector=protector,
            data=AccountIn(
                account_no=account_no,
                project_code=ids[1],
                bank_code=bank_code,
                bank_name=f"银行{bank_code}",
                opened_date=date(2026, 3, 1),
            ),
        )
        account_id = account.id
    alert_id = _alert(db, ids[0], county)
    case_id = _case(db, protector, settings, ids[1])
    side = Side(
        project_id=ids[0],
        project_code=ids[1],
        enterprise_id=ids[2],
        corp_code=ids[6],
        team_sys_no=ids[3],
        worker_id=ids[4],
        worker_id_number=number,
        worker_card=card,
        worker_name=ids[5],
        account_id=account_id,
        alert_id=alert_id,
        case_id=case_id,
        serial=serial,
    )
    return side, principals


def _device(db: Database, side: Side, account: str) -> None:
    with db.transaction() as s:
        register_device(
            session=s,
            principal=SYSTEM,
            data=DeviceIn(
                vendor=Vendor.ZKTECO,
                serial=side.serial,
                project_code=side.project_code,
                gate="东门",
                secret=KEY,
                account=account,
            ),
        )


@pytest.fixture
def write_world(
    db: Database,
    protector: Protector,
    settings: Settings,
    make_user: Callable[..., Principal],
    monkeypatch: pytest.MonkeyPatch,
) -> WriteWorld:
    # a dozen users per test: hash their passwords cheaply (verifying follows each hash's own parameters)
    monkeypatch.setattr(passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    principals = {name: make_user(name, role, **kw) for name, (role, kw) in USERS.items()}
    a, pa = _side(
        db,
        protector,
        settings,
        make_user,
        label="a",
        county=COUNTY_A,
        bank_code=BANK_A,
        account_no=ACC_A,
        serial=SN_A,
    )
    b, pb = _side(
        db,
        protector,
        settings,
        make_user,
        label="b",
        county=COUNTY_B,
        bank_code=BANK_B,
        account_no=ACC_B,
        serial=SN_B,
    )
    principals |= pa | pb
    _device(db, a, "gate_a")
    _device(db, b, "gate_b")
    with db.transaction() as s:
        nobank = open_account(
            session=s,
            principal=SYSTEM,
            protector=protector,
            data=AccountIn(account_no=ACC_NOBANK, project_code=a.project_code, opened_date=date(2026, 3, 1)),
        )
        deposit = WageDeposit(
            project_id=a.project_id,
            enterprise_id=a.enterprise_id,
            region_code=COUNTY_A,
            kind="cash",
            amount_fen=1_000_000,
            deposit_date=date(2026, 3, 1),
        )
        s.add(deposit)
        s.flush()
        ids = (nobank.id, deposit.id)
    return WriteWorld(a=a, b=b, nobank_account_id=ids[0], deposit_id=ids[1], principals=principals)


def bearer(login: Callable[[str], dict[str, str]], username: str | None) -> dict[str, str]:
    """Headers of ``username`` (no headers: anonymous)."""
    return login(username) if username else {}


def push_body(world: WriteWorld, account_no: str, ref: str, status: str = "成功") -> dict[str, Any]:
    """A bank push of one payment to side A's worker."""
    return {
        "account_no": account_no,
        "payments": [
            {
                "reference": ref,
                "payee_name": world.a.worker_name,
                "payee_card": world.a.worker_card,
                "amount": "5000.00",
                "value_date": "2026-11-10",
                "status": status,
                "remark": "2026年10月工资",
            }
        ],
    }
