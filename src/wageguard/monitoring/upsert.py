"""Apply a run's findings to the alerts table: one alert per (rule, subject, period), set-based.

Outcomes per key: new → raised; changed evidence or level → updated (or reopened when the alert was
resolved/closed); held again after being cleared → holds_again (reopened when finished); an alert in scope
with no finding → cleared_by_data. Unchanged keys are not touched, so a rerun on the same data writes
nothing. Overdue unacknowledged alerts are escalated per level; W18 findings carry the referral flag.

Worker-level findings are grouped first (``group_workers``): one alert per (rule, project, period) whose
subject is the project (key ``workers@p<project>``), carrying the head-count and total, with each worker as
a line in ``alert_workers``. The alert's hash covers its lines, so a worker who becomes paid leaves the
lines (the alert is updated) and the alert clears when no worker remains; unchanged groups are not touched.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

import polars as pl
from sqlalchemy import Table, bindparam, delete, insert, select, tuple_, update
from sqlalchemy.orm import Session

from wageguard.db import utcnow
from wageguard.monitoring.choices import FINISHED, AlertStatus, EventAction
from wageguard.monitoring.models import Alert, AlertEvent, AlertWorker, MonitorRun
from wageguard.monitoring.notifications import queue_digests
from wageguard.monitoring.run_summary import RunSummary

KEY = ["rule_code", "subject_key", "period"]
CHUNK = 5000


GROUP = ["rule_code", "project_id", "period"]
GROUP_PREFIX = "workers@p"
_RANK = {"red": 0, "orange": 1, "yellow": 2}
LINE_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "rule_code": pl.String,
    "subject_key": pl.String,
    "period": pl.String,
    "project_id": pl.Int64,
    "worker_id": pl.Int64,
    "level": pl.String,
    "days": pl.Int64,
    "declared_fen": pl.Int64,
    "paid_fen": pl.Int64,
    "amount_fen": pl.Int64,
    "evidence": pl.String,
}


def _figure(name: str) -> pl.Expr:
    return pl.col("evidence").str.json_path_match(f"$.{name}").cast(pl.Int64, strict=False).alias(name)


def group_workers(findings: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Worker-level findings folded into one finding per (rule, project, period), and their lines.

    The grouped finding's subject is the project (key ``workers@p<project>``, worker null); its level is the
    most severe line's, its amount the sum of the lines' (null when none has one), ``workers`` the
    head-count, its evidence the totals; ``lines_content`` (every line, by worker id) goes into its hash.
    Other findings pass through unchanged. Lines have ``LINE_SCHEMA``."""
    is_worker = pl.col("subject_type") == "worker"
    rest = findings.filter(~is_worker)
    per_worker = findings.filter(is_worker).unique(
        subset=[*GROUP, "worker_id"], keep="first", maintain_order=True
    )
    key = (pl.lit(GROUP_PREFIX) + pl.col("project_id").cast(pl.String).fill_null("")).alias("subject_key")
    lines = per_worker.sort([*GROUP, "worker_id"], nulls_last=True).with_columns(
        key,
        pl.col("evidence").str.json_path_match("$.attended_days").cast(pl.Int64, strict=False).alias("days"),
        _figure("declared_fen"),
        _figure("paid_fen"),
    )
    line_content = pl.concat_str(
        [
            pl.col(c).cast(pl.String).fill_null("")
            for c in ("worker_id", "level", "amount_fen", "referral", "evidence")
        ],
        separator="|",
    )
    rank = pl.col("level").replace_strict(_RANK, default=3, return_dtype=pl.Int64)
    has_amount = pl.col("amount_fen").is_not_null().any()
    grouped = lines.group_by([*GROUP, "subject_key"], maintain_order=True).agg(
        pl.col("level").sort_by(rank).first(),
        pl.col("region_code").first(),
        pl.when(has_amount).then(pl.col("amount_fen").sum()).alias("amount_fen"),
        pl.len().cast(pl.Int64).alias("workers"),
        pl.col("referral").any(),
        pl.col("declared_fen").sum(),
        pl.col("paid_fen").sum(),
        pl.col("days").sum().alias("attended_days"),
        line_content.str.join("\n").alias("lines_content"),
    )
    evidence = pl.struct(
        pl.col("workers").alias("head_count"),
        "amount_fen",
        "declared_fen",
        "paid_fen",
        "attended_days",
    ).struct.json_encode()
    alerts = grouped.select(
        "rule_code",
        "level",
        pl.lit("project").alias("subject_type"),
        pl.col("project_id").alias("subject_id"),
        "project_id",
        pl.lit(None, dtype=pl.Int64).alias("worker_id"),
        "region_code",
        "period",
        "amount_fen",
        "workers",
        "referral",
        evidence.alias("evidence"),
        "subject_key",
        "lines_content",
    )
    plain = rest.with_columns(pl.lit(None, dtype=pl.String).alias("lines_content"))
    if "subject_key" not in plain.columns:
        plain = plain.with_columns(_subject_key())
    out = pl.concat([plain.select(alerts.columns), alerts], how="vertical_relaxed")
    return out, lines.select(list(LINE_SCHEMA)).cast(LINE_SCHEMA)  # type: ignore[arg-type]


