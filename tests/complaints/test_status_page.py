"""The worker's status page (the step in plain words, the office handling the complaint, the next deadline in
working days, the outcome) and the public form's errors, each saying what is wrong with the value typed."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from tests.complaints.conftest import FormClient, SiteProject, tracking_code, valid_form

from wageguard.auth.scope import Principal
from wageguard.calendar_models import CalendarOverride
from wageguard.complaints.case_handling import act_on_case
from wageguard.complaints.choices import CaseAction, Outcome
from wageguard.complaints.models import Complaint
from wageguard.config import Settings
from wageguard.db import Database
from wageguard.registry.choices import Role
from wageguard.web.pages.render import today_local

CSRF_RE = re.compile(r'name="csrf" value="([^"]+)"')
OFFICE = "铜仁市碧江区人力资源和社会保障局（劳动保障监察）"


def _look_up(client: TestClient, code: str, phone: str, lang: str = "zh") -> str:
    page = client.get("/c/status", params={"code": code, "lang": lang})
    csrf = CSRF_RE.search(page.text)
    assert csrf
    r = client.post("/c/status", data={"csrf": csrf.group(1), "code": code, "phone": phone})
    assert r.status_code == 200, r.text
    return r.text


def _dd(html: str, dd_id: str) -> str:
    found = re.search(rf'<dd id="{dd_id}">(.*?)</dd>', html, re.S)
    assert found, (dd_id, html[:3000])
    return re.sub(r"<[^>]+>", "", found.group(1)).strip()


def test_the_status_page_tells_the_step_office_deadline_and_outcome(
    client: TestClient,
    form_client: FormClient,
    db: Database,
    settings: Settings,
    make_user: Callable[..., Principal],
    site: SiteProject,
) -> None:
    form = valid_form()
    code = tracking_code(form_client.submit(f"/c/{site.code}", form).text)
    today = today_local(settings)
    with (
        db.transaction() as session
    ):  # the next five days: on, off, off, on, on — the decision due on the 5th
        for offset, working in {1: True, 2: False, 3: False, 4: True, 5: True}.items():
            session.merge(CalendarOverride(day=today + timedelta(days=offset), is_working=working))
        session.execute(
            update(Complaint)
            .where(Complaint.tracking_code == code)
            .values(accept_due=today + timedelta(days=5))
        )
    due = (today + timedelta(days=5)).isoformat()

    html = _look_up(client, code, form["phone"])
    assert _dd(html, "state-label").startswith("已收到，待审核")
    assert "已受理" not in html and "受理登记" not in html  # nobody has decided to accept it yet
    assert _dd(html, "office") == OFFICE
    assert _dd(html, "next-deadline").startswith(f"{due} 前决定是否立案（还剩 3 个工作日）")
    assert 'id="outcome-label"' not in html

    english = _look_up(client, code, form["phone"], lang="en")
    assert _dd(english, "state-label").startswith("Received, awaiting review")
    assert _dd(english, "office") == (
        "Labour inspection, Human Resources and Social Security Bureau of 铜仁市碧江区"
    )
    assert _dd(english, "next-deadline").startswith(f"Decision on the case by {due} (3 working days left)")

    inspector = make_user("bj", Role.INSPECTOR, region_code=site.region_code)
    with db.sessions() as session:
        case_id = session.query(Complaint.id).filter(Complaint.tracking_code == code).scalar()
    act_on_case(db=db, principal=inspector, settings=settings, case_id=case_id, action=CaseAction.ACCEPT)
    accepted = _look_up(client, code, form["phone"], lang="zh")
    assert _dd(accepted, "state-label").startswith("已立案")
    assert "前办结（还剩" in _dd(accepted, "next-deadline") and "个工作日）" in _dd(accepted, "next-deadline")

    act_on_case(
        db=db,
        principal=inspector,
        settings=settings,
        case_id=case_id,
        action=CaseAction.RESOLVE,
        outcome=Outcome.PAID_AFTER_MEDIATION,
        reason="总包已代发",
    )
    done = _look_up(client, code, form["phone"])
    assert _dd(done, "state-label") == "已办结" and _dd(done, "outcome-label") == "调解后已支付"
    assert _dd(done, "resolved-on") == today.isoformat() and 'id="next-deadline"' not in done
    assert _dd(done, "office") == OFFICE


BAD_VALUES = [
    (
        "amount_owed",
        "abc",
        "金额应为数字，例如 3500 或 3500.50",
        "The amount must be a number, e.g. 3500 or 3500.50",
    ),
    ("amount_owed", "-200", "金额应大于 0 元", "The amount must be more than 0 yuan"),
    (
        "amount_owed",
        "350000000",
        "金额不能超过 100,000,000 元，请核对是否多输了位数",
        "The amount cannot be more than 100,000,000 yuan; check for extra digits",
    ),
    (
        "amount_owed",
        "3500.505",
        "金额最多两位小数（精确到分），例如 3500.50",
        "The amount can have at most 2 decimals (fen), e.g. 3500.50",
    ),
    (
        "phone",
        "1391234567",
        "手机号码应为 11 位数字、以 1 开头，例如 13912345678",
        "The mobile number must be 11 digits starting with 1, e.g. 13912345678",
    ),
    (
        "months_owed",
        "三个月",
        "被拖欠月数应为整数，例如 3",
        "The months unpaid must be a whole number, e.g. 3",
    ),
    ("months_owed", "0", "被拖欠月数至少为 1", "The months unpaid must be at least 1"),
    (
        "workers_affected",
        "20000",
        "涉及人数不能超过 10,000",
        "The number of workers cannot be more than 10,000",
    ),
    (
        "work_start",
        "2026/03/01",
        "开始工作日期应为 年-月-日，例如 2026-03-01",
        "The start date must be a date written year-month-day, e.g. 2026-03-01",
    ),
    ("work_start", "1985-01-01", "开始工作日期不能早于 1990 年", "The start date cannot be before 1990"),
    (
        "id_number",
        "52010219900101",
        "身份证号码应为 18 位，您填写了 14 位",
        "The ID number has 18 characters; you typed 14",
    ),
    (
        "bank_card",
        "6222 0012",
        "工资卡号应为 12 到 19 位数字，您填写了 8 位",
        "The wage card number has 12 to 19 digits; you typed 8",
    ),
    (
        "bank_card",
        "6222-abcd-0012",
        "工资卡号只能包含数字（空格可以保留）",
        "The wage card number can contain only digits (spaces are fine)",
    ),
]


@pytest.mark.parametrize(
    ("field", "value", "zh", "en"), BAD_VALUES, ids=[f"{f}={v}" for f, v, _, _ in BAD_VALUES]
)
def test_each_form_error_says_what_is_wrong_with_the_value(
    form_client: FormClient, site: SiteProject, field: str, value: str, zh: str, en: str
) -> None:
    path = f"/c/{site.code}"
    chinese = form_client.submit(path, valid_form(**{field: value}))
    assert chinese.status_code == 422
    assert f'<p class="err" id="e-{field}">{zh}</p>' in chinese.text
    english = form_client.submit(
        path, valid_form(**{field: value}), tokens=form_client.open(f"{path}?lang=en")
    )
    assert english.status_code == 422
    assert f'<p class="err" id="e-{field}">{en}</p>' in english.text
    form_client.client.cookies.set("lang", "zh")
