"""National findings (N01–N03) imported into a province's alerts are shown like every engine alert: the
alert page (title, level, basis, labelled evidence, who raised it), the inbox and its rule filter, the project
page, the complaint case's and the enterprise's alert lists and the command screen's feed, in Chinese and in
English; a monitoring run after the import still works and leaves them alone."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.monitoring.seed import AS_OF, plant
from tests.monitoring.test_alert_pages import alert_ids, log_in
from tests.monitoring.test_engine_db import SEPT

from wageguard.auth.scope import Principal
from wageguard.config import Settings
from wageguard.db import Database
from wageguard.lake.inbound import import_national_findings
from wageguard.lake.outbound import findings_bytes
from wageguard.lake.rules import NATIONAL_RULES
from wageguard.monitoring.engine import run_monitoring
from wageguard.monitoring.models import Alert, AlertEvent
from wageguard.monitoring.queries import open_alerts_for_project
from wageguard.monitoring.rules import all_rules, catalogue, describe_rule
from wageguard.monitoring.tallying import alert_feed_items
from wageguard.registry.choices import Role
from wageguard.registry.models import Worker
from wageguard.security.crypto import Protector
from wageguard.web.pages.risk_view import enterprise_alerts

MONTH = "2026-09"
N01_TITLE = ("同一银行卡跨省领取工资", "one card paid wages from projects in two provinces")


def _row(
    code: str, project: int, bidx: str, amount: int | None, others: list[str], ev: dict[str, Any]
) -> Any:
    return {
        "rule_code": code,
        "period": MONTH,
        "project_id": project,
        "person_bidx": bidx,
        "region_code": "520602",
        "amount_fen": amount,
        "days": None if code != "N02" else 2,
        "other_provinces": others,
        "evidence": ev,
    }


@pytest.fixture
def national(db: Database, protector: Protector, tmp_path: Path) -> dict[str, Any]:
    """The planted city, then Guizhou's national findings file imported: N01 (worker 1's card also paid by
    a Hunan project), N02 (worker 2 at a Sichuan site on the same days), N03 (worker 3 paid here, attended
    only in Hunan), all on project CLEAN."""
    with db.transaction() as s:
        ids = plant(s, protector)
        bidx = {w.name: w.id_bidx for w in s.scalars(select(Worker))}
    rows = [
        _row(
            "N01",
            ids["clean"],
            bidx["工人1"],
            600_000,
            ["430000"],
            {
                "provinces": ["430000", "520000"],
                "card_persons": 2,
                "card_projects": 2,
                "card_total_fen": 1_250_000,
                "amount_fen": 600_000,
                "payments_n": 1,
            },
        ),
        _row(
            "N02",
            ids["clean"],
            bidx["工人2"],
            None,
            ["510000"],
            {"clash_dates": ["2026-09-03", "2026-09-04"], "provinces": ["510000", "520000"]},
        ),
        _row("N03", ids["clean"], bidx["工人3"], 600_000, ["430000"], {"attended_provinces": ["430000"]}),
    ]
    path = tmp_path / "findings.jsonl"
    path.write_bytes(findings_bytes("520000", MONTH, rows))
    report = import_national_findings(db=db, path=path, province="520000", as_of=AS_OF)
    assert (report.status, report.inserted) == ("accepted", 3)
    with db.sessions() as s:
        found = {a.rule_code: a.id for a in s.scalars(select(Alert).where(Alert.rule_code.like("N%")))}
    return {**ids, "alerts": found}


def test_the_catalogue_holds_the_national_rules_but_the_engine_evaluates_only_w01_to_w22() -> None:
    assert [r.code for r in all_rules()] == [f"W{n:02d}" for n in range(1, 23)]
    assert [r.code for r in catalogue()] == [*(f"W{n:02d}" for n in range(1, 23)), "N01", "N02", "N03"]
    n01 = describe_rule("N01")
    assert (n01.title_zh, n01.title_en, n01.level.value) == (*N01_TITLE, "red")
    assert NATIONAL_RULES["N01"] is n01  # one definition, the lake's import re-uses it
    assert describe_rule("W06").code == "W06"
    with pytest.raises(KeyError):
        describe_rule("N99")


def test_the_alert_page_shows_a_national_alert_like_any_other(
    client: TestClient, national: dict[str, Any], make_user: Callable[..., Any]
) -> None:
    log_in(client, make_user, "bijiang", Role.INSPECTOR, "520602")
    n01 = national["alerts"]["N01"]
    page = client.get(f"/alerts/{n01}")
    assert page.status_code == 200, page.text[:500]
    html = page.text
    assert f"N01 {N01_TITLE[0]}" in html and 'class="level level-red"' in html
    basis = re.search(r'id="alert-basis">([^<]*)<', html)
    assert basis is not None and basis.group(1) == "《保障农民工工资支付条例》第十一条、第三十一条"
    lines = html.split('id="alert-workers"', 1)[1].split("</table>", 1)[0]
    assert "工人1" in lines
    assert "涉及省份" in lines and "430000、520000" in lines
    assert "该卡收款人数" in lines and "该卡本月合计（元）" in lines and "12,500.00" in lines
    assert "card_total_fen" not in html and "card_persons" not in html
    timeline = html.split('id="alert-history"', 1)[1]
    assert "全国跨省比对" in timeline and ">national<" not in timeline

    english = client.get(f"/alerts/{n01}", params={"lang": "en"}).text
    assert f"N01 {N01_TITLE[1]}" in english
    assert "Regulations on Ensuring the Payment of Wages to Migrant Workers, Arts. 11 and 31" in english
    assert "this card&#39;s total for the month (yuan)" in english and "persons paid to this card" in english
    assert "national cross-check" in english.split('id="alert-history"', 1)[1]

    for code, label in (("N02", "两省同日出勤日期"), ("N03", "本月出勤省份")):
        shown = client.get(f"/alerts/{national['alerts'][code]}", params={"lang": "zh"})
        assert shown.status_code == 200 and f"{code} {describe_rule(code).title_zh}" in shown.text
        assert label in shown.text


def test_the_inbox_and_the_project_page_list_national_alerts_with_their_titles(
    client: TestClient, national: dict[str, Any], make_user: Callable[..., Any]
) -> None:
    log_in(client, make_user, "bijiang", Role.INSPECTOR, "520602")
    inbox = client.get("/alerts")
    assert inbox.status_code == 200
    rows = {
        m.group(1): m.group(2)
        for m in re.finditer(r'data-rule="(N0\d)">.*?<td>N0\d ([^<]*)</td>', inbox.text, flags=re.S)
    }
    assert rows == {code: describe_rule(code).title_zh for code in ("N01", "N02", "N03")}
    picked = client.get("/alerts", params={"rule": "N01"})
    assert picked.status_code == 200 and alert_ids(picked.text) == [national["alerts"]["N01"]]
    assert f'<option value="N01" selected>N01 {N01_TITLE[0]}</option>' in picked.text
    english = client.get("/alerts", params={"lang": "en", "rule": "N01"}).text
    assert f"<td>N01 {N01_TITLE[1]}</td>" in english

    project = client.get(f"/projects/{national['clean']}", params={"lang": "zh"})  # the choice sticks
    assert project.status_code == 200
    listed = project.text.split('id="alerts-h"', 1)[1].split("</section>", 1)[0]
    for code in ("N01", "N02", "N03"):
        assert f"{code} {describe_rule(code).title_zh}</a>" in listed
    english = client.get(f"/projects/{national['clean']}", params={"lang": "en"}).text
    assert f"N01 {N01_TITLE[1]}</a>" in english


def test_case_and_enterprise_lists_and_the_screen_feed_carry_the_titles(
    db: Database, national: dict[str, Any]
) -> None:
    inspector = Principal(user_id=None, username="insp", role=Role.INSPECTOR, region_code="520602")
    n01 = national["alerts"]["N01"]
    with db.sessions() as s:
        listed = open_alerts_for_project(session=s, principal=inspector, project_id=national["clean"])
        titles = {a.rule_code: a.rule_title_zh for a in listed}
        about = enterprise_alerts(s, inspector, enterprise_id=-1, project_ids=[national["clean"]])
        feed = alert_feed_items(s, list(national["alerts"].values()))
    assert titles == {code: describe_rule(code).title_zh for code in ("N01", "N02", "N03")}
    assert {a.rule_code: (a.title_zh, a.title_en) for a in about}["N01"] == N01_TITLE
    item = next(i for i in feed if i["id"] == n01)
    assert (item["title_zh"], item["title_en"], item["level"]) == (*N01_TITLE, "red")
    assert item["url"] == f"/alerts/{n01}" and item["project"] == "项目CLEAN"


def test_a_monitoring_run_after_the_import_works_and_keeps_the_national_alerts(
    db: Database, settings: Settings, national: dict[str, Any]
) -> None:
    with db.transaction() as s:  # as if imported during this run: the run's feed announces them
        for alert_id in national["alerts"].values():
            alert = s.get(Alert, alert_id)
            assert alert is not None
            alert.created_at = alert.created_at.replace(year=2999)
    run_monitoring(db=db, settings=settings, as_of=AS_OF, months=SEPT)
    with db.sessions() as s:
        kept = s.execute(select(Alert.rule_code, Alert.still_holds).where(Alert.rule_code.like("N%"))).all()
        assert sorted(kept) == [("N01", True), ("N02", True), ("N03", True)]
        raised = s.scalars(
            select(AlertEvent.actor).where(AlertEvent.alert_id == national["alerts"]["N01"])
        ).all()
    assert list(raised) == ["national"]
