"""Money over HTTP: scoped reads, pay sheets, the bank push, bank file upload, views, XLSX, pages."""

from __future__ import annotations

from io import BytesIO

import openpyxl
from tests.factories import make_region_project
from tests.payroll.conftest import ACCOUNT, World, payment_count, payroll

from wageguard.registry.choices import Role


def _push(world: World, ref: str, card: str, name: str, amount: str) -> dict[str, object]:
    return {
        "account_no": ACCOUNT,
        "payments": [
            {
                "reference": ref,
                "payee_name": name,
                "payee_card": card,
                "amount": amount,
                "value_date": "2026-11-10",
                "status": "成功",
                "remark": "2026年10月工资",
            }
        ],
    }


def test_bank_push_is_authenticated_idempotent_and_bank_only(client, make_user, login, world: World, db):
    make_user("abc", Role.BANK, bank_code="103")
    make_user("ent", Role.ENTERPRISE, enterprise_id=world.enterprise_id)
    body = _push(world, "P1", world.cards[0], "张三", "1,234.50")
    assert client.post("/api/v1/money/bank/push", json=body).status_code == 401
    assert client.post("/api/v1/money/bank/push", json=body, headers=login("ent")).status_code == 403
    first = client.post("/api/v1/money/bank/push", json=body, headers=login("abc"))
    assert first.status_code == 201, first.text
    assert first.json()["outcomes"] == {"matched": 1}
    again = client.post("/api/v1/money/bank/push", json=body, headers=login("abc"))
    assert again.json()["inserted"] == 0 and payment_count(db) == 1
    bad = _push(world, "P2", world.cards[1], "李四", "12.345")
    r = client.post("/api/v1/money/bank/push", json=bad, headers=login("abc"))
    assert r.status_code == 422 and r.json()["problems"][0]["field"] == "amount"


def test_a_bank_may_not_push_for_an_account_at_another_bank(client, make_user, login, world: World):
    make_user("icbc", Role.BANK, bank_code="102")
    r = client.post(
        "/api/v1/money/bank/push",
        json=_push(world, "P1", world.cards[0], "张三", "100"),
        headers=login("icbc"),
    )
    # answered like an account nobody registered: another bank's accounts are not the caller's to know
    assert r.status_code == 422 and r.json()["problems"][0]["code"] == "account_unknown"


def test_enterprise_submits_pay_sheet_and_inspector_sees_declared_vs_paid(
    client, make_user, login, world: World, db
):
    make_user("ent", Role.ENTERPRISE, enterprise_id=world.enterprise_id)
    make_user("insp", Role.INSPECTOR, region_code="520602")
    make_user("far", Role.INSPECTOR, region_code="520603")
    make_user("abc", Role.BANK, bank_code="103")
    sheet = payroll(world, "2026-10", ["5000", "4800", "4700"]).model_dump(mode="json")
    r = client.post("/api/v1/money/payrolls", json=sheet, headers=login("ent"))
    assert r.status_code == 201, r.text
    assert r.json()[0]["status"] == "created"
    client.post(
        "/api/v1/money/bank/push",
        json=_push(world, "P1", world.cards[0], "张三", "5000"),
        headers=login("abc"),
    )
    client.post(
        "/api/v1/money/bank/push",
        json=_push(world, "P2", world.cards[1], "李四", "4000"),
        headers=login("abc"),
    )
    view = client.get(f"/api/v1/money/projects/{world.project_id}/pay?month=2026-10", headers=login("insp"))
    assert view.status_code == 200
    states = {w["name"]: (w["paid_fen"], w["state"]) for w in view.json()["workers"]}
    assert states == {"张三": (500000, "paid"), "李四": (400000, "partial"), "王五": (0, "unpaid")}
    assert (
        client.get(
            f"/api/v1/money/projects/{world.project_id}/pay?month=2026-10", headers=login("far")
        ).status_code
        == 404
    )
    xlsx = client.get(
        f"/api/v1/money/projects/{world.project_id}/pay.xlsx?month=2026-10", headers=login("insp")
    )
    sheet_rows = list(openpyxl.load_workbook(BytesIO(xlsx.content)).active.values)
    assert sheet_rows[-1][0] == "合计 Total" and sheet_rows[-1][6] == 9000  # amounts are numbers
    page = client.get(f"/money/projects/{world.project_id}?month=2026-10", headers=login("insp"))
    assert page.status_code == 200 and "未足额" in page.text and "张三" in page.text


