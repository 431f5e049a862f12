"""Who sees what: inspectors see their region and below, enterprise users their projects, banks nothing.

An inspector of 碧江区 must never see 万山区's projects, teams, workers or enterprises that are only there —
not in lists, details, filters or counts.
"""

from __future__ import annotations

import pytest

from wageguard.registry.choices import Role

LIST_PATHS = ["/api/v1/projects", "/api/v1/teams", "/api/v1/workers", "/api/v1/enterprises"]


@pytest.fixture
def bijiang(make_user, login):
    make_user("bj", Role.INSPECTOR, region_code="520602")
    return login("bj")


@pytest.fixture
def tongren(make_user, login):
    make_user("tr", Role.INSPECTOR, region_code="520600")
    return login("tr")


def ids(client, path, headers):
    r = client.get(path, headers=headers)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["total"] == len(body["items"])
    return sorted(item["id"] for item in body["items"])


def test_county_inspector_lists_only_their_county(client, city, bijiang):
    assert ids(client, "/api/v1/projects", bijiang) == sorted([city["pa1"], city["pa2"]])
    assert ids(client, "/api/v1/teams", bijiang) == [city["ta"]]
    assert ids(client, "/api/v1/workers", bijiang) == sorted([city["wa1"], city["shared"]])
    # ea is registered in 碧江区; eb only in 万山区, eg only in Guiyang
    assert ids(client, "/api/v1/enterprises", bijiang) == [city["ea"]]


OUTSIDE_BIJIANG = [
    "/api/v1/projects/{pb1}",
    "/api/v1/projects/{pg}",
    "/api/v1/projects/{pb1}/workers",
    "/api/v1/teams/{tb}",
    "/api/v1/workers/{wb1}",
    "/api/v1/workers/{wg1}",
    "/api/v1/enterprises/{eb}",
    "/api/v1/enterprises/{eg}",
    "/api/v1/regions/520603",
    "/api/v1/regions/520600",
]


def test_county_inspector_gets_not_found_outside_their_county(client, city, bijiang):
    for path in OUTSIDE_BIJIANG:
        r = client.get(path.format(**city.ids), headers=bijiang)
        assert r.status_code == 404, path
        assert r.json()["message_zh"].startswith("未找到"), path


def test_county_inspector_filters_and_counts_stay_inside(client, city, bijiang):
    outside = ("region=520603", "region=520102", "region=520600&q=万山")
    for path in LIST_PATHS:
        by_id = f"enterprise_id={city['eb']}" if path.endswith("projects") else f"project_id={city['pb1']}"
        for query in (*outside, by_id):
            body = client.get(f"{path}?{query}", headers=bijiang).json()
            assert (body["total"], body["items"]) == (0, []), (path, query)
        assert ids(client, f"{path}?region=52", bijiang) == ids(client, path, bijiang)
    assert client.get(f"/api/v1/workers?team_id={city['tb']}", headers=bijiang).json()["total"] == 0
    number = city.clear_ids["wb1"]
    assert client.get(f"/api/v1/workers?id_number={number}", headers=bijiang).json()["total"] == 0


def test_shared_worker_shows_only_the_inspectors_engagements(client, city, bijiang):
    body = client.get(f"/api/v1/workers/{city['shared']}", headers=bijiang).json()
    assert [e["project_name"] for e in body["engagements"]] == ["碧江安置房一期"]
    assert [c["project_id"] for c in body["contracts"]] == [city["pa1"]]
    enterprise = client.get(f"/api/v1/enterprises/{city['ea']}", headers=bijiang).json()
    assert sorted(p["project_name"] for p in enterprise["projects"]) == ["碧江学校改建", "碧江安置房一期"]


def test_county_inspector_region_tree_is_their_county(client, city, bijiang):
    tree = client.get("/api/v1/regions", headers=bijiang).json()
    assert [(n["code"], n["project_count"], n["children"]) for n in tree] == [("520602", 2, [])]


def test_prefecture_inspector_sees_all_its_counties_and_nothing_else(client, city, tongren):
    assert ids(client, "/api/v1/projects", tongren) == sorted([city["pa1"], city["pa2"], city["pb1"]])
    assert ids(client, "/api/v1/workers", tongren) == sorted([city["wa1"], city["shared"], city["wb1"]])
    assert ids(client, "/api/v1/enterprises", tongren) == sorted([city["ea"], city["eb"]])
    assert ids(client, "/api/v1/teams", tongren) == sorted([city["ta"], city["tb"]])
    assert client.get(f"/api/v1/projects/{city['pg']}", headers=tongren).status_code == 404
    tree = client.get("/api/v1/regions", headers=tongren).json()
    assert [n["code"] for n in tree] == ["520600"] and len(tree[0]["children"]) == 10


def test_enterprise_user_sees_only_projects_it_takes_part_in(client, city, make_user, login):
    make_user("wanshan", Role.ENTERPRISE, enterprise_id=city["eb"])
    headers = login("wanshan")
    assert ids(client, "/api/v1/projects", headers) == [city["pb1"]]
    assert ids(client, "/api/v1/teams", headers) == [city["tb"]]
    assert ids(client, "/api/v1/workers", headers) == sorted([city["shared"], city["wb1"]])
    assert ids(client, "/api/v1/enterprises", headers) == sorted([city["ea"], city["eb"]])
    assert client.get(f"/api/v1/projects/{city['pa1']}", headers=headers).status_code == 404
    tree = client.get("/api/v1/regions", headers=headers).json()
    assert [n["code"] for n in tree] == ["520000"]
    assert [c["code"] for c in tree[0]["children"]] == ["520600"]
    assert [c["code"] for c in tree[0]["children"][0]["children"]] == ["520603"]


@pytest.mark.parametrize("role", [Role.BANK, Role.DEVICE])
def test_banks_and_devices_may_not_read_the_registry(client, city, make_user, login, role):
    make_user("other", role)
    headers = login("other")
    for path in [*LIST_PATHS, "/api/v1/regions", f"/api/v1/projects/{city['pa1']}"]:
        r = client.get(path, headers=headers)
        assert r.status_code == 403, path


def test_registry_reads_need_a_login(client, city):
    assert client.get("/api/v1/projects").status_code == 401
    assert client.get(f"/api/v1/workers/{city['wa1']}").status_code == 401
