"""The columnar fact mirror: the big per-worker fact tables kept as Arrow, per period and bucket of projects.

Reading a province month's worker rows back from SQL costs seconds per table (1.5 M rows; on SQLite the rows
must be rendered as text), so the engine keeps each such table's rows for a period as Arrow IPC blobs
(LZ4) in ``fact_segments``, one blob per bucket of projects (``project_id % BUCKETS``; -1: rows without a
project). A run loads the blobs (tens of milliseconds per million rows) instead of querying the table.

Kept current through the fact journal (``journal.py``): before loading, every (mirror, period) the
journal names is patched — the touched projects' rows re-read from SQL and their buckets rewritten — or,
when most projects changed or it was never built, rebuilt from one full read. A (mirror, period) the run
does not load but the journal names is dropped (rebuilt when next needed). The blobs are written and the
journal rows deleted in the run's final transaction, so a crash leaves both as they were. The daily run
rebuilds everything it reads (``rebuild``), the safety net against a write no trigger saw (e.g. TRUNCATE).

Rows are filtered by event time in Polars after loading (the SQL loaders filter in the database), so the
mirror holds every row of a period whatever the as-of date.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

import polars as pl
from sqlalchemy import delete, insert, select, tuple_
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from wageguard.db import Database, utcnow
from wageguard.monitoring import facts as F
from wageguard.monitoring.arrow_io import date_days, read_frame
from wageguard.monitoring.calendar import add_months
from wageguard.monitoring.journal import Changes
from wageguard.monitoring.models import FactMirror, FactSegment

BUCKETS = 256
NO_PROJECT = -1
REBUILD_SHARE = 0.25  # more touched projects than this share of a period's buckets: one full read instead
I64, STR, DATE = pl.Int64, pl.String, pl.Date


@dataclass(frozen=True)
class Mirror:
    """One mirrored table: its rows for a period (``period_kind``: a 'YYYY-MM' text column, a date column
    read by month, or none: the whole table under period '')."""

    name: str
    table: str
    columns: str  # SELECT list; {d:col} marks a DATE column
    schema: dict[str, pl.DataType | type[pl.DataType]]
    period_column: str | None = None
    period_is_date: bool = False
    where: str = ""

    def sql(self, engine: Engine, period: str, projects: list[int | None] | None) -> str:
        cols = self.columns
        while "{d:" in cols:
            start = cols.index("{d:")
            end = cols.index("}", start)
            cols = cols[:start] + date_days(engine, cols[start + 3 : end]) + cols[end + 1 :]
        cond = [self.where] if self.where else []
        if self.period_column and self.period_is_date:
            first = date.fromisoformat(f"{period}-01")
            cond.append(
                f"{self.period_column} >= '{first}' AND {self.period_column} < '{add_months(first, 1)}'"
            )
        elif self.period_column:
            cond.append(f"{self.period_column} = '{period}'")
        if projects is not None:
            ids = sorted(int(p) for p in projects if p is not None)
            parts = [f"project_id IN ({', '.join(map(str, ids))})"] if ids else []
            if None in projects:
                parts.append("project_id IS NULL")
            cond.append(f"({' OR '.join(parts) or '1 = 0'})")
        where = f" WHERE {' AND '.join(cond)}" if cond else ""
        return f"SELECT {cols} FROM {self.table}{where}"


MIRRORS: dict[str, Mirror] = {
    m.name: m
    for m in (
        Mirror(
            "attendance",
            "worker_months",
            "project_id, worker_id, region_code, days AS attended_days, minutes AS attended_minutes",
            {k: F.WORKER_MONTH_SCHEMA[k] for k in F.ATTENDANCE_COLUMNS},
            "month",
        ),
        Mirror(
            "roster",
            "project_workers",
            "project_id, worker_id, team_id, enterprise_id, {d:entry_date} AS entry_date, "
            "{d:exit_date} AS exit_date",
            F.ROSTER_SCHEMA,
        ),
        Mirror(
            "lines",
            "pay_sheet_lines",
            "project_id, worker_id, region_code, sheet_id, gross_fen, net_fen",
            F.LINE_SCHEMA,
            "pay_month",
        ),
        Mirror(
            "sheets",
            "pay_sheets",
            "id AS sheet_id, project_id, team_id, CASE WHEN is_current THEN 1 ELSE 0 END AS is_current",
            {"sheet_id": I64, "project_id": I64, "team_id": I64, "is_current": I64},
            "pay_month",
        ),
        Mirror(
            "payments",
            "bank_payments",
            "project_id, worker_id, region_code, amount_fen, status, outcome, {d:value_date} AS value_date",
            F.PAYMENT_SCHEMA,
            "pay_month",
            where="worker_id IS NOT NULL",
        ),
        Mirror(
            "contracts",
            "labour_contracts",
            "project_id, worker_id, COALESCE(wage_basis, '') AS contract_basis, "
            "rate_fen AS contract_rate_fen, "
            "{d:start_date} AS start_date, {d:end_date} AS end_date",
            {
                "project_id": I64,
                "worker_id": I64,
                "contract_basis": STR,
                "contract_rate_fen": I64,
                "start_date": DATE,
                "end_date": DATE,
            },
        ),
        Mirror(
            "gates",
            "gate_days",
            "project_id, source, channel, {d:work_date} AS work_date, punches",
            {"project_id": I64, "source": STR, "channel": STR, "work_date": DATE, "punches": I64},
            "work_date",
            period_is_date=True,
        ),
    )
}


def _bucket() -> pl.Expr:
    return (
        pl.when(pl.col("project_id").is_null())
        .then(pl.lit(NO_PROJECT, I64))
        .otherwise(pl.col("project_id") % BUCKETS)
        .alias("__bucket")
    )


def _encode(frame: pl.DataFrame) -> bytes:
    buf = io.BytesIO()
    frame.write_ipc_stream(buf, compression="lz4")
    return buf.getvalue()


def _decode(payload: bytes, schema: dict[str, pl.DataType | type[pl.DataType]]) -> pl.DataFrame:
    frame = pl.read_ipc_stream(io.BytesIO(payload))
    return frame if frame.height else pl.DataFrame(schema=schema)


@dataclass
class Refresh:
    """What a run learned and must write: frames loaded per (mirror, period), blobs to write, state to set,
    (mirror, period) pairs to drop. ``write`` applies it inside the run's final transaction."""

    frames: dict[tuple[str, str], pl.DataFrame] = field(default_factory=dict)
    blobs: dict[tuple[str, str, int], tuple[int, bytes]] = field(default_factory=dict)
    rebuilt: dict[tuple[str, str], int] = field(
        default_factory=dict
    )  # full rebuilds: (mirror, period) → rows
    drop: set[tuple[str, str]] = field(default_factory=set)
    reread_rows: int = 0

    def frame(self, mirror: str, period: str) -> pl.DataFrame:
        return self.frames[(mirror, period)]

    def write(self, session: Session) -> None:
        for mirror, period in sorted(self.drop | set(self.rebuilt)):
            session.execute(
                delete(FactSegment).where(FactSegment.mirror == mirror, FactSegment.period == period)
            )
            session.execute(
                delete(FactMirror).where(FactMirror.mirror == mirror, FactMirror.period == period)
            )
        patched = [k for k in self.blobs if (k[0], k[1]) not in self.rebuilt]
        for i in range(0, len(patched), 500):
            keys = patched[i : i + 500]
            session.execute(
                delete(FactSegment).where(
                    tuple_(FactSegment.mirror, FactSegment.period, FactSegment.bucket).in_(keys)
                )
            )
        rows = [
            {"mirror": m, "period": p, "bucket": b, "rows": n, "payload": blob}
            for (m, p, b), (n, blob) in self.blobs.items()
        ]
        for i in range(0, len(rows), 64):
            session.execute(insert(FactSegment), rows[i : i + 64])
        now = utcnow()
        for (mirror, period), n in self.rebuilt.items():
            session.add(FactMirror(mirror=mirror, period=period, built_at=now, rows=n))


