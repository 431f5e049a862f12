"""The project list (issue 11 part 4) over HTTP: each row says whether the project owes wages and how much
(from its alerts, scoped), every column header sorts the whole list (not only the page) both ways, and the
county filter keeps working together with the sort."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from tests.monitoring.test_alert_pages import log_in
from tests.monitoring.test_owing import _alert

from factories import GC, make_enterprise, make_project
from wageguard.db import Database
from wageguard.registry.choices import Role


def _city(db: Database) -> dict[str, int]:
    with db.transaction() as s:
        ea = make_enterprise(s, name="碧江建工", region_code="520602")
        eb = make_enterprise(s, name="万山路桥", region_code="520603")
        a = make_project(s, region_code="520602", name="A甲工程", participants=[(ea, GC)])
        c = make_project(s, region_code="520602", name="B丙工程", participants=[(ea, GC)])
        d = make_project(s, region_code="520602", name="C丁工程", participants=[(eb, GC)])
        b = make_project(s, region_code="520603", name="D乙工程", participants=[(eb, GC)])
        s.add_all(
            [
                _alert(a.id, "520602", "W06", "2026-09", 300_000, 3),
                _alert(a.id, "520602", "W17", "2026-09", 320_000, 4, level="red"),  # same arrears: once
                _alert(a.id, "520602", "W08", "2026-10", 1_234_567_89, 1),
                _alert(d.id, "520602", "W06", "2026-10", 50_000, 1),
                _alert(d.id, "520602", "W06", "2026-09", 999_999, 9, status="resolved"),  # finished: no
                _alert(b.id, "520603", "W06", "2026-10", 70_000, 2),
                _alert(c.id, "520602", "W22", "", None, 0, level="yellow"),  # open, but owes nothing
            ]
        )
    return {"a": a.id, "b": b.id, "c": c.id, "d": d.id, "ea": ea.id}


def _rows(html: str) -> list[tuple[str, str]]:
    """(project name, owes cell text) of each listed row, in order."""
    out = []
    for row in (
        html.split('<div id="project-list">')[1].split("<tbody>")[1].split("</tbody>")[0].split("<tr")[1:]
    ):
        name = re.search(r'<a href="/projects/\d+">([^<]+)</a>', row)
        owes = re.search(r'class="num owes-cell"[^>]*>\s*(?:<a[^>]*>|<span[^>]*>)([^<]+)<', row)
        assert name and owes
        out.append((name.group(1), owes.group(1)))
    return out


def test_rows_say_who_owes_and_how_much(
    client: TestClient, db: Database, make_user: Callable[..., Any]
) -> None:
    _city(db)
    log_in(client, make_user, "bijiang", Role.INSPECTOR, "520602")
    page = client.get("/projects")
    assert page.status_code == 200
    # A: the larger of W06/W17 for 2026-09 (3,200.00) + W08 for 2026-10 (1,234,567.89) = 1,237,767.89
    assert dict(_rows(page.text)) == {
        "A甲工程": "欠薪 1,237,767.89 元",
        "B丙工程": "未发现",
        "C丁工程": "欠薪 500.00 元",
    }
    assert "D乙工程" not in page.text  # another county: neither the row nor its amount
    assert "700.00" not in page.text


def test_every_column_sorts_both_ways_and_the_county_filter_stays(
    client: TestClient, db: Database, make_user: Callable[..., Any]
) -> None:
    _city(db)
    log_in(client, make_user, "tongren", Role.INSPECTOR, "520600")

    def names(**params: str) -> list[str]:
        r = client.get("/projects", params=params)
        assert r.status_code == 200
        return [n for n, _ in _rows(r.text)]

    assert names(sort="owed") == ["A甲工程", "D乙工程", "C丁工程", "B丙工程"]
    assert names(sort="owed", dir="asc") == ["B丙工程", "C丁工程", "D乙工程", "A甲工程"]
    assert names(sort="name", dir="asc") == ["A甲工程", "B丙工程", "C丁工程", "D乙工程"]
    assert names(sort="name", dir="desc") == ["D乙工程", "C丁工程", "B丙工程", "A甲工程"]
    assert names(sort="county", dir="desc")[0] == "D乙工程"
    assert names(county="520603", sort="owed") == ["D乙工程"]
    assert names(county="520602", sort="owed", dir="asc") == ["B丙工程", "C丁工程", "A甲工程"]
    assert names(sort="nonsense", dir="sideways") == names()  # an unknown sort keeps the default order
    page = client.get("/projects", params={"sort": "owed", "county": "520602"}).text
    assert re.search(r'aria-sort="descending" data-sort="owed"', page)
    header = re.search(r'data-sort="owed">\s*<a href="([^"]+)"', page)
    assert header and "dir=asc" in header.group(1) and "county=520602" in header.group(1)
    assert re.search(r'aria-sort="none" data-sort="name"', page)
    english = client.get("/projects", params={"sort": "owed", "lang": "en"}).text
    assert "Owes 12,377.67 yuan" not in english and "Owes 1,237,767.89 yuan" in english


def test_the_enterprise_sees_its_own_projects_and_their_answers(
    client: TestClient, db: Database, make_user: Callable[..., Any]
) -> None:
    ids = _city(db)
    log_in(client, make_user, "clerk", Role.ENTERPRISE, "520602", enterprise_id=ids["ea"])
    rows = _rows(client.get("/projects", params={"sort": "owed"}).text)
    assert rows == [("A甲工程", "欠薪 1,237,767.89 元"), ("B丙工程", "未发现")]
