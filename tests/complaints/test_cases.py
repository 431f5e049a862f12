"""Cases: routing to the county, region scoping, the state machine with its log, deadlines and escalation."""

from __future__ import annotations

import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from tests.complaints.conftest import SiteProject, token, valid_form
from tests.factories import make_enterprise

from wageguard.audit.models import AuditEntry
from wageguard.auth.scope import Principal
from wageguard.complaints.case_handling import act_on_case
from wageguard.complaints.choices import CaseAction
from wageguard.complaints.models import Complaint
from wageguard.complaints.queries import (
    complaints_for_project_in_window,
    inspectors_for_region,
    list_cases,
    project_complaint_counts,
)
from wageguard.complaints.schemas import ComplaintIn, PhotoIn, parse_complaint_form
from wageguard.complaints.service import (
    Receipt,
    register_complaint_hook,
    submit_complaint,
    unregister_complaint_hook,
)
from wageguard.config import Settings
from wageguard.db import Database
from wageguard.errors import Conflict, Forbidden, ValidationFailed
from wageguard.registry.choices import Role
from wageguard.security.crypto import Protector
from wageguard.web.tokens import COOKIE_NAME
from wageguard.workdays import WorkingCalendar, add_working_days

SEP_29 = datetime(2026, 9, 29, 2, 0)  # 10:00 in China


def _form(**kw: str) -> ComplaintIn:
    data, problems = parse_complaint_form(valid_form(**kw), today=date(2026, 9, 29), need_region=False)
    assert data is not None, problems
    return data


@pytest.fixture
def file(db: Database, protector: Protector, settings: Settings) -> Callable[..., Receipt]:
    def do(
        project: SiteProject, *, now: datetime = SEP_29, photos: list[PhotoIn] | None = None, **kw: str
    ) -> Receipt:
        return submit_complaint(
            db=db,
            protector=protector,
            settings=settings,
            form=_form(**kw),
            photos=photos or [],
            idem_token=token(),
            project_code=project.code,
            now=now,
        )

    return do


def test_a_case_is_seen_by_its_county_and_above_only(
    client: TestClient,
    db: Database,
    make_user: Callable[..., Principal],
    login: Callable[[str], dict[str, str]],
    file: Callable[..., Receipt],
    site: SiteProject,
) -> None:
    receipt = file(site)
    make_user("bj", Role.INSPECTOR, region_code="520602")
    make_user("tr", Role.INSPECTOR, region_code="520600")
    make_user("ws", Role.INSPECTOR, region_code="520603")
    for user in ("bj", "tr"):
        listing = client.get("/api/v1/cases", headers=login(user)).json()
        assert [c["tracking_code"] for c in listing["items"]] == [receipt.tracking_code]
        assert listing["items"][0]["id_masked"].count("*") == 10
    assert client.get("/api/v1/cases", headers=login("ws")).json() == {"total": 0, "items": []}
    assert client.get(f"/api/v1/cases/{receipt.complaint_id}", headers=login("ws")).status_code == 404
    assert client.get("/api/v1/cases").status_code == 401
    with db.transaction() as session:
        enterprise_id = make_enterprise(session).id
    make_user("ent", Role.ENTERPRISE, enterprise_id=enterprise_id)
    assert client.get("/api/v1/cases", headers=login("ent")).status_code == 403


def test_inspectors_for_region_are_the_county_and_its_parents(
    db: Database, make_user: Callable[..., Principal]
) -> None:
    make_user("bj", Role.INSPECTOR, region_code="520602")
    make_user("tr", Role.INSPECTOR, region_code="520600")
    make_user("gy", Role.INSPECTOR, region_code="520100")
    with db.sessions() as session:
        assert inspectors_for_region(session, "520602") == ["bj", "tr"]


