"""Small hand-built fact frames for rule tests: one healthy project and worker, changed per case."""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl

from wageguard.config import Settings
from wageguard.monitoring.engine import evaluate
from wageguard.monitoring.facts import Facts
from wageguard.monitoring.thresholds import resolve_values

MONTH = date(2026, 9, 1)
DEADLINE = date(2026, 10, 19)  # pay day 15 of October + 4 grace days
DUE = date(2026, 10, 20)
REGION = "520602"


def project(**kw: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "project_id": 1,
        "project_code": "P1",
        "name": "项目一",
        "region_code": REGION,
        "status": "003",
        "pay_day": 15,
        "grace_days": 4,
        "start_date": date(2026, 1, 5),
        "contract_signed_date": date(2026, 1, 1),
        "invest_fen": 500_000_000,
        "labour_officer_name": "王专管",
        "notice_board_date": date(2026, 1, 3),
        "accounts": 1,
        "account_opened_on": date(2026, 1, 10),
        "tripartite_on": date(2026, 1, 10),
        "inflow_count": 1,
        "inflow_fen": 1_000_000,
        "progress_fen": 0,
        "progress_inflow_fen": 0,
        "deposit_fen": 5_000_000,
        "deposit_first_on": date(2026, 1, 20),
    }
    row.update(kw)
    return row


def worker(worker_id: int = 1, **kw: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "project_id": 1,
        "worker_id": worker_id,
        "region_code": REGION,
        "team_id": 1,
        "attended_days": 22,
        "attended_minutes": 22 * 540,
        "sheet_gross_fen": 650_000,
        "sheet_net_fen": 600_000,
        "sheet_lines": 1,
        "received_fen": 600_000,
        "other_card_fen": 0,
        "failed_fen": 0,
        "paid_count": 1,
        "last_paid_on": date(2026, 10, 15),
        "year_paid_fen": 600_000,
    }
    row.update(kw)
    return row


def facts(
    *,
    as_of: date = DUE,
    projects: list[dict[str, Any]] | None = None,
    workers: list[dict[str, Any]] | None = None,
    overrides: dict[str, dict[str, str]] | None = None,
    **frames: list[dict[str, Any]],
) -> Facts:
    p = pl.DataFrame(projects if projects is not None else [project()])
    w = pl.DataFrame(workers if workers is not None else [worker()])
    extra = {k: pl.DataFrame(v) if v else pl.DataFrame() for k, v in frames.items()}
    thresholds = resolve_values(Settings(environment="test"), p["region_code"].to_list(), overrides)
    return Facts(
        month=MONTH, as_of=as_of, projects=p, worker_months=w, thresholds=thresholds, **extra
    ).conformed()


def run(f: Facts, code: str | None = None) -> pl.DataFrame:
    found = evaluate([f])
    return found.filter(pl.col("rule_code") == code) if code else found


def device(**kw: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "device_id": 7,
        "serial": "ZK001",
        "project_id": 1,
        "region_code": REGION,
        "gate": "东门",
    }
    row.update(kw)
    return row


def risk_score(enterprise_id: int = 5, band: str = "red", **kw: Any) -> dict[str, Any]:
    """One enterprise's latest risk score as the engine reads it (``facts.load_risk_scores``)."""
    grade = {"blue": "A", "yellow": "B", "orange": "C", "red": "D"}[band]
    row: dict[str, Any] = {
        "enterprise_id": enterprise_id,
        "region_code": REGION,
        "scored_on": date(2026, 10, 31),
        "total": 62 if band == "red" else 35,
        "grade": grade,
        "band": band,
        "scorecard_version": "sc-2026.12",
        "top_factors": [
            {"factor": "dishonest_listed", "value": "1", "points": 25},
            {"factor": "tax_rating", "value": "D", "points": 25},
            {"factor": "complaints", "value": "3", "points": 8},
        ],
    }
    row.update(kw)
    return row
