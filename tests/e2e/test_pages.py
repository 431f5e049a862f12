"""In the browser: an inspector logs in, sees their county's projects in Chinese, then English, logs out."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from factories import make_region_project, make_worker
from wageguard.registry.choices import Role
from wageguard.web.assets import available


def test_inspector_journey_through_the_projects_page(live_server, page, db, protector, make_user):
    with db.transaction() as s:
        mine, _ = make_region_project(s, "520602", name="碧江安置房一期")
        make_worker(s, protector, project=mine)
        make_region_project(s, "520602", name="碧江学校改建")
        make_region_project(s, "520603", name="万山大道")
    make_user("bj", Role.INSPECTOR, region_code="520602")

    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(live_server + "/")
    expect(page).to_have_url(re.compile(r"/login$"))
    page.get_by_label("用户名").fill("bj")
    page.get_by_label("密码").fill("pw-bj")
    page.get_by_role("button", name="登录").click()

    expect(page).to_have_url(re.compile(r"/$"))  # the landing page; the menu leads to the projects
    page.locator("nav.nav").get_by_role("link", name="项目", exact=True).click()
    expect(page).to_have_url(re.compile(r"/projects$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("各区县项目")
    expect(page.get_by_role("link", name="碧江安置房一期")).to_be_visible()
    expect(page.get_by_text("万山大道")).to_have_count(0)
    expect(page.locator("#county-table tbody tr")).to_have_count(1)
    page.get_by_label("项目名称或编号").fill("安置")
    page.get_by_role("button", name="筛选").click()
    expect(page).to_have_url(re.compile(r"q=%E5%AE%89%E7%BD%AE"))
    expect(page.get_by_role("link", name="碧江学校改建")).to_have_count(0)
    expect(page.get_by_text("共 1 个项目")).to_be_visible()
    if available().county_map:
        expect(page.locator("#county-map canvas")).to_have_count(1)
    else:
        expect(page.locator("#county-map")).to_have_count(0)

    page.get_by_role("link", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Projects by county")
    expect(page.get_by_role("link", name="碧江安置房一期")).to_be_visible()

    page.get_by_role("link", name="碧江安置房一期").click()
    expect(page.locator("#worker-count")).to_have_text("1 registered, 1 on site")

    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")
    page.goto(live_server + "/projects")
    expect(page).to_have_url(re.compile(r"/login\?next="))
    assert errors == []
