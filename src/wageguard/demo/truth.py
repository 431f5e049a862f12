"""The demo city's ground truth: every fault the stages planted and every alert the engine must raise for it.

Each stage calls ``ground_truth(ctx)`` and records, per planted fault, ``plant(...)`` (what was done, where)
and ``expect(...)`` (the alerts it must produce: the primary one and the ones that follow from it, marked
``derived``, e.g. a team left unpaid also gives W06 per worker, W07, W17 and maybe W18). The money stage
lists the ``clean_projects``: nothing planted and complete data; the risk stage records each enterprise's
hidden propensity in ``risk`` and, as faults without a project, the enterprises scored red (W21).
``compare`` matches the alerts that hold after an engine run against the truth on natural keys (project
code, worker id + project code, device serial, enterprise credit code) and reports precision, recall and
any alert on a clean project. The demo writes it all to ``<out>/truth.json``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select

from wageguard.attendance.models import Device
from wageguard.db import Database
from wageguard.monitoring.models import Alert, AlertWorker
from wageguard.registry.models import Enterprise, Project, Worker

Key = tuple[str, str, str, str]  # rule, subject type, subject reference, period


@dataclass(frozen=True)
class WorkerRef:
    """A worker as the truth names them: database id (for matching) and masked ID number (for people)."""

    worker_id: int
    id_masked: str


@dataclass
class GroundTruth:
    """Planted faults, the alerts they must raise, and the projects that must raise none."""

    as_of: date
    months: list[str]
    faults: list[dict[str, Any]] = field(default_factory=list)
    expected: list[dict[str, Any]] = field(default_factory=list)
    clean_projects: list[str] = field(default_factory=list)
    risk: dict[str, Any] = field(default_factory=dict)  # the hidden propensities (demo/risk_stage.py)

    def plant(self, fault: str, stage: str, project_code: str | None, **detail: Any) -> None:
        self.faults.append({"fault": fault, "stage": stage, "project_code": project_code, **detail})

    def forget(self, stage: str) -> None:
        """Drop what ``stage`` recorded before (a stage run again on the same context records afresh)."""
        names = {f["fault"] for f in self.faults if f["stage"] == stage}
        self.faults = [f for f in self.faults if f["stage"] != stage]
        self.expected = [r for r in self.expected if r["fault"] not in names]

    def planted_projects(self) -> set[str]:
        return {f["project_code"] for f in self.faults if f["project_code"]}

    def expect(
        self,
        rule: str,
        subject_type: str,
        subject_key: str,
        project_code: str,
        period: str,
        *,
        fault: str,
        derived: bool = False,
        ref: str | None = None,
    ) -> None:
        """One expected alert (``period`` 'YYYY-MM', or '' for a state rule); duplicates are ignored."""
        row = {
            "rule": rule,
            "subject_type": subject_type,
            "subject_key": subject_key,
            "project_code": project_code,
            "period": period,
            "fault": fault,
            "derived": derived,
            "ref": ref or subject_key,
        }
        if _key(row) not in {_key(r) for r in self.expected}:
            self.expected.append(row)

    def expect_project(self, rule: str, code: str, period: str, *, fault: str, derived: bool = False) -> None:
        self.expect(rule, "project", code, code, period, fault=fault, derived=derived)

    def expect_worker(
        self, rule: str, worker: WorkerRef, code: str, period: str, *, fault: str, derived: bool = False
    ) -> None:
        self.expect(
            rule,
            "worker",
            f"{worker.id_masked}@{code}",
            code,
            period,
            fault=fault,
            derived=derived,
            ref=f"{worker.worker_id}@{code}",
        )

    def keys(self, rules: set[str] | None = None) -> set[Key]:
        return {_key(r) for r in self.expected if rules is None or r["rule"] in rules}

    def as_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "months": self.months,
            "faults": self.faults,
            "expected": sorted(self.expected, key=lambda r: (r["rule"], r["project_code"], r["period"])),
            "clean_projects": sorted(self.clean_projects),
            "risk": self.risk,
        }

    def write(self, path: Path, comparison: Comparison | None = None) -> Path:
        data = self.as_dict()
        if comparison is not None:
            data["comparison"] = comparison.as_dict()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(data, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
        return path


def _key(row: dict[str, Any]) -> Key:
    return (row["rule"], row["subject_type"], row["ref"], row["period"])


def ground_truth(ctx: Any) -> GroundTruth:
    """The context's ground truth (created on first use; ``ctx`` is a ``DemoContext``)."""
    from wageguard.monitoring.calendar import month_key, months_back

    truth = ctx.truth.get("ground_truth")
    if not isinstance(truth, GroundTruth):
        months = [month_key(m) for m in months_back(ctx.as_of, max(ctx.months, 1))]
        truth = GroundTruth(ctx.as_of, months)
        ctx.truth["ground_truth"] = truth
    return truth


