"""The engine: load each month's facts once, reconcile, evaluate every rule over whole columns, persist.

``evaluate`` is pure (facts in, findings out); ``run_monitoring`` is the use case behind
``wageguard monitor run``, the daily scheduler and the runs after imports: it records a run, loads the facts,
evaluates, and applies the findings to the alerts table in one transaction.
"""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import date, timedelta

import polars as pl
from sqlalchemy import select

from wageguard.config import Settings
from wageguard.db import Database, utcnow
from wageguard.monitoring import facts as F
from wageguard.monitoring import journal, mirror
from wageguard.monitoring import mirrored_facts as MF
from wageguard.monitoring.arrow_io import reading
from wageguard.monitoring.calendar import month_key, months_back, working_day_calendar
from wageguard.monitoring.choices import SubjectType
from wageguard.monitoring.mirror import Refresh
from wageguard.monitoring.models import MonitorRun
from wageguard.monitoring.reconcile import project_deadlines, project_month_rollup, reconcile_worker_months
from wageguard.monitoring.rules import all_rules
from wageguard.monitoring.rules import w16_device_silent as W16
from wageguard.monitoring.rules.base import FINDING_SCHEMA, Rule, RuleInput, empty_findings
from wageguard.monitoring.run_summary import RunSummary
from wageguard.monitoring.tallying import announce_run, refresh_alert_tallies
from wageguard.monitoring.thresholds import resolve
from wageguard.monitoring.upsert import apply_findings
from wageguard.registry.models import Region
from wageguard.workdays import WorkingCalendar, load_calendar


def calendar_for(facts_list: list[F.Facts], workdays: WorkingCalendar | None = None) -> pl.DataFrame:
    """Working-day calendar from the earliest date any rule compares (capped at 10 years) to ``as_of``,
    with ``workdays``' overrides (built-in calendar when omitted)."""
    last = facts_list[-1]
    first_month = min(f.month for f in facts_list)
    candidates = [last.as_of - timedelta(days=60), first_month - timedelta(days=W16.HISTORY_DAYS + 1)]
    for col in ("start_date",):
        value = last.projects[col].min()
        if isinstance(value, date):
            candidates.append(value)
    value = last.deposit_movements["movement_date"].min()
    if isinstance(value, date):
        candidates.append(value)
    start = max(min(candidates), last.as_of - timedelta(days=3650))
    return working_day_calendar(start, last.as_of, workdays)


def reconcile(facts: F.Facts) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Reconciled worker-months and their project-month roll-up for one month's facts."""
    deadlines = project_deadlines(facts.projects, facts.thresholds, facts.month, facts.as_of)
    recon = reconcile_worker_months(facts.worker_months, deadlines, facts.thresholds)
    return recon, project_month_rollup(recon)


def _arrears(found: pl.DataFrame, facts: F.Facts, months: list[str]) -> pl.DataFrame:
    current = found.filter(pl.col("rule_code").is_in(["W06", "W08"])).select(
        "project_id",
        "worker_id",
        "region_code",
        "period",
        pl.col("amount_fen").fill_null(0).alias("owed_fen"),
    )
    older = facts.open_arrears.filter(~pl.col("period").is_in(months))
    return pl.concat([F.conform(current, F.ARREARS_SCHEMA), F.conform(older, F.ARREARS_SCHEMA)])


def evaluate(
    facts_list: list[F.Facts],
    *,
    evidence_rows: int = 50,
    rules: list[Rule] | None = None,
    timings: dict[str, float] | None = None,
    workdays: WorkingCalendar | None = None,
) -> pl.DataFrame:
    """Every rule over the given months (oldest first): periodic rules per month, state rules once.
    ``workdays`` is the working-day calendar with the database overrides (``load_calendar``).
    Seconds spent reconciling are added to ``timings["reconcile"]``, the rest to ``timings["rules"]``."""
    started = time.perf_counter()
    spent = 0.0
    rules = rules or all_rules()
    calendar = calendar_for(facts_list, workdays)
    parts: list[pl.DataFrame] = [empty_findings()]
    latest: RuleInput | None = None
    for facts in facts_list:
        t0 = time.perf_counter()
        recon, pm = reconcile(facts)
        spent += time.perf_counter() - t0
        latest = RuleInput(facts, recon, pm, calendar, evidence_rows)
        parts += [r.evaluate(latest) for r in rules if r.periodic]
    assert latest is not None
    parts += [r.evaluate(latest) for r in rules if not r.periodic and not r.uses_arrears]
    found = pl.concat([F.conform(p, FINDING_SCHEMA) for p in parts])
    months = [f.period for f in facts_list]
    arrears = _arrears(found, facts_list[-1], months)
    with_arrears = RuleInput(
        latest.facts, latest.recon, latest.project_month, calendar, evidence_rows, arrears
    )
    extra = [F.conform(r.evaluate(with_arrears), FINDING_SCHEMA) for r in rules if r.uses_arrears]
    out = pl.concat([found, *extra])
    if timings is not None:
        timings["reconcile"] = timings.get("reconcile", 0.0) + spent
        timings["rules"] = timings.get("rules", 0.0) + time.perf_counter() - started - spent
    return out


