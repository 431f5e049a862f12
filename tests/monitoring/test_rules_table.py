"""Table-driven rule tests on hand-built frames: each rule fires / does not fire at its threshold's edges."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import polars as pl
import pytest
from tests.monitoring.frames import DEADLINE, DUE, device, facts, project, risk_score, run, worker

from wageguard.monitoring.calendar import working_day_calendar
from wageguard.monitoring.facts import Facts


def nth_working_day_after(start: date, n: int) -> date:
    """The date on which exactly ``n`` Chinese working days have passed since ``start``."""
    cal = working_day_calendar(start, start + timedelta(days=120))
    base = cal.filter(pl.col("day") == start)["wd_index"][0]
    return cal.filter(pl.col("wd_index") == base + n)["day"][0]  # type: ignore[no-any-return]


def gate(skip: list[date], source: str = "ZK001", channel: str = "") -> dict[str, list[dict[str, object]]]:
    """Gate-month frames: punches every day of September 2026 but ``skip`` (first punch day 1 September)."""
    days = [date(2026, 9, 1) + timedelta(days=i) for i in range(30)]
    key = {"project_id": 1, "source": source, "channel": channel}
    punched = [d for d in days if d not in skip]
    mask = sum(1 << d.day for d in punched)
    return {
        "gate_months": [{**key, "month": "2026-09", "day_mask": mask, "punches": 40 * len(punched)}],
        "gate_first": [{**key, "first_day": date(2026, 9, 1)}],
    }


W14_START = date(2026, 9, 1)
W15_USE = date(2026, 9, 7)
NO_DEPOSIT = {"deposit_fen": None, "start_date": W14_START}
USE = {"project_id": 1, "kind": "use", "movement_date": W15_USE, "amount_fen": 100_000}

CASES: list[tuple[str, str, Callable[[], Facts], int]] = [
    (
        "W01",
        "account due day itself",
        lambda: facts(
            as_of=date(2026, 8, 31), projects=[project(accounts=0, contract_signed_date=date(2026, 8, 1))]
        ),
        0,
    ),
    (
        "W01",
        "one day past the account due day",
        lambda: facts(
            as_of=date(2026, 9, 1), projects=[project(accounts=0, contract_signed_date=date(2026, 8, 1))]
        ),
        1,
    ),
    ("W02", "agreement recorded", lambda: facts(), 0),
    ("W02", "agreement missing", lambda: facts(projects=[project(tripartite_on=None)]), 1),
    ("W03", "an inflow in the month", lambda: facts(), 0),
    ("W03", "no inflow, month over", lambda: facts(projects=[project(inflow_count=0, inflow_fen=0)]), 1),
    (
        "W03",
        "no inflow, month not over",
        lambda: facts(as_of=date(2026, 9, 30), projects=[project(inflow_count=0)]),
        0,
    ),
    (
        "W04",
        "exactly 20% of progress",
        lambda: facts(projects=[project(progress_fen=1_000_000, progress_inflow_fen=200_000)]),
        0,
    ),
    (
        "W04",
        "one fen under 20%",
        lambda: facts(projects=[project(progress_fen=1_000_000, progress_inflow_fen=199_999)]),
        1,
    ),
    (
        "W05",
        "no pay sheet, deadline day",
        lambda: facts(as_of=DEADLINE, workers=[worker(sheet_lines=0, sheet_net_fen=None, received_fen=0)]),
        0,
    ),
    (
        "W05",
        "no pay sheet, day after deadline",
        lambda: facts(workers=[worker(sheet_lines=0, sheet_net_fen=None, received_fen=0)]),
        1,
    ),
    ("W06", "unpaid on deadline day", lambda: facts(as_of=DEADLINE, workers=[worker(received_fen=0)]), 0),
    ("W06", "unpaid after deadline", lambda: facts(workers=[worker(received_fen=0)]), 1),
    (
        "W06",
        "paid to another card is not W06",
        lambda: facts(workers=[worker(received_fen=0, other_card_fen=600_000)]),
        0,
    ),
    ("W07", "all attendees paid", lambda: facts(workers=[worker(i) for i in range(1, 11)]), 0),
    (
        "W07",
        "one of ten unpaid",
        lambda: facts(workers=[worker(i, received_fen=0 if i == 1 else 600_000) for i in range(1, 11)]),
        1,
    ),
    ("W08", "short by exactly ¥1", lambda: facts(workers=[worker(received_fen=599_900)]), 0),
    ("W08", "short by ¥1.01", lambda: facts(workers=[worker(received_fen=599_899)]), 1),
    (
        "W09",
        "paid the minimum wage",
        lambda: facts(workers=[worker(received_fen=176_000, sheet_net_fen=176_000)]),
        0,
    ),
    (
        "W09",
        "one fen below minimum",
        lambda: facts(workers=[worker(received_fen=175_999, sheet_net_fen=175_999)]),
        1,
    ),
    (
        "W09",
        "below minimum but not a full month",
        lambda: facts(workers=[worker(attended_days=21, received_fen=100_000, sheet_net_fen=100_000)]),
        0,
    ),
    (
        "W10",
        "exactly ¥50,000",
        lambda: facts(workers=[worker(received_fen=5_000_000, sheet_net_fen=5_000_000)]),
        0,
    ),
    (
        "W10",
        "over ¥50,000",
        lambda: facts(workers=[worker(received_fen=5_000_001, sheet_net_fen=5_000_001)]),
        1,
    ),
    ("W10", "over ¥300,000 in the year", lambda: facts(workers=[worker(year_paid_fen=30_000_001)]), 1),
    ("W11", "no other-card payment", lambda: facts(), 0),
    (
        "W11",
        "other-card payment",
        lambda: facts(
            other_card_payments=[
                {
                    "payment_id": 5,
                    "project_id": 1,
                    "worker_id": 1,
                    "region_code": "520602",
                    "payee_name": "班组长",
                    "payee_card_masked": "6222**1234",
                    "amount_fen": 600_000,
                    "value_date": date(2026, 10, 15),
                }
            ]
        ),
        1,
    ),
    ("W12", "paid without attendance", lambda: facts(workers=[worker(attended_days=0)]), 1),
    ("W12", "month not over", lambda: facts(as_of=date(2026, 9, 30), workers=[worker(attended_days=0)]), 0),
    (
        "W13",
        "one unknown punch",
        lambda: facts(unknown_punches=[{"project_id": 1, "kind": "stranger", "n": 1}]),
        1,
    ),
    (
        "W13",
        "below regional minimum",
        lambda: facts(
            unknown_punches=[{"project_id": 1, "kind": "stranger", "n": 1}],
            overrides={"520600": {"unknown_punches_min": "2"}},
        ),
        0,
    ),
    (
        "W14",
        "20 working days after start",
        lambda: facts(as_of=nth_working_day_after(W14_START, 20), projects=[project(**NO_DEPOSIT)]),
        0,
    ),
    (
        "W14",
        "21 working days after start",
        lambda: facts(as_of=nth_working_day_after(W14_START, 21), projects=[project(**NO_DEPOSIT)]),
        1,
    ),
    (
        "W14",
        "exempt small contract",
        lambda: facts(as_of=date(2026, 12, 1), projects=[project(invest_fen=100_000_000, **NO_DEPOSIT)]),
        0,
    ),
    (
        "W15",
        "10 working days after use",
        lambda: facts(as_of=nth_working_day_after(W15_USE, 10), deposit_movements=[USE]),
        0,
    ),
    (
        "W15",
        "11 working days after use",
        lambda: facts(as_of=nth_working_day_after(W15_USE, 11), deposit_movements=[USE]),
        1,
    ),
    (
        "W15",
        "topped up",
        lambda: facts(
            as_of=date(2026, 12, 1),
            deposit_movements=[USE, {**USE, "kind": "top_up", "movement_date": date(2026, 9, 10)}],
        ),
        0,
    ),
    ("W16", "punches on every working day", lambda: facts(devices=[device()], **gate(skip=[])), 0),
    (
        "W16",
        "one working day without punches",
        lambda: facts(devices=[device()], **gate(skip=[date(2026, 9, 16)])),
        1,
    ),
    (
        "W16",
        "a weekend and a holiday without punches",
        lambda: facts(devices=[device()], **gate(skip=[date(2026, 9, 25), date(2026, 9, 26)])),
        0,
    ),
    (
        "W16",
        "batch punches naming the gate",
        lambda: facts(devices=[device()], **gate(skip=[], source="batch:P1", channel="ZK001")),
        0,
    ),
    ("W16", "never used", lambda: facts(devices=[device()]), 0),
    (
        "W16",
        "silent before the project started",
        lambda: facts(
            projects=[project(start_date=date(2026, 9, 17))],
            devices=[device()],
            **gate(skip=[date(2026, 9, 16)]),
        ),
        0,
    ),
    ("W17", "nine unpaid", lambda: facts(workers=[worker(i, received_fen=0) for i in range(1, 10)]), 0),
    ("W17", "ten unpaid", lambda: facts(workers=[worker(i, received_fen=0) for i in range(1, 11)]), 1),
    (
        "W18",
        "one worker owed two months",
        lambda: facts(
            workers=[worker(received_fen=0, sheet_net_fen=600_000)],
            open_arrears=[
                {
                    "project_id": 1,
                    "worker_id": 1,
                    "region_code": "520602",
                    "period": "2026-08",
                    "owed_fen": 600_000,
                }
            ],
        ),
        0,
    ),
    (
        "W18",
        "one worker owed three months, ≥ ¥10,000",
        lambda: facts(
            workers=[worker(received_fen=0, sheet_net_fen=600_000)],
            open_arrears=[
                {"project_id": 1, "worker_id": 1, "region_code": "520602", "period": p, "owed_fen": 600_000}
                for p in ("2026-07", "2026-08")
            ],
        ),
        1,
    ),
    (
        "W18",
        "ten workers owed ¥50,000",
        lambda: facts(workers=[worker(i, received_fen=0, sheet_net_fen=500_000) for i in range(1, 11)]),
        1,
    ),
    (
        "W18",
        "nine workers owed ¥54,000",
        lambda: facts(workers=[worker(i, received_fen=0, sheet_net_fen=600_000) for i in range(1, 10)]),
        0,
    ),
    (
        "W19",
        "left in the month, unpaid",
        lambda: facts(workers=[worker(received_fen=0, exit_date=date(2026, 9, 20))]),
        1,
    ),
    ("W19", "left in the month, paid", lambda: facts(workers=[worker(exit_date=date(2026, 9, 20))]), 0),
    (
        "W19",
        "left next month",
        lambda: facts(workers=[worker(received_fen=0, exit_date=date(2026, 10, 2))]),
        0,
    ),
    ("W21", "enterprise in the red band", lambda: facts(risk_scores=[risk_score()]), 1),
    ("W21", "enterprise in the orange band", lambda: facts(risk_scores=[risk_score(band="orange")]), 0),
    ("W21", "no scores yet", lambda: facts(), 0),
    ("W22", "board and officer recorded", lambda: facts(), 0),
    ("W22", "no notice board", lambda: facts(projects=[project(notice_board_date=None)]), 1),
    ("W22", "no labour-relations officer", lambda: facts(projects=[project(labour_officer_name="")]), 1),
]


@pytest.mark.parametrize(("code", "case", "make", "expected"), CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_rule_fires_exactly_at_its_threshold(
    code: str, case: str, make: Callable[[], Facts], expected: int
) -> None:
    assert run(make(), code).height == expected, case


def test_healthy_project_raises_nothing() -> None:
    assert run(facts(workers=[worker(i) for i in range(1, 30)], devices=[device()])).height == 0


def test_w05_turns_red_once_the_second_month_begins() -> None:
    unpaid = [worker(sheet_lines=0, sheet_net_fen=None, received_fen=0)]
    assert run(facts(workers=unpaid), "W05")["level"].to_list() == ["yellow"]
    assert run(facts(as_of=date(2026, 11, 1), workers=unpaid), "W05")["level"].to_list() == ["red"]


def test_w07_is_red_above_ten_percent_unpaid() -> None:
    two_of_ten = [worker(i, received_fen=0 if i <= 2 else 600_000) for i in range(1, 11)]
    assert run(facts(workers=two_of_ten), "W07")["level"].to_list() == ["red"]
    one_of_ten = [worker(i, received_fen=0 if i == 1 else 600_000) for i in range(1, 11)]
    assert run(facts(workers=one_of_ten), "W07")["level"].to_list() == ["yellow"]


def test_w18_carries_the_referral_flag_and_evidence() -> None:
    found = run(
        facts(workers=[worker(i, received_fen=0, sheet_net_fen=500_000) for i in range(1, 11)]), "W18"
    )
    assert found["referral"].to_list() == [True]
    assert '"total_owed_fen":5000000' in found["evidence"][0]


def test_worker_evidence_names_the_figures() -> None:
    found = run(facts(workers=[worker(received_fen=0)]), "W06")
    evidence = found["evidence"][0]
    assert '"declared_fen":600000' in evidence and '"status":"unpaid"' in evidence
    assert found["amount_fen"].to_list() == [600_000]
    assert found["period"].to_list() == ["2026-09"]


def test_deadline_uses_the_projects_own_pay_day() -> None:
    late_pay_day = [project(pay_day=25)]
    assert (
        run(
            facts(as_of=date(2026, 10, 25), projects=late_pay_day, workers=[worker(received_fen=0)]), "W06"
        ).height
        == 0
    )
    assert run(facts(as_of=DUE, workers=[worker(received_fen=0)]), "W06").height == 1