@dataclass
class Comparison:
    """Holding alerts against the truth: what is missing, what is unexpected, what fell on clean projects."""

    expected: set[Key]
    actual: set[Key]
    on_clean: list[Key]
    projects: dict[Key, str]
    rules: list[str]

    @property
    def missing(self) -> set[Key]:
        return self.expected - self.actual

    @property
    def unexpected(self) -> set[Key]:
        return self.actual - self.expected

    @property
    def precision(self) -> float:
        return len(self.actual & self.expected) / len(self.actual) if self.actual else 1.0

    @property
    def recall(self) -> float:
        return len(self.actual & self.expected) / len(self.expected) if self.expected else 1.0

    def report(self) -> str:
        lines = [
            f"ground truth: expected {len(self.expected)}, raised {len(self.actual)}, "
            f"precision {self.precision:.1%}, recall {self.recall:.1%}, "
            f"alerts on clean projects {len(self.on_clean)}"
        ]
        lines += [f"  missing    {k}" for k in sorted(self.missing)[:40]]
        lines += [f"  unexpected {k} ({self.projects.get(k, '')})" for k in sorted(self.unexpected)[:40]]
        return "\n".join(lines)

    def as_dict(self) -> dict[str, Any]:
        return {
            "rules": self.rules,
            "expected": len(self.expected),
            "raised": len(self.actual),
            "precision": self.precision,
            "recall": self.recall,
            "missing": [list(k) for k in sorted(self.missing)],
            "unexpected": [list(k) for k in sorted(self.unexpected)],
            "on_clean_projects": [list(k) for k in self.on_clean],
        }


def holding_alerts(db: Database) -> dict[Key, str]:
    """Every alert that holds, keyed like the truth, with its project code; a grouped worker-level alert
    counts once per worker line (the truth plants faults per worker)."""
    with db.sessions() as s:
        codes: dict[int, str] = {i: c for i, c in s.execute(select(Project.id, Project.project_code))}
        serials: dict[int, str] = {i: c for i, c in s.execute(select(Device.id, Device.serial))}
        corps: dict[int, str] = {i: c for i, c in s.execute(select(Enterprise.id, Enterprise.corp_code))}
        rows = s.execute(
            select(
                Alert.rule_code, Alert.subject_type, Alert.subject_id, Alert.project_id, Alert.period
            ).where(Alert.still_holds.is_(True), ~Alert.subject_key.startswith("workers@"))
        ).all()
        # A worker-level rule's alert covers one project and month; the truth names each worker in it.
        lines = s.execute(
            select(Alert.rule_code, AlertWorker.worker_id, Alert.project_id, Alert.period)
            .join(AlertWorker, AlertWorker.alert_id == Alert.id)
            .where(Alert.still_holds.is_(True))
        ).all()
    subjects: list[tuple[str, str, int, int | None, str]] = [(a, b, c, d, e) for a, b, c, d, e in rows]
    subjects += [(rule, "worker", wid, project_id, period) for rule, wid, project_id, period in lines]
    out: dict[Key, str] = {}
    for rule, kind, subject_id, project_id, period in subjects:
        code = codes.get(project_id, "") if project_id is not None else ""
        if kind == "project":
            ref = codes.get(subject_id, str(subject_id))
            code = code or ref
        elif kind == "worker":
            ref = f"{subject_id}@{code}"
        elif kind == "device":
            ref = serials.get(subject_id, str(subject_id))
        elif kind == "enterprise":
            ref = corps.get(subject_id, str(subject_id))
        else:
            ref = f"{kind}:{subject_id}"
        out[(rule, kind, ref, period or "")] = code
    return out


def compare(db: Database, truth: GroundTruth, rules: set[str] | None = None) -> Comparison:
    """Compare the holding alerts with the truth, limited to ``rules`` (default: every registered rule)."""
    if rules is None:
        from wageguard.monitoring.rules import all_rules

        rules = {r.code for r in all_rules()}
    actual = holding_alerts(db)
    clean = set(truth.clean_projects)
    on_clean = sorted(k for k, code in actual.items() if code in clean)
    return Comparison(
        truth.keys(rules), {k for k in actual if k[0] in rules}, on_clean, actual, sorted(rules)
    )


def masked_ids(db: Database, worker_ids: list[int]) -> dict[int, str]:
    """Masked ID numbers of the given workers (for the truth's human-readable subject keys)."""
    with db.sessions() as s:
        rows = s.execute(select(Worker.id, Worker.id_masked).where(Worker.id.in_(worker_ids)))
        return {i: m for i, m in rows}