def load_facts(
    db: Database,
    settings: Settings,
    month: date,
    as_of: date,
    months: list[str],
    gate_months: list[date] | None = None,
    *,
    loaded: Refresh | None = None,
    projects: list[int] | None = None,
) -> F.Facts:
    """Read one month's facts (and the regional thresholds) from the database, over one connection; with
    ``gate_months`` (the run's months, for its last one) also W16's gate days (``attach_gates``). The
    per-worker rows come from the fact mirror when ``loaded`` (a full run), else from SQL, restricted to
    ``projects`` when given (an incremental run)."""
    with reading(db.engine):
        facts = _read_facts(db, settings, month, as_of, months, loaded, projects)
        return attach_gates(db, facts, gate_months, loaded, projects) if gate_months else facts


def _read_facts(
    db: Database,
    settings: Settings,
    month: date,
    as_of: date,
    months: list[str],
    loaded: Refresh | None,
    projects: list[int] | None,
) -> F.Facts:
    engine = db.engine
    projects_frame = F.load_projects(engine, month, as_of, projects)
    with db.sessions() as session:
        tiers = {r.code: r.min_wage_tier for r in session.scalars(select(Region)) if r.min_wage_tier}
        thresholds = resolve(session, settings, projects_frame["region_code"].unique().to_list(), tiers)
        arrears = _within(F.load_open_arrears(session, months), projects)
    if loaded is not None:
        partial = None if MF.whole_month(month, as_of) else F.attendance_until(engine, month, as_of, None)
        worker_months = MF.worker_months(loaded, month, as_of, partial)
    else:
        worker_months = F.load_worker_months(engine, month, projects, as_of=as_of)
    return F.Facts(
        month=month,
        as_of=as_of,
        projects=projects_frame,
        worker_months=worker_months,
        thresholds=thresholds,
        other_card_payments=F.load_other_card_payments(engine, month, as_of, projects),
        devices=F.load_devices(engine, projects),
        deposit_movements=F.load_deposit_movements(engine, as_of, projects),
        unknown_punches=F.load_unknown_punches(engine, month, as_of, projects),
        open_arrears=arrears,
    )


def _within(frame: pl.DataFrame, projects: list[int] | None) -> pl.DataFrame:
    return frame if projects is None else frame.filter(pl.col("project_id").is_in(projects))


def attach_complaints(db: Database, facts: F.Facts, projects: list[int] | None = None) -> F.Facts:
    """``facts`` with the complaints of the longest W20 window ending on ``as_of`` (read once per run)."""
    start = F.complaint_window_start(facts.thresholds, facts.as_of)
    with db.sessions() as session:
        return replace(facts, complaints=_within(F.load_complaints(session, start, facts.as_of), projects))


def attach_risk_scores(db: Database, facts: F.Facts) -> F.Facts:
    """``facts`` with the red-band enterprises of the latest risk scoring by ``as_of`` (W21), read once."""
    with db.sessions() as session:
        return replace(facts, risk_scores=F.load_risk_scores(session, facts.as_of))


def gate_start(months: list[date]) -> date:
    """The first day W16 reads gate days from, for a run over ``months``."""
    return min(months) - timedelta(days=W16.HISTORY_DAYS + 1)


def attach_gates(
    db: Database,
    facts: F.Facts,
    months: list[date],
    loaded: Refresh | None = None,
    projects: list[int] | None = None,
) -> F.Facts:
    """``facts`` with what W16 reads, once per run: gate days from a month before the first of ``months``
    to the day before ``as_of``, each gate's first punch day, and the months it judges."""
    start = gate_start(months)
    with reading(db.engine):
        if loaded is not None:
            gate_months = MF.gate_months(loaded, start, facts.as_of)
        else:
            gate_months = F.load_gate_months(db.engine, start, facts.as_of, projects)
        first = F.load_gate_first(db.engine, facts.as_of, projects)
    return replace(
        facts, gate_months=gate_months, gate_first=first, gate_periods=W16.gate_periods(months, facts.as_of)
    )