def test_the_full_lifecycle_is_logged_with_who_and_when(
    client: TestClient,
    make_user: Callable[..., Principal],
    login: Callable[[str], dict[str, str]],
    file: Callable[..., Receipt],
    site: SiteProject,
) -> None:
    make_user("bj", Role.INSPECTOR, region_code="520602")
    headers = login("bj")
    case_id = file(site).complaint_id
    url = f"/api/v1/cases/{case_id}/actions"
    accepted = client.post(url, json={"action": "accept"}, headers=headers).json()
    assert accepted["state"] == "accepted"
    today = date.fromisoformat(accepted["accepted_date"])
    assert accepted["finish_due"] == add_working_days(today, 60).isoformat()
    assert client.post(url, json={"action": "accept"}, headers=headers).status_code == 409
    assert client.post(url, json={"action": "investigate"}, headers=headers).status_code == 200
    missing = client.post(url, json={"action": "resolve"}, headers=headers)
    assert missing.status_code == 422 and missing.json()["problems"][0]["message_zh"] == "请选择办结结果"
    resolved = client.post(
        url,
        json={"action": "resolve", "outcome": "paid_after_mediation", "reason": "已付清"},
        headers=headers,
    )
    assert resolved.json()["outcome"] == "paid_after_mediation"
    closed = client.post(url, json={"action": "close"}, headers=headers).json()
    assert closed["state"] == "closed"
    steps = [(e["action"], e["actor"], e["from_state"], e["to_state"]) for e in closed["events"]]
    assert steps == [
        ("submit", "worker", None, "received"),
        ("accept", "bj", "received", "accepted"),
        ("investigate", "bj", "accepted", "investigating"),
        ("resolve", "bj", "investigating", "resolved"),
        ("close", "bj", "resolved", "closed"),
    ]
    assert closed["events"][3]["note"] == "paid_after_mediation: 已付清"
    assert client.post(url, json={"action": "withdraw"}, headers=headers).status_code == 409


def test_not_accepting_needs_a_reason(
    db: Database, settings: Settings, file: Callable[..., Receipt], site: SiteProject
) -> None:
    officer = Principal(user_id=None, username="bj", role=Role.INSPECTOR, region_code="520602")
    case_id = file(site).complaint_id
    with pytest.raises(ValidationFailed):
        act_on_case(
            db=db, principal=officer, settings=settings, case_id=case_id, action=CaseAction.NOT_ACCEPT
        )
    case = act_on_case(
        db=db,
        principal=officer,
        settings=settings,
        case_id=case_id,
        action=CaseAction.NOT_ACCEPT,
        reason="劳务费纠纷",
    )
    assert case.state == "not_accepted" and case.not_accepted_reason == "劳务费纠纷"


def test_an_extension_adds_thirty_working_days_once_with_a_superiors_approval(
    db: Database, settings: Settings, file: Callable[..., Receipt], site: SiteProject
) -> None:
    county = Principal(user_id=None, username="bj", role=Role.INSPECTOR, region_code="520602")
    city = Principal(user_id=None, username="tr", role=Role.INSPECTOR, region_code="520600")
    case_id = file(site).complaint_id
    accepted = act_on_case(
        db=db, principal=county, settings=settings, case_id=case_id, action=CaseAction.ACCEPT, now=SEP_29
    )
    assert accepted.finish_due == add_working_days(date(2026, 9, 29), 60)
    with pytest.raises(Forbidden):
        act_on_case(
            db=db,
            principal=county,
            settings=settings,
            case_id=case_id,
            action=CaseAction.EXTEND,
            reason="复杂",
        )
    extended = act_on_case(
        db=db,
        principal=city,
        settings=settings,
        case_id=case_id,
        action=CaseAction.EXTEND,
        reason="涉及多个分包",
    )
    assert extended.extended and extended.finish_due == add_working_days(date(2026, 9, 29), 90)
    with pytest.raises(Conflict):
        act_on_case(
            db=db, principal=city, settings=settings, case_id=case_id, action=CaseAction.EXTEND, reason="再延"
        )


