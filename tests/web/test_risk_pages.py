"""The risk pages over HTTP (issue 13 part 6): ``/risk`` ranks the enterprises a caller may see worst first
with the reasons ``visit_list`` gives, filtered by county and band (a bad filter is a bilingual 400 page);
``/enterprises/{id}`` shows one enterprise's score, factors, history, band worsenings, projects and alerts;
a project page shows its general contractor's grade. Inspectors see their reach, an enterprise only itself
(never another's score on any of these pages), banks nothing, anonymous visitors log in first.

The city (tests/web/conftest.py): ``ea`` (碧江 520602, GC of pa1/pa2, labour subcontractor on pb1 in 万山
520603), ``eb`` (万山, GC of pb1), ``eg`` (南明 520102, GC of pg); scored at the end of October and of
November, ``ea`` moving from orange to red."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.monitoring.test_alert_pages import log_in
from tests.risk import history as h
from tests.risk.propensity import hand_model
from tests.web.conftest import City
from tests.web.demo_city import demo_city
from tests.web.demo_city import log_in as log_in_demo
from tests.web.test_crawl import crawl

from wageguard.auth.scope import Principal
from wageguard.db import Database
from wageguard.monitoring.models import Alert
from wageguard.registry.choices import Role
from wageguard.registry.models import Project
from wageguard.risk import queries as q
from wageguard.risk.scoring import score_enterprises
from wageguard.web.app import create_app

OCT, NOV = date(2026, 10, 31), date(2026, 11, 30)
PREFECTURE = Principal(user_id=None, username="tongren", role=Role.INSPECTOR, region_code="520600")


@pytest.fixture
def scored(db: Database, city: City) -> City:
    with db.transaction() as s:
        for key in ("ea", "eb", "eg"):
            h.registration(s, city[key], date(2010, 1, 1), 10_000_000, 10_000_000)
            h.tax_year(s, city[key], 2025, "A")
        h.tax_year(s, city["ea"], 2026, "D")
        h.credit(s, city["ea"], "social_insurance", date(2026, 9, 30), amount_fen=8_642_050)
        h.credit(s, city["ea"], "dishonest", date(2026, 11, 10))
        h.tax_year(s, city["eb"], 2026, "C")
        h.tax_year(s, city["eg"], 2026, "D")
        pa1 = s.get(Project, city["pa1"])
        assert pa1 is not None
        h.alert(s, pa1, "red", date(2026, 12, 1))  # after both data dates: counted open, not scored
        s.add(
            Alert(
                rule_code="W21",
                level="orange",
                subject_type="enterprise",
                subject_id=city["ea"],
                subject_key=f"enterprise:{city['ea']}",
                period="",
                project_id=None,
                region_code="520602",
                evidence={},
                evidence_hash="h",
                first_seen_on=date(2026, 12, 1),
                last_changed_on=date(2026, 12, 1),
                still_holds=True,
            )
        )
    score_enterprises(db=db, as_of=OCT)
    score_enterprises(db=db, as_of=NOV)
    return city


def _attr(row: str, name: str) -> str:
    found = re.search(rf'{name}="([^"]*)"', row)
    assert found is not None, (name, row)
    return found.group(1)


def _rows(html: str) -> list[dict[str, Any]]:
    """The visit list's rows: enterprise id, band, total, reasons, projects, alerts, link."""
    if 'id="visit-list"' not in html:
        return []
    body = html.split('id="visit-list"', 1)[1].split("</table>", 1)[0].split("<tbody>", 1)[1]
    out = []
    for row in re.findall(r"<tr [^>]*data-enterprise=.*?</tr>", body, flags=re.S):
        eid = int(_attr(row, "data-enterprise"))
        out.append(
            {
                "id": eid,
                "band": _attr(row, "data-band"),
                "total": int(_attr(row, "data-total")),
                "reasons": re.findall(r"<li>(.*?)</li>", row),
                "projects": int(_attr(row, "data-projects")),
                "alerts": int(_attr(row, "data-alerts")),
                "link": f'href="/enterprises/{eid}"' in row,
            }
        )
    return out


