"""What one engine run did: the counts ``apply_findings`` fills in and ``run_monitoring`` returns.

Its own module so that the engine (which runs) and the upsert (which writes) both import it and neither
imports the other back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass
class RunSummary:
    run_id: int
    as_of: date
    months: list[str]
    facts_rows: int = 0
    findings: int = 0
    per_rule: dict[str, int] = field(default_factory=dict)
    raised: int = 0
    updated: int = 0
    cleared: int = 0
    reopened: int = 0
    escalated: int = 0
    timings: dict[str, float] = field(default_factory=dict)
    projects: int | None = None  # projects an incremental run re-evaluated; None: a full run
