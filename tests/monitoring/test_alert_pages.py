"""Alert pages over HTTP: inbox filters, detail with evidence and history, form actions, owed wages."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.monitoring.seed import AS_OF, plant
from tests.monitoring.test_engine_db import SEPT

from wageguard.config import Settings
from wageguard.db import Database
from wageguard.monitoring.engine import run_monitoring
from wageguard.registry.choices import Role
from wageguard.security.crypto import Protector
from wageguard.web.i18n import EN, ZH
from wageguard.web.pages import alerts  # noqa: F401  (installs the page messages)
from wageguard.web.pages.render import TEMPLATE_DIR


@pytest.fixture
def planted(db: Database, settings: Settings, protector: Protector) -> dict[str, Any]:
    with db.transaction() as s:
        ids = plant(s, protector)
    run_monitoring(db=db, settings=settings, as_of=AS_OF, months=SEPT)
    return ids


def log_in(
    client: TestClient, make_user: Callable[..., Any], name: str, role: Role, region: str, **kw: Any
) -> None:
    make_user(name, role, region_code=region, **kw)
    client.cookies.clear()
    csrf = token_of(client.get("/login").text)
    data = {"username": name, "password": f"pw-{name}", "csrf": csrf}
    r = client.post("/login", data=data, follow_redirects=False)
    assert r.status_code == 303


def token_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


def alert_ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'data-alert="(\d+)"', html)]


def test_inbox_lists_the_region_and_filters(
    client: TestClient, planted: dict[str, Any], make_user: Any
) -> None:
    log_in(client, make_user, "bijiang", Role.INSPECTOR, "520602")
    page = client.get("/alerts")
    assert page.status_code == 200 and "预警收件箱" in page.text and "共 5 条预警" in page.text
    assert set(re.findall(r'data-rule="(W\d\d)"', page.text)) == {"W06", "W07", "W08", "W11", "W12"}
    assert 'class="level level-red"' in page.text and "项目FAULTY" in page.text
    red_w06 = client.get("/alerts", params={"level": "red", "rule": "W06"}).text
    assert len(alert_ids(red_w06)) == 1 and "共 1 条预警" in red_w06
    assert len(alert_ids(client.get("/alerts", params={"project": planted["clean"]}).text)) == 0
    assert len(alert_ids(client.get("/alerts", params={"county": "520602", "status": "open"}).text)) == 5
    assert len(alert_ids(client.get("/alerts", params={"status": "closed"}).text)) == 0
    english = client.get("/alerts", params={"lang": "en"}).text
    assert "Alert inbox" in english and "5 alerts" in english
    log_in(client, make_user, "wanshan", Role.INSPECTOR, "520603")
    assert alert_ids(client.get("/alerts").text) == []


def test_pages_need_an_inspector(client: TestClient, planted: dict[str, Any], make_user: Any) -> None:
    r = client.get("/alerts", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login?next=/alerts")
    enterprise = planted["project"].contractor_id
    log_in(client, make_user, "ent", Role.ENTERPRISE, "520602", enterprise_id=enterprise)
    inbox = client.get("/alerts")  # an enterprise reads the alerts on its own projects, acts on none
    assert inbox.status_code == 200 and 'id="read-only"' in inbox.text and "bulk-form" not in inbox.text
    # an enterprise reads owed wages of its own projects only (it takes part in none here)
    assert client.get(f"/projects/{planted['faulty']}/owed-wages").status_code == 404


def test_detail_shows_evidence_and_history_and_forms_move_the_alert(
    client: TestClient, planted: dict[str, Any], make_user: Any
) -> None:
    log_in(client, make_user, "bijiang", Role.INSPECTOR, "520602")
    (alert_id,) = alert_ids(client.get("/alerts", params={"rule": "W06"}).text)
    page = client.get(f"/alerts/{alert_id}")
    assert page.status_code == 200
    assert "未发放" in page.text and "6,000.00" in page.text and "工人11" in page.text
    assert "发现" in page.text.split('id="alert-history"')[1]
    url = f"/alerts/{alert_id}/act"
    forged = client.post(url, data={"action": "acknowledged", "csrf": "forged"})
    assert forged.status_code == 403 and "页面已过期" in forged.text
    token = token_of(page.text)
    done = client.post(url, data={"action": "acknowledged", "csrf": token}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == f"/alerts/{alert_id}?done=acknowledged"
    shown = client.get(done.headers["location"]).text
    assert 'id="alert-status">已确认' in shown and "已完成：确认" in shown
    again = client.post(url, data={"action": "acknowledged", "csrf": token})
    assert again.status_code == 409 and "当前状态不允许此操作" in again.text
    no_note = client.post(url, data={"action": "resolved", "csrf": token, "note": "  "})
    assert no_note.status_code == 422 and "请填写处理说明" in no_note.text
    li = make_user("li", Role.INSPECTOR, region_code="520602", display_name="李监察")
    picked = client.post(url, data={"action": "assigned", "csrf": token, "assignee_user_id": str(li.user_id)})
    assert picked.status_code == 200 and f'<option value="{li.user_id}" selected>李监察' in picked.text
    client.post(url, data={"action": "resolved", "csrf": token, "note": "已责令补发"})
    final = client.get(f"/alerts/{alert_id}").text
    assert 'id="alert-status">已解决' in final and "已责令补发" in final and "李监察" in final
    assert re.findall(r'name="action" value="(\w+)"', final) == ["closed"]
    log_in(client, make_user, "wanshan", Role.INSPECTOR, "520603")
    assert client.get(f"/alerts/{alert_id}").status_code == 404
    other = client.post(url, data={"action": "closed", "csrf": token, "note": "x"})
    assert other.status_code in (403, 404) and "已解决" not in other.text


def test_owed_wages_page_answers_per_month(
    client: TestClient, planted: dict[str, Any], make_user: Any
) -> None:
    log_in(client, make_user, "bijiang", Role.INSPECTOR, "520602")
    params = {"as_of": AS_OF.isoformat(), "months": 2}
    faulty = client.get(f"/projects/{planted['faulty']}/owed-wages", params=params)
    assert faulty.status_code == 200 and 'class="answer yes"' in faulty.text
    row = faulty.text.split('data-month="2026-09"')[1].split("</tr>")[0]
    cells = re.findall(r'<td class="num">([^<]*)</td>', row)
    # attended, days, declared (5 sheets × 6,000), paid, unpaid, owed (one unpaid + 100 short)
    assert cells == ["4", "88", "30,000.00", "23,900.00", "1", "6,100.00"]
    assert 'data-month="2026-08"' in faulty.text
    clean = client.get(f"/projects/{planted['clean']}/owed-wages", params=params)
    assert 'class="answer no"' in clean.text
    log_in(client, make_user, "wanshan", Role.INSPECTOR, "520603")
    assert client.get(f"/projects/{planted['faulty']}/owed-wages", params=params).status_code == 404


def test_every_message_the_alert_templates_use_exists_in_both_languages() -> None:
    used: set[str] = set()
    for path in Path(TEMPLATE_DIR / "alerts").glob("*.html"):
        used |= set(re.findall(r"""\bt\(\s*["']([\w.]+)["']""", path.read_text(encoding="utf-8")))
    prefixes = {k for k in used if k.endswith(".")}
    assert prefixes == {"alert.level.", "alert.status.", "alert.action."}
    assert used - prefixes <= set(ZH) and used - prefixes <= set(EN)
    for prefix in prefixes:
        assert {k for k in ZH if k.startswith(prefix)} == {k for k in EN if k.startswith(prefix)}
