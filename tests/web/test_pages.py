"""Server-rendered pages over HTTP: login, the projects page per county, a project, language, logout."""

from __future__ import annotations

import re

import pytest

from wageguard.registry.choices import Role
from wageguard.web.tokens import COOKIE_NAME


def csrf_token(client):
    """The login form's CSRF token (its cookie lands in the client's jar)."""
    return re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text).group(1)


def log_in(client, username, next_path=""):
    data = {"username": username, "password": f"pw-{username}", "next": next_path, "csrf": csrf_token(client)}
    return client.post("/login", data=data, follow_redirects=False)


@pytest.fixture
def bijiang_client(client, make_user):
    make_user("bj", Role.INSPECTOR, region_code="520602")
    assert log_in(client, "bj").status_code == 303
    return client


def test_root_sends_visitors_to_login_and_shows_users_their_landing_page(client, make_user):
    assert client.get("/", follow_redirects=False).headers["location"] == "/login"
    make_user("root")
    assert log_in(client, "root").headers["location"] == "/"
    assert client.get("/", follow_redirects=False).status_code == 200


def test_login_form_is_chinese_and_sets_the_session_cookie(client, make_user):
    page = client.get("/login")
    assert page.status_code == 200 and 'lang="zh-CN"' in page.text
    assert "用户名" in page.text and "密码" in page.text
    make_user("root")
    r = log_in(client, "root", "/projects?county=520602")
    assert r.status_code == 303 and r.headers["location"] == "/projects?county=520602"
    cookie = r.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE_NAME}=") and "HttpOnly" in cookie and "samesite=lax" in cookie.lower()


def test_wrong_password_shows_the_form_again_with_an_error(client, make_user):
    make_user("root")
    r = client.post("/login", data={"username": "root", "password": "bad", "csrf": csrf_token(client)})
    assert r.status_code == 401 and "用户名或密码错误" in r.text
    assert COOKIE_NAME not in r.headers.get("set-cookie", "")


def test_login_never_redirects_off_site(client, make_user):
    make_user("root")
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        assert log_in(client, "root", target).headers["location"] == "/"


def test_pages_need_a_login(client, city):
    r = client.get("/projects?county=520602", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login?next=/projects%3Fcounty%3D520602"
    assert client.get(f"/projects/{city['pa1']}", follow_redirects=False).status_code == 303


def test_county_inspector_sees_only_their_county_with_counts(bijiang_client, city):
    page = bijiang_client.get("/projects")
    assert page.status_code == 200
    text = page.text
    assert "各区县项目" in text and "碧江安置房一期" in text and "碧江学校改建" in text
    assert "万山大道" not in text and "南明商业中心" not in text and "万山区" not in text
    county_rows = re.findall(r'<a href="/projects\?county=(\d{6})">', text)
    assert county_rows == ["520602"]
    assert "共 2 个项目" in text


def test_prefecture_inspector_sees_every_county_and_filters_by_one(client, city, make_user):
    make_user("tr", Role.INSPECTOR, region_code="520600")
    log_in(client, "tr")
    text = client.get("/projects").text
    assert len(set(re.findall(r'<a href="/projects\?county=(\d{6})">', text))) == 10
    assert "共 3 个项目" in text
    filtered = client.get("/projects?county=520603").text
    assert "万山大道" in filtered and "碧江安置房一期" not in filtered and "共 1 个项目" in filtered


def test_project_page_shows_participants_teams_and_masked_data(client, city, make_user):
    make_user("root")
    log_in(client, "root")
    text = client.get(f"/projects/{city['pb1']}").text
    assert "万山路桥有限公司" in text and "总承包单位" in text and "劳务分包" in text
    assert "路基班" in text and "登记 2 人，在场 1 人" in text
    assert "139****9000" in text and "137****7000" in text
    assert "13900139000" not in text and "13700137000" not in text
    for clear in city.clear_ids.values():
        assert clear not in text


def test_project_outside_the_scope_is_not_found(bijiang_client, city):
    r = bijiang_client.get(f"/projects/{city['pb1']}")
    assert r.status_code == 404 and "万山大道" not in r.text and "未找到" in r.text


def test_bank_users_are_refused_the_projects_page(client, city, make_user):
    make_user("bank1", Role.BANK)
    log_in(client, "bank1")
    r = client.get("/projects")
    assert r.status_code == 403 and "无权" in r.text


def test_english_switch_is_remembered_in_a_cookie(bijiang_client, city):
    r = bijiang_client.get("/projects?lang=en")
    assert r.status_code == 200 and 'lang="en"' in r.text
    assert "Projects by county" in r.text and "Under construction" in r.text
    assert "lang=en" in r.headers["set-cookie"]
    again = bijiang_client.get("/projects")
    assert "Projects by county" in again.text
    assert "各区县项目" in bijiang_client.get("/projects?lang=zh").text


def test_pagination_links_walk_the_list(client, db, make_user):
    from factories import make_region_project

    with db.transaction() as s:
        for _ in range(52):
            make_region_project(s, "520621")
    make_user("root")
    log_in(client, "root")
    first = client.get("/projects").text
    assert "共 52 个项目" in first and 'rel="next"' in first and 'rel="prev"' not in first
    second = client.get("/projects?offset=50").text
    assert "第 51–52 条" in second and 'rel="prev"' in second and 'rel="next"' not in second


def test_logout_clears_the_cookie(bijiang_client, city):
    r = bijiang_client.post("/logout", data={"csrf": csrf_token(bijiang_client)}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login"
    assert f'{COOKIE_NAME}=""' in r.headers["set-cookie"]
    assert bijiang_client.get("/projects", follow_redirects=False).status_code == 303


def test_every_script_and_stylesheet_a_page_links_is_served(bijiang_client, city):
    text = bijiang_client.get("/projects").text
    links = re.findall(r'(?:src|href)="(/static/[^"]+)"', text)
    assert "/static/css/app.css" in links
    for link in links:
        assert bijiang_client.get(link).status_code == 200, link
