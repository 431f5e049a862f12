"""The command screen's pages on a small demo city: who may look (inspectors, admins, enterprises; banks and
devices refused, visitors sent to log in), bad filters answer a clear 4xx page, the embedded object is the
viewer's scope only (a county inspector's page holds only that county), every figure's number is on the
page, the base map is served, and the menu offers the overview and the wall screen."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from tests.web.conftest import City
from tests.web.demo_city import demo_city, log_in

from wageguard.auth.scope import Principal
from wageguard.config import Settings
from wageguard.db import Database
from wageguard.registry.choices import Role
from wageguard.web.app import create_app

HTML = {"Accept": "text/html"}
PAGES = ("/overview", "/screen")
TONGREN_COUNTIES = 10
PARTS = ("region", "figures", "links", "children", "points", "trends", "rankings", "feed", "map")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Settings, Database, Any]]:
    settings = demo_city(Path(tmp_path_factory.mktemp("screen-pages")))
    db = Database(settings.database_url)
    yield settings, db, create_app(settings, db=db)
    db.dispose()


@pytest.fixture
def as_user(demo: tuple[Settings, Database, Any]) -> Iterator[Any]:
    clients: list[TestClient] = []

    def make(username: str) -> TestClient:
        client = TestClient(demo[2])
        client.__enter__()
        clients.append(client)
        log_in(client, username)
        return client

    yield make
    for c in clients:
        c.__exit__(None, None, None)


def embedded(html: str) -> dict[str, Any]:
    """The screen object the page embeds for its script."""
    found = re.search(r'<template id="screen-data">(.*?)</template>', html, re.S)
    assert found, html[:500]
    data: dict[str, Any] = json.loads(found.group(1))
    return data


def figure_values(html: str) -> dict[str, str]:
    """``data-figure`` name → its raw ``data-value``."""
    return dict(re.findall(r'data-figure="([\w.]+)"[^>]*?data-value="([^"]*)"', html, re.S))


def test_visitors_are_sent_to_log_in(demo: Any) -> None:
    with TestClient(demo[2]) as anonymous:
        for path in (*PAGES, "/screen/map/520600"):
            r = anonymous.get(path + "?region=520600", headers=HTML, follow_redirects=False)
            assert r.status_code == 303, path
            assert r.headers["location"].startswith(f"/login?next={path}"), r.headers["location"]


@pytest.mark.parametrize("username", ["bank", "gate"])
def test_banks_and_devices_are_refused(as_user: Any, username: str) -> None:
    client = as_user(username)
    for path in (*PAGES, "/screen/map/520600"):
        r = client.get(path, headers=HTML)
        assert r.status_code == 403, (username, path)
        assert "您的角色无权查看此页面。" in r.text
        assert 'id="screen-data"' not in r.text


@pytest.mark.parametrize("username", ["admin", "tongren", "bijiang", "gc"])
def test_inspectors_admins_and_enterprises_see_both_pages(as_user: Any, username: str) -> None:
    client = as_user(username)
    for path in PAGES:
        r = client.get(path, headers=HTML)
        assert r.status_code == 200, (username, path, r.text[:300])
        view = embedded(r.text)
        assert set(PARTS) <= set(view)
        shown = figure_values(r.text)
        for name, value in view["figures"].items():
            if isinstance(value, dict):
                for level, n in value.items():
                    assert shown[f"{name}.{level}"] == str(n), (name, level)
            else:
                assert shown[name] == ("" if value is None else str(value)), name
        assert 'src="/static/js/screen.js"' in r.text


def test_the_city_inspectors_screen_holds_the_citys_counties(as_user: Any, demo: Any) -> None:
    _, db, _ = demo
    html = as_user("tongren").get("/screen", headers=HTML).text
    view = embedded(html)
    with db.sessions() as s:
        counties = dict(s.execute(text("SELECT code, name FROM regions WHERE parent_code = '520600'")).all())
    assert view["region"]["code"] == "520600" and view["region"]["level"] == "city"
    assert {c["code"]: c["name"] for c in view["children"]} == counties
    assert len(counties) == TONGREN_COUNTIES
    assert view["map"]["url"] == "/screen/map/520600"
    assert "铜仁市" in html and "工资支付监管指挥大屏" in html


def test_a_county_inspectors_page_holds_only_that_county(as_user: Any, demo: Any) -> None:
    _, db, _ = demo
    client = as_user("bijiang")
    with db.sessions() as s:
        mine = {int(i) for (i,) in s.execute(text("SELECT id FROM projects WHERE region_code = '520602'"))}
        others = [
            str(n) for (n,) in s.execute(text("SELECT name FROM projects WHERE region_code <> '520602'"))
        ]
        county_names = [
            str(n) for (n,) in s.execute(text("SELECT name FROM regions WHERE code LIKE '5206__'"))
        ]
    assert mine and others
    for path in PAGES:
        html = client.get(path, headers=HTML).text
        view = embedded(html)
        assert view["region"]["code"] == "520602" and view["region"]["level"] == "county"
        assert view["children"] == []
        assert {p["id"] for p in view["points"]} == mine
        assert all(p["region_code"] == "520602" for p in view["points"])
        assert all(item["region"] in ("碧江区", "") for item in view["feed"]), view["feed"]
        assert not any(name in html for name in others)
        assert not any(name in html for name in county_names if name != "碧江区")


def test_the_city_inspector_drills_into_a_county_but_not_outside_the_city(as_user: Any) -> None:
    client = as_user("tongren")
    view = embedded(client.get("/screen?region=520602&measure=red_alerts", headers=HTML).text)
    assert view["region"]["code"] == "520602"
    assert view["region"]["parent"] == {"code": "520600", "name": "铜仁市"}
    r = client.get("/screen?region=520102", headers=HTML)  # Guiyang's 南明区
    assert r.status_code == 403 and "该地区不在您的辖区内" in r.text
    assert 'id="screen-data"' not in r.text


@pytest.mark.parametrize("path", PAGES)
def test_a_bad_measure_answers_400_in_the_page_language(as_user: Any, path: str) -> None:
    client = as_user("tongren")
    r = client.get(path + "?measure=risky", headers=HTML)
    assert r.status_code == 400
    assert "地图着色指标 measure 只能是：owed、red_alerts、on_time_rate、risk。" in r.text
    r = client.get(path + "?measure=x&lang=en", headers=HTML)
    assert r.status_code == 400
    assert "The map measure must be one of: owed, red_alerts, on_time_rate, risk." in r.text
    assert client.get(path + "?measure=risk", headers=HTML).status_code == 200


@pytest.mark.parametrize(
    ("region", "status", "message"),
    [
        ("52a", 422, "地区代码须为 2、4 或 6 位行政区划代码"),
        ("1234567", 422, "地区代码"),
        ("529900", 404, "没有该地区"),
    ],
)
def test_a_bad_region_answers_a_clear_4xx_page(as_user: Any, region: str, status: int, message: str) -> None:
    client = as_user("admin")
    for path in PAGES:
        r = client.get(f"{path}?region={region}", headers=HTML)
        assert r.status_code == status, (path, region, r.text[:300])
        assert message in r.text
        assert 'id="screen-data"' not in r.text


def test_an_enterprise_sees_its_own_projects_only(as_user: Any, demo: Any) -> None:
    _, db, _ = demo
    client = as_user("gc")
    with db.sessions() as s:
        enterprise = s.execute(text("SELECT enterprise_id FROM users WHERE username = 'gc'")).scalar_one()
        mine = {
            int(i)
            for (i,) in s.execute(
                text("SELECT DISTINCT project_id FROM project_participants WHERE enterprise_id = :e"),
                {"e": enterprise},
            )
        }
    view = embedded(client.get("/screen", headers=HTML).text)
    assert view["children"] == [] and {p["id"] for p in view["points"]} == mine
    assert client.get("/screen?region=520600", headers=HTML).status_code == 403


def test_the_map_route_serves_the_regions_base_map(as_user: Any) -> None:
    client = as_user("tongren")
    r = client.get("/screen/map/520600")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    features = r.json()["features"]
    assert len(features) == TONGREN_COUNTIES
    assert "碧江区" in {f["properties"]["name"] for f in features}
    county = client.get("/screen/map/520602")  # a county is drawn as its feature of the city's map
    assert county.status_code == 200 and county.json() == r.json()
    guizhou = client.get("/screen/map/520000").json()
    assert guizhou.get("UTF8Encoding") is True and "520600" in {f["id"] for f in guizhou["features"]}
    for missing in ("110000", "52x", "5206021"):
        assert client.get(f"/screen/map/{missing}", headers=HTML).status_code == 404, missing


def test_the_wall_is_its_own_page_and_the_menu_offers_it(as_user: Any, demo: Any) -> None:
    settings = demo[0]
    client = as_user("tongren")
    wall = client.get("/screen", headers=HTML).text
    assert 'class="topbar"' not in wall and 'class="stage"' in wall
    assert f'data-rotate="{settings.screen_rotate_seconds}"' in wall
    assert 'id="clock"' in wall and 'data-zone="Asia/Shanghai"' in wall
    assert "English" in wall
    english = client.get("/screen?lang=en", headers=HTML).text
    assert "Wage payment command screen" in english and "中文" in english
    home = client.get("/?lang=zh", headers=HTML).text
    assert '<a href="/overview">总览</a>' in home and '<a href="/screen">大屏</a>' in home
    overview = client.get("/overview", headers=HTML).text
    assert 'class="topbar"' in overview and 'href="/screen?measure=owed"' in overview
    enterprise_home = as_user("gc").get("/", headers=HTML).text
    assert 'href="/overview"' not in enterprise_home


def test_the_pages_scope_on_the_tests_own_database(
    client: TestClient, city: City, make_user: Callable[..., Principal]
) -> None:
    """The same scoping on the per-test database (PostgreSQL when ``WAGEGUARD_TEST_PG_URL`` is set)."""
    make_user("bj", role=Role.INSPECTOR, region_code="520602")
    make_user("tr", role=Role.INSPECTOR, region_code="520600")
    log_in(client, "bj", "pw-bj")
    view = embedded(client.get("/screen", headers=HTML).text)
    assert view["region"]["code"] == "520602"
    assert {p["id"] for p in view["points"]} == {city["pa1"], city["pa2"]}
    assert client.get("/overview?region=520603", headers=HTML).status_code == 403
    log_in(client, "tr", "pw-tr")
    view = embedded(client.get("/overview?measure=on_time_rate", headers=HTML).text)
    assert {"520602", "520603"} <= {c["code"] for c in view["children"]}
    assert all(c["code"].startswith("5206") for c in view["children"])
    assert client.get("/screen?region=520102", headers=HTML).status_code == 403
