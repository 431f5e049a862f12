"""The command screen in Chromium on a small demo city: the figures shown on ``/screen`` equal the same
figures computed here by plain SQL over the fact tables; a punch posted to a demo gate moves the on-site
counter of an open page within 5 s (through the intake drainer ``serve`` runs and the live events); a county
inspector's screen holds only that county; and a 1920×1080 screenshot of the wall goes to ``var/screen.png``
for a person to look at."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect
from sqlalchemy import select, text
from sqlalchemy.orm import Session
from tests.web.demo_city import LOGINS, demo_city

from wageguard.attendance.intake import IntakeDrainer
from wageguard.attendance.live import choose_gates, demo_key
from wageguard.auth.models import User
from wageguard.auth.service import principal_of
from wageguard.db import Database, utcnow
from wageguard.monitoring.owing import owing_by_project
from wageguard.screen.queries import work_day
from wageguard.tallies.live import current_bus
from wageguard.timezones import zone
from wageguard.web.app import create_app
from wageguard.web.iclock import intake_of, options_of

WALL = {"width": 1920, "height": 1080}
LIVE_S = 5_000  # ms: the bound from a punch to the screen
SCREENSHOT = Path(__file__).resolve().parents[2] / "var" / "screen.png"


@pytest.fixture(scope="module")
def city_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    settings = demo_city(Path(tmp_path_factory.mktemp("e2e-screen")))
    db = Database(settings.database_url)
    yield create_app(settings, db=db)
    db.dispose()


@pytest.fixture
def app(city_app: Any) -> Any:  # the live server serves the demo city
    return city_app


@pytest.fixture
def server(live_server: str, app: Any) -> Iterator[str]:
    """The live server with the intake drainer ``wageguard serve`` runs beside it."""
    drainer = IntakeDrainer(db=app.state.db, intake=intake_of(app), options=options_of(app)).start()
    yield live_server
    drainer.stop()


def open_screen(new_page: Any, base: str, username: str, path: str = "/screen") -> tuple[Any, list[str]]:
    """A signed-in page on ``path``, its live stream open and its first refetch done; its script errors."""
    page = new_page(viewport=WALL)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(base + "/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(LOGINS[username])
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(r"/$"))
    page.goto(base + path)
    expect(page.locator("#live-state")).to_have_attribute("data-state", "open")
    expect(page.locator("#screen-root")).to_have_attribute("data-loaded", re.compile(r"\d+"))
    return page, errors


def shown_figures(page: Any) -> dict[str, str]:
    """``data-figure`` name → the raw value the page shows (fen for amounts)."""
    values: dict[str, str] = page.evaluate(
        "() => Object.fromEntries([...document.querySelectorAll('[data-figure]')]"
        ".map(el => [el.dataset.figure, el.dataset.value]))"
    )
    return values


def _one(session: Session, sql: str, **params: Any) -> int:
    return int(session.execute(text(sql), params).scalar() or 0)


def _previous_month(today: date) -> str:
    return (today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")


def expected_figures(session: Session, prefix: str, today: date, username: str) -> dict[str, str]:
    """The screen's figures for a region, computed from the fact tables (not by the screen's code)."""
    like = {"like": f"{prefix}%"}
    month_start, year_start = today.replace(day=1), today.replace(month=1, day=1)
    paid = "SELECT SUM(amount_fen) FROM bank_payments WHERE status = 'success' AND region_code LIKE :like"
    wage_month = _previous_month(today)
    principal = principal_of(session.scalars(select(User).where(User.username == username)).one())
    owes = [o for o in owing_by_project(session=session, principal=principal).values() if o.owes]
    levels = dict(
        session.execute(
            text(
                "SELECT level, COUNT(*) FROM alerts WHERE status NOT IN ('resolved', 'closed') "
                "AND region_code LIKE :like GROUP BY level"
            ),
            like,
        ).all()
    )
    figures = {
        "projects_under_construction": _one(
            session, "SELECT COUNT(*) FROM projects WHERE status = '003' AND region_code LIKE :like", **like
        ),
        "registered_workers": _one(
            session,
            "SELECT COUNT(*) FROM project_workers pw JOIN projects p ON p.id = pw.project_id "
            "WHERE pw.exit_date IS NULL AND p.region_code LIKE :like",
            **like,
        ),
        "workers_on_site_today": _one(
            session,
            "SELECT COUNT(*) FROM worker_days WHERE work_date = :day AND region_code LIKE :like",
            day=today,
            **like,
        ),
        "wages_paid_this_month": _one(session, paid + " AND value_date >= :start", start=month_start, **like),
        "wages_paid_this_year": _one(session, paid + " AND value_date >= :start", start=year_start, **like),
        "wages_paid_to_date": _one(session, paid, **like),
        "wage_month_paid": _one(session, paid + " AND pay_month = :month", month=wage_month, **like),
        "wage_month_declared": _one(
            session,
            "SELECT SUM(net_total_fen) FROM pay_sheets WHERE is_current = :yes AND pay_month = :month "
            "AND region_code LIKE :like",
            yes=True,
            month=wage_month,
            **like,
        ),
        "projects_owing": len(owes),
        "amount_owed": sum(o.owed_fen for o in owes),
        "workers_affected": sum(o.workers for o in owes),
        "complaints_this_month": _one(
            session,
            "SELECT COUNT(*) FROM complaints WHERE received_date >= :start AND region_code LIKE :like",
            start=month_start,
            **like,
        ),
    }
    out = {name: str(value) for name, value in figures.items()}
    out |= {f"open_alerts.{level}": str(levels.get(level, 0)) for level in ("red", "orange", "yellow")}
    return out


def test_the_screens_figures_equal_the_facts(server: str, new_page: Any, app: Any) -> None:
    page, errors = open_screen(new_page, server, "tongren")
    shown = shown_figures(page)
    with app.state.db.sessions() as s:
        expected = expected_figures(s, "5206", work_day(app.state.settings, utcnow()), "tongren")
    assert {name: shown[name] for name in expected} == expected
    assert int(expected["projects_under_construction"]) > 0 and int(expected["wages_paid_to_date"]) > 0
    # how they read: counts with separators, amounts in 万元 / 亿元 with the exact yuan on hover
    workers = int(expected["registered_workers"])
    expect(page.locator('[data-figure="registered_workers"]')).to_have_text(f"{workers:,}")
    to_date = int(expected["wages_paid_to_date"])
    whole, cents = divmod(to_date, 100)
    tile = page.locator('[data-card="wages_paid_to_date"] .fig-value')
    expect(tile).to_have_attribute("title", f"{whole:,}.{cents:02d} 元")
    assert not errors, errors


def _punchable(session: Session, today: date) -> tuple[str, str, str]:
    """(serial, tz, PIN) of a demo ZKTeco gate in Tongren and a worker enrolled on it, registered on its
    project and not yet on site today."""
    for gate in choose_gates(session, count=50, exclude=set()):
        if gate.vendor != "zkteco":
            continue
        pin = session.execute(
            text(
                "SELECT de.pin FROM device_enrolments de "
                "JOIN project_workers pw ON pw.worker_id = de.worker_id AND pw.project_id = :project "
                "JOIN projects p ON p.id = pw.project_id AND p.region_code LIKE '5206%' "
                "WHERE de.device_id = :device AND pw.exit_date IS NULL AND NOT EXISTS ("
                "SELECT 1 FROM worker_days wd WHERE wd.worker_id = de.worker_id "
                "AND wd.project_id = :project AND wd.work_date = :day) ORDER BY de.pin LIMIT 1"
            ),
            {"project": gate.project_id, "device": gate.device_id, "day": today},
        ).scalar()
        if pin is not None:
            return gate.serial, gate.tz, str(pin)
    raise AssertionError("the demo city has no punchable gate")


def test_a_punch_at_a_demo_gate_moves_the_open_screens_on_site_counter(
    server: str, new_page: Any, app: Any
) -> None:
    page, errors = open_screen(new_page, server, "tongren")
    counter = page.locator('[data-figure="workers_on_site_today"]')
    before = int(counter.get_attribute("data-value") or "0")
    with app.state.db.sessions() as s:
        serial, tz, pin = _punchable(s, work_day(app.state.settings, utcnow()))
    at = datetime.now(zone(tz)).replace(tzinfo=None)
    body = f"{pin}\t{at:%Y-%m-%d %H:%M:%S}\t0\t15\t0\t0\n"
    r = httpx.post(
        server + "/iclock/cdata",
        params={"SN": serial, "key": demo_key(serial), "table": "ATTLOG", "Stamp": "1"},
        content=body.encode(),
    )
    assert (r.status_code, r.text.strip()) == (200, "OK: 1")
    expect(counter).to_have_attribute("data-value", str(before + 1), timeout=LIVE_S)
    expect(counter).to_have_text(f"{before + 1:,}")
    assert not errors, errors


def test_live_feed_items_scroll_in_and_a_refresh_refetches(server: str, new_page: Any) -> None:
    page, errors = open_screen(new_page, server, "tongren")
    root, first = page.locator("#screen-root"), page.locator("#feed li").first
    loaded = root.get_attribute("data-loaded")
    complaint = {  # what complaints/feed.py announces for a filed complaint: no personal data
        "kind": "complaint",
        "id": 990001,
        "region_code": "520603",
        "region": "万山区",
        "project": "万山大道",
        "amount_owed_fen": 1_234_500_00,
        "workers_affected": 3,
        "at": "2026-12-02T02:30:00Z",
        "url": "/cases/990001",
    }
    outside = dict(complaint, id=990002, region_code="520102", region="南明区", project="南明商业中心")
    current_bus().publish({"type": "feed", "item": outside})  # another city's: never shown here
    current_bus().publish({"type": "feed", "item": complaint})
    expect(first.locator("a")).to_have_attribute("href", "/cases/990001", timeout=LIVE_S)
    expect(first).to_contain_text("工人投诉：涉及 3 人，欠薪 123.45 万元")
    expect(first.locator(".feed-meta")).to_have_text("万山大道 · 万山区")
    assert "南明" not in page.locator("#feed").inner_text()
    assert page.locator("#feed li").count() <= 30
    current_bus().publish({"type": "refresh"})  # after an engine run: the whole object again
    expect(root).not_to_have_attribute("data-loaded", loaded or "", timeout=LIVE_S)
    assert not errors, errors


def test_a_county_inspectors_screen_holds_only_that_county(server: str, new_page: Any, app: Any) -> None:
    page, errors = open_screen(new_page, server, "bijiang")
    expect(page.locator(".wall-head h1 .region-name")).to_have_text("碧江区")
    with app.state.db.sessions() as s:
        expected = expected_figures(s, "520602", work_day(app.state.settings, utcnow()), "bijiang")
        mine = {int(i) for (i,) in s.execute(text("SELECT id FROM projects WHERE region_code = '520602'"))}
        outside = text("SELECT name FROM projects WHERE region_code <> '520602'")
        others = [str(n) for (n,) in s.execute(outside)]
    shown = shown_figures(page)
    assert {name: shown[name] for name in expected} == expected
    view = page.evaluate("() => JSON.parse(document.getElementById('screen-data').content.textContent)")
    assert view["children"] == [] and {p["id"] for p in view["points"]} == mine
    expect(page.locator("#screen-root")).to_have_attribute("data-drawn", re.compile(r"\bmap\b"))
    metas = page.locator("#feed .feed-meta").all_inner_texts()
    assert all(m.endswith("碧江区") for m in metas), metas
    text_shown = page.locator("body").inner_text()
    assert not any(name in text_shown for name in others)
    assert not errors, errors


def test_a_screenshot_of_the_wall_for_a_person_to_judge(server: str, new_page: Any, app: Any) -> None:
    page, errors = open_screen(new_page, server, "tongren")
    root = page.locator("#screen-root")
    clock = page.locator("#clock").inner_text()
    now = datetime.now(zone(app.state.settings.timezone))
    minutes = {f"{t:%H:%M}" for t in (now - timedelta(minutes=1), now)}  # the platform zone, to the minute
    assert any(m in clock for m in minutes), (clock, minutes)
    for chart in ("map", "trend-paid"):
        expect(root).to_have_attribute("data-drawn", re.compile(rf"\b{chart}\b"))
    drawn = page.evaluate(
        "() => { const o = echarts.getInstanceByDom(document.getElementById('screen-map')).getOption();"
        " const geo = echarts.getMap(o.series[0].map).geoJSON;"
        " return {data: o.series[0].data.map(d => [d.name, d.drill]),"
        " features: geo.features.map(f => f.properties.name)}; }"
    )
    view = page.evaluate("() => JSON.parse(document.getElementById('screen-data').content.textContent)")
    names = [c["name"] for c in view["children"]]
    assert sorted(drawn["features"]) == sorted(names)  # every county of the map is one of the children
    drills = [[c["name"], f"/screen?region={c['code']}&measure=owed"] for c in view["children"]]
    assert drawn["data"] == drills  # hover and click: each county's figures, its own screen
    sizes = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight]"
    )
    assert sizes == [1920, 1080]  # the stage fits: no scrollbars
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT))
    assert SCREENSHOT.stat().st_size > 50_000
    assert not errors, errors
