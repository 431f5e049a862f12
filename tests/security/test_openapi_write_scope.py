"""Every mutating operation of the API, tried by every role against an object outside that role's scope.

The operations come from ``app.openapi()``: each POST / PUT / PATCH / DELETE under ``/api/v1`` must have an
entry in ``ROUTES`` below, or the suite fails, so a new route cannot ship without someone deciding how its
writes are scoped. Each entry builds one request aimed at side A's objects (``write_scope_world``); it is
sent by an inspector of the other county, the other enterprise, a bank with the other bank code, the device
account of the other project's gate, and an anonymous caller, and every one must be refused (401, 403, 404
or 422; never 2xx). Then the object's own side (``owner``) sends the same request and must succeed, which
proves the request was well-formed and the refusals were the policy's, not a malformed body's.

Special kinds: ``reveal`` entries are reads with an audit (refused out of scope like writes); ``search``
entries are reads sent as POST (filters kept out of the URL): outsiders may get 200, but with nothing found;
``login`` entries are tried once with side A's username and a wrong password (refused; 429 counts too), so
throttling does not lock the owner out of the control; ``self`` entries act on the caller's own session
(logout, own password): any role may call them, and side A's session must still work afterwards.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.factories import card_number, id_number
from tests.security import write_scope_world
from tests.security.write_scope_world import ACC_A, SN_A, WriteWorld, push_body

from wageguard.payroll.banks.writers import CreditOut, write_camt053

write_world = write_scope_world.write_world  # the fixture

OUTSIDERS = {
    "inspector of another county": "insp_b",
    "enterprise B": "ent_b",
    "bank of another bank code": "bank_b",
    "device account of other devices": "gate_b",
    "anonymous": None,
}
REFUSED = {401, 403, 404, 422}
MUTATING = {"post", "put", "patch", "delete"}


@dataclass
class Call:
    """One request: path (filled in), JSON body, form fields or a file."""

    path: str
    json: Any = None
    data: dict[str, str] | None = None
    files: dict[str, tuple[str, bytes, str]] | None = None
    params: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Route:
    build: Callable[[WriteWorld, Path], Call]
    owner: str  # the user on side A who may make this write (the positive control)
    kind: str = "write"  # write | reveal | login | self


def _batch(w: WriteWorld) -> dict[str, Any]:
    rec = {
        "idCardType": "01",
        "idCardNumber": w.a.worker_id_number,
        "date": "2026-10-08 07:30:00",
        "direction": "01",
    }
    return {"projectCode": w.a.project_code, "teamSysNo": w.a.team_sys_no, "dataList": [rec]}


def _payroll(w: WriteWorld) -> dict[str, Any]:
    line = {"idCardNumber": w.a.worker_id_number, "totalPayAmount": "5100", "actualAmount": "5000"}
    return {
        "projectCode": w.a.project_code,
        "teamSysNo": w.a.team_sys_no,
        "payMonth": "2026-10",
        "detailList": [line],
    }


def _payroll_csv(w: WriteWorld) -> bytes:
    head = "projectCode,teamSysNo,payMonth,idCardType,idCardNumber,totalPayAmount,actualAmount\n"
    return (
        head + f"{w.a.project_code},{w.a.team_sys_no},2026-10,01,{w.a.worker_id_number},5100,5000\n"
    ).encode()


def _statement(tmp: Path) -> bytes:
    credit = CreditOut("IN-OPENAPI", "业主", 100_000, date(2026, 11, 2))
    path = write_camt053(
        tmp / "statement.xml", ACC_A, [], [credit], "ST-OPENAPI", (date(2026, 11, 10), 100_000)
    )
    return path.read_bytes()


def _project_worker(w: WriteWorld) -> list[dict[str, Any]]:
    return [
        {
            "projectCode": w.a.project_code,
            "corpCode": w.a.corp_code,
            "teamSysNo": w.a.team_sys_no,
            "workerName": "新工人",
            "idCardType": "01",
            "idCardNumber": id_number(),
            "workType": "020",
            "workRole": "20",
            "payRollBankCardNumber": card_number(),
            "payRollTopBankCode": "105",
        }
    ]


ROUTES: dict[tuple[str, str], Route] = {
    ("post", "/api/v1/auth/token"): Route(
        lambda w, _: Call("/api/v1/auth/token", json={"username": "ent_a", "password": "wrong-password"}),
        owner="ent_a",
        kind="login",
    ),
    ("post", "/api/v1/auth/logout"): Route(lambda w, _: Call("/api/v1/auth/logout"), "ent_a", kind="self"),
    ("post", "/api/v1/auth/password"): Route(
        # tried with side A's current password: the endpoint changes only the caller's own password
        lambda w, _: Call(
            "/api/v1/auth/password",
            json={"current_password": "pw-ent_a", "new_password": "Another-long-pw-2026!"},
        ),
        "ent_a",
        kind="self",
    ),
    ("post", "/api/v1/auth/users/{username}/logout-all"): Route(
        lambda w, _: Call("/api/v1/auth/users/ent_a/logout-all"), "admin"
    ),
    ("post", "/api/v1/projects/{project_id}/reveal"): Route(
        lambda w, _: Call(
            f"/api/v1/projects/{w.a.project_id}/reveal", json={"reason": "联系项目负责人 / contact"}
        ),
        "insp_a",
        kind="reveal",
    ),
    ("post", "/api/v1/workers/search"): Route(
        lambda w, _: Call("/api/v1/workers/search", json={"id_number": w.a.worker_id_number}),
        "insp_a",
        kind="search",
    ),
    ("post", "/api/v1/alerts/{alert_id}/actions"): Route(
        lambda w, _: Call(f"/api/v1/alerts/{w.a.alert_id}/actions", json={"action": "acknowledged"}), "insp_a"
    ),
    ("post", "/api/v1/cases/{case_id}/actions"): Route(
        lambda w, _: Call(f"/api/v1/cases/{w.a.case_id}/actions", json={"action": "accept"}), "insp_a"
    ),
    ("post", "/api/v1/cases/{case_id}/reveal"): Route(
        lambda w, _: Call(f"/api/v1/cases/{w.a.case_id}/reveal", json={"reason": "核实投诉人身份 / verify"}),
        "insp_a",
        kind="reveal",
    ),
    ("post", "/api/v1/workers/{worker_id}/reveal"): Route(
        lambda w, _: Call(
            f"/api/v1/workers/{w.a.worker_id}/reveal", json={"reason": "核实工资发放 / verify"}
        ),
        "insp_a",
        kind="reveal",
    ),
    ("post", "/api/v1/attendance/batch"): Route(
        lambda w, _: Call("/api/v1/attendance/batch", json=_batch(w)), "gate_a"
    ),
    ("post", "/api/v1/devices"): Route(
        lambda w, _: Call(
            "/api/v1/devices",
            json={
                "vendor": "zkteco",
                "serial": "ZK-A-NEW",
                "project_code": w.a.project_code,
                "secret": "secret-new",
            },
        ),
        "admin",
    ),
    ("put", "/api/v1/devices/{serial}/account"): Route(
        lambda w, _: Call(f"/api/v1/devices/{SN_A}/account", json={"account": "gate_b"}), "admin"
    ),
    ("post", "/api/v1/devices/{serial}/enrolments"): Route(
        lambda w, _: Call(
            f"/api/v1/devices/{SN_A}/enrolments", json={"worker_id": w.a.worker_id, "pin": "901"}
        ),
        "admin",
    ),
    ("post", "/api/v1/devices/{serial}/roster"): Route(
        lambda w, _: Call(f"/api/v1/devices/{SN_A}/roster"), "admin"
    ),
    ("post", "/api/v1/devices/{serial}/attlog-query"): Route(
        lambda w, _: Call(
            f"/api/v1/devices/{SN_A}/attlog-query",
            json={"start": "2026-10-01T00:00:00", "end": "2026-10-02T00:00:00"},
        ),
        "admin",
    ),
    ("post", "/api/v1/imports/{object_name}"): Route(
        lambda w, _: Call("/api/v1/imports/ProjectWorker", json=_project_worker(w)), "ent_a"
    ),
    ("post", "/api/v1/money/accounts"): Route(
        lambda w, _: Call(
            "/api/v1/money/accounts",
            json={"account_no": "6228480000000000300", "project_code": w.a.project_code, "bank_code": "103"},
        ),
        "ent_a",
    ),
    ("post", "/api/v1/money/inflows"): Route(
        lambda w, _: Call(
            "/api/v1/money/inflows",
            json={"account_no": ACC_A, "value_date": "2026-10-05", "amount_fen": 500_000_000},
        ),
        "bank_a",
    ),
    ("post", "/api/v1/money/balances"): Route(
        lambda w, _: Call(
            "/api/v1/money/balances",
            json={"account_no": ACC_A, "as_of": "2026-11-11", "balance_fen": 500_000_000},
        ),
        "bank_a",
    ),
    ("put", "/api/v1/money/terms"): Route(
        lambda w, _: Call(
            "/api/v1/money/terms", json={"project_code": w.a.project_code, "labour_cost_ratio_bp": 2000}
        ),
        "ent_a",
    ),
    ("post", "/api/v1/money/deposits"): Route(
        lambda w, _: Call(
            "/api/v1/money/deposits",
            json={
                "project_code": w.a.project_code,
                "kind": "cash",
                "amount_fen": 100,
                "deposit_date": "2026-10-01",
            },
        ),
        "ent_a",
    ),
    ("post", "/api/v1/money/deposits/{deposit_id}/movements"): Route(
        lambda w, _: Call(
            f"/api/v1/money/deposits/{w.deposit_id}/movements",
            json={"kind": "use", "movement_date": "2026-10-01", "amount_fen": 100, "reason": "补发"},
        ),
        "ent_a",
    ),
    ("post", "/api/v1/money/payrolls"): Route(
        lambda w, _: Call("/api/v1/money/payrolls", json=_payroll(w)), "ent_a"
    ),
    ("post", "/api/v1/money/payrolls/file"): Route(
        lambda w, _: Call(
            "/api/v1/money/payrolls/file", files={"file": ("pay.csv", _payroll_csv(w), "text/csv")}
        ),
        "ent_a",
    ),
    ("post", "/api/v1/money/bank/files"): Route(
        lambda w, tmp: Call(
            "/api/v1/money/bank/files",
            data={"profile": "generic"},
            files={"file": ("statement.xml", _statement(tmp), "text/xml")},
        ),
        "bank_a",
    ),
    ("post", "/api/v1/risk/feeds/{feed}"): Route(  # external feeds: admins only, whatever the enterprise
        lambda w, _: Call(
            "/api/v1/risk/feeds/tax",
            json=[{"corpCode": w.b.corp_code, "taxYear": 2025, "creditRating": "B", "taxArrears": "0"}],
        ),
        "admin",
    ),
    ("post", "/api/v1/money/bank/push"): Route(
        lambda w, _: Call("/api/v1/money/bank/push", json=push_body(w, ACC_A, "PUSH-OPENAPI")), "bank_a"
    ),
}


def _operations(client: TestClient) -> set[tuple[str, str]]:
    spec = client.app.openapi()  # type: ignore[attr-defined]
    return {
        (method, path)
        for path, ops in spec["paths"].items()
        if path.startswith("/api/v1/")
        for method in ops
        if method in MUTATING
    }


def test_every_mutating_operation_has_a_write_scope_entry(client: TestClient) -> None:
    operations = _operations(client)
    unknown = sorted(operations - ROUTES.keys())
    assert not unknown, (
        f"mutating operations without a write-scope entry in {__name__}.ROUTES (add one that aims the "
        f"request at another scope's object): {unknown}"
    )
    assert not sorted(ROUTES.keys() - operations), "ROUTES lists operations the API no longer has"


def _send(client: TestClient, method: str, call: Call, headers: dict[str, str]) -> Any:
    body = json.dumps(call.json).encode() if call.json is not None else None
    if body is not None:
        headers = {**headers, "Content-Type": "application/json"}
    return client.request(
        method, call.path, content=body, data=call.data, files=call.files, params=call.params, headers=headers
    )


@pytest.mark.parametrize("operation", sorted(ROUTES), ids=lambda op: f"{op[0].upper()} {op[1]}")
def test_an_out_of_scope_caller_is_refused(
    client: TestClient,
    login: Callable[[str], dict[str, str]],
    write_world: WriteWorld,
    tmp_path: Path,
    operation: tuple[str, str],
) -> None:
    method, _path = operation
    route = ROUTES[operation]
    sessions = {name: login(name) for name in {*filter(None, OUTSIDERS.values()), route.owner}}
    victim = login("ent_a") if route.kind == "self" else {}
    callers = {"anonymous": None} if route.kind == "login" else OUTSIDERS
    for role, username in callers.items():
        client.cookies.clear()
        headers = sessions[username] if username else {}
        r = _send(client, method, route.build(write_world, tmp_path), headers)
        if route.kind == "self":
            assert r.status_code < 500, (role, r.status_code, r.text)
            assert client.get("/api/v1/projects", headers=victim).status_code == 200, role
            continue
        if route.kind == "search" and r.status_code == 200:
            assert r.json()["total"] == 0 and r.json()["items"] == [], role  # found nothing outside scope
            continue
        allowed = REFUSED | ({429} if route.kind == "login" else set())
        assert r.status_code in allowed, (role, r.status_code, r.text[:300])
    client.cookies.clear()
    if route.kind == "login":
        own = {"username": route.owner, "password": f"pw-{route.owner}"}
        r = client.post(route.build(write_world, tmp_path).path, json=own)
    else:
        r = _send(client, method, route.build(write_world, tmp_path), sessions[route.owner])
    assert 200 <= r.status_code < 300, (route.owner, r.status_code, r.text[:300])
    if route.kind == "search":
        assert r.json()["total"] == 1
