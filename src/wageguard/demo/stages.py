"""The demo pipeline: an ordered list of stages, each slice adding its own.

Every stage receives one ``DemoContext``: it writes its files under ``ctx.out_dir`` and feeds them through the
same import / ingest paths as real data, and records the faults it planted in ``ctx.truth`` (the ground truth
the monitoring tests compare against).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from wageguard.config import Settings
from wageguard.db import Database
from wageguard.security.crypto import Protector


@dataclass
class DemoContext:
    """Everything a demo stage needs; sizes are flags of ``wageguard demo``."""

    db: Database
    protector: Protector
    settings: Settings
    out_dir: Path
    seed: int = 7
    projects: int = 200
    workers: int = 58_000
    region_code: str = "520600"
    as_of: date = date(2026, 11, 28)
    months: int = 3
    truth: dict[str, Any] = field(default_factory=dict)
    log: Callable[[str], None] = print


Stage = Callable[[DemoContext], None]


def all_stages() -> list[tuple[str, Stage]]:
    """Every demo stage, in the order they run. Each slice adds one import and one entry here."""
    from wageguard.demo.attendance_stage import attendance_stage
    from wageguard.demo.complaints_stage import complaints_stage
    from wageguard.demo.money_stage import money_stage
    from wageguard.demo.monitoring_stage import monitoring_stage
    from wageguard.demo.registry_stage import registry_stage
    from wageguard.demo.risk_stage import risk_model_stage, risk_stage

    stages: list[tuple[str, Stage]] = [
        ("registry", registry_stage),
        ("attendance", attendance_stage),
        ("money", money_stage),
        ("complaints", complaints_stage),
        ("risk", risk_stage),  # scores before monitoring, so its run raises W21
        ("monitoring", monitoring_stage),
        ("risk_model", risk_model_stage),  # trains on the run's outcomes, re-scores, runs the engine again
    ]
    return stages
