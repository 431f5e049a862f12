"""The command screen's API on the small demo city: every figure equals the same figure computed here from
the fact tables; a county inspector's screen holds only that county; an enterprise only its projects; bad
or foreign regions answer 4xx; the live stream's messages are scoped and map to the same figures."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from tests.screen.facts import expected
from tests.web.demo_city import demo_city, log_in

from wageguard.db import Database
from wageguard.screen.live_view import screen_message
from wageguard.screen.regions import ScreenRegion
from wageguard.web.app import create_app


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, Database, date]]:
    settings = demo_city(Path(tmp_path_factory.mktemp("screen-api")))
    db = Database(settings.database_url)
    with db.sessions() as s:
        last = date.fromisoformat(str(s.scalar(text("SELECT MAX(work_date) FROM worker_days")))[:10])
    app = create_app(settings, db=db)
    app.state.clock = lambda: datetime(last.year, last.month, last.day, 4, 0)  # noon in Beijing, UTC naive
    yield app, db, last
    db.dispose()


def _client(app: Any, user: str | None) -> TestClient:
    client = TestClient(app)
    if user:
        log_in(client, user)
    return client


def test_the_city_screen_figures_equal_the_figures_computed_from_the_facts(city: Any) -> None:
    app, db, today = city
    got = _client(app, "tongren").get("/api/v1/screen").json()
    assert got["region"]["code"] == "520600" and got["region"]["level"] == "city"
    want = expected(db, "5206", today)
    shown = {k: got["figures"][k] for k in want}
    assert shown == want
    # a figure the demo feeds is not zero, so the comparison means something
    for name in ("projects_under_construction", "registered_workers", "workers_on_site_today", "amount_owed"):
        assert want[name] > 0, name
    assert want["wages_paid_to_date"] > 0
    # the children add up to the region
    assert sum(c["workers"] for c in got["children"]) == want["registered_workers"]
    assert sum(c["owed_fen"] for c in got["children"]) == want["amount_owed"]
    assert {c["code"] for c in got["children"]} >= {"520602", "520603"}
    assert len(got["trends"]["days"]) == 30 and got["trends"]["on_site"][-1] == want["workers_on_site_today"]
    assert got["feed"] and all("name" not in item for item in got["feed"])


def test_a_county_inspector_screen_holds_only_that_county(city: Any) -> None:
    app, db, today = city
    client = _client(app, "bijiang")
    got = client.get("/api/v1/screen").json()
    assert got["region"]["code"] == "520602" and got["region"]["level"] == "county"
    assert got["children"] == []
    assert got["points"] and {p["region_code"] for p in got["points"]} == {"520602"}
    assert {k: got["figures"][k] for k in expected(db, "520602", today)} == expected(db, "520602", today)
    assert {item["region_code"] for item in got["feed"]} <= {"520602"}
    assert client.get("/api/v1/screen?region=520600").status_code == 403  # the city is above the county
    assert client.get("/api/v1/screen?region=520603").status_code == 403  # a neighbouring county


def test_an_enterprise_sees_only_its_projects_and_a_bank_no_screen(city: Any) -> None:
    app, db, _today = city
    client = _client(app, "gc")
    got = client.get("/api/v1/screen").json()
    assert got["region"]["level"] == "projects" and got["children"] == []
    with db.sessions() as s:
        mine = {
            int(i)
            for (i,) in s.execute(
                text(
                    "SELECT project_id FROM project_participants WHERE enterprise_id = "
                    "(SELECT enterprise_id FROM users WHERE username = 'gc')"
                )
            )
        }
    assert mine and {p["id"] for p in got["points"]} == mine
    assert client.get("/api/v1/screen?region=520600").status_code == 403
    assert _client(app, "bank").get("/api/v1/screen").status_code == 403
    assert _client(app, None).get("/api/v1/screen").status_code == 401


@pytest.mark.parametrize(
    ("region", "status"),
    [("abc", 422), ("5206021", 422), ("52060", 422), ("999999", 404), ("520000", 403), ("5203", 403)],
)
def test_bad_or_foreign_regions_answer_a_clear_4xx(city: Any, region: str, status: int) -> None:
    app, _db, _today = city
    client = _client(app, "tongren")
    for path in ("/api/v1/screen", "/api/v1/screen/figures", "/api/v1/screen/trends", "/api/v1/screen/feed"):
        r = client.get(path, params={"region": region})
        assert r.status_code == status, (path, region, r.text[:200])
        assert "detail" in r.json() or "message" in r.json() or r.json()


def test_the_parts_equal_the_whole(city: Any) -> None:
    app, _db, _today = city
    client = _client(app, "tongren")
    whole = client.get("/api/v1/screen").json()
    assert client.get("/api/v1/screen/figures").json()["figures"] == whole["figures"]
    assert client.get("/api/v1/screen/trends").json() == whole["trends"]
    assert client.get("/api/v1/screen/rankings").json() == whole["rankings"]
    assert client.get("/api/v1/screen/children").json()["children"] == whole["children"]


CITY = ScreenRegion("520600", "铜仁市", "city", "5206", None, None)
COUNTY = ScreenRegion("520602", "碧江区", "county", "520602", None, None)
OTHER = ScreenRegion("520603", "万山区", "county", "520603", None, None)
FIRM = ScreenRegion("", "", "projects", None, (7, 8), None)


def test_a_live_punch_reaches_the_screens_above_it_and_no_other() -> None:
    today = date(2026, 12, 2)
    event = {
        "type": "tally",
        "changes": [["on_site", "2026-12-02", 7, "520602", 3], ["on_site", "2026-12-01", 7, "520602", 1]],
    }
    assert screen_message(CITY, event, today, "zh") == (
        "figures",
        {"delta": {"workers_on_site_today": 3}, "children": {"520602": {"on_site": 3}}, "points": {}},
    )
    assert screen_message(COUNTY, event, today, "zh") == (
        "figures",
        {"delta": {"workers_on_site_today": 3}, "children": {}, "points": {"7": {"on_site": 3}}},
    )
    assert screen_message(OTHER, event, today, "zh") is None
    assert screen_message(FIRM, event, today, "zh") is not None
    elsewhere = {"type": "tally", "changes": [["on_site", "2026-12-02", 9, "520602", 1]]}
    assert screen_message(FIRM, elsewhere, today, "zh") is None
    alerts = {
        "type": "tally",
        "changes": [["alerts_red", "", 7, "520602", 2], ["owed", "", 7, "520602", 500]],
    }
    assert screen_message(CITY, alerts, today, "en") == (
        "figures",
        {
            "delta": {"open_alerts": {"red": 2}, "amount_owed": 500},
            "children": {"520602": {"red_alerts": 2, "owed_fen": 500}},
            "points": {},
        },
    )
    feed = {
        "type": "feed",
        "item": {"kind": "alert", "region_code": "520602", "title_zh": "欠薪", "title_en": "Owed"},
    }
    assert screen_message(CITY, feed, today, "en") == ("feed", {**feed["item"], "title": "Owed"})
    assert screen_message(OTHER, feed, today, "zh") is None
    assert screen_message(OTHER, {"type": "refresh"}, today, "zh") == ("refresh", {})
    # the event itself is never changed: it may still be sent on (a Redis publish serialises it)
    assert json.loads(json.dumps(event)) == {
        "type": "tally",
        "changes": [["on_site", "2026-12-02", 7, "520602", 3], ["on_site", "2026-12-01", 7, "520602", 1]],
    }


def test_a_ranking_row_leads_to_the_projects_of_that_enterprise(city: Any) -> None:
    app, db, _today = city
    client = _client(app, "tongren")
    top = client.get("/api/v1/screen").json()["rankings"]["enterprises_by_owed"][0]
    assert top["owed_fen"] > 0
    page = client.get(top["url"])
    assert page.status_code == 200
    with db.sessions() as s:
        rows = s.execute(
            text(
                "SELECT p.name, EXISTS (SELECT 1 FROM project_participants pp WHERE pp.project_id = p.id "
                "AND pp.enterprise_id = :e) FROM projects p WHERE p.region_code LIKE '5206%'"
            ),
            {"e": top["id"]},
        ).all()
    theirs = [name for name, taking_part in rows if taking_part]
    others = [name for name, taking_part in rows if not taking_part]
    assert theirs and others
    assert all(name in page.text for name in theirs)
    assert not any(name in page.text for name in others)


def test_the_map_shows_high_risk_enterprises_once_scored_and_an_enterprise_never_sees_them(city: Any) -> None:
    from wageguard.risk.scoring import score_enterprises

    app, db, today = city
    summary = score_enterprises(db=db, as_of=today)
    assert summary.scored > 0
    with db.sessions() as s:
        want = dict(
            s.execute(
                text(
                    "SELECT region_code, COUNT(*) FROM risk_scores WHERE as_of = :d AND grade IN ('C', 'D') "
                    "AND region_code LIKE '5206%' GROUP BY region_code"
                ),
                {"d": today},
            ).all()
        )
    assert want, "the demo city has enterprises graded C or D"
    got = _client(app, "tongren").get("/api/v1/screen").json()
    shown = {c["code"]: c["risk_high"] for c in got["children"] if c["risk_high"]}
    assert shown == {code: n for code, n in want.items() if n}
    mine = _client(app, "gc").get("/api/v1/screen").json()
    assert all(not p.get("risk_high") for p in mine["points"])
    page = _client(app, "tongren").get("/screen?measure=risk", headers={"accept": "text/html"})
    assert page.status_code == 200 and "高风险企业" in page.text
