"""A complaint raises or reinforces the project's alerts at once; the engine reconciles without duplicating;
the case page and API list the project's unfinished alerts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.complaints.conftest import FormClient, SiteProject, tracking_code, valid_form
from tests.monitoring.seed import AS_OF, plant

from wageguard.auth.scope import Principal
from wageguard.complaints.models import Complaint
from wageguard.config import Settings
from wageguard.db import Database
from wageguard.monitoring.calendar import parse_month
from wageguard.monitoring.choices import EventAction
from wageguard.monitoring.engine import run_monitoring
from wageguard.monitoring.models import Alert, AlertEvent
from wageguard.monitoring.service import act_on_alert
from wageguard.registry.choices import Role
from wageguard.security.crypto import Protector
from wageguard.web.tokens import COOKIE_NAME
from wageguard.workdays import china_today


def _complain(form_client: FormClient, code: str, n: int, **kw: str) -> str:
    r = form_client.submit(f"/c/{code}", valid_form(phone=f"1370000{n:04d}", **kw))
    assert r.status_code == 200, r.text
    return tracking_code(r.text)


def _alerts(db: Database, rule: str) -> list[Alert]:
    with db.sessions() as s:
        return list(s.scalars(select(Alert).where(Alert.rule_code == rule).order_by(Alert.id)))


def _history(db: Database, alert_id: int) -> list[tuple[str, str | None]]:
    with db.sessions() as s:
        rows = s.execute(
            select(AlertEvent.action, AlertEvent.note)
            .where(AlertEvent.alert_id == alert_id)
            .order_by(AlertEvent.id)
        ).all()
    return [(a, n) for a, n in rows]


def test_a_complaint_through_the_public_form_raises_w20_at_once_and_the_engine_does_not_duplicate_it(
    form_client: FormClient, db: Database, settings: Settings, site: SiteProject
) -> None:
    first = _complain(form_client, site.code, 1)
    (alert,) = _alerts(db, "W20")
    assert (alert.project_id, alert.region_code, alert.level, alert.status) == (
        site.id,
        site.region_code,
        "yellow",
        "open",
    )
    assert alert.evidence["complaints"] == 1 and alert.evidence["tracking_codes"] == [first]
    assert _history(db, alert.id) == [
        ("raised", None),
        ("reinforced", f"投诉 {first} 佐证 / reinforced by complaint {first}"),
    ]

    summary = run_monitoring(db=db, settings=settings, as_of=china_today())
    (same,) = _alerts(db, "W20")
    assert summary.per_rule.get("W20") == 1
    assert (same.id, same.evidence_hash, same.updated_at) == (alert.id, alert.evidence_hash, alert.updated_at)
    assert [a for a, _ in _history(db, alert.id)] == ["raised", "reinforced"]

    more = [_complain(form_client, site.code, n) for n in (2, 3)]
    (spike,) = _alerts(db, "W20")
    assert spike.id == alert.id and spike.level == "orange"
    assert spike.evidence["complaints"] == 3 and sorted(spike.evidence["tracking_codes"]) == sorted(
        [first, *more]
    )
    assert [a for a, _ in _history(db, alert.id)].count("reinforced") == 3
    run_monitoring(db=db, settings=settings, as_of=china_today())
    (after,) = _alerts(db, "W20")
    assert (after.id, after.evidence_hash, after.level) == (spike.id, spike.evidence_hash, "orange")


def test_a_complaint_reinforces_the_projects_unfinished_wage_alerts_of_the_months_it_names(
    form_client: FormClient,
    db: Database,
    settings: Settings,
    protector: Protector,
    make_user: Callable[..., Principal],
) -> None:
    with db.transaction() as s:
        ids = plant(s, protector)
    run_monitoring(db=db, settings=settings, as_of=AS_OF, months=[parse_month("2026-09")])
    (w06,), (w07,), (w08,) = _alerts(db, "W06"), _alerts(db, "W07"), _alerts(db, "W08")
    inspector = make_user("bj", Role.INSPECTOR, region_code="520602")
    with db.transaction() as s:
        act_on_alert(session=s, principal=inspector, alert_id=w07.id, action=EventAction.ACKNOWLEDGED)
    september = {"work_start": "2026-07-01", "work_end": "2026-09-30", "months_owed": "1"}
    code = _complain(form_client, "FAULTY", 1, **september)
    note = f"投诉 {code} 佐证 / reinforced by complaint {code}"
    for alert in (w06, w07):  # W07 was acknowledged: still unfinished, so reinforced
        assert _history(db, alert.id)[-1] == ("reinforced", note)
    assert all(a != "reinforced" for a, _ in _history(db, w08.id))  # W08 is not a rule about unpaid wages
    (w06_after,), (w07_after,) = _alerts(db, "W06"), _alerts(db, "W07")
    assert (w06_after.level, w07_after.level) == (w06.level, w07.level)  # levels follow the data
    (w20,) = _alerts(db, "W20")
    assert w20.project_id == ids["faulty"] and w20.evidence["tracking_codes"] == [code]

    august = {"work_start": "2026-07-01", "work_end": "2026-08-31", "months_owed": "2"}
    other = _complain(form_client, "FAULTY", 2, **august)
    assert all(n != f"投诉 {other} 佐证 / reinforced by complaint {other}" for _, n in _history(db, w06.id))


def test_a_complaint_reopens_a_resolved_w20_alert(
    form_client: FormClient, db: Database, site: SiteProject, make_user: Callable[..., Principal]
) -> None:
    _complain(form_client, site.code, 1)
    (alert,) = _alerts(db, "W20")
    inspector = make_user("bj", Role.INSPECTOR, region_code="520602")
    with db.transaction() as s:
        act_on_alert(
            session=s, principal=inspector, alert_id=alert.id, action=EventAction.RESOLVED, note="已核实"
        )
    _complain(form_client, site.code, 2)
    (again,) = _alerts(db, "W20")
    assert (again.id, again.status, again.reopened_count, again.evidence["complaints"]) == (
        alert.id,
        "open",
        1,
        2,
    )
    assert [a for a, _ in _history(db, alert.id)][-2:] == ["reopened", "reinforced"]


def test_the_case_page_and_api_show_the_projects_unfinished_alerts(
    client: TestClient,
    form_client: FormClient,
    db: Database,
    settings: Settings,
    site: SiteProject,
    other_site: SiteProject,
    make_user: Callable[..., Principal],
    login: Callable[[str], dict[str, str]],
) -> None:
    code = _complain(form_client, site.code, 1)
    _complain(form_client, other_site.code, 2)
    (w20,) = [a for a in _alerts(db, "W20") if a.project_id == site.id]
    with db.sessions() as s:
        case_id = s.scalars(select(Complaint.id).where(Complaint.tracking_code == code)).one()
    bj = make_user("bj", Role.INSPECTOR, region_code="520602")
    body: dict[str, Any] = client.get(f"/api/v1/cases/{case_id}", headers=login("bj")).json()
    assert body["tracking_code"] == code
    assert body["alerts"] == [
        {
            "id": w20.id,
            "rule_code": "W20",
            "rule_title_zh": "投诉激增",
            "level": "yellow",
            "period": "",
            "status": "open",
            "still_holds": True,
            "url": f"/alerts/{w20.id}",
        }
    ]
    assert bj.user_id is not None
    client.cookies.set(COOKIE_NAME, login("bj")["Authorization"].removeprefix("Bearer "))
    page = client.get(f"/cases/{case_id}")
    assert page.status_code == 200
    assert 'id="project-alerts"' in page.text and "W20 投诉激增" in page.text
    assert f'href="/alerts/{w20.id}"' in page.text and "待处理" in page.text
    detail = client.get(f"/alerts/{w20.id}")
    assert detail.status_code == 200 and code in detail.text and "投诉佐证" in detail.text
