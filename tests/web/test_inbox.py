"""The alert inbox over HTTP: every sort key in both directions, each filter, counts per level, bulk
acknowledge / assign within the caller's scope, the XLSX export of the filtered list, the enterprise's
read-only view, and bad parameters answered with a 400 page.

The alerts are written here (one per project and month, as the engine groups them) with values chosen so
every column orders differently; the expected orders are computed in Python from the same values.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import openpyxl
import pytest
from fastapi.testclient import TestClient
from python_calamine import CalamineWorkbook

from factories import GC, make_enterprise, make_project
from wageguard.config import Settings
from wageguard.db import Database
from wageguard.monitoring.models import Alert, AlertEvent
from wageguard.registry.choices import Role
from wageguard.web.pages.render import today_local

SEVERITY = {"red": 3, "orange": 2, "yellow": 1}
LIFECYCLE = {"open": 0, "acknowledged": 1, "in_hand": 2, "resolved": 3, "closed": 4}


@dataclass
class Spec:
    key: str
    project: str  # A, B, C (碧江区 520602) or D (万山区 520603) or G (贵阳 520102, outside 铜仁)
    rule: str
    level: str
    amount_fen: int | None
    workers: int | None
    age: int
    status: str
    assignee: str | None  # username of an inspector made by the fixture


SPECS = [
    Spec("a1", "A", "W06", "red", 500_000, 5, 10, "open", None),
    Spec("a2", "A", "W08", "yellow", 12_345_678, 2, 3, "open", "bj"),
    Spec("b1", "B", "W05", "orange", 99, 1, 30, "acknowledged", "tongren"),
    Spec("c1", "C", "W12", "red", 7_000, 40, 3, "open", None),
    Spec("d1", "D", "W11", "red", 2_000_000, 12, 1, "in_hand", "ws"),
    Spec("d2", "D", "W07", "yellow", None, None, 7, "open", None),
    Spec("g1", "G", "W06", "red", 900_000_000, 99, 50, "open", None),
]
PROJECTS = {"A": ("A栋安置房", "520602"), "B": ("B区学校", "520602"), "C": ("C段道路", "520602")}
PROJECTS |= {"D": ("D号大道", "520603"), "G": ("G商业中心", "520102")}
INSPECTORS = {"tongren": ("520600", "Ann Tongren"), "bj": ("520602", "Bob Bijiang")}
INSPECTORS |= {"ws": ("520603", "Cid Wanshan"), "gy": ("520102", "Dan Guiyang")}


@dataclass
class Planted:
    alerts: dict[str, int]
    projects: dict[str, int]
    codes: dict[str, str]
    users: dict[str, int]
    enterprise_a: int
    today: date

    def id_of(self, key: str) -> int:
        return self.alerts[key]


def plant_inbox(db: Database, settings: Settings, make_user: Callable[..., Any]) -> Planted:
    """Five projects, four inspectors, seven alerts (one outside 铜仁市)."""
    users = {}
    for name, (region, display) in INSPECTORS.items():
        users[name] = make_user(name, Role.INSPECTOR, region_code=region, display_name=display).user_id
    today = today_local(settings)
    projects, codes, enterprises = {}, {}, {}
    with db.transaction() as s:
        for key, (name, region) in PROJECTS.items():
            ent = make_enterprise(s, name=f"{name}总包", region_code=region)
            p = make_project(s, region_code=region, name=name, participants=[(ent, GC)])
            projects[key], codes[key], enterprises[key] = p.id, p.project_code, ent.id
        ids = {}
        for n, spec in enumerate(SPECS):
            region = PROJECTS[spec.project][1]
            first_seen = today - timedelta(days=spec.age)
            a = Alert(
                rule_code=spec.rule,
                level=spec.level,
                subject_type="project",
                subject_id=projects[spec.project],
                subject_key=f"project:{projects[spec.project]}:{n}",
                period="2026-09",
                project_id=projects[spec.project],
                region_code=region,
                status=spec.status,
                still_holds=True,
                amount_fen=spec.amount_fen,
                workers=spec.workers,
                evidence={},
                evidence_hash="0" * 32,
                first_seen_on=first_seen,
                last_changed_on=first_seen,
                assignee_user_id=users[spec.assignee] if spec.assignee else None,
                assignee_name=INSPECTORS[spec.assignee][1] if spec.assignee else None,
            )
            s.add(a)
            s.flush()
            ids[spec.key] = a.id
    return Planted(ids, projects, codes, users, enterprises["A"], today)


@pytest.fixture
def planted(db: Database, settings: Settings, make_user: Callable[..., Any]) -> Planted:
    return plant_inbox(db, settings, make_user)


def token_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


def sign_in(client: TestClient, username: str) -> None:
    client.cookies.clear()
    data = {"username": username, "password": f"pw-{username}", "csrf": token_of(client.get("/login").text)}
    assert client.post("/login", data=data, follow_redirects=False).status_code == 303


def listed(client: TestClient, **params: Any) -> list[int]:
    r = client.get("/alerts", params=params)
    assert r.status_code == 200, r.text
    return [int(i) for i in re.findall(r'data-alert="(\d+)"', r.text)]


def keys(p: Planted, ids: list[int]) -> list[str]:
    by_id = {v: k for k, v in p.alerts.items()}
    return [by_id[i] for i in ids]


def expected(specs: list[Spec], sort: str, descending: bool) -> list[str]:
    """The inbox's order in Python: the sort key (empty values last either way), then most severe, newest
    first seen, highest id (the specs are inserted in order, so a later spec has the higher id)."""
    rows = list(enumerate(specs))
    rows.sort(key=lambda r: (-SEVERITY[r[1].level], r[1].age, -r[0]))
    value: dict[str, Callable[[Spec], Any]] = {
        "level": lambda s: SEVERITY[s.level],
        "rule": lambda s: s.rule,
        "project": lambda s: PROJECTS[s.project][0],
        "county": lambda s: PROJECTS[s.project][1],
        "workers": lambda s: s.workers,
        "amount": lambda s: s.amount_fen,
        "age": lambda s: s.age,
        "status": lambda s: LIFECYCLE[s.status],
        "assignee": lambda s: INSPECTORS[s.assignee][1] if s.assignee else None,
    }
    present = [r for r in rows if value[sort](r[1]) is not None]
    empty = [r for r in rows if value[sort](r[1]) is None]
    present.sort(key=lambda r: value[sort](r[1]), reverse=descending)
    return [r[1].key for r in present + empty]


TONGREN = [s for s in SPECS if s.project != "G"]
SORT_KEYS = ["level", "rule", "project", "county", "workers", "amount", "age", "status", "assignee"]


@pytest.mark.parametrize("sort", SORT_KEYS)
def test_every_column_sorts_both_ways_in_sql(client: TestClient, planted: Planted, sort: str) -> None:
    sign_in(client, "tongren")
    for direction in ("asc", "desc"):
        got = keys(planted, listed(client, sort=sort, dir=direction))
        assert got == expected(TONGREN, sort, direction == "desc"), (sort, direction)
    assert len(set(keys(planted, listed(client, sort=sort)))) == len(TONGREN)


def test_default_order_and_header_links(client: TestClient, planted: Planted) -> None:
    sign_in(client, "tongren")
    page = client.get("/alerts", params={"sort": "amount", "dir": "desc"}).text
    assert keys(planted, listed(client)) == ["d1", "c1", "a1", "b1", "a2", "d2"]  # severe, then newest
    header = page.split('data-sort="amount"')[0].rsplit("<th", 1)[1]
    assert 'aria-sort="descending"' in header and "sort=amount&amp;dir=asc" in header
    assert 'href="/alerts?sort=age&amp;dir=desc"' in page  # another column starts with its natural order
    row = page.split(f'data-alert="{planted.id_of("a2")}"')[1].split("</tr>")[0]
    assert "123,456.78" in row and "A栋安置房" in row and planted.codes["A"] in row and "碧江区" in row
    assert "3 天" in row and "Bob Bijiang" in row and "待处理" in row and "W08" in row
    english = client.get("/alerts", params={"lang": "en", "sort": "age"}).text
    assert "6 alerts" in english and "1 day<" in english and "3 days" in english


def test_each_filter(client: TestClient, planted: Planted) -> None:
    sign_in(client, "tongren")
    as_keys: Callable[..., set[str]] = lambda **kw: set(keys(planted, listed(client, **kw)))  # noqa: E731
    assert as_keys() == {"a1", "a2", "b1", "c1", "d1", "d2"}  # never the Guiyang alert
    assert as_keys(level="red") == {"a1", "c1", "d1"}
    assert as_keys(rule="W06") == {"a1"}
    assert as_keys(county="520603") == {"d1", "d2"}
    assert as_keys(q="安置") == {"a1", "a2"}  # part of the name
    assert as_keys(q=planted.codes["C"].lower()) == {"c1"}  # the code, any case
    assert as_keys(q=planted.codes["D"][:-2]) >= {"d1", "d2"}  # a code's beginning
    assert as_keys(q="100%_") == set()  # LIKE wildcards are plain characters
    assert as_keys(project=str(planted.projects["B"])) == {"b1"}  # the old numeric id of existing links
    assert as_keys(status="acknowledged") == {"b1"}
    assert as_keys(assignee=str(planted.users["bj"])) == {"a2"}
    assert as_keys(mine="1") == {"b1"}
    assert as_keys(county="520602", level="red", sort="amount") == {"a1", "c1"}
    page = client.get("/alerts", params={"county": "520602"}).text
    county_select = page.split('name="county"')[1].split("</select>")[0]
    assert ">碧江区<" in county_select and ">万山区<" in county_select and "南明区" not in county_select
    people = page.split('name="assignee"')[1].split("</select>")[0]
    assert {"Ann Tongren", "Bob Bijiang", "Cid Wanshan"} <= set(re.findall(r">([^<]+)</option>", people))
    assert "Dan Guiyang" not in people  # the Guiyang inspector is not in 铜仁
    sign_in(client, "bj")
    assert as_keys(mine="1") == {"a2"}
    assert as_keys() == {"a1", "a2", "b1", "c1"}


def counts(html: str) -> dict[str, int]:
    return {lv: int(n) for lv, n in re.findall(r'data-level="(\w+)" data-count="(\d+)"', html)}


def test_counts_per_level_follow_the_filter_except_the_level(client: TestClient, planted: Planted) -> None:
    sign_in(client, "tongren")
    assert counts(client.get("/alerts").text) == {"red": 3, "orange": 1, "yellow": 2}
    in_bijiang = client.get("/alerts", params={"county": "520602"}).text
    assert counts(in_bijiang) == {"red": 2, "orange": 1, "yellow": 1}
    red_only = client.get("/alerts", params={"county": "520602", "level": "red"})
    assert counts(red_only.text) == {"red": 2, "orange": 1, "yellow": 1}
    assert len(re.findall(r'data-alert="', red_only.text)) == 2
    link = re.search(r'href="([^"]+)" data-level="yellow"', in_bijiang)
    assert link is not None
    assert keys(planted, listed(client, **dict(re.findall(r"(\w+)=(\w+)", link.group(1))))) == ["a2"]


def test_bulk_acknowledge_changes_exactly_the_chosen_alerts_in_scope(
    client: TestClient, planted: Planted, db: Database
) -> None:
    sign_in(client, "bj")
    page = client.get("/alerts", params={"sort": "amount"}).text
    token = token_of(page.split('id="bulk-form"')[1])
    chosen = [planted.id_of(k) for k in ("a1", "a2", "b1", "d1")] + [999_999]
    form = {
        "action": "acknowledged",
        "ids": [str(i) for i in chosen],
        "csrf": token,
        "back": "/alerts?sort=amount",
    }
    r = client.post("/alerts/bulk", data=form, follow_redirects=False)
    assert r.status_code == 303
    location = r.headers["location"]
    assert location.startswith("/alerts?sort=amount&done=acknowledged&n=2")
    with db.sessions() as s:
        status = {k: s.get(Alert, i).status for k, i in planted.alerts.items()}  # type: ignore[union-attr]
        events = [
            (e.alert_id, e.actor) for e in s.query(AlertEvent).filter(AlertEvent.action == "acknowledged")
        ]
    assert status == {
        "a1": "acknowledged",
        "a2": "acknowledged",
        "b1": "acknowledged",  # it already was: refused, untouched
        "c1": "open",  # not ticked
        "d1": "in_hand",  # 万山区: outside 碧江区
        "d2": "open",
        "g1": "open",
    }
    assert sorted(events) == sorted([(planted.id_of("a1"), "bj"), (planted.id_of("a2"), "bj")])
    shown = client.get(location).text
    assert "已确认 2 条预警。" in shown
    refused = shown.split('id="bulk-refused"')[1].split("</ul>")[0]
    assert f"预警 {planted.id_of('b1')}：当前状态不允许此操作" in refused
    assert f"预警 {planted.id_of('d1')}：不存在或不在您的管辖范围内" in refused
    assert "预警 999999：不存在" in refused
    forged = client.post("/alerts/bulk", data={**form, "ids": [str(planted.id_of("c1"))], "csrf": "forged"})
    assert forged.status_code == 403
    nothing = client.post("/alerts/bulk", data={**form, "ids": []})
    assert nothing.status_code == 422 and "请先勾选" in nothing.text
    with db.sessions() as s:
        assert s.get(Alert, planted.id_of("c1")).status == "open"  # type: ignore[union-attr]


def test_bulk_assign_checks_the_assignee_per_alert(
    client: TestClient, planted: Planted, db: Database
) -> None:
    sign_in(client, "tongren")
    token = token_of(client.get("/alerts").text.split('id="bulk-form"')[1])
    ids = [str(planted.id_of("c1")), str(planted.id_of("d2"))]
    form = {"action": "assigned", "ids": ids, "assignee": str(planted.users["bj"]), "csrf": token}
    r = client.post("/alerts/bulk", data=form, follow_redirects=False)
    assert r.status_code == 303 and "n=1" in r.headers["location"]
    assert f"{planted.id_of('d2')}-assignee" in r.headers["location"]
    with db.sessions() as s:
        c1, d2 = s.get(Alert, planted.id_of("c1")), s.get(Alert, planted.id_of("d2"))
        assert c1 is not None and d2 is not None
        assert (c1.assignee_user_id, c1.assignee_name) == (planted.users["bj"], "Bob Bijiang")
        assert d2.assignee_user_id is None  # a 碧江区 inspector cannot take a 万山区 alert
    no_one = client.post("/alerts/bulk", data={**form, "assignee": ""})
    assert no_one.status_code == 422 and "请选择处理人" in no_one.text
    assert set(keys(planted, listed(client, assignee=str(planted.users["bj"])))) == {"a2", "c1"}


def test_xlsx_export_is_the_filtered_sorted_list(client: TestClient, planted: Planted) -> None:
    sign_in(client, "tongren")
    params = {"county": "520602", "sort": "amount", "dir": "desc"}
    page_ids = listed(client, **params)
    r = client.get("/alerts.xlsx", params=params)
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/vnd.openxmlformats")
    rows = CalamineWorkbook.from_filelike(io.BytesIO(r.content)).get_sheet_by_index(0).to_python()
    header, body = rows[0], rows[1:]
    assert header[0] == "预警编号 Alert" and "涉及金额（元） Amount (yuan)" in header
    assert [int(row[0]) for row in body] == page_ids
    amount = header.index("涉及金额（元） Amount (yuan)")
    assert [row[amount] for row in body] == [123456.78, 5000.0, 70.0, 0.99]
    a2 = body[0]
    assert a2[header.index("项目名称 Project")] == "A栋安置房" and a2[header.index("区县 County")] == "碧江区"
    assert a2[header.index("级别 Level")] == "黄" and a2[header.index("处理人 Assignee")] == "Bob Bijiang"
    assert int(a2[header.index("发现至今（天） Age (days)")]) == 3
    sheet = openpyxl.load_workbook(io.BytesIO(r.content)).active
    assert sheet.cell(row=2, column=amount + 1).number_format == "#,##0.00"
    assert isinstance(sheet.cell(row=2, column=amount + 1).value, float | int)
    english = client.get("/alerts.xlsx", params={**params, "lang": "en"}).content
    first = CalamineWorkbook.from_filelike(io.BytesIO(english)).get_sheet_by_index(0).to_python()[1]
    assert "Yellow" in first or "yellow" in [str(c).lower() for c in first]
    assert client.get("/alerts.xlsx", params={"sort": "nope"}).status_code == 400


def test_enterprise_reads_its_own_projects_alerts_only(
    client: TestClient, planted: Planted, make_user: Callable[..., Any]
) -> None:
    make_user("clerk", Role.ENTERPRISE, enterprise_id=planted.enterprise_a)
    sign_in(client, "clerk")
    page = client.get("/alerts", params={"assignee": str(planted.users["bj"])})
    assert page.status_code == 200 and 'id="read-only"' in page.text
    assert (
        "bulk-form" not in page.text and 'name="assignee"' not in page.text and 'name="ids"' not in page.text
    )
    assert set(keys(planted, listed(client))) == {"a1", "a2"}  # the assignee filter is not theirs to use
    assert set(keys(planted, listed(client, sort="county", dir="desc"))) == {"a1", "a2"}
    rows = CalamineWorkbook.from_filelike(io.BytesIO(client.get("/alerts.xlsx").content))
    assert sorted(int(r[0]) for r in rows.get_sheet_by_index(0).to_python()[1:]) == sorted(
        [planted.id_of("a1"), planted.id_of("a2")]
    )
    meta = re.search(r'name="csrf-token" content="([^"]+)"', page.text)
    assert meta is not None
    form = {"action": "acknowledged", "ids": [str(planted.id_of("a1"))], "csrf": meta.group(1)}
    bulk = client.post("/alerts/bulk", data=form)
    assert bulk.status_code == 403 and "text/html" in bulk.headers["content-type"]


@pytest.mark.parametrize("role", [Role.BANK, Role.DEVICE])
def test_banks_and_devices_get_the_403_page(
    client: TestClient, planted: Planted, make_user: Callable[..., Any], role: Role
) -> None:
    make_user("other", role, **({"bank_code": "ICBC"} if role is Role.BANK else {}))
    sign_in(client, "other")
    for path in ("/alerts", "/alerts.xlsx"):
        r = client.get(path, headers={"accept": "text/html"})
        assert r.status_code == 403 and r.headers["content-type"].startswith("text/html")


@pytest.mark.parametrize(
    "params",
    [{"sort": "bogus"}, {"dir": "sideways"}, {"level": "purple"}, {"offset": "-1"}, {"assignee": "bj"}],
)
def test_bad_parameters_answer_a_400_page(
    client: TestClient, planted: Planted, params: dict[str, str]
) -> None:
    sign_in(client, "tongren")
    r = client.get("/alerts", params=params)
    assert r.status_code == 400 and r.headers["content-type"].startswith("text/html")
    assert "筛选或排序条件无效" in r.text and next(iter(params)) in r.text
