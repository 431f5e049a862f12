"""The registry's read API as an admin sees it: lists, filters, pagination, details, OpenAPI."""

from __future__ import annotations

import pytest
from openapi_spec_validator import validate

from wageguard.registry.choices import Role


@pytest.fixture
def admin(make_user, login):
    make_user("root", Role.ADMIN)
    return login("root")


def names(body):
    return sorted(item["name"] for item in body["items"])


def test_projects_list_has_counts_and_page_envelope(client, city, admin):
    r = client.get("/api/v1/projects", headers=admin)
    assert r.status_code == 200
    body = r.json()
    assert set(body) == {"items", "total", "limit", "offset"}
    assert body["total"] == 4 and body["limit"] == 50 and body["offset"] == 0
    pa1 = next(p for p in body["items"] if p["id"] == city["pa1"])
    assert pa1["worker_count"] == 2
    assert pa1["region_name"] == "碧江区" and pa1["status_name"] == "在建"


PROJECT_FILTERS = [
    ("region=520602", ["碧江学校改建", "碧江安置房一期"]),
    ("region=520600", ["万山大道", "碧江学校改建", "碧江安置房一期"]),
    ("region=52", ["万山大道", "南明商业中心", "碧江学校改建", "碧江安置房一期"]),
    ("status=004", ["碧江学校改建"]),
    ("category=05", ["万山大道"]),
    ("q=安置", ["碧江安置房一期"]),
    ("q=%25", []),
]


def test_project_filters(client, city, admin):
    for query, expected in PROJECT_FILTERS:
        r = client.get(f"/api/v1/projects?{query}", headers=admin)
        assert r.status_code == 200, r.text
        assert names(r.json()) == expected, query
    assert client.get("/api/v1/projects?region=5206x", headers=admin).status_code == 422


def test_project_filter_by_participating_enterprise(client, city, admin):
    r = client.get(f"/api/v1/projects?enterprise_id={city['ea']}", headers=admin)
    assert names(r.json()) == ["万山大道", "碧江学校改建", "碧江安置房一期"]


def test_pagination_walks_every_project_once(client, city, admin):
    seen = []
    for offset in range(0, 4, 3):
        body = client.get(f"/api/v1/projects?limit=3&offset={offset}", headers=admin).json()
        assert body["total"] == 4 and body["limit"] == 3 and body["offset"] == offset
        seen += [p["id"] for p in body["items"]]
    assert sorted(seen) == sorted(city[k] for k in ("pa1", "pa2", "pb1", "pg"))


def test_limit_above_the_setting_is_refused_with_a_bilingual_problem(client, city, admin, settings):
    r = client.get(f"/api/v1/workers?limit={settings.api_page_size_max + 1}", headers=admin)
    assert r.status_code == 422
    problem = r.json()["problems"][0]
    assert problem["field"] == "limit" and problem["code"] == "limit_too_large"
    assert "每页最多" in problem["message_zh"] and "at most" in problem["message_en"]
    assert client.get("/api/v1/workers?limit=0", headers=admin).status_code == 422


def test_project_detail_lists_participants_teams_and_masked_phones(client, city, admin):
    r = client.get(f"/api/v1/projects/{city['pb1']}", headers=admin)
    assert r.status_code == 200
    body = r.json()
    assert [(p["enterprise_name"], p["corp_type_name"]) for p in body["participants"]] == [
        ("碧江建工集团", "劳务分包"),
        ("万山路桥有限公司", "总承包单位"),
    ]
    assert [(t["name"], t["worker_count"]) for t in body["teams"]] == [("路基班", 2)]
    assert body["worker_count"] == 2 and body["active_worker_count"] == 1
    assert body["link_phone_masked"] == "138****8000"
    assert body["teams"][0]["leader_phone_masked"] == "137****7000"


def test_region_tree_sums_project_counts_upwards(client, city, admin):
    tree = client.get("/api/v1/regions", headers=admin).json()
    assert [n["code"] for n in tree] == ["520000"]
    guizhou = tree[0]
    assert guizhou["project_count"] == 4
    tongren = next(n for n in guizhou["children"] if n["code"] == "520600")
    assert tongren["project_count"] == 3 and len(tongren["children"]) == 10
    detail = client.get("/api/v1/regions/520602", headers=admin).json()
    assert detail["name"] == "碧江区" and detail["project_count"] == 2
    assert client.get("/api/v1/regions/999999", headers=admin).status_code == 404


