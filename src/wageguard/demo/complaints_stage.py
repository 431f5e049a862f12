"""Demo stage: workers' complaints in every case state, some on projects with planted arrears, one spike.

Complaints go through ``submit_complaint`` and ``act_on_case``, the same paths as the public form and the
inspector pages. Form tokens are derived from the seed, so running the stage again adds nothing.

Complaints name only projects where an earlier stage planted a fault (money arrears first), so the clean
projects stay clean; the spike (four complaints within 30 days about one project, rule W20) goes into the
ground truth.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from stdnum.cn import ric

from wageguard.auth.scope import Principal
from wageguard.complaints.case_handling import act_on_case
from wageguard.complaints.choices import TRANSITIONS, CaseAction, Outcome
from wageguard.complaints.schemas import ComplaintIn
from wageguard.complaints.service import submit_complaint
from wageguard.demo.stages import DemoContext
from wageguard.demo.truth import ground_truth
from wageguard.registry.choices import Role
from wageguard.registry.models import Project

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何罗"
WINDOW_DAYS = 30  # the W20 window (``complaints_window_days``' default)
GIVEN = ["建国", "志强", "海军", "小平", "德明", "春花", "永福", "国庆", "金龙", "秀英", "光明", "红梅"]


@dataclass(frozen=True)
class Plan:
    """One planted complaint: how many days before ``as_of`` it came in and the steps taken on it."""

    project: int | None  # index into the chosen projects; None = no project (county named)
    days_ago: int
    steps: tuple[tuple[CaseAction, Outcome | None, str | None], ...] = ()


ACC = (CaseAction.ACCEPT, None, None)
INV = (CaseAction.INVESTIGATE, None, None)
PLANS = (
    # the spike: four complaints about project 0 within 30 days (rule W20)
    Plan(0, 3),
    Plan(0, 8, (ACC,)),
    Plan(0, 15, (ACC, INV)),
    Plan(0, 24, (ACC, INV)),
    Plan(1, 10, (ACC, INV)),
    Plan(2, 40, (ACC, INV, (CaseAction.RESOLVE, Outcome.ORDER_TO_PAY, "已下达限期支付令"))),
    Plan(
        3,
        70,
        (
            ACC,
            (CaseAction.RESOLVE, Outcome.PAID_AFTER_MEDIATION, "调解后已足额支付"),
            (CaseAction.CLOSE, None, None),
        ),
    ),
    Plan(4, 20, ((CaseAction.NOT_ACCEPT, None, "不属于劳动保障监察管辖（劳务费纠纷），已告知向法院起诉"),)),
    Plan(5, 14),  # never acted on: overdue for acceptance
    Plan(1, 6, ((CaseAction.WITHDRAW, None, "投诉人自行撤回：已与包工头达成还款协议"),)),
    Plan(None, 2),
)


def _projects_with_arrears(truth: Any) -> Iterator[str]:
    """Project codes found anywhere in the money stage's ground truth (``project_code`` keys)."""
    if isinstance(truth, dict):
        for key, value in truth.items():
            if key == "project_code" and isinstance(value, str):
                yield value
            else:
                yield from _projects_with_arrears(value)
    elif isinstance(truth, list | tuple):
        for item in truth:
            yield from _projects_with_arrears(item)


def _choose_projects(ctx: DemoContext) -> tuple[list[tuple[str, str]], set[str]]:
    with ctx.db.sessions() as session:
        rows = session.execute(
            select(Project.project_code, Project.region_code)
            .where(Project.region_code.startswith(ctx.region_code[:4]))
            .order_by(Project.id)
        ).all()
    planted = ground_truth(ctx).planted_projects()
    codes = {code: region for code, region in rows if code in planted}
    arrears = list(dict.fromkeys(c for c in _projects_with_arrears(ctx.truth.get("money")) if c in codes))
    ordered = arrears[:3] + [c for c in codes if c not in arrears[:3]]
    return [(c, codes[c]) for c in ordered[:6]], set(arrears)


def _person(rng: random.Random, region: str, i: int) -> tuple[str, str, str]:
    born = date(1965, 1, 1) + timedelta(days=rng.randrange(0, 365 * 35))
    body = f"{region}{born:%Y%m%d}{rng.randrange(100, 999)}"
    name = rng.choice(SURNAMES) + rng.choice(GIVEN)
    return name, body + ric.calc_check_digit(body + "X"), f"139{ctx_phone(i)}"