def test_deadlines_count_working_days_and_overdue_cases_are_escalated(
    db: Database, settings: Settings, file: Callable[..., Receipt], site: SiteProject
) -> None:
    admin = Principal(user_id=None, username="a", role=Role.ADMIN)
    late = file(site, now=SEP_29)
    fresh = file(site, now=datetime(2026, 10, 12, 2, 0), phone="13800001111")
    cal = WorkingCalendar()

    def flags(today: date, escalated: bool = False) -> dict[str, str]:
        with db.sessions() as session:
            result = list_cases(
                session, admin, today=today, calendar=cal, settings=settings, escalated_only=escalated
            )
        return {c.tracking_code: c.overdue for c in result.items}

    with db.sessions() as session:
        due = session.scalar(select(Complaint.accept_due).where(Complaint.id == late.complaint_id))
    assert due == date(2026, 10, 12)  # 5 working days across National Day (Oct 10 is a worked Saturday)
    assert flags(date(2026, 9, 30))[late.tracking_code] == "none"
    assert flags(date(2026, 10, 9))[late.tracking_code] == "accept_due_soon"  # Oct 10 and 12 left
    on_day = flags(date(2026, 10, 12))
    assert on_day[late.tracking_code] == "accept_due_soon" and on_day[fresh.tracking_code] == "none"
    assert flags(date(2026, 10, 13))[late.tracking_code] == "accept_overdue"
    assert flags(date(2026, 10, 13), escalated=True) == {late.tracking_code: "accept_overdue"}
    act_on_case(
        db=db,
        principal=admin,
        settings=settings,
        case_id=late.complaint_id,
        action=CaseAction.ACCEPT,
        now=datetime(2026, 10, 13, 2),
    )
    finish = add_working_days(date(2026, 10, 13), 60)
    assert flags(finish)[late.tracking_code] == "finish_due_soon"
    assert flags(finish + timedelta(days=1))[late.tracking_code] == "finish_overdue"


def test_reading_the_clear_identity_is_audited(
    client: TestClient,
    db: Database,
    make_user: Callable[..., Principal],
    login: Callable[[str], dict[str, str]],
    file: Callable[..., Receipt],
    site: SiteProject,
) -> None:
    make_user("bj", Role.INSPECTOR, region_code="520602")
    receipt = file(site)
    r = client.post(
        f"/api/v1/cases/{receipt.complaint_id}/reveal", json={"reason": "核实"}, headers=login("bj")
    )
    assert r.status_code == 200 and len(r.json()["id_number"]) == 18 and r.json()["phone"] == "13912345678"
    with db.sessions() as session:
        entry = session.scalar(select(AuditEntry).where(AuditEntry.subject_type == "complaint"))
        assert entry is not None and entry.actor == "bj" and entry.action == "reveal"


def test_photos_are_served_to_the_case_handlers_only(
    client: TestClient,
    make_user: Callable[..., Principal],
    login: Callable[[str], dict[str, str]],
    file: Callable[..., Receipt],
    site: SiteProject,
) -> None:
    jpeg = b"\xff\xd8\xff\xe0" + b"\x01" * 100
    receipt = file(site, photos=[PhotoIn("a.jpg", "image/jpeg", jpeg)])
    make_user("bj", Role.INSPECTOR, region_code="520602")
    make_user("ws", Role.INSPECTOR, region_code="520603")
    r = client.get(f"/api/v1/cases/{receipt.complaint_id}/photos/0", headers=login("bj"))
    assert r.status_code == 200 and r.content == jpeg and r.headers["content-type"] == "image/jpeg"
    assert (
        client.get(f"/api/v1/cases/{receipt.complaint_id}/photos/0", headers=login("ws")).status_code == 404
    )
    assert (
        client.get(f"/api/v1/cases/{receipt.complaint_id}/photos/1", headers=login("bj")).status_code == 404
    )


def test_hooks_see_each_new_complaint_inside_its_transaction(
    file: Callable[..., Receipt], site: SiteProject
) -> None:
    seen: list[tuple[int | None, str]] = []

    def hook(session: Session, complaint: Complaint) -> None:
        assert session.get(Complaint, complaint.id) is complaint
        seen.append((complaint.project_id, complaint.tracking_code))

    register_complaint_hook(hook)
    try:
        receipt = file(site)
    finally:
        unregister_complaint_hook(hook)
    file(site, phone="13800002222")
    assert seen == [(site.id, receipt.tracking_code)]


