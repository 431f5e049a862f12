"""The landing page ``/`` per role on a small demo city: every figure equals what the test computes itself
from the database; visitors go to the login page, devices to their gate page; the bank never meets a 403;
unknown addresses answer the site's own page (HTML) or JSON under /api/."""

from __future__ import annotations

import calendar
import json
import re
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text
from sqlalchemy.orm import Session
from tests.web.demo_city import demo_city, log_in

from wageguard.auth.models import User
from wageguard.auth.service import principal_of
from wageguard.complaints.models import Complaint
from wageguard.complaints.queries import current_deadline
from wageguard.config import Settings
from wageguard.db import Database
from wageguard.monitoring.owing import owing_by_project
from wageguard.web.app import create_app
from wageguard.web.pages.alerts_view import yuan
from wageguard.web.pages.render import today_local

HTML = {"Accept": "text/html"}


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Settings, Database, Any]]:
    settings = demo_city(Path(tmp_path_factory.mktemp("landing")))
    db = Database(settings.database_url)
    yield settings, db, create_app(settings, db=db)
    db.dispose()


@pytest.fixture
def as_user(city: tuple[Settings, Database, Any]) -> Iterator[Any]:
    clients: list[TestClient] = []

    def make(username: str) -> TestClient:
        client = TestClient(city[2])
        client.__enter__()
        clients.append(client)
        log_in(client, username)
        return client

    yield make
    for c in clients:
        c.__exit__(None, None, None)


def _principal(session: Session, username: str) -> Any:
    return principal_of(session.scalars(select(User).where(User.username == username)).one())


def _cells(html: str, row_attr: str) -> list[str]:
    """The text of each cell of the table row carrying ``row_attr`` (e.g. ``data-code="520602"``)."""
    row = re.search(rf"<tr[^>]*{re.escape(row_attr)}[^>]*>(.*?)</tr>", html, re.S)
    assert row, row_attr
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)]


def _level_figures(html: str) -> dict[str, int]:
    found = re.findall(r'data-level="(\w+)">([\d,]+)<', html)
    return {level: int(n.replace(",", "")) for level, n in found}


def _open_levels(session: Session, where: str, **params: Any) -> dict[str, int]:
    rows = session.execute(
        text(
            "SELECT level, count(*) FROM alerts WHERE status NOT IN ('resolved', 'closed') AND "
            f"{where} GROUP BY level"
        ),
        params,
    ).all()
    return {"red": 0, "orange": 0, "yellow": 0} | {level: n for level, n in rows}


def test_visitors_go_to_login_and_devices_to_their_gate_page(as_user: Any, city: Any) -> None:
    with TestClient(city[2]) as anonymous:
        assert anonymous.get("/", follow_redirects=False).headers["location"] == "/login"
    gate = as_user("gate")
    assert gate.get("/", follow_redirects=False).headers["location"] == "/attendance/devices"


def test_every_staff_login_lands_on_the_landing_page(city: Any) -> None:
    for username in ("admin", "tongren", "gc", "bank"):
        with TestClient(city[2]) as client:
            form = client.get("/login").text
            token = re.search(r'name="csrf" value="([^"]+)"', form)
            assert token
            data = {"username": username, "password": f"{username}123", "csrf": token.group(1)}
            r = client.post("/login", data=data, follow_redirects=False)
            assert r.headers["location"] == "/", username
            assert client.get("/", headers=HTML).status_code == 200