def ctx_phone(i: int) -> str:
    return f"{85_000_000 + i * 7919:08d}"


def _form(rng: random.Random, region: str, i: int, as_of: date, plan: Plan) -> ComplaintIn:
    name, id_number, phone = _person(rng, region, i)
    months = rng.randint(1, 4)
    return ComplaintIn(
        name=name,
        id_number=id_number,
        phone=phone,
        bank_card=None if i % 3 else f"62284800{rng.randrange(10**10, 10**11)}",
        employer=f"{rng.choice(SURNAMES)}姓班组长（劳务分包班组）",
        work_start=as_of - timedelta(days=plan.days_ago + 30 * months + 20),
        work_end=None,
        months_owed=months,
        amount_owed_fen=months * rng.randint(4_000, 9_000) * 100,
        workers_affected=rng.choice([1, 1, 3, 8, 12]),
        description="在工地做工，工资按月应由总包代发，但最近几个月没有收到，找班组长和项目部都说再等等。",
        region_code=None if plan.project is not None else region,
    )


def _record_truth(ctx: DemoContext, cases: list[dict[str, Any]], spike: str) -> None:
    """W20 for every project with a complaint in the 30 days ending on ``as_of`` (orange for the spike,
    yellow for the others: the rule keeps one alert per project while a complaint is in its window)."""
    truth = ground_truth(ctx)
    truth.forget("complaints")
    window_start = (ctx.as_of - timedelta(days=WINDOW_DAYS - 1)).isoformat()
    recent: dict[str, int] = {}
    for case in cases:
        if case["project_code"] and case["received"] >= window_start:
            recent[case["project_code"]] = recent.get(case["project_code"], 0) + 1
    for code, count in recent.items():
        fault = "complaint_spike" if code == spike else "complaint"
        truth.plant(fault, "complaints", code, complaints_in_window=count)
        truth.expect_project("W20", code, "", fault=fault)


def complaints_stage(ctx: DemoContext) -> None:
    """Submit the planted complaints and move each case to its planned state."""
    projects, arrears = _choose_projects(ctx)
    if not projects:
        ctx.log("    没有项目，跳过投诉 / no projects: complaints skipped")
        return
    rng = random.Random(ctx.seed * 6007)
    officer = Principal(
        user_id=None, username="demo-inspector", role=Role.INSPECTOR, region_code=ctx.region_code
    )
    cases: list[dict[str, Any]] = []
    for i, plan in enumerate(PLANS):
        code, region = (
            projects[plan.project % len(projects)] if plan.project is not None else (None, projects[0][1])
        )
        when = datetime.combine(ctx.as_of - timedelta(days=plan.days_ago), time(2, 0))
        token = hashlib.sha256(f"demo-complaint-{ctx.seed}-{i}".encode()).hexdigest()[:32]
        receipt = submit_complaint(
            db=ctx.db,
            protector=ctx.protector,
            settings=ctx.settings,
            form=_form(rng, region, i, ctx.as_of, plan),
            photos=[],
            idem_token=token,
            project_code=code,
            source="demo",
            now=when,
        )
        state = "received"
        for step, (action, outcome, reason) in enumerate(plan.steps, start=1):
            if receipt.created:
                act_on_case(
                    db=ctx.db,
                    principal=officer,
                    settings=ctx.settings,
                    case_id=receipt.complaint_id,
                    action=action,
                    reason=reason,
                    outcome=outcome,
                    now=when + timedelta(days=step),
                )
            target = TRANSITIONS[action][1]
            state = target.value if target is not None else state
        cases.append(
            {
                "tracking_code": receipt.tracking_code,
                "project_code": code,
                "region_code": region,
                "received": (ctx.as_of - timedelta(days=plan.days_ago)).isoformat(),
                "state": state,
                "on_arrears_project": code in arrears,
            }
        )
    spike = projects[0][0]
    window_start = (ctx.as_of - timedelta(days=29)).isoformat()
    ctx.truth["complaints"] = {
        "cases": cases,
        "spike": {
            "project_code": spike,
            "count_30d": sum(
                1 for c in cases if c["project_code"] == spike and c["received"] >= window_start
            ),
        },
        "overdue_accept": [
            c["tracking_code"] for c, p in zip(cases, PLANS, strict=True) if not p.steps and p.days_ago > 7
        ],
    }
    _record_truth(ctx, cases, spike)
    ctx.log(f"    投诉 / complaints: {len(cases)}，激增项目 / spike on {spike}")
