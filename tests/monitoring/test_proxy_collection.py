"""Proxy collection through a team leader's card with clean pay sheets: six members' wages, each referenced
to the member's pay-sheet line (EndToEndId), reach the leader's card. The engine must see W11 for each of
them, and none of the arrears rules (W06/W07/W17/W18) nor the holder's outlier (W10) or ghost (W12) rules."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import inspect, select, text
from tests.factories import card_number, id_number, make_region_project, make_team, make_worker

from wageguard.attendance.models import WorkerMonth
from wageguard.auth.scope import SYSTEM
from wageguard.config import Settings
from wageguard.db import Database
from wageguard.monitoring.calendar import parse_month
from wageguard.monitoring.engine import run_monitoring
from wageguard.monitoring.models import Alert
from wageguard.payroll.banks.writers import PaymentOut, write_camt054
from wageguard.payroll.payments import import_bank_file
from wageguard.payroll.paysheets import drafts_from_api, submit_pay_sheets
from wageguard.payroll.schemas import AccountIn, PayrollIn
from wageguard.payroll.service import open_account
from wageguard.security.crypto import Protector

ACCOUNT = "6222024000077777777"
MONTHS = ["2026-08", "2026-09", "2026-10"]
NAMES = ["周班长", "吴一", "郑二", "王三", "冯四", "陈五", "褚六"]
NETS = [10_250, 6_800, 6_600, 6_700, 6_500, 6_600, 6_600]  # yuan; ¥50,050 a month in all
AS_OF = date(2026, 11, 25)


def _city(db: Database, protector: Protector) -> tuple[int, list[int], list[str], list[str], str]:
    with db.transaction() as s:
        project, gc = make_region_project(s, "520602", name="代领测试工地")
        team = make_team(s, project=project, enterprise=gc, name="瓦工班")
        ids, cards, wids = [], [], []
        for name in NAMES:
            number, card = id_number(), card_number()
            wids.append(
                make_worker(s, protector, project=project, team=team, name=name, number=number, card=card).id
            )
            ids.append(number)
            cards.append(card)
        open_account(
            session=s,
            principal=SYSTEM,
            protector=protector,
            data=AccountIn(
                account_no=ACCOUNT,
                project_code=project.project_code,
                bank_code="103",
                opened_date=date(2026, 3, 1),
                tripartite_date=date(2026, 3, 5),
            ),
        )
        for month in MONTHS:
            for wid in wids:
                s.add(
                    WorkerMonth(
                        project_id=project.id,
                        worker_id=wid,
                        month=month,
                        region_code="520602",
                        days=22,
                        minutes=22 * 540,
                    )
                )
        return project.id, wids, ids, cards, team.team_sys_no


def _code(month: str, i: int) -> str:
    return f"TPR{month.replace('-', '')}{i:03d}"


def _load(db: Database, protector: Protector, tmp_path: Path) -> tuple[int, list[int]]:
    project_id, wids, ids, cards, team_no = _city(db, protector)
    with db.sessions() as s:
        from wageguard.registry.models import Project

        code = s.get(Project, project_id).project_code  # type: ignore[union-attr]
    for month in MONTHS:
        sheet = PayrollIn.model_validate(
            {
                "projectCode": code,
                "teamSysNo": team_no,
                "payMonth": month,
                "detailList": [
                    {
                        "idCardNumber": ids[i],
                        "days": 22,
                        "payRollBankCardNumber": cards[i],  # a clean sheet: everyone's own card
                        "totalPayAmount": str(net + 300),
                        "actualAmount": str(net),
                        "thirdPayRollCode": _code(month, i),
                    }
                    for i, net in enumerate(NETS)
                ],
            }
        )
        with db.transaction() as s:
            submit_pay_sheets(
                session=s,
                principal=SYSTEM,
                protector=protector,
                drafts=drafts_from_api([sheet]),
                source="api",
                actor="t",
            )
        year, mon = (int(x) for x in month.split("-"))
        paid_on = date(year + mon // 12, mon % 12 + 1, 12)
        rows = [
            PaymentOut(_code(month, i), NAMES[0], cards[0], net * 100, paid_on) for i, net in enumerate(NETS)
        ]
        path = write_camt054(tmp_path / f"{month}.xml", ACCOUNT, rows, f"N{month}")
        import_bank_file(
            db=db,
            principal=SYSTEM,
            protector=protector,
            path=path,
            profile=None,
            account_no=ACCOUNT,
            actor="t",
        )
    return project_id, wids


def _worker_findings(db: Database, rule: str) -> dict[tuple[int, str], dict[str, Any]]:
    """(worker, period) -> evidence of the rule's holding worker findings, whether the engine keeps one alert
    per worker or one alert per project-month with the workers as lines (table ``alert_workers``)."""
    with db.sessions() as s:
        holding = select(Alert).where(Alert.rule_code == rule, Alert.still_holds.is_(True))
        found = {(a.worker_id, a.period): a.evidence for a in s.scalars(holding) if a.worker_id is not None}
        if inspect(s.connection()).has_table("alert_workers"):
            lines = s.execute(
                text(
                    "SELECT l.worker_id, l.period, l.evidence FROM alert_workers l JOIN alerts a"
                    " ON a.id = l.alert_id WHERE a.rule_code = :rule AND a.still_holds = :yes"
                ),
                {"rule": rule, "yes": True},
            )
            for worker_id, period, evidence in lines:
                found[(worker_id, period)] = json.loads(evidence) if isinstance(evidence, str) else evidence
    return found


def test_leader_card_collection_is_w11_for_each_member_and_no_arrears(
    db: Database, settings: Settings, protector: Protector, tmp_path: Path
) -> None:
    _project_id, wids = _load(db, protector, tmp_path)
    run_monitoring(db=db, settings=settings, as_of=AS_OF, months=[parse_month(m) for m in MONTHS])
    with db.sessions() as s:
        rules = set(s.scalars(select(Alert.rule_code).where(Alert.still_holds.is_(True))))
    assert rules & {"W06", "W07", "W10", "W12", "W17", "W18"} == set()
    w11 = _worker_findings(db, "W11")
    assert set(w11) == {(w, m) for w in wids for m in MONTHS}
    [pay] = w11[(wids[1], "2026-10")]["payments"]
    assert pay["card_holder"] == NAMES[0] and pay["match_key"] == "reference"
    assert "*" in pay["payee_card_masked"] and pay["amount_fen"] == NETS[1] * 100