def test_enterprises_list_filters_and_detail(client, city, admin):
    assert client.get("/api/v1/enterprises", headers=admin).json()["total"] == 3
    assert names(client.get("/api/v1/enterprises?region=520603", headers=admin).json()) == [
        "万山路桥有限公司"
    ]
    on_pb1 = client.get(f"/api/v1/enterprises?project_id={city['pb1']}", headers=admin).json()
    assert names(on_pb1) == ["万山路桥有限公司", "碧江建工集团"]
    assert names(client.get("/api/v1/enterprises?q=南明", headers=admin).json()) == ["南明建设有限公司"]
    detail = client.get(f"/api/v1/enterprises/{city['ea']}", headers=admin).json()
    assert sorted((p["project_name"], p["corp_type"]) for p in detail["projects"]) == [
        ("万山大道", "006"),
        ("碧江学校改建", "009"),
        ("碧江安置房一期", "009"),
    ]


def test_teams_list_filters_and_detail(client, city, admin):
    assert client.get("/api/v1/teams", headers=admin).json()["total"] == 2
    by_project = client.get(f"/api/v1/teams?project_id={city['pa1']}", headers=admin).json()
    assert names(by_project) == ["钢筋班"]
    assert names(client.get("/api/v1/teams?region=520603", headers=admin).json()) == ["路基班"]
    detail = client.get(f"/api/v1/teams/{city['ta']}", headers=admin).json()
    assert detail["project_name"] == "碧江安置房一期" and detail["worker_count"] == 2
    assert client.get("/api/v1/teams/99999", headers=admin).status_code == 404


def test_workers_list_filters(client, city, admin):
    assert client.get("/api/v1/workers", headers=admin).json()["total"] == 4
    assert names(client.get("/api/v1/workers?work_type=030", headers=admin).json()) == ["王五"]
    assert names(client.get(f"/api/v1/workers?team_id={city['tb']}", headers=admin).json()) == [
        "李四",
        "王五",
    ]
    assert names(client.get("/api/v1/workers?region=520602", headers=admin).json()) == ["张三", "李四"]
    assert names(client.get("/api/v1/workers?q=赵", headers=admin).json()) == ["赵六"]
    by_number = client.get(f"/api/v1/workers?id_number={city.clear_ids['wb1']}", headers=admin).json()
    assert names(by_number) == ["王五"]


def test_project_workers_of_a_project(client, city, admin):
    r = client.get(f"/api/v1/projects/{city['pa1']}/workers", headers=admin)
    assert r.status_code == 200
    rows = r.json()["items"]
    assert sorted((w["worker_name"], w["team_name"], w["work_type_name"]) for w in rows) == [
        ("张三", "钢筋班", "钢筋工"),
        ("李四", "钢筋班", "砌筑工"),
    ]
    filtered = client.get(f"/api/v1/projects/{city['pa1']}/workers?work_type=020", headers=admin).json()
    assert [w["worker_name"] for w in filtered["items"]] == ["张三"]
    assert client.get("/api/v1/projects/99999/workers", headers=admin).status_code == 404


def test_worker_detail_shows_engagements_contracts_and_masked_cards(client, city, admin):
    body = client.get(f"/api/v1/workers/{city['shared']}", headers=admin).json()
    assert sorted(e["project_name"] for e in body["engagements"]) == ["万山大道", "碧江安置房一期"]
    assert len(body["contracts"]) == 2 and body["contracts"][0]["rate_fen"] == 30_000
    assert body["cards"][0]["card_masked"].startswith("6217") and "*" in body["cards"][0]["card_masked"]


def test_openapi_is_valid_and_describes_the_registry(client):
    spec = client.get("/api/v1/openapi.json").json()
    validate(spec)
    for path in ("/api/v1/projects", "/api/v1/workers/{worker_id}/reveal", "/api/v1/regions"):
        assert path in spec["paths"]
    schemas = spec["components"]["schemas"]
    assert {"ProjectOut", "ProjectDetail", "WorkerOut", "EnterpriseOut", "TeamOut", "RegionNode"} <= set(
        schemas
    )
    params = {p["name"] for p in spec["paths"]["/api/v1/projects"]["get"]["parameters"]}
    assert {"region", "status", "category", "enterprise_id", "q", "limit", "offset"} <= params