def test_the_inspectors_landing_shows_the_region_at_a_glance(as_user: Any, city: Any) -> None:
    settings, db, _ = city
    page = as_user("tongren").get("/", headers=HTML)
    assert page.status_code == 200
    html = page.text
    with db.sessions() as s:
        levels = _open_levels(s, "region_code LIKE '5206%'")
        principal = _principal(s, "tongren")
        owing = owing_by_project(session=s, principal=principal)
        counties = dict(s.execute(text("SELECT code, name FROM regions WHERE code LIKE '5206__'")).all())
        project_county = dict(s.execute(text("SELECT id, region_code FROM projects")).all())
        complaints = list(s.scalars(select(Complaint).where(Complaint.region_code.startswith("5206"))))
        building = s.scalar(
            text("SELECT COUNT(*) FROM projects WHERE status = '003' AND region_code LIKE '5206%'")
        )
    assert _level_figures(html) == levels and sum(levels.values()) > 0
    for level in levels:
        assert f'href="/alerts?level={level}"' in html

    owes = [o for o in owing.values() if o.owes]
    assert owes, "the demo city plants arrears"
    owed = sum(o.owed_fen for o in owes)
    assert f"{yuan(owed)} 元" in html and "," in yuan(owed)
    assert building and f"{len(owes)} / {building} 个在建项目" in html
    assert f"{sum(o.workers for o in owes):,} 人" in html

    per_county: dict[str, int] = {}
    for o in owes:
        code = project_county[o.project_id]
        per_county[code] = per_county.get(code, 0) + o.owed_fen
    for code, fen in per_county.items():
        cells = _cells(html, f'data-code="{code}"')
        assert cells[0] == counties[code] and cells[3] == yuan(fen), (code, cells)
        assert f'href="/projects?county={code}"' in html
    rows = re.findall(r'<tr class="heat-(\d)[^"]*" data-code="(\d+)"', html)
    first = rows[0][1]
    assert per_county.get(first) == max(per_county.values())  # most owed first, darkest
    assert rows[0][0] == "4"

    today = today_local(settings)
    sunday = today + timedelta(days=6 - today.weekday())
    deadlines = [current_deadline(c)[0] for c in complaints]
    due = sum(1 for d in deadlines if d is not None and today <= d <= sunday)
    overdue = sum(1 for d in deadlines if d is not None and d < today)
    assert f"{due} 件" in html and f"另有 {overdue} 件已超期" in html
    assert 'href="/cases?sort=deadline"' in html


def test_a_county_inspector_sees_only_their_county(as_user: Any, city: Any) -> None:
    _, db, _ = city
    html = as_user("bijiang").get("/", headers=HTML).text
    with db.sessions() as s:
        levels = _open_levels(s, "region_code = '520602'")
    assert _level_figures(html) == levels
    assert re.findall(r'data-code="(\d+)"', html) == ["520602"]


def test_the_enterprise_sees_its_projects_alerts_and_pay_sheets_due(as_user: Any, city: Any) -> None:
    settings, db, _ = city
    html = as_user("gc").get("/", headers=HTML).text
    with db.sessions() as s:
        principal = _principal(s, "gc")
        mine = [
            pid
            for (pid,) in s.execute(
                text("SELECT DISTINCT project_id FROM project_participants WHERE enterprise_id = :e"),
                {"e": principal.enterprise_id},
            )
        ]
        levels = _open_levels(
            s,
            "project_id IN (SELECT project_id FROM project_participants WHERE enterprise_id = :e)",
            e=principal.enterprise_id,
        )
        owing = owing_by_project(session=s, principal=principal, project_ids=mine)
        today = today_local(settings)
        months = []
        for back in (3, 2, 1):
            y, m = divmod(today.year * 12 + today.month - 1 - back, 12)
            months.append(f"{y}-{m + 1:02d}")
        attended = s.execute(
            text(
                "SELECT DISTINCT wm.project_id, wm.month, p.pay_day, p.grace_days FROM worker_months wm "
                "JOIN projects p ON p.id = wm.project_id WHERE wm.month IN (:a, :b, :c) AND NOT EXISTS ("
                "SELECT 1 FROM pay_sheets ps WHERE ps.project_id = wm.project_id AND ps.pay_month = wm.month "
                "AND ps.is_current)"
            ),
            dict(zip("abc", months, strict=True)),
        ).all()
    assert mine
    assert sorted(int(p) for p in re.findall(r'data-project="(\d+)"', html)) == sorted(mine)
    assert _level_figures(html) == levels
    for pid, o in owing.items():
        if o.owes:
            cells = _cells(html, f'data-project="{pid}"')
            assert cells[2] == "欠薪" and cells[3] == yuan(o.owed_fen)
    due = [(pid, month, pay_day, grace) for pid, month, pay_day, grace in attended if pid in mine]
    section = html.split('id="paysheets-due"', 1)[1]
    assert section.count("<tr>") - 1 == len(due)  # one header row
    for _, month, pay_day, grace in due:
        y, m = int(month[:4]), int(month[5:])
        ny, nm = (y + 1, 1) if m == 12 else (y, m + 1)
        deadline = date(ny, nm, min(pay_day, calendar.monthrange(ny, nm)[1])) + timedelta(days=grace)
        assert deadline.isoformat() in section
    assert 'href="/imports/paysheet"' in html and 'href="/alerts"' in html


