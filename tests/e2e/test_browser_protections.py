"""In the browser, under the site's Content-Security-Policy: login, an htmx filter, a cookie-authenticated
API write sent by the page's own script, the 404 page and logout all work, and nothing is blocked."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from factories import make_region_project
from wageguard.registry.choices import Role


def test_pages_work_under_the_csp_and_send_the_csrf_token(
    live_server: str, page: Any, db: Any, make_user: Any
) -> None:
    with db.transaction() as s:
        make_region_project(s, "520602", name="碧江安置房一期")
        make_region_project(s, "520602", name="碧江学校改建")
    make_user("root", Role.ADMIN)
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)

    first = page.goto(live_server + "/login")
    assert first is not None and "frame-ancestors 'none'" in first.headers["content-security-policy"]
    page.get_by_label("用户名").fill("root")
    page.get_by_label("密码").fill("pw-root")
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(r"/$"))  # the landing page
    page.goto(live_server + "/projects")

    page.get_by_label("项目名称或编号").fill("学校")
    page.get_by_role("button", name="筛选").click()
    expect(page.get_by_text("共 1 个项目")).to_be_visible()

    # The page's script (static/js/csrf.js) adds X-CSRF-Token to same-origin writes: the import gets past
    # the CSRF check (and is answered by the importer), while a bare write without the script's wrapper
    # is refused.
    statuses = page.evaluate(
        """async () => {
            const opts = {method: "POST", headers: {"Content-Type": "application/json"}, body: "[]"};
            const wrapped = await fetch("/api/v1/imports/Corp", opts);
            const error = (await wrapped.json()).error || "";
            const plain = await new Promise((resolve) => {
                const xhr = new XMLHttpRequest();
                xhr.open("POST", "/api/v1/imports/Corp");
                xhr.setRequestHeader("Content-Type", "application/json");
                xhr.onload = () => resolve(xhr.status);
                xhr.send("[]");
            });
            return [wrapped.status, error, plain];
        }"""
    )
    assert statuses[0] != 403 and statuses[1] != "CsrfRejected"
    assert statuses[2] == 403  # XMLHttpRequest is not wrapped: no token, refused

    missing = page.goto(live_server + "/no-such-page")
    assert missing is not None and missing.status == 404
    expect(page.get_by_text("未找到该页面")).to_be_visible()
    page.get_by_role("link", name="English").click()
    expect(page.get_by_text("This page does not exist")).to_be_visible()

    page.goto(live_server + "/projects")
    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    # The refused XHR and the 404 page log "Failed to load resource"; anything else (a CSP refusal, a script
    # error) is a problem.
    assert [p for p in problems if not p.startswith("Failed to load resource")] == []


def test_the_api_page_runs_swagger_ui_from_this_site_under_the_csp(live_server: str, page: Any) -> None:
    problems: list[str] = []
    foreign: list[str] = []
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("request", lambda req: None if req.url.startswith(live_server) else foreign.append(req.url))
    page.on("response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    answer = page.goto(live_server + "/api/v1/docs")
    assert answer is not None and "cdn" not in answer.headers["content-security-policy"]
    expect(page.get_by_text("/api/v1/auth/token").first).to_be_visible()  # Swagger UI drew the operations
    assert foreign == [] and problems == []
