"""End to end: a small demo city with every kind of planted fault goes through all demo stages; the engine
must raise exactly the alerts of the generator's ground truth (precision and recall 100%), nothing on the
clean projects, and a rerun must change nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from wageguard.config import Settings
from wageguard.db import Database
from wageguard.demo.stages import DemoContext, all_stages
from wageguard.demo.truth import GroundTruth, compare, holding_alerts
from wageguard.monitoring.calendar import months_back
from wageguard.monitoring.engine import run_monitoring
from wageguard.monitoring.models import Alert
from wageguard.payroll.models import BankPayment
from wageguard.registry.models import Project
from wageguard.security.crypto import Protector

# Every fault kind named in the attendance, money, monitoring and complaints issues.
FAULT_KINDS = {
    "late_pay", "partial_pay", "team_leader_card", "leader_collects", "ghost_workers", "failed_transfer",
    "owner_stopped",
    "no_account", "no_tripartite", "low_ratio", "no_deposit", "low_deposit", "deposit_used",
    "strangers_at_gate", "unknown_pin", "silent_gate", "gate_silent_days", "departed_unsettled",
    "group_arrears",
    "criminal_threshold", "below_min_wage", "outlier_payment", "no_notice_board", "no_labour_officer",
    "complaint_spike",
}  # fmt: skip


@pytest.fixture
def city(db: Database, protector: Protector, settings: Settings, tmp_path: Path) -> DemoContext:
    ctx = DemoContext(
        db=db,
        protector=protector,
        settings=settings,
        out_dir=tmp_path / "demo",
        seed=7,
        projects=30,
        workers=800,
        log=lambda _line: None,
    )
    for _name, stage in all_stages():
        stage(ctx)
    return ctx


def _alerts(db: Database) -> dict[tuple[str, str, str], tuple[bool, str, str]]:
    with db.sessions() as s:
        rows = s.execute(
            select(
                Alert.rule_code, Alert.subject_key, Alert.period, Alert.still_holds, Alert.status
            ).add_columns(Alert.evidence_hash)
        ).all()
    return {(r, k, p): (h, st, e) for r, k, p, h, st, e in rows}


def test_engine_finds_exactly_the_planted_faults_and_a_rerun_changes_nothing(city: DemoContext) -> None:
    truth = city.truth["ground_truth"]
    assert isinstance(truth, GroundTruth)
    planted = {f["fault"] for f in truth.faults}
    assert planted >= FAULT_KINDS, f"not planted: {sorted(FAULT_KINDS - planted)}"
    assert len(truth.clean_projects) >= 2
    assert not truth.planted_projects() & set(truth.clean_projects)

    comparison = compare(city.db, truth)
    report = comparison.report()
    assert not comparison.missing, report
    assert not comparison.unexpected, report
    assert comparison.recall == 1.0 and comparison.precision == 1.0, report
    assert comparison.on_clean == [], report
    rules = {k[0] for k in comparison.actual}
    assert {"W01", "W06", "W09", "W10", "W11", "W12", "W13", "W15", "W16", "W18", "W19", "W22"} <= rules

    _leader_collects_is_w11_only(city, truth)

    written = json.loads((city.out_dir / "truth.json").read_text(encoding="utf-8"))
    assert written["comparison"]["precision"] == 1.0 and written["comparison"]["recall"] == 1.0
    assert len(written["expected"]) == len(comparison.expected)
    assert sorted(written["clean_projects"]) == sorted(truth.clean_projects)

    before = _alerts(city.db)
    months = months_back(city.as_of, city.months)
    summary = run_monitoring(
        db=city.db, settings=city.settings, as_of=city.as_of, months=months, trigger="test"
    )
    assert (summary.raised, summary.updated, summary.cleared, summary.reopened) == (0, 0, 0, 0)
    assert _alerts(city.db) == before
    again = compare(city.db, truth)
    assert (again.missing, again.unexpected) == (set(), set()), again.report()


def _leader_collects_is_w11_only(city: DemoContext, truth: GroundTruth) -> None:
    """The leader collecting members' wages with clean references: each member's payment reached the
    leader's card matched by its line reference; W11 for each of them, none of W06/W07/W10/W18 there."""
    [fault] = [f for f in truth.faults if f["fault"] == "leader_collects"]
    code, month, team = fault["project_code"], fault["month"], fault["worker_ids"]
    assert len(team) >= 3
    with city.db.sessions() as s:
        project_id = s.scalar(select(Project.id).where(Project.project_code == code))
        pays = s.execute(
            select(BankPayment.worker_id, BankPayment.match_key, BankPayment.payee_card_bidx).where(
                BankPayment.project_id == project_id, BankPayment.pay_month == month
            )
        ).all()
    on_team = [p for p in pays if p.worker_id in team]
    assert {p.worker_id for p in on_team} == set(team)
    assert {p.match_key for p in on_team} == {"reference"}
    assert len({p.payee_card_bidx for p in on_team}) == 1  # all on the leader's card
    actual = holding_alerts(city.db)
    here = {k for k, c in actual.items() if c == code}
    assert {k[0] for k in here} == {"W11"}, sorted(here)
    assert {k[2] for k in here if k[3] == month} == {f"{w}@{code}" for w in team}