def test_the_bank_sees_its_accounts_and_failed_payments_and_never_a_403(as_user: Any, city: Any) -> None:
    _, db, _ = city
    bank = as_user("bank")
    page = bank.get("/", headers=HTML)
    assert page.status_code == 200
    html = page.text
    with db.sessions() as s:
        accounts = s.execute(
            text(
                "SELECT a.id, a.account_masked, (SELECT b.balance_fen FROM wage_account_balances b "
                "WHERE b.account_id = a.id ORDER BY b.as_of DESC LIMIT 1), (SELECT max(b.as_of) FROM "
                "wage_account_balances b WHERE b.account_id = a.id) FROM wage_accounts a "
                "WHERE a.bank_code = '103'"
            )
        ).all()
        failed = s.execute(
            text(
                "SELECT count(*) FROM bank_payments p JOIN wage_accounts a ON a.id = p.account_id "
                "WHERE a.bank_code = '103' AND p.status IN ('failed', 'returned')"
            )
        ).scalar_one()
    assert accounts
    assert sorted(int(a) for a in re.findall(r'data-account="(\d+)"', html)) == sorted(a[0] for a in accounts)
    for account_id, masked, balance, as_of in accounts:
        cells = _cells(html, f'data-account="{account_id}"')
        assert cells[0].startswith(masked)
        assert cells[3] == yuan(balance) and cells[4] == (str(as_of) if as_of else "—")
    assert f"共 {failed} 笔" in html
    assert 'href="/money/statements/upload"' in html
    refused = bank.get(
        "/projects", headers=HTML
    )  # a page not for banks: the 403 page leads home, not to itself
    assert refused.status_code == 403 and 'href="/"' in refused.text
    assert bank.get("/", headers=HTML).status_code == 200


def test_the_landing_page_speaks_english(as_user: Any) -> None:
    html = as_user("tongren").get("/?lang=en", headers=HTML).text
    assert "Your region at a glance" in html and "Arrears by county" in html
    assert re.search(r"\d of \d+ projects under construction", html)


def test_unknown_addresses_answer_the_sites_own_pages(as_user: Any, city: Any) -> None:
    admin = as_user("admin")
    for path in ("/nope", "/projects/999999"):
        r = admin.get(path, headers=HTML)
        assert r.status_code == 404 and r.headers["content-type"].startswith("text/html"), path
        assert 'href="/"' in r.text and "未找到" in r.text
    api = admin.get("/api/v1/nope", headers=HTML)
    assert api.status_code == 404 and api.json()["error"] == "NotFound"
    with TestClient(city[2]) as anonymous:
        page = anonymous.get("/nope", headers=HTML)
        assert page.status_code == 404 and 'href="/"' in page.text


def test_the_landing_page_shows_the_demo_build_while_it_loads(as_user: Any, city: Any) -> None:
    settings = city[0]
    path = settings.var_dir / "demo" / "progress.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    stages = [("registry", "done", 1.5), ("attendance", "running", None), ("monitoring", "waiting", None)]
    body = {"stages": [{"name": n, "state": st, "seconds": sec} for n, st, sec in stages]}
    path.write_text(json.dumps(body), encoding="utf-8")
    try:
        for username in ("tongren", "gc", "bank"):
            html = as_user(username).get("/", headers=HTML).text
            assert "演示数据加载中" in html, username
            for line in ("项目与工人登记：已完成（1.5 秒）", "考勤：加载中", "预警监测：等待中"):
                assert line in html, (username, line)
        english = as_user("tongren").get("/?lang=en", headers=HTML).text
        assert "Demo data loading" in english and "Registry: done (1.5 s)" in english
        body = {"stages": [{"name": n, "state": "done", "seconds": 1.0} for n, _, _ in stages]}
        path.write_text(json.dumps(body), encoding="utf-8")
        assert "演示数据加载中" not in as_user("tongren").get("/", headers=HTML).text
    finally:
        path.unlink()


def test_the_landing_templates_use_only_catalogue_keys_in_both_languages() -> None:
    from wageguard.web.i18n import EN, ZH
    from wageguard.web.pages import home_text
    from wageguard.web.pages.render import TEMPLATE_DIR

    used = {
        key
        for path in (TEMPLATE_DIR / "home").glob("*.html")
        for key in re.findall(r"""\bt\(\s*["']([\w.]+)["']""", path.read_text(encoding="utf-8"))
    }
    prefixes = {key for key in used if key.endswith(".")}
    assert used and prefixes == {"home.level.", "home.state.", "home.payment."}
    assert used - prefixes <= set(ZH), sorted(used - prefixes - set(ZH))
    for key, (zh, en) in home_text.TEXT.items():
        assert ZH[key] == zh and EN[key] == en
        assert not re.search(r"[\u4e00-\u9fff][,:;()]|[,:;()][\u4e00-\u9fff]", zh), (key, zh)