def _start_run(db: Database, as_of: date, months: list[str], trigger: str) -> int:
    with db.transaction() as session:
        run = MonitorRun(as_of=as_of, months=",".join(months), trigger=trigger, started_at=utcnow())
        session.add(run)
        session.flush()
        return run.id


def _fail_run(db: Database, run_id: int, error: str) -> None:
    with db.transaction() as session:
        run = session.get(MonitorRun, run_id)
        if run is not None:
            run.status, run.error, run.finished_at = "failed", error[:2000], utcnow()


def run_monitoring(
    *,
    db: Database,
    settings: Settings,
    as_of: date,
    months: list[date] | None = None,
    trigger: str = "cli",
    incremental: bool = False,
    rebuild: bool = False,
) -> RunSummary:
    """Evaluate every rule for ``months`` (default: the last ``monitor_lookback_months`` whole months before
    ``as_of``) and apply the findings to the alerts; a rerun on the same data changes nothing.

    A full run reads the per-worker facts from the fact mirror, brought up to date with the fact journal
    first (``rebuild``: re-read from SQL, the daily safety net). ``incremental``: only the projects the
    journal names since the last run (at most ``monitor_incremental_max_projects``, else a full run) are
    read from SQL, evaluated and their alerts upserted; enterprise-level rules (W21) wait for a full run."""
    months = sorted(months or months_back(as_of, settings.monitor_lookback_months))
    keys = [month_key(m) for m in months]
    started = utcnow()
    run_id = _start_run(db, as_of, keys, trigger)
    timings: dict[str, float] = {}
    try:
        t0 = time.perf_counter()
        changes = journal.pending(db)
        projects: list[int] | None = None
        if incremental and len(changes.projects()) <= settings.monitor_incremental_max_projects:
            projects = sorted(changes.projects())
        needed = [] if projects is not None else MF.needed(months, as_of, gate_start(months))
        with reading(db.engine):  # one Arrow connection for every read of the run (PostgreSQL)
            loaded = mirror.refresh(db, needed, changes, rebuild=rebuild)
            timings["mirror"] = time.perf_counter() - t0
            source = loaded if projects is None else None
            last = months[-1]
            facts_list = [
                load_facts(
                    db,
                    settings,
                    m,
                    as_of,
                    keys,
                    months if m == last else None,
                    loaded=source,
                    projects=projects,
                )
                for m in months
            ]
        facts_list[-1] = attach_risk_scores(db, attach_complaints(db, facts_list[-1], projects))
        with db.sessions() as session:
            workdays = load_calendar(session)  # the override table, read once per run
        timings["load_facts"] = time.perf_counter() - t0
        rules = all_rules()
        if projects is not None:
            rules = [r for r in rules if r.subject != SubjectType.ENTERPRISE]
        found = evaluate(
            facts_list,
            evidence_rows=settings.monitor_evidence_rows,
            timings=timings,
            workdays=workdays,
            rules=rules,
        )
        if projects is not None:
            found = found.filter(pl.col("project_id").is_in(projects))
        summary = RunSummary(run_id, as_of, keys, facts_rows=sum(f.worker_months.height for f in facts_list))
        summary.timings = timings
        summary.projects = None if projects is None else len(projects)
        t0 = time.perf_counter()
        codes = {r.code for r in rules}
        periodic = {r.code for r in rules if r.periodic}
        scope = [(r.code, "") for r in rules if not r.periodic and not r.month_to_date] + [
            (c, k) for c in periodic for k in keys
        ]
        scope += [(r.code, k) for r in rules if r.month_to_date for k in W16.period_keys(months, as_of)]
        with db.transaction() as session:
            loaded.write(session)
            journal.consume(session, changes)
            apply_findings(
                session=session,
                findings=found.filter(pl.col("rule_code").is_in(codes)),
                scope=scope,
                as_of=as_of,
                run_id=run_id,
                thresholds=facts_list[-1].thresholds,
                summary=summary,
                projects=projects,
            )
            refresh_alert_tallies(session)
            announce_run(session, started)
        timings["write_alerts"] = time.perf_counter() - t0
        return summary
    except Exception as exc:
        _fail_run(db, run_id, repr(exc))
        raise
