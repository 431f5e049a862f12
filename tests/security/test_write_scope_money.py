"""Money writes stay inside the writer's scope: banks write only accounts held at their own bank (bank
files included), an account without a bank code takes no bank write, enterprises write only their own
projects' money records and accounts."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select
from tests.security import write_scope_world
from tests.security.write_scope_world import (
    ACC_A,
    ACC_B,
    ACC_NOBANK,
    WriteWorld,
    push_body,
)

from wageguard.db import Database
from wageguard.payroll.banks.writers import CreditOut, PaymentOut, write_camt053, write_camt054
from wageguard.payroll.choices import PaymentStatus
from wageguard.payroll.models import (
    AccountBalance,
    BankPayment,
    DepositMovement,
    LabourCostInflow,
    MoneyTerms,
    PaySheet,
    WageAccount,
    WageDeposit,
)

REFUSED = (403, 404, 422)
write_world = write_scope_world.write_world  # the fixture


def _count(db: Database, model: type) -> int:
    with db.sessions() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def _post_file(client, headers: dict[str, str], path: Path, account_no: str | None = None):  # type: ignore[no-untyped-def]
    data = {"profile": "generic"} | ({"account_no": account_no} if account_no else {})
    with path.open("rb") as fh:
        return client.post(
            "/api/v1/money/bank/files",
            headers=headers,
            data=data,
            files={"file": (path.name, fh, "text/xml")},
        )


def _pay(world: WriteWorld, ref: str, status: PaymentStatus = PaymentStatus.SUCCESS) -> PaymentOut:
    reason = "账户已冻结" if status is PaymentStatus.RETURNED else None
    return PaymentOut(
        ref, world.a.worker_name, world.a.worker_card, 500_000, date(2026, 11, 10), status, reason, "工资"
    )


def test_a_bank_cannot_post_a_statement_for_an_account_at_another_bank(
    client, db, login, write_world: WriteWorld, tmp_path: Path
):
    forged = CreditOut("FORGED-1", "伪造付款人", 500_000_000, date(2026, 11, 2), "进度款")
    path = write_camt053(
        tmp_path / "s.xml", ACC_A, [], [forged], "ST-FORGED", (date(2026, 11, 10), 500_000_000)
    )
    for account_no in (None, ACC_A):
        r = _post_file(client, login("bank_b"), path, account_no)
        assert r.status_code in REFUSED, r.text
    assert (_count(db, LabourCostInflow), _count(db, AccountBalance)) == (0, 0)
    assert _post_file(client, login("bank_a"), path).status_code == 201  # the account's own bank may


def test_a_bank_cannot_turn_another_banks_payment_into_returned(
    client, db, login, write_world: WriteWorld, tmp_path: Path
):
    r = client.post(
        "/api/v1/money/bank/push", json=push_body(write_world, ACC_A, "E1"), headers=login("bank_a")
    )
    assert r.status_code == 201, r.text
    returned = write_camt054(
        tmp_path / "n.xml", ACC_A, [_pay(write_world, "E1", PaymentStatus.RETURNED)], "N1"
    )
    for account_no in (None, ACC_A):
        assert _post_file(client, login("bank_b"), returned, account_no).status_code in REFUSED
    with db.sessions() as s:
        payment = s.scalars(select(BankPayment)).one()
    assert (payment.status, payment.outcome) == ("success", "matched")


def test_a_bank_cannot_push_for_another_banks_account(client, db, login, write_world: WriteWorld):
    r = client.post(
        "/api/v1/money/bank/push", json=push_body(write_world, ACC_A, "P1"), headers=login("bank_b")
    )
    assert r.status_code in REFUSED
    # the same answer as for an account nobody registered: the bank learns nothing about other banks
    unknown = client.post(
        "/api/v1/money/bank/push",
        json=push_body(write_world, "6228480000009999999", "P1"),
        headers=login("bank_b"),
    )
    assert (r.status_code, r.json()["problems"][0]["code"]) == (
        unknown.status_code,
        unknown.json()["problems"][0]["code"],
    )
    assert _count(db, BankPayment) == 0


def test_an_account_without_a_bank_code_accepts_no_bank_write(
    client, db, login, write_world: WriteWorld, tmp_path: Path
):
    inflow = {"account_no": ACC_NOBANK, "value_date": "2026-10-05", "amount_fen": 30_000_000}
    balance = {"account_no": ACC_NOBANK, "as_of": "2026-11-11", "balance_fen": 29_500_000}
    statement = write_camt053(
        tmp_path / "s.xml",
        ACC_NOBANK,
        [_pay(write_world, "S1")],
        [CreditOut("IN-1", "业主", 30_000_000, date(2026, 10, 5))],
        "ST1",
        (date(2026, 11, 10), 1),
    )
    for bank in ("bank_a", "bank_b", "bank_nocode"):
        headers = login(bank)
        assert client.post("/api/v1/money/inflows", json=inflow, headers=headers).status_code in REFUSED
        assert client.post("/api/v1/money/balances", json=balance, headers=headers).status_code in REFUSED
        push = push_body(write_world, ACC_NOBANK, "P1")
        assert client.post("/api/v1/money/bank/push", json=push, headers=headers).status_code in REFUSED
        assert _post_file(client, headers, statement).status_code in REFUSED
    assert [_count(db, m) for m in (LabourCostInflow, AccountBalance, BankPayment)] == [0, 0, 0]
    admin = login("admin")
    assert client.post("/api/v1/money/inflows", json=inflow, headers=admin).status_code == 201


def test_a_bank_user_without_a_bank_code_writes_nothing(client, db, login, write_world: WriteWorld):
    headers = login("bank_nocode")
    for account_no in (ACC_A, ACC_B):
        body = {"account_no": account_no, "as_of": "2026-11-11", "balance_fen": 1}
        assert client.post("/api/v1/money/balances", json=body, headers=headers).status_code == 403
        push = push_body(write_world, account_no, "P1")
        assert client.post("/api/v1/money/bank/push", json=push, headers=headers).status_code == 403
    assert (_count(db, AccountBalance), _count(db, BankPayment)) == (0, 0)


def test_an_enterprise_cannot_write_another_enterprises_money_records(
    client, db, login, write_world: WriteWorld
):
    a, headers = write_world.a, login("ent_b")
    writes = [
        ("put", "/api/v1/money/terms", {"project_code": a.project_code, "labour_cost_ratio_bp": 100}),
        (
            "post",
            "/api/v1/money/deposits",
            {"project_code": a.project_code, "kind": "cash", "amount_fen": 1, "deposit_date": "2026-10-01"},
        ),
        (
            "post",
            f"/api/v1/money/deposits/{write_world.deposit_id}/movements",
            {"kind": "use", "movement_date": "2026-10-01", "amount_fen": 1, "reason": "x"},
        ),
        ("post", "/api/v1/money/inflows", {"account_no": ACC_A, "value_date": "2026-10-05", "amount_fen": 1}),
        ("post", "/api/v1/money/balances", {"account_no": ACC_A, "as_of": "2026-11-11", "balance_fen": 1}),
        (
            "post",
            "/api/v1/money/accounts",
            {"account_no": "6228480000000000102", "project_code": a.project_code},
        ),
        (
            "post",
            "/api/v1/money/accounts",
            {
                "account_no": "6228480000000000110",
                "project_code": write_world.b.project_code,
                "parent_account_no": ACC_A,
            },
        ),
        (
            "post",
            "/api/v1/money/payrolls",
            {
                "projectCode": a.project_code,
                "teamSysNo": a.team_sys_no,
                "payMonth": "2026-10",
                "detailList": [
                    {"idCardNumber": a.worker_id_number, "totalPayAmount": "5100", "actualAmount": "5000"}
                ],
            },
        ),
    ]
    for method, path, body in writes:
        r = client.request(method, path, json=body, headers=headers)
        assert r.status_code in REFUSED, (path, r.status_code, r.text)
    counts = [
        _count(db, m) for m in (MoneyTerms, DepositMovement, LabourCostInflow, AccountBalance, PaySheet)
    ]
    assert counts == [0, 0, 0, 0, 0]
    assert (_count(db, WageDeposit), _count(db, WageAccount)) == (1, 3)


@pytest.mark.parametrize("project_side", ["a", "b"])
def test_an_enterprise_opens_accounts_only_for_its_own_projects(
    client, db, login, write_world: WriteWorld, project_side: str
):
    project = getattr(write_world, project_side)
    body = {"account_no": "6228480000000000201", "project_code": project.project_code, "bank_code": "103"}
    r = client.post("/api/v1/money/accounts", json=body, headers=login("ent_a"))
    assert r.status_code == (201 if project_side == "a" else 404), r.text