def test_the_w20_inputs_count_complaints_per_project_in_a_window(
    db: Database, file: Callable[..., Receipt], site: SiteProject, other_site: SiteProject
) -> None:
    for i, day in enumerate((1, 10, 25)):
        file(site, now=datetime(2026, 9, day, 2), phone=f"1380000300{i}")
    file(site, now=datetime(2026, 8, 1, 2), phone="13800003009")
    file(other_site, now=datetime(2026, 9, 5, 2), phone="13800003010")
    with db.sessions() as session:
        window = complaints_for_project_in_window(session, site.id, date(2026, 8, 27), date(2026, 9, 25))
        counts = project_complaint_counts(session, date(2026, 8, 27), date(2026, 9, 25))
    assert [c.received_date for c in window] == [date(2026, 9, 1), date(2026, 9, 10), date(2026, 9, 25)]
    assert counts == {site.id: 3, other_site.id: 1}


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found
    return found.group(1)


def test_inspector_pages_redirect_to_login_and_act_with_csrf(
    client: TestClient,
    settings: Settings,
    make_user: Callable[..., Principal],
    login: Callable[[str], dict[str, str]],
    file: Callable[..., Receipt],
    site: SiteProject,
) -> None:
    receipt = file(site)
    anonymous = client.get("/cases", follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"] == "/login?next=/cases"
    bj = make_user("bj", Role.INSPECTOR, region_code="520602")
    assert bj.user_id is not None
    client.cookies.set(COOKIE_NAME, login("bj")["Authorization"].removeprefix("Bearer "))
    listing = client.get("/cases")
    assert listing.status_code == 200 and receipt.tracking_code in listing.text and site.name in listing.text
    page = client.get(f"/cases/{receipt.complaint_id}")
    assert "已收到，待审核" in page.text and "立案受理" in page.text
    forged = client.post(f"/cases/{receipt.complaint_id}/act", data={"csrf": "x", "action": "accept"})
    assert forged.status_code == 403 and "页面已过期" in forged.text
    ok = client.post(
        f"/cases/{receipt.complaint_id}/act",
        data={"csrf": _csrf(page.text), "action": "accept"},
        follow_redirects=False,
    )
    assert ok.status_code == 303
    after = client.get(ok.headers["location"])
    assert "已立案" in after.text and "已完成：立案受理" in after.text
    no_reason = client.post(
        f"/cases/{receipt.complaint_id}/act", data={"csrf": _csrf(page.text), "action": "extend"}
    )
    assert no_reason.status_code == 422 and "请填写延期理由" in no_reason.text


def test_case_pages_of_another_county_do_not_exist(
    client: TestClient,
    settings: Settings,
    make_user: Callable[..., Principal],
    login: Callable[[str], dict[str, str]],
    file: Callable[..., Receipt],
    site: SiteProject,
) -> None:
    receipt = file(site)
    ws = make_user("ws", Role.INSPECTOR, region_code="520603")
    assert ws.user_id is not None
    client.cookies.set(COOKIE_NAME, login("ws")["Authorization"].removeprefix("Bearer "))
    assert receipt.tracking_code not in client.get("/cases").text
    assert client.get(f"/cases/{receipt.complaint_id}").status_code == 404


def test_concurrent_resends_of_one_form_store_one_complaint(
    db: Database, protector: Protector, settings: Settings, site: SiteProject
) -> None:
    form, idem = _form(), token()

    def send() -> Receipt:
        return submit_complaint(
            db=db,
            protector=protector,
            settings=settings,
            form=form,
            photos=[],
            idem_token=idem,
            project_code=site.code,
        )

    with ThreadPoolExecutor(max_workers=4) as pool:
        receipts = list(pool.map(lambda _i: send(), range(8)))
    assert len({r.tracking_code for r in receipts}) == 1
    assert sum(r.created for r in receipts) == 1
    with db.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Complaint)) == 1