def _subject_key() -> pl.Expr:
    worker = pl.col("subject_type") == "worker"
    return pl.concat_str(
        pl.col("subject_type"),
        pl.lit(":"),
        pl.col("subject_id").cast(pl.String),
        pl.when(worker).then(pl.lit("@p") + pl.col("project_id").cast(pl.String)).otherwise(pl.lit("")),
    ).alias("subject_key")


def keyed(findings: pl.DataFrame) -> pl.DataFrame:
    """Findings with ``subject_key`` (unless given) and a content hash (level, amounts, evidence, flag,
    and for grouped findings their ``lines_content``)."""
    frame = findings if "subject_key" in findings.columns else findings.with_columns(_subject_key())
    frame = frame.unique(subset=KEY, keep="first", maintain_order=True)
    content = pl.concat_str(
        [
            pl.col(c).cast(pl.String).fill_null("")
            for c in ("level", "amount_fen", "workers", "referral", "evidence")
        ],
        separator="|",
    )
    if "lines_content" in frame.columns:
        lines = pl.col("lines_content")
        content = pl.when(lines.is_null()).then(content).otherwise(content + pl.lit("|") + lines)
    digests = [_digest(s) for s in frame.select(content).to_series()]
    return frame.with_columns(pl.Series("evidence_hash", digests, dtype=pl.String))


def _digest(content: str) -> str:
    return hashlib.blake2b(content.encode(), digest_size=16).hexdigest()


def content_hash(
    level: str, amount_fen: int | None, workers: int | None, referral: bool, evidence: str
) -> str:
    """The hash ``keyed`` gives one finding (level, amounts, flag, evidence JSON), computed row-at-a-time."""
    parts = [level, "" if amount_fen is None else str(amount_fen), "" if workers is None else str(workers)]
    return _digest("|".join([*parts, "true" if referral else "false", evidence]))


def _existing(session: Session, scope: list[tuple[str, str]], projects: list[int] | None) -> pl.DataFrame:
    schema = {
        "id": pl.Int64,
        "rule_code": pl.String,
        "subject_key": pl.String,
        "period": pl.String,
        "status": pl.String,
        "still_holds": pl.Boolean,
        "old_hash": pl.String,
    }
    codes = sorted({c for c, _ in scope})
    periods = sorted({p for _, p in scope})
    rows = session.execute(
        select(
            Alert.id,
            Alert.rule_code,
            Alert.subject_key,
            Alert.period,
            Alert.status,
            Alert.still_holds,
            Alert.evidence_hash,
        ).where(
            Alert.rule_code.in_(codes),
            Alert.period.in_(periods),
            *(() if projects is None else (Alert.project_id.in_(projects),)),
        )
    ).all()
    frame = pl.DataFrame([tuple(r) for r in rows], schema=schema, orient="row")
    allowed = pl.DataFrame(scope, schema={"rule_code": pl.String, "period": pl.String}, orient="row")
    return frame.join(allowed, on=["rule_code", "period"], how="semi")


def _fields(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "level": row["level"],
        "amount_fen": row["amount_fen"],
        "workers": row["workers"],
        "referral_flag": bool(row["referral"]),
        "evidence": json.loads(row["evidence"]),
        "evidence_hash": row["evidence_hash"],
    }