def test_an_enterprise_outside_the_project_cannot_submit_its_pay_sheet(
    client, make_user, login, world: World, db
):
    with db.transaction() as s:
        _, other = make_region_project(s, "520602")
    make_user("other", Role.ENTERPRISE, enterprise_id=other.id)
    sheet = payroll(world, "2026-10", ["5000", "4800", "4700"]).model_dump(mode="json")
    r = client.post("/api/v1/money/payrolls", json=[sheet], headers=login("other"))
    assert r.status_code == 422 and r.json()["problems"][0]["code"] == "project_unknown"


def test_account_inflows_outflows_balance_and_bank_file_upload(client, make_user, login, world: World):
    make_user("abc", Role.BANK, bank_code="103")
    make_user("insp", Role.INSPECTOR, region_code="520600")
    bank = login("abc")
    r = client.post(
        "/api/v1/money/inflows",
        json={
            "account_no": ACCOUNT,
            "value_date": "2026-10-05",
            "amount_fen": 30_000_000,
            "payer_name": "业主",
            "progress_ref": "第2期",
        },
        headers=bank,
    )
    assert r.status_code == 201 and r.json() == {"inserted": 1}
    client.post(
        "/api/v1/money/balances",
        json={"account_no": ACCOUNT, "as_of": "2026-11-11", "balance_fen": 29_500_000},
        headers=bank,
    )
    csv_text = (
        "流水号,收款人户名,收款账号,金额,交易日期,状态,失败原因,摘要\n"
        f"F1,张三,{world.cards[0]},5000,2026-11-10,成功,,10月工资\n"
    )
    r = client.post(
        "/api/v1/money/bank/files",
        headers=bank,
        data={"profile": "icbc", "account_no": ACCOUNT},
        files={"file": ("result.csv", csv_text.encode("gbk"), "text/csv")},
    )
    assert r.status_code == 201, r.text
    accounts = client.get("/api/v1/money/accounts", headers=login("insp")).json()
    assert [a["account_masked"] for a in accounts] == [f"{ACCOUNT[:4]}{'*' * 11}{ACCOUNT[-4:]}"]
    summary = client.get(f"/api/v1/money/accounts/{world.account_id}/summary", headers=login("insp")).json()
    assert summary["months"] == [
        {"month": "2026-10", "inflow_fen": 30_000_000, "outflow_fen": 0},
        {"month": "2026-11", "inflow_fen": 0, "outflow_fen": 500000},
    ]
    assert summary["balance_fen"] == 29_500_000
    page = client.get(f"/money/accounts/{world.account_id}", headers=login("insp"))
    assert page.status_code == 200 and "295,000.00" in page.text
    assert client.get("/money", headers=login("insp")).status_code == 200


def test_enterprise_opens_a_real_account_with_a_virtual_sub_account_and_lodges_a_deposit(
    client, make_user, login, world: World
):
    make_user("ent", Role.ENTERPRISE, enterprise_id=world.enterprise_id)
    ent = login("ent")
    real = client.post(
        "/api/v1/money/accounts",
        headers=ent,
        json={
            "account_no": "6222024000077770000",
            "region_code": "520602",
            "bank_code": "103",
            "tripartite_date": "2026-03-01",
        },
    )
    assert real.status_code == 201, real.text
    sub = client.post(
        "/api/v1/money/accounts",
        headers=ent,
        json={
            "account_no": "6222024000077770001",
            "parent_account_no": "6222024000077770000",
            "project_code": world.project_code,
        },
    )
    assert sub.status_code == 201, sub.text
    assert sub.json()["is_virtual"] is True and sub.json()["parent_account_id"] == real.json()["id"]
    assert sub.json()["tripartite_date"] == "2026-03-01"
    dep = client.post(
        "/api/v1/money/deposits",
        headers=ent,
        json={
            "project_code": world.project_code,
            "kind": "guarantee_letter",
            "amount_fen": 1_000_000_00,
            "deposit_date": "2026-04-01",
            "required_ratio_bp": 200,
        },
    )
    assert dep.status_code == 201
    use = client.post(
        f"/api/v1/money/deposits/{dep.json()['id']}/movements",
        headers=ent,
        json={"kind": "use", "movement_date": "2026-10-20", "amount_fen": 50_000_00, "reason": "垫付欠薪"},
    )
    assert use.status_code == 201
    terms = client.put(
        "/api/v1/money/terms",
        headers=ent,
        json={"project_code": world.project_code, "labour_cost_ratio_bp": 2000},
    )
    assert terms.json()["labour_cost_ratio_bp"] == 2000
