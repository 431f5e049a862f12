"""Browser protections: CSRF on cookie-authenticated writes, login and logout; security headers on every
response; the site's own 404/403 pages for browsers while the API keeps JSON."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from tests.ingest.factories import corp_row, write_csv

from wageguard.registry.choices import Role
from wageguard.registry.models import Enterprise

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "wageguard" / "web" / "templates"
EVIL = "https://evil.example"
HTML = {"Accept": "text/html,application/xhtml+xml"}


def form_token(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found is not None, "page has no CSRF field"
    return found.group(1)


def meta_token(html: str) -> str:
    found = re.search(r'<meta name="csrf-token" content="([^"]+)"', html)
    assert found is not None, "page has no CSRF meta tag"
    return found.group(1)


def page_login(client: TestClient, username: str) -> None:
    """Log in through the login form, as a browser does (cookie jar keeps the session and CSRF cookies)."""
    token = form_token(client.get("/login").text)
    data = {"username": username, "password": f"pw-{username}", "csrf": token}
    r = client.post("/login", data=data, follow_redirects=False)
    assert r.status_code == 303, r.text


def enterprises(db: Any) -> int:
    with db.sessions() as s:
        return int(s.scalar(select(func.count()).select_from(Enterprise)) or 0)


@pytest.fixture
def corp_csv(tmp_path: Path) -> Callable[[], dict[str, Any]]:
    path = write_csv(tmp_path / "corp.csv", [corp_row(1)])

    def files() -> dict[str, Any]:
        return {"file": ("corp.csv", path.read_bytes(), "text/csv")}

    return files


@pytest.fixture
def admin_browser(client: TestClient, make_user: Callable[..., Any]) -> TestClient:
    make_user("root", Role.ADMIN)
    page_login(client, "root")
    return client


def test_cookie_api_write_from_a_foreign_origin_is_refused_and_stores_nothing(
    admin_browser: TestClient, corp_csv: Callable[[], dict[str, Any]], db: Any
) -> None:
    token = meta_token(admin_browser.get("/projects").text)
    for headers in (
        {"Origin": EVIL, "X-CSRF-Token": token},
        {"Referer": EVIL + "/page", "X-CSRF-Token": token},
    ):
        r = admin_browser.post("/api/v1/imports/Corp", files=corp_csv(), headers=headers)
        assert r.status_code == 403, r.text
        body = r.json()
        assert body["error"] == "CsrfRejected" and "跨站" in body["message_zh"] and body["message"]
    assert enterprises(db) == 0


def test_cookie_api_write_needs_the_token_header(
    admin_browser: TestClient, corp_csv: Callable[[], dict[str, Any]], db: Any
) -> None:
    token = meta_token(admin_browser.get("/projects").text)
    assert admin_browser.post("/api/v1/imports/Corp", files=corp_csv()).status_code == 403
    wrong = admin_browser.post("/api/v1/imports/Corp", files=corp_csv(), headers={"X-CSRF-Token": "forged"})
    assert wrong.status_code == 403
    assert enterprises(db) == 0
    same_origin = {"X-CSRF-Token": token, "Origin": "http://testserver"}
    ok = admin_browser.post("/api/v1/imports/Corp", files=corp_csv(), headers=same_origin)
    assert ok.status_code == 200, ok.text
    assert enterprises(db) == 1


def test_alert_actions_over_the_api_with_a_cookie_need_the_token(admin_browser: TestClient) -> None:
    r = admin_browser.post(
        "/api/v1/alerts/1/actions", json={"action": "acknowledged"}, headers={"Origin": EVIL}
    )
    assert r.status_code == 403 and r.json()["error"] == "CsrfRejected"


def test_bearer_calls_are_unaffected(
    client: TestClient,
    make_user: Callable[..., Any],
    login: Callable[[str], dict[str, str]],
    corp_csv: Callable[[], dict[str, Any]],
) -> None:
    make_user("api", Role.ADMIN)
    headers = {**login("api"), "Origin": EVIL}
    r = client.post("/api/v1/imports/Corp", files=corp_csv(), headers=headers)
    assert r.status_code == 200, r.text


def test_login_needs_the_form_token_and_a_same_site_origin(client: TestClient, make_user: Any) -> None:
    make_user("root", Role.ADMIN)
    creds = {"username": "root", "password": "pw-root"}
    missing = client.post("/login", data=creds, follow_redirects=False)
    assert missing.status_code == 403 and "wg_session" not in missing.headers.get("set-cookie", "")
    assert "页面已过期" in missing.text
    token = form_token(client.get("/login").text)
    foreign = client.post("/login", data={**creds, "csrf": token}, headers={"Origin": EVIL})
    assert foreign.status_code == 403 and "wg_session" not in foreign.headers.get("set-cookie", "")
    ok = client.post("/login", data={**creds, "csrf": token}, follow_redirects=False)
    assert ok.status_code == 303 and "wg_session" in ok.headers["set-cookie"]


def test_logout_needs_the_form_token(admin_browser: TestClient) -> None:
    forged = admin_browser.post("/logout", data={"csrf": "forged"}, follow_redirects=False)
    assert forged.status_code == 403
    assert admin_browser.get("/projects", follow_redirects=False).status_code == 200
    token = form_token(admin_browser.get("/projects").text)
    done = admin_browser.post("/logout", data={"csrf": token}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/login"


@pytest.mark.parametrize("path", ["/alerts/999/act", "/cases/999/act"])
def test_page_forms_are_checked_before_the_action(admin_browser: TestClient, path: str) -> None:
    token = form_token(admin_browser.get("/projects").text)
    foreign = admin_browser.post(
        path, data={"csrf": token, "action": "accept"}, headers={"Origin": EVIL, **HTML}
    )
    assert foreign.status_code == 403 and "跨站" in foreign.text and "<html" in foreign.text
    forged = admin_browser.post(path, data={"csrf": "x", "action": "accept"}, headers=HTML)
    assert forged.status_code == 403 and "页面已过期" in forged.text
    passed = admin_browser.post(path, data={"csrf": token, "action": "acknowledged"}, headers=HTML)
    assert passed.status_code != 403  # the check passed; the alert / case simply does not exist


def test_device_protocols_and_the_public_form_keep_their_own_checks(admin_browser: TestClient) -> None:
    device = admin_browser.post("/iclock/cdata?SN=UNKNOWN&table=ATTLOG", content=b"1\t2026-01-01 08:00:00\n")
    assert "CsrfRejected" not in device.text
    form = admin_browser.get("/c/")
    ok = admin_browser.post(
        "/c/", data={"csrf": form_token(form.text), "website": "bot"}, headers={"Origin": EVIL}
    )
    assert ok.status_code == 200 and "CsrfRejected" not in ok.text  # the honeypot answer: CSRF passed


SECURITY_HEADERS = ("content-security-policy", "x-frame-options", "x-content-type-options", "referrer-policy")


@pytest.mark.parametrize(
    ("path", "headers"),
    [
        ("/login", HTML),
        ("/api/v1/auth/me", {}),
        ("/static/css/app.css", {}),
        ("/no-such-page", HTML),
        ("/api/v1/no-such-thing", {}),
        ("/c/", HTML),
    ],
)
def test_every_response_carries_the_security_headers(
    client: TestClient, path: str, headers: dict[str, str]
) -> None:
    r = client.get(path, headers=headers)
    for name in SECURITY_HEADERS:
        assert name in r.headers, (path, name)
    csp = r.headers["content-security-policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";") if part.strip())
    assert directives["frame-ancestors"] == "'none'"
    assert (
        "'unsafe-inline'" not in directives["script-src"] and "'unsafe-eval'" not in directives["script-src"]
    )
    assert directives["object-src"] == "'none'"
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] in ("strict-origin-when-cross-origin", "no-referrer")
    assert "strict-transport-security" not in r.headers


def test_hsts_only_over_https(app: Any) -> None:
    with TestClient(app, base_url="https://testserver") as secure:
        r = secure.get("/login")
    assert r.headers["strict-transport-security"].startswith("max-age=")


def test_templates_have_no_inline_script_or_event_handlers() -> None:
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for tag in re.findall(r"<script\b[^>]*>", text):
            assert "src=" in tag, (path, tag)
        assert not re.search(r"\son[a-z]+\s*=", text), path
        assert "javascript:" not in text, path


def test_pages_carry_the_token_for_scripts_and_load_the_header_script(admin_browser: TestClient) -> None:
    text = admin_browser.get("/projects").text
    assert meta_token(text)
    assert '<script src="/static/js/csrf.js"' in text
    script = admin_browser.get("/static/js/csrf.js")
    assert script.status_code == 200 and "X-CSRF-Token" in script.text and "htmx:configRequest" in script.text


def test_a_browser_gets_the_sites_own_404_page_in_chinese_with_an_english_switch(client: TestClient) -> None:
    r = client.get("/no-such-page", headers=HTML)
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
    assert 'lang="zh-CN"' in r.text and "未找到该页面" in r.text and "?lang=en" in r.text
    english = client.get("/no-such-page?lang=en", headers=HTML)
    assert english.status_code == 404 and "This page does not exist" in english.text


def test_the_api_keeps_json_for_browsers_too(client: TestClient) -> None:
    r = client.get("/api/v1/no-such-thing", headers=HTML)
    assert r.status_code == 404 and r.headers["content-type"].startswith("application/json")
    assert client.get("/no-such-page").headers["content-type"].startswith("application/json")
    me = client.get("/api/v1/auth/me", headers=HTML)
    assert me.status_code == 401 and me.headers["content-type"].startswith("application/json")


def test_a_bank_user_gets_a_403_page_that_leads_somewhere_useful(
    client: TestClient, make_user: Callable[..., Any]
) -> None:
    make_user("bk", Role.BANK, bank_code="103")
    page_login(client, "bk")
    r = client.get("/projects", headers=HTML)
    assert r.status_code == 403 and "无权" in r.text
    links = re.findall(r'<a[^>]*href="([^"]+)"', r.text.split('<main id="main"', 1)[1])
    assert "/projects" not in links and "/" in links
    assert 'action="/logout"' in r.text
    assert client.get("/", headers=HTML, follow_redirects=False).status_code == 200  # the bank's landing page
    api = client.get("/api/v1/projects", headers={**HTML, "X-CSRF-Token": "x"})
    assert api.status_code == 403 and api.json()["error"] == "Forbidden"