def _events(
    ids: list[int], action: EventAction, as_of: date, detail: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    now = utcnow()
    return [
        {
            "alert_id": i,
            "at": now,
            "as_of": as_of,
            "actor": "engine",
            "action": action.value,
            "detail": detail,
        }
        for i in ids
    ]


def _insert_new(session: Session, new: pl.DataFrame, as_of: date) -> list[tuple[int, str, str, str]]:
    """Insert the new alerts; returns (id, rule, subject key, period) of each."""
    now = utcnow()
    rows = [
        {
            **_fields(r),
            "rule_code": r["rule_code"],
            "subject_type": r["subject_type"],
            "subject_id": r["subject_id"],
            "subject_key": r["subject_key"],
            "period": r["period"],
            "project_id": r["project_id"],
            "worker_id": r["worker_id"],
            "region_code": r["region_code"] or "",
            "status": AlertStatus.OPEN.value,
            "still_holds": True,
            "first_seen_on": as_of,
            "last_changed_on": as_of,
            "escalated_on": as_of if r["referral"] else None,
            "reopened_count": 0,
            "created_at": now,
            "updated_at": now,
        }
        for r in new.iter_rows(named=True)
    ]
    for i in range(0, len(rows), CHUNK):
        session.execute(insert(Alert), rows[i : i + CHUNK])
    keys = [(r["rule_code"], r["subject_key"], r["period"]) for r in rows]
    ids: list[tuple[int, str, str, str]] = []
    for i in range(0, len(keys), 500):
        part = keys[i : i + 500]
        ids += [
            (int(a), b, c, d)
            for a, b, c, d in session.execute(
                select(Alert.id, Alert.rule_code, Alert.subject_key, Alert.period).where(
                    tuple_(Alert.rule_code, Alert.subject_key, Alert.period).in_(part)
                )
            )
        ]
    return ids


def _write_lines(session: Session, lines: pl.DataFrame, written: pl.DataFrame) -> None:
    """Replace the worker lines of the ``written`` alerts (columns ``id`` + ``KEY``) with ``lines``."""
    if written.is_empty():
        return
    ids = [int(i) for i in written["id"].to_list()]
    for i in range(0, len(ids), 500):
        session.execute(delete(AlertWorker).where(AlertWorker.alert_id.in_(ids[i : i + 500])))
    rows = lines.join(written.select(pl.col("id").alias("alert_id"), *KEY), on=KEY, how="inner")
    records = [
        {**r, "evidence": json.loads(r["evidence"])} for r in rows.drop("subject_key").iter_rows(named=True)
    ]
    for i in range(0, len(records), CHUNK):
        session.execute(insert(AlertWorker), records[i : i + CHUNK])


def _bulk_update(session: Session, rows: list[dict[str, Any]]) -> None:
    for i in range(0, len(rows), CHUNK):
        session.execute(update(Alert), rows[i : i + CHUNK])


def _classify(both: pl.DataFrame) -> dict[str, pl.DataFrame]:
    finished = pl.col("status").is_in([s.value for s in FINISHED])
    changed = pl.col("old_hash") != pl.col("evidence_hash")
    cleared = ~pl.col("still_holds")
    return {
        "reopen": both.filter(finished & (changed | cleared)),
        "holds_again": both.filter(~finished & cleared),
        "update": both.filter(~finished & ~cleared & changed),
    }


def apply_findings(
    *,
    session: Session,
    findings: pl.DataFrame,
    scope: list[tuple[str, str]],
    as_of: date,
    run_id: int,
    thresholds: pl.DataFrame,
    summary: RunSummary,
    projects: list[int] | None = None,
) -> None:
    """Upsert the alerts for ``findings`` within ``scope`` (rule, period) pairs — and, for an incremental
    run, ``projects``: alerts of other projects are neither compared nor cleared — escalate, queue digests.
    Worker-level findings become one alert per (rule, project, period) with worker lines."""
    grouped, lines = group_workers(findings)
    found = keyed(grouped)
    old = _existing(session, scope, projects)
    both = found.join(old, on=KEY, how="inner")
    new = found.join(old, on=KEY, how="anti")
    gone = old.join(found, on=KEY, how="anti").filter(pl.col("still_holds"))
    events: list[dict[str, Any]] = []
    inserted = _insert_new(session, new, as_of)
    raised_ids = [i for i, *_ in inserted]
    events += _events(raised_ids, EventAction.RAISED, as_of)
    groups = _classify(both)
    now = utcnow()
    for name, action in (
        ("reopen", EventAction.REOPENED),
        ("holds_again", EventAction.HOLDS_AGAIN),
        ("update", EventAction.UPDATED),
    ):
        rows = []
        for r in groups[name].iter_rows(named=True):
            row = {
                "id": r["id"],
                **_fields(r),
                "still_holds": True,
                "cleared_on": None,
                "last_changed_on": as_of,
                "updated_at": now,
            }
            if name == "reopen":
                row.update(
                    status=AlertStatus.OPEN.value, escalated_on=None, reopened_count=Alert.reopened_count + 1
                )
            rows.append(row)
        if name == "reopen":
            for row in rows:
                session.execute(update(Alert).where(Alert.id == row.pop("id")).values(**row))
        else:
            _bulk_update(session, rows)
        events += _events(groups[name]["id"].to_list(), action, as_of)
    written = pl.concat(
        [
            pl.DataFrame(inserted, schema={"id": pl.Int64, **dict.fromkeys(KEY, pl.String)}, orient="row"),
            *(
                groups[n].select(pl.col("id").cast(pl.Int64), *KEY)
                for n in ("reopen", "holds_again", "update")
            ),
        ]
    )
    _write_lines(session, lines, written.filter(pl.col("subject_key").str.starts_with(GROUP_PREFIX)))
    cleared_ids = gone["id"].to_list()
    _bulk_update(
        session,
        [{"id": i, "still_holds": False, "cleared_on": as_of, "updated_at": now} for i in cleared_ids],
    )
    events += _events(cleared_ids, EventAction.CLEARED_BY_DATA, as_of)
    escalated = escalate_overdue(session=session, as_of=as_of, thresholds=thresholds)
    events += _events(escalated, EventAction.ESCALATED, as_of)
    for i in range(0, len(events), CHUNK):
        session.execute(insert(AlertEvent), events[i : i + CHUNK])
    summary.findings = findings.height
    summary.per_rule = dict(found.group_by("rule_code").len().sort("rule_code").iter_rows())
    summary.raised, summary.cleared, summary.escalated = len(raised_ids), len(cleared_ids), len(escalated)
    summary.reopened, summary.updated = (
        groups["reopen"].height,
        groups["update"].height + groups["holds_again"].height,
    )
    notify = raised_ids + groups["reopen"]["id"].to_list() + escalated
    queue_digests(session=session, alert_ids=notify, run_id=run_id)
    _finish_run(session, run_id, summary)


def escalate_overdue(*, session: Session, as_of: date, thresholds: pl.DataFrame) -> list[int]:
    """Mark open (unacknowledged) alerts older than their level's ``escalate_<level>_hours`` as escalated."""
    rows = session.execute(
        select(Alert.id, Alert.level, Alert.region_code, Alert.first_seen_on).where(
            Alert.status == AlertStatus.OPEN.value, Alert.escalated_on.is_(None), Alert.still_holds.is_(True)
        )
    ).all()
    if not rows:
        return []
    frame = pl.DataFrame(
        [tuple(r) for r in rows], schema=["id", "level", "region_code", "first_seen_on"], orient="row"
    )
    hours = thresholds.select(
        "region_code", "escalate_red_hours", "escalate_orange_hours", "escalate_yellow_hours"
    )
    frame = frame.join(hours, on="region_code", how="left")
    limit = (
        pl.when(pl.col("level") == "red")
        .then(pl.col("escalate_red_hours"))
        .when(pl.col("level") == "orange")
        .then(pl.col("escalate_orange_hours"))
        .otherwise(pl.col("escalate_yellow_hours"))
        .fill_null(24)
    )
    start = pl.col("first_seen_on").cast(pl.Datetime("us"))
    due = frame.filter(start + pl.duration(hours=limit) <= pl.lit(datetime.combine(as_of, time())))
    ids = due["id"].to_list()
    _bulk_update(session, [{"id": i, "escalated_on": as_of} for i in ids])
    return [int(i) for i in ids]


def _finish_run(session: Session, run_id: int, s: RunSummary) -> None:
    run = session.get(MonitorRun, run_id)
    assert run is not None
    run.finished_at, run.status = utcnow(), "done"
    run.facts_rows, run.findings, run.counts = s.facts_rows, s.findings, s.per_rule
    run.projects = s.projects
    run.raised, run.updated, run.cleared, run.reopened, run.escalated = (
        s.raised,
        s.updated,
        s.cleared,
        s.reopened,
        s.escalated,
    )


# One-alert statements (the complaint hook runs them per complaint): built once, compiled once.
_FIND = (
    select(Alert.id, Alert.status, Alert.still_holds, Alert.evidence_hash)
    .where(
        Alert.rule_code == bindparam("rule_code"),
        Alert.subject_key == bindparam("subject_key"),
        Alert.period == bindparam("period"),
    )
    .with_for_update()
)
_ALERTS: Table = Alert.__table__  # type: ignore[assignment]
_INSERT_ONE = insert(_ALERTS).returning(_ALERTS.c.id)
_UPDATE_ONE = update(_ALERTS).where(_ALERTS.c.id == bindparam("alert_id"))
_REOPEN_ONE = _UPDATE_ONE.values(reopened_count=_ALERTS.c.reopened_count + 1)
_EVENT_ONE = insert(Alert.metadata.tables[AlertEvent.__tablename__])


@dataclass(frozen=True)
class AlertState:
    """What ``upsert_one`` needs to know of an existing alert."""

    id: int
    status: str
    still_holds: bool
    evidence_hash: str


def find_alert(session: Session, rule_code: str, subject_key: str, period: str) -> AlertState | None:
    """The alert of one (rule, subject, period), locked for update until the transaction ends."""
    params = {"rule_code": rule_code, "subject_key": subject_key, "period": period}
    row = session.execute(_FIND, params).first()
    return None if row is None else AlertState(*row)


def upsert_one(
    *, session: Session, current: AlertState | None, row: dict[str, Any], as_of: date, actor: str
) -> tuple[int, EventAction | None]:
    """Apply one keyed finding (``keyed``'s columns) to the ``current`` alert (from ``find_alert``; None:
    there is none) now, outside an engine run (e.g. when a complaint is stored), with the same outcomes as
    ``apply_findings``: raised, updated, holds_again or reopened; unchanged → no event. The next engine
    run then finds the same key and hash, so it neither duplicates nor rewrites it. Returns the alert id
    and the event written (its history row is added here)."""
    now = utcnow()
    if current is None:
        fields = {
            **_fields(row),
            **{k: row[k] for k in ("rule_code", "subject_type", "subject_id", "subject_key", "period")},
            "project_id": row["project_id"],
            "worker_id": row["worker_id"],
            "region_code": row["region_code"] or "",
            "status": AlertStatus.OPEN.value,
            "still_holds": True,
            "first_seen_on": as_of,
            "last_changed_on": as_of,
            "escalated_on": as_of if row["referral"] else None,
            "reopened_count": 0,
            "created_at": now,
            "updated_at": now,
        }
        alert_id = int(session.execute(_INSERT_ONE, fields).scalar_one())
        action = EventAction.RAISED
    elif current.evidence_hash == row["evidence_hash"] and current.still_holds:
        return current.id, None
    else:
        alert_id = current.id
        values: dict[str, Any] = {
            **_fields(row),
            "still_holds": True,
            "cleared_on": None,
            "last_changed_on": as_of,
            "updated_at": now,
        }
        action = EventAction.UPDATED if current.still_holds else EventAction.HOLDS_AGAIN
        statement = _UPDATE_ONE
        if AlertStatus(current.status) in FINISHED:
            action, statement = EventAction.REOPENED, _REOPEN_ONE
            values |= {"status": AlertStatus.OPEN.value, "escalated_on": None}
        session.execute(statement, {"alert_id": alert_id, **values})
    event = {"alert_id": alert_id, "at": now, "as_of": as_of, "actor": actor, "action": action.value}
    session.execute(_EVENT_ONE, event)
    return alert_id, action
