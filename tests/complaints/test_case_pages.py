"""The case pages an inspector works from: the working-day countdown, the county filter, "my cases", sorting
by deadline, assignment to an inspector picked from the region's list, and a project's complaints page."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from tests.complaints.conftest import SiteProject, token, valid_form

from wageguard.auth.models import User
from wageguard.auth.scope import Principal
from wageguard.calendar_models import CalendarOverride
from wageguard.complaints.models import Complaint
from wageguard.complaints.schemas import parse_complaint_form
from wageguard.complaints.service import submit_complaint
from wageguard.config import Settings
from wageguard.db import Database
from wageguard.registry.choices import Role
from wageguard.registry.models import ProjectParticipant
from wageguard.security.crypto import Protector
from wageguard.web.pages.render import today_local

Headers = dict[str, str]
CSRF_RE = re.compile(r'name="csrf" value="([^"]+)"')


@pytest.fixture
def file_case(
    db: Database, protector: Protector, settings: Settings
) -> Callable[[SiteProject], tuple[int, str]]:
    """File a complaint about a project now; its id and tracking code."""

    def do(site: SiteProject) -> tuple[int, str]:
        form, problems = parse_complaint_form(valid_form(), today=today_local(settings), need_region=False)
        assert form is not None, problems
        receipt = submit_complaint(
            db=db,
            protector=protector,
            settings=settings,
            form=form,
            photos=[],
            idem_token=token(),
            project_code=site.code,
        )
        return receipt.complaint_id, receipt.tracking_code

    return do


def fixed_calendar(db: Database, today: date, working: dict[int, bool]) -> None:
    """Overrides that make the days around ``today`` working or not, whatever the real calendar says."""
    with db.transaction() as session:
        for offset, is_working in working.items():
            session.merge(CalendarOverride(day=today + timedelta(days=offset), is_working=is_working))


def set_due(db: Database, case_id: int, due: date) -> None:
    with db.transaction() as session:
        session.execute(update(Complaint).where(Complaint.id == case_id).values(accept_due=due))


def _row(html: str, code: str) -> str:
    start = html.index(code)
    return html[start : html.index("</tr>", start)]


def test_deadlines_count_down_in_working_days_across_a_weekend_and_a_holiday(
    client: TestClient,
    db: Database,
    settings: Settings,
    make_user: Callable[..., Principal],
    login: Callable[[str], Headers],
    file_case: Callable[[SiteProject], tuple[int, str]],
    site: SiteProject,
) -> None:
    today = today_local(settings)
    # the next five days: on, off, off (a weekend or holiday), on, on; the three before: on, off, on
    fixed_calendar(
        db, today, {-3: True, -2: False, -1: True, 0: True, 1: True, 2: False, 3: False, 4: True, 5: True}
    )
    soon, soon_code = file_case(site)
    late, late_code = file_case(site)
    single, single_code = file_case(site)
    set_due(db, soon, today + timedelta(days=5))  # 5 calendar days, 3 working days
    set_due(db, late, today - timedelta(days=3))  # 3 calendar days ago, 2 working days since
    set_due(db, single, today + timedelta(days=1))
    make_user("bj", Role.INSPECTOR, region_code=site.region_code)
    headers = login("bj")

    listing = client.get("/cases", headers=headers).text
    assert "还剩 3 个工作日" in _row(listing, soon_code)
    assert "已超期 2 个工作日" in _row(listing, late_code)
    assert "还剩 1 个工作日" in _row(listing, single_code)
    detail = client.get(f"/cases/{soon}", headers=headers).text
    assert re.search(r'id="accept-due">[^<]*<span class="countdown">还剩 3 个工作日</span>', detail)
    assert "已超期 2 个工作日" in client.get(f"/cases/{late}", headers=headers).text

    english = client.get("/cases", params={"lang": "en"}, headers=headers).text
    assert "3 working days left" in _row(english, soon_code)
    assert "2 working days overdue" in _row(english, late_code)
    assert "1 working day left" in _row(english, single_code) and "1 working days" not in english
    assert "3 cases" in english


def test_the_county_filter_lists_county_names_and_keeps_one_county(
    client: TestClient,
    make_user: Callable[..., Principal],
    login: Callable[[str], Headers],
    file_case: Callable[[SiteProject], tuple[int, str]],
    site: SiteProject,
    other_site: SiteProject,
) -> None:
    _, bijiang = file_case(site)
    _, wanshan = file_case(other_site)
    make_user("tr", Role.INSPECTOR, region_code="520600")  # the city sees both counties
    headers = login("tr")
    everything = client.get("/cases", headers=headers).text
    assert bijiang in everything and wanshan in everything
    assert '<option value="520602" >碧江区</option>' in everything and ">万山区</option>" in everything
    assert ">520602<" not in everything  # names, not codes, in the list and the filter

    one = client.get("/cases", params={"county": site.region_code}, headers=headers).text
    assert bijiang in one and wanshan not in one
    assert '<option value="520602" selected>碧江区</option>' in one
    assert "碧江区" in _row(one, bijiang)


def test_my_cases_and_the_assignment_picker_of_the_regions_active_inspectors(
    client: TestClient,
    db: Database,
    make_user: Callable[..., Principal],
    login: Callable[[str], Headers],
    file_case: Callable[[SiteProject], tuple[int, str]],
    site: SiteProject,
) -> None:
    mine_id, mine_code = file_case(site)
    _, other_code = file_case(site)
    bj = make_user("bj", Role.INSPECTOR, region_code="520602", display_name="碧江监察员")
    make_user("tr", Role.INSPECTOR, region_code="520600", display_name="铜仁市监察员")
    outsider = make_user("ws", Role.INSPECTOR, region_code="520603", display_name="万山监察员")
    gone = make_user("old", Role.INSPECTOR, region_code="520602", display_name="已离职监察员")
    with db.transaction() as session:
        session.execute(update(User).where(User.id == gone.user_id).values(is_active=False))
    headers = login("bj")

    detail = client.get(f"/cases/{mine_id}", headers=headers).text
    picker = detail[detail.index('id="assignee"') : detail.index("</select>", detail.index('id="assignee"'))]
    assert "碧江监察员（bj）" in picker and "铜仁市监察员（tr）" in picker
    assert "万山监察员" not in picker and "已离职监察员" not in picker
    csrf = CSRF_RE.search(detail)
    assert csrf

    for refused in (outsider, gone):  # a forged form: the service checks again
        r = client.post(
            f"/cases/{mine_id}/assign",
            data={"csrf": csrf.group(1), "assignee": str(refused.user_id)},
            headers=headers,
        )
        assert r.status_code == 422 and "承办人须为本案件所属地区在职的监察员" in r.text
    with db.sessions() as session:
        assert session.scalar(select(Complaint.assignee_user_id).where(Complaint.id == mine_id)) is None

    r = client.post(
        f"/cases/{mine_id}/assign", data={"csrf": csrf.group(1), "assignee": str(bj.user_id)}, headers=headers
    )
    assert r.status_code == 200 and 'id="case-assignee">碧江监察员<' in r.text  # after the redirect
    assert "指派承办人" in r.text  # the step is in the case history

    mine = client.get("/cases", params={"mine": "true"}, headers=headers).text
    assert mine_code in mine and other_code not in mine
    everyone = client.get("/cases", headers=headers).text
    assert "碧江监察员" in _row(everyone, mine_code) and "未指派" in _row(everyone, other_code)
    assert mine_code not in client.get("/cases", params={"mine": "true"}, headers=login("tr")).text


def test_cases_sort_by_the_nearest_deadline(
    client: TestClient,
    db: Database,
    settings: Settings,
    make_user: Callable[..., Principal],
    login: Callable[[str], Headers],
    file_case: Callable[[SiteProject], tuple[int, str]],
    site: SiteProject,
) -> None:
    today = today_local(settings)
    due_first, due_first_code = file_case(site)  # filed first: the newest-first list shows it last
    due_last, due_last_code = file_case(site)
    set_due(db, due_first, today + timedelta(days=2))
    set_due(db, due_last, today + timedelta(days=9))
    make_user("bj", Role.INSPECTOR, region_code="520602")
    headers = login("bj")
    by_deadline = client.get("/cases", params={"sort": "deadline"}, headers=headers).text
    assert by_deadline.index(due_first_code) < by_deadline.index(due_last_code)
    newest = client.get("/cases", headers=headers).text
    assert newest.index(due_last_code) < newest.index(due_first_code)


def test_a_projects_complaints_page_for_its_inspectors_and_403_for_the_enterprise(
    client: TestClient,
    db: Database,
    make_user: Callable[..., Principal],
    login: Callable[[str], Headers],
    file_case: Callable[[SiteProject], tuple[int, str]],
    site: SiteProject,
    other_site: SiteProject,
) -> None:
    case_id, code = file_case(site)
    _, elsewhere = file_case(other_site)
    make_user("bj", Role.INSPECTOR, region_code="520602")
    headers = login("bj")
    page = client.get(f"/projects/{site.id}/complaints", headers=headers)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert f'href="/cases/{case_id}"' in page.text and elsewhere not in page.text
    assert "已收到，待审核" in page.text and "个工作日" in page.text and site.name in page.text
    detail = client.get(f"/cases/{case_id}", headers=headers).text
    assert f'href="/projects/{site.id}/complaints"' in detail and "/api/v1/cases?project_id" not in detail

    outside = client.get(f"/projects/{other_site.id}/complaints", headers=headers)
    assert outside.status_code == 404 and "text/html" in outside.headers["content-type"]
    with db.sessions() as session:  # one of the project's own enterprises: complaints are not theirs to read
        enterprise_id = session.scalar(
            select(ProjectParticipant.enterprise_id).where(ProjectParticipant.project_id == site.id)
        )
    make_user("clerk", Role.ENTERPRISE, enterprise_id=enterprise_id)
    denied = client.get(f"/projects/{site.id}/complaints", headers=login("clerk"))
    assert (
        denied.status_code == 403
        and "text/html" in denied.headers["content-type"]
        and code not in denied.text
    )
