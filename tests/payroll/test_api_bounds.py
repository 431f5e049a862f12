"""A NUL character in a pay sheet's text is refused (422), as PostgreSQL text cannot hold it."""

from __future__ import annotations

from wageguard.registry.choices import Role


def test_pay_sheet_text_with_nul_is_refused(client, make_user, login):
    make_user("ent", Role.ADMIN)
    body = {
        "projectCode": "P1",
        "teamSysNo": "\u0000",
        "payMonth": "2025-05",
        "detailList": [{"idCardNumber": "1", "totalPayAmount": 1, "actualAmount": 1}],
    }
    r = client.post("/api/v1/money/payrolls", json=body, headers=login("ent"))
    assert r.status_code == 422
    problems = r.json()["problems"]
    assert any(p["field"].endswith("teamSysNo") and p["code"] == "text.control" for p in problems), problems
