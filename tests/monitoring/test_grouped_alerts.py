"""Worker-level findings of one rule, project and month are one alert with the workers as evidence lines."""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from tests.monitoring.seed import AS_OF, NET, add_project, add_worker, set_payment
from tests.monitoring.test_alert_pages import log_in

import wageguard
from wageguard.config import Settings
from wageguard.db import Database
from wageguard.monitoring.calendar import parse_month
from wageguard.monitoring.engine import run_monitoring
from wageguard.monitoring.models import Alert, AlertEvent
from wageguard.registry.choices import Role
from wageguard.security.crypto import Protector

SEPT = [parse_month("2026-09")]
N = 6


def _plant(db: Database, protector: Protector) -> dict[str, Any]:
    with db.transaction() as s:
        proj, team, acct = add_project(s, protector, "MANY")
        unpaid = [add_worker(s, protector, proj, team, acct, 100 + n, paid=None) for n in range(N)]
        add_worker(s, protector, proj, team, acct, 200)
        s.flush()
        return {"project": proj, "acct": acct, "unpaid": unpaid, "ids": [w.id for w in unpaid]}


def _w06(db: Database) -> list[Alert]:
    with db.sessions() as s:
        return list(s.scalars(select(Alert).where(Alert.rule_code == "W06")))


def _pay(db: Database, protector: Protector, planted: dict[str, Any], index: int, day: str) -> None:
    with db.transaction() as s:
        proj = s.merge(planted["project"])
        w = s.merge(planted["unpaid"][index])
        set_payment(s, protector, s.merge(planted["acct"]), proj, w, NET, key=day)


def test_many_unpaid_workers_are_one_alert_with_lines(
    db: Database, settings: Settings, protector: Protector
) -> None:
    planted = _plant(db, protector)
    summary = run_monitoring(db=db, settings=settings, as_of=AS_OF, months=SEPT)
    (alert,) = _w06(db)
    assert alert.project_id == planted["project"].id and alert.worker_id is None
    assert alert.workers == N and alert.amount_fen == N * NET and alert.period == "2026-09"
    assert alert.evidence["head_count"] == N
    assert summary.per_rule["W06"] == 1
    again = run_monitoring(db=db, settings=settings, as_of=AS_OF, months=SEPT)
    assert (again.raised, again.updated, again.cleared, again.reopened) == (0, 0, 0, 0)
    (same,) = _w06(db)
    assert (same.id, same.evidence_hash, same.updated_at) == (alert.id, alert.evidence_hash, alert.updated_at)


def test_paid_workers_leave_the_evidence_and_the_alert_clears_when_none_remain(
    db: Database,
    settings: Settings,
    protector: Protector,
    client: TestClient,
    make_user: Callable[..., Any],
    login: Callable[[str], dict[str, str]],
) -> None:
    planted = _plant(db, protector)
    run_monitoring(db=db, settings=settings, as_of=AS_OF, months=SEPT)
    make_user("bijiang", Role.INSPECTOR, region_code="520602")
    make_user("wanshan", Role.INSPECTOR, region_code="520603")
    mine, other = login("bijiang"), login("wanshan")
    (alert,) = _w06(db)
    url = f"/api/v1/alerts/{alert.id}/workers"
    lines = client.get(url, headers=mine).json()["items"]
    assert sorted(r["worker_id"] for r in lines) == sorted(planted["ids"])
    first = lines[0]
    assert first["name"].startswith("工人") and first["id_masked"].startswith("5206**")
    assert first["days"] == 22 and first["declared_fen"] == NET and first["paid_fen"] == 0
    assert client.get(url, headers=other).status_code == 404
    history = client.get(f"/api/v1/workers/{planted['ids'][0]}/alerts", headers=mine).json()["items"]
    assert [(h["id"], h["rule_code"]) for h in history] == [(alert.id, "W06")]
    assert client.get(f"/api/v1/workers/{planted['ids'][0]}/alerts", headers=other).json()["items"] == []

    _pay(db, protector, planted, 0, "late")
    later = run_monitoring(db=db, settings=settings, as_of=date(2026, 10, 21), months=SEPT)
    assert later.updated >= 1 and later.raised == 0
    (updated,) = _w06(db)
    assert updated.id == alert.id and updated.still_holds and updated.workers == N - 1
    assert updated.amount_fen == (N - 1) * NET
    left = {r["worker_id"] for r in client.get(url, headers=mine).json()["items"]}
    assert left == set(planted["ids"][1:])

    for i in range(1, N):
        _pay(db, protector, planted, i, "late")
    run_monitoring(db=db, settings=settings, as_of=date(2026, 10, 22), months=SEPT)
    (cleared,) = _w06(db)
    assert cleared.id == alert.id and not cleared.still_holds and cleared.cleared_on == date(2026, 10, 22)
    with db.sessions() as s:
        actions = [e.action for e in s.scalars(select(AlertEvent).where(AlertEvent.alert_id == alert.id))]
        assert [a for a in actions if a != "escalated"] == ["raised", "updated", "cleared_by_data"]
        assert s.scalar(select(func.count()).select_from(Alert).where(Alert.rule_code == "W06")) == 1


def test_alert_page_lists_the_workers(
    db: Database,
    settings: Settings,
    protector: Protector,
    client: TestClient,
    make_user: Callable[..., Any],
) -> None:
    planted = _plant(db, protector)
    run_monitoring(db=db, settings=settings, as_of=AS_OF, months=SEPT)
    log_in(client, make_user, "bijiang", Role.INSPECTOR, "520602")
    (alert,) = _w06(db)
    page = client.get(f"/alerts/{alert.id}").text
    assert "工人100" in page and "5206**100" in page and "6,000.00" in page
    assert "姓名" in page and 'id="alert-workers"' in page
    english = client.get(f"/alerts/{alert.id}", params={"lang": "en"}).text
    assert "Name" in english and "工人105" in english
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", page.split('id="alert-workers"')[1].split("</table>")[0])
    assert str(planted["ids"][0]) not in cells


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
            out.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
    return out


def test_engine_and_upsert_and_workdays_have_one_way_imports() -> None:
    root = Path(wageguard.__file__).parent
    engine = _imports(root / "monitoring" / "engine.py")
    upsert = _imports(root / "monitoring" / "upsert.py")
    workdays = _imports(root / "workdays.py")
    assert not any(m.startswith("wageguard.monitoring.engine") for m in upsert)
    assert "wageguard.monitoring.upsert" in engine or "wageguard.monitoring.upsert.apply_findings" in engine
    assert not any(m.startswith("wageguard.complaints") for m in workdays)
