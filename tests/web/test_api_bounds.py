"""Ids and offsets beyond what the database holds are bad input (422), not server errors (fuzzing)."""

from __future__ import annotations

import pytest

from wageguard.bounds import INT4_MAX
from wageguard.registry.choices import Role

TOO_BIG = INT4_MAX + 1
HUGE = 2**63

ID_PATHS = [
    "/api/v1/projects/{id}",
    "/api/v1/workers/{id}",
    "/api/v1/teams/{id}",
    "/api/v1/enterprises/{id}",
    "/api/v1/alerts/{id}",
    "/api/v1/cases/{id}",
    "/api/v1/money/accounts/{id}/summary",
    "/api/v1/money/projects/{id}/pay?month=2025-05",
    "/api/v1/projects/{id}/owed-wages",
    "/api/v1/teams?enterprise_id={id}",
    "/api/v1/cases?project_id={id}",
]
OFFSET_PATHS = ["/api/v1/alerts", "/api/v1/cases", "/api/v1/imports", "/api/v1/workers"]


@pytest.fixture
def admin(make_user, login):
    make_user("root", Role.ADMIN)
    return login("root")


def test_ids_out_of_the_column_range_are_refused(client, admin):
    for path in ID_PATHS:
        for value in (TOO_BIG, HUGE, 0):
            r = client.get(path.format(id=value), headers=admin)
            assert r.status_code == 422, (path, value, r.text)
    assert client.get("/api/v1/projects/1", headers=admin).status_code == 404
    r = client.post(f"/api/v1/workers/{HUGE}/reveal", json={"reason": "核查"}, headers=admin)
    assert r.status_code == 422


def test_offsets_must_be_within_range(client, admin):
    for path in OFFSET_PATHS:
        for value in (-1, TOO_BIG, HUGE):
            r = client.get(f"{path}?offset={value}", headers=admin)
            assert r.status_code == 422, (path, value, r.text)
        assert client.get(f"{path}?offset=0", headers=admin).status_code == 200


def test_spreadsheets_are_documented_as_xlsx(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    for path in (
        "/api/v1/money/projects/{project_id}/pay.xlsx",
        "/api/v1/money/accounts/{account_id}/summary.xlsx",
        "/api/v1/attendance/sheet.xlsx",
    ):
        assert xlsx in paths[path]["get"]["responses"]["200"]["content"], path