def _built(db: Database) -> set[tuple[str, str]]:
    with db.sessions() as session:
        return {(m, p) for m, p in session.execute(select(FactMirror.mirror, FactMirror.period)).all()}


def _load(db: Database, mirror: Mirror, period: str, buckets: set[int] | None) -> dict[int, pl.DataFrame]:
    """The stored buckets of (mirror, period): all, or only ``buckets``."""
    with db.sessions() as session:
        query = select(FactSegment.bucket, FactSegment.payload).where(
            FactSegment.mirror == mirror.name, FactSegment.period == period
        )
        if buckets is not None:
            query = query.where(FactSegment.bucket.in_(sorted(buckets)))
        rows = session.execute(query).all()
    return {int(b): _decode(p, mirror.schema) for b, p in rows}


def _split(frame: pl.DataFrame) -> dict[int, pl.DataFrame]:
    if not frame.height:
        return {}
    parts = frame.with_columns(_bucket()).partition_by("__bucket", as_dict=True, include_key=False)
    return {int(k[0]): v for k, v in parts.items()}


def _bucket_of(project_id: int | None) -> int:
    return NO_PROJECT if project_id is None else project_id % BUCKETS


def refresh(
    db: Database, needed: Iterable[tuple[str, str]], changes: Changes, *, rebuild: bool = False
) -> Refresh:
    """Bring every needed (mirror, period) up to date with ``changes`` and load it; patch the other built
    ones the journal names (or drop them when most of their projects changed). Reads only:
    ``Refresh.write`` stores the result."""
    out = Refresh()
    built = _built(db)
    wanted = set(needed)
    named = {(m, p) for m, p in built if changes.touched(MIRRORS[m].table, p or None)}
    for name, period in sorted(wanted | named):
        mirror = MIRRORS[name]
        touched = changes.touched(mirror.table, period or None)
        load_all = (name, period) in wanted
        many = len({_bucket_of(p) for p in touched}) > REBUILD_SHARE * BUCKETS
        if load_all and (rebuild or (name, period) not in built or many):
            frame = read_frame(db.engine, mirror.sql(db.engine, period, None), mirror.schema)
            out.reread_rows += frame.height
            out.blobs.update({(name, period, b): (f.height, _encode(f)) for b, f in _split(frame).items()})
            out.rebuilt[(name, period)] = frame.height
            out.frames[(name, period)] = frame
            continue
        if many:
            out.drop.add((name, period))
            continue
        hit = {_bucket_of(p) for p in touched}
        buckets = _load(db, mirror, period, None if load_all else hit)
        if touched:
            fresh = read_frame(db.engine, mirror.sql(db.engine, period, touched), mirror.schema)
            out.reread_rows += fresh.height
            ids = [p for p in touched if p is not None]
            keep = ~pl.col("project_id").is_in(ids)
            if None in touched:
                keep = keep & pl.col("project_id").is_not_null()
            new_parts = _split(fresh)
            for b in hit:
                old = buckets.get(b, pl.DataFrame(schema=mirror.schema))
                merged = pl.concat([old.filter(keep), *([new_parts[b]] if b in new_parts else [])])
                buckets[b] = merged
                out.blobs[(name, period, b)] = (merged.height, _encode(merged))
        if load_all:
            frames = list(buckets.values())
            out.frames[(name, period)] = pl.concat(frames) if frames else pl.DataFrame(schema=mirror.schema)
    return out