def test_anonymous_visitors_are_sent_to_log_in(client: TestClient, scored: City) -> None:
    for path in ("/risk", f"/enterprises/{scored['ea']}"):
        r = client.get(path, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/login?next=")


def test_the_list_is_visit_lists_rows_worst_first_with_its_reasons(
    client: TestClient, db: Database, scored: City, make_user: Any
) -> None:
    log_in(client, make_user, "tongren", Role.INSPECTOR, "520600")
    page = client.get("/risk")
    assert page.status_code == 200 and "本周走访名单" in page.text
    assert '<a href="/risk">风险</a>' in page.text  # the menu entry
    with db.sessions() as s:
        expected = q.visit_list(s, PREFECTURE)
    rows = _rows(page.text)
    assert [r["id"] for r in rows] == [e["enterprise_id"] for e in expected] == [scored["ea"], scored["eb"]]
    assert [r["reasons"] for r in rows] == [[x["zh"] for x in e["reasons"]] for e in expected]
    assert rows[0]["reasons"][0] == "纳税信用等级：D级（25分）"
    assert [(r["band"], r["total"]) for r in rows] == [(e["band"], e["total"]) for e in expected]
    assert rows[0]["band"] == "red" and "D级 · 红" in page.text
    assert all(r["link"] for r in rows)
    ea, eb = rows
    assert (ea["projects"], ea["alerts"]) == (3, 2)  # pa1, pa2, pb1; the red alert on pa1 and W21
    assert (eb["projects"], eb["alerts"]) == (1, 0)
    english = client.get("/risk", params={"lang": "en"})
    assert [r["reasons"] for r in _rows(english.text)] == [[x["en"] for x in e["reasons"]] for e in expected]
    assert "Whom to visit this week" in english.text


def test_filters_narrow_by_county_and_band(client: TestClient, scored: City, make_user: Any) -> None:
    log_in(client, make_user, "tongren", Role.INSPECTOR, "520600")
    assert [r["id"] for r in _rows(client.get("/risk", params={"band": "red"}).text)] == [scored["ea"]]
    assert [r["id"] for r in _rows(client.get("/risk", params={"band": "yellow"}).text)] == [scored["eb"]]
    assert _rows(client.get("/risk", params={"band": "blue"}).text) == []
    # 万山: eb registered there, ea a subcontractor on pb1; 碧江: ea only
    wanshan = _rows(client.get("/risk", params={"county": "520603"}).text)
    assert [r["id"] for r in wanshan] == [scored["ea"], scored["eb"]]
    bijiang = _rows(client.get("/risk", params={"county": "520602", "band": "red"}).text)
    assert [r["id"] for r in bijiang] == [scored["ea"]]


@pytest.mark.parametrize(
    ("params", "zh", "en"),
    [
        ({"band": "purple"}, "色标可选 red、orange、yellow、blue", "band takes red, orange, yellow, blue"),
        ({"county": "52060"}, "区县须为本辖区内的6位行政区划代码", "county must be a 6-digit code"),
        ({"county": "520102"}, "区县须为本辖区内的6位行政区划代码", "county must be a 6-digit code"),
        ({"sort": "total"}, "未知参数 sort", "unknown parameter sort"),
    ],
)
def test_a_bad_filter_is_a_bilingual_400_page(
    client: TestClient, scored: City, make_user: Any, params: dict[str, str], zh: str, en: str
) -> None:
    log_in(client, make_user, "tongren", Role.INSPECTOR, "520600")
    r = client.get("/risk", params=params)
    assert r.status_code == 400 and r.headers["content-type"].startswith("text/html")
    assert "筛选条件无效" in r.text and zh in r.text and 'id="visit-list"' not in r.text
    r = client.get("/risk", params={**params, "lang": "en"})
    assert r.status_code == 400 and "Invalid filter" in r.text and en in r.text


def test_a_county_inspector_sees_only_its_reach(client: TestClient, scored: City, make_user: Any) -> None:
    log_in(client, make_user, "wanshan", Role.INSPECTOR, "520603")
    assert [r["id"] for r in _rows(client.get("/risk").text)] == [scored["ea"], scored["eb"]]
    log_in(client, make_user, "nanming", Role.INSPECTOR, "520102")
    assert [r["id"] for r in _rows(client.get("/risk").text)] == [scored["eg"]]
    r = client.get(f"/enterprises/{scored['ea']}")
    assert r.status_code == 404 and 'id="latest-score"' not in r.text


def test_enterprises_and_banks_get_no_list(client: TestClient, scored: City, make_user: Any) -> None:
    log_in(client, make_user, "ea", Role.ENTERPRISE, "520602", enterprise_id=scored["ea"])
    home = client.get("/")
    assert 'href="/risk"' not in home.text  # no menu entry
    r = client.get("/risk")
    assert r.status_code == 403 and 'id="visit-list"' not in r.text
    log_in(client, make_user, "bank", Role.BANK, "520602", bank_code="ICBC")
    assert client.get("/risk").status_code == 403
    assert client.get(f"/enterprises/{scored['ea']}").status_code == 403


def _table(html: str, table_id: str) -> list[list[str]]:
    body = html.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0].split("<tbody>", 1)[1]
    body = body.split("</tbody>", 1)[0]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", body, flags=re.S)
    return [
        [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", r, re.S)] for r in rows
    ]


def test_the_enterprise_page_shows_score_factors_history_projects_and_alerts(
    client: TestClient, db: Database, scored: City, make_user: Any
) -> None:
    log_in(client, make_user, "tongren", Role.INSPECTOR, "520600")
    r = client.get(f"/enterprises/{scored['ea']}")
    assert r.status_code == 200 and "碧江建工集团" in r.text
    with db.sessions() as s:
        latest = q.latest_score(s, PREFECTURE, scored["ea"])
    assert latest is not None and (latest["total"], latest["band"]) == (68, "red")
    assert 'data-total="68"' in r.text and "数据日期 2026-11-30" in r.text
    factors = _table(r.text, "factors-table")
    assert [int(row[2]) for row in factors] == [f["points"] for f in latest["factors"]]
    assert factors[0] == ["纳税信用等级", "D级", "25"] and factors[2] == ["社保欠缴金额", "86,420.50元", "18"]
    assert 'id="risk-factors-chart"' in r.text and "data-factors=" in r.text
    history = _table(r.text, "history-table")
    assert [(row[0], row[1], row[2]) for row in history] == [
        ("2026-10-31", "C级 · 橙", "43"),
        ("2026-11-30", "D级 · 红", "68"),
    ]
    assert _table(r.text, "changes-table")[0][:2] == ["2026-11-30", "2026-10-31"]
    projects = _table(r.text, "enterprise-projects")
    assert sorted(row[0].split()[0] for row in projects) == ["万山大道", "碧江学校改建", "碧江安置房一期"]
    assert {row[2] for row in projects} == {"总承包单位", "参建单位"}
    alert_ids = [int(i) for i in re.findall(r'data-alert="(\d+)"', r.text)]
    assert len(alert_ids) == 2 and all(f'href="/alerts/{i}"' in r.text for i in alert_ids)
    assert all(client.get(f"/alerts/{i}").status_code == 200 for i in alert_ids)  # W21's page too
    english = client.get(f"/enterprises/{scored['ea']}", params={"lang": "en"})
    assert _table(english.text, "factors-table")[0] == ["tax credit rating", "D", "25"]


def test_an_enterprise_opens_only_its_own_page(client: TestClient, scored: City, make_user: Any) -> None:
    log_in(client, make_user, "ea", Role.ENTERPRISE, "520602", enterprise_id=scored["ea"])
    own = client.get(f"/enterprises/{scored['ea']}")
    assert own.status_code == 200 and 'data-total="68"' in own.text
    assert 'href="/risk"' not in own.text
    for other in ("eb", "eg"):
        r = client.get(f"/enterprises/{scored[other]}")
        assert r.status_code == 404 and 'id="latest-score"' not in r.text and "data-total" not in r.text
    for bad in ("999999", "abc", "0", "99999999999", "-1"):
        r = client.get(f"/enterprises/{bad}")
        assert r.status_code == 404 and r.headers["content-type"].startswith("text/html"), bad


def test_a_project_page_shows_its_contractors_grade_to_those_allowed(
    client: TestClient, scored: City, make_user: Any
) -> None:
    log_in(client, make_user, "tongren", Role.INSPECTOR, "520600")
    r = client.get(f"/projects/{scored['pb1']}")
    section = r.text.split('id="contractor-risk"', 1)[1].split("</section>", 1)[0]
    assert 'data-band="yellow"' in section and f'href="/enterprises/{scored["eb"]}"' in section
    assert "万山路桥有限公司：" in section and "数据日期 2026-11-30" in section
    log_in(client, make_user, "ea", Role.ENTERPRISE, "520602", enterprise_id=scored["ea"])
    own = client.get(f"/projects/{scored['pa1']}")
    assert 'id="contractor-risk"' in own.text and 'data-band="red"' in own.text
    other = client.get(f"/projects/{scored['pb1']}")  # ea takes part; eb is its general contractor
    assert other.status_code == 200 and 'id="contractor-risk"' not in other.text
    assert f"/enterprises/{scored['eb']}" not in other.text and "data-band" not in other.text


def test_every_key_the_risk_templates_use_is_in_both_catalogues() -> None:
    from wageguard.web.i18n import EN, ZH
    from wageguard.web.pages import risk_text
    from wageguard.web.pages.render import TEMPLATE_DIR

    used = {
        key
        for path in sorted((TEMPLATE_DIR / "risk").glob("*.html"))
        for key in re.findall(r"""\bt\(\s*["']([\w.]+)["']""", path.read_text(encoding="utf-8"))
    }
    assert "risk.title" in used and "enterprise.factors" in used
    prefixes = {key for key in used if key.endswith(".")}
    assert prefixes == {"risk.band.", "alert.level."}
    assert used - prefixes <= set(ZH) & set(EN), sorted(used - prefixes - set(ZH))
    assert {f"risk.band.{band}" for band in ("blue", "yellow", "orange", "red")} <= set(risk_text.TEXT)


@pytest.fixture(scope="module")
def scored_city(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The crawl's demo city, scored at two dates (the crawl test itself walks it unscored)."""
    settings = demo_city(Path(tmp_path_factory.mktemp("risk-crawl")))
    city_db = Database(settings.database_url)
    score_enterprises(db=city_db, as_of=OCT)
    score_enterprises(db=city_db, as_of=NOV)
    yield create_app(settings, db=city_db)
    city_db.dispose()


@pytest.mark.parametrize("username", ["admin", "tongren", "bijiang", "gc", "bank"])
def test_every_link_from_the_visit_list_and_the_enterprise_pages_answers_a_page(
    scored_city: Any, username: str
) -> None:
    """The crawl of tests/web/test_crawl.py from ``/risk`` (an enterprise: from its projects) on a scored
    city: the enterprise pages, their projects and alerts each answer a page (the site's 403 page for
    roles without the list)."""
    with TestClient(scored_city) as c:
        log_in_demo(c, username)
        # an enterprise reaches its own page from its projects' pages (the general contractor's grade)
        visited, problems = crawl(c, "/projects" if username == "gc" else "/risk")
    if username != "bank":
        assert any(p.startswith("/enterprises/") for p in visited), visited
    assert not problems, f"{username}: {len(problems)} broken of {len(visited)}:\n" + "\n".join(problems)


def test_with_a_model_the_list_ranks_by_its_probability_with_its_reasons(
    client: TestClient, db: Database, scored: City, make_user: Any
) -> None:
    score_enterprises(db=db, as_of=NOV, model=hand_model())
    log_in(client, make_user, "tongren", Role.INSPECTOR, "520600")
    page = client.get("/risk")
    rows = _rows(page.text)
    assert [r["id"] for r in rows] == [scored["eb"], scored["ea"]]  # by probability, not total
    assert rows[0]["total"] < rows[1]["total"]
    assert rows[0]["reasons"] == ["纳税信用等级：C级（欠薪几率×7.4）"]
    assert rows[1]["reasons"] == ["纳税信用等级：D级（欠薪几率×2.7）"]
    assert "按模型预测的三个月内欠薪预警概率" in page.text
    assert re.findall(r'data-probability="([^"]*)">([^<]*)<', page.text) == [
        ("0.5", "50%"),
        ("0.268941", "27%"),
    ]
    with db.sessions() as s:
        assert [e["enterprise_id"] for e in q.visit_list(s, PREFECTURE)] == [scored["eb"], scored["ea"]]
    english = client.get("/risk", params={"lang": "en"})
    assert _rows(english.text)[0]["reasons"] == ["tax credit rating: C (odds of arrears ×7.4)"]
    r = client.get(f"/enterprises/{scored['ea']}", params={"lang": "zh"})
    assert 'id="model-line"' in r.text and "27%" in r.text and "rm-test" in r.text
    factors = _table(r.text, "factors-table")
    assert factors[0] == ["纳税信用等级", "D级", "25", "×2.7"]
    assert factors[-1][3] == "×1.0"


def test_without_a_model_the_pages_show_no_probability(
    client: TestClient, scored: City, make_user: Any
) -> None:
    log_in(client, make_user, "tongren", Role.INSPECTOR, "520600")
    page = client.get("/risk")
    assert "data-probability" not in page.text and "欠薪概率" not in page.text
    r = client.get(f"/enterprises/{scored['ea']}")
    assert 'id="model-line"' not in r.text and "对几率的影响" not in r.text
