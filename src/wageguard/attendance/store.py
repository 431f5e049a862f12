"""The one punch store every ingest path writes through, with worker-day / worker-month upkeep.

Set-based and batch-oriented: punches are inserted with ``INSERT … ON CONFLICT DO NOTHING RETURNING`` in
multi-row statements, so only *newly stored* punches come back; those alone are folded into ``worker_days``
and ``worker_months`` by two upserts. A resent punch is therefore stored once and counted once.

Concurrency: the fold reads current worker-day rows and writes the merged values, so ingest is serialised
per project — SQLite has a single writer (the punch insert takes the write lock before the read); on
PostgreSQL a transaction-scoped advisory lock per project is taken first.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Table, func, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from wageguard.attendance.choices import PunchFlag, PunchKind
from wageguard.attendance.models import Punch, WorkerDay, WorkerMonth
from wageguard.config import Settings
from wageguard.db import utcnow

CHUNK = 2000


@dataclass(frozen=True)
class IngestOptions:
    """Policy of the store: day boundary, default zone and the clock-skew window."""

    day_boundary: time = time(4, 0)
    default_tz: str = "Asia/Shanghai"
    future_tolerance: timedelta = timedelta(minutes=10)
    past_window: timedelta = timedelta(days=400)
    batch_max: int = 20_000

    @classmethod
    def from_settings(cls, settings: Settings) -> IngestOptions:
        return cls(
            day_boundary=settings.attendance_day_boundary,
            default_tz=settings.attendance_timezone,
            future_tolerance=timedelta(minutes=settings.attendance_future_minutes),
            past_window=timedelta(days=settings.attendance_past_days),
            batch_max=settings.attendance_batch_max,
        )


@dataclass(frozen=True, slots=True)
class PunchIn:
    """A punch resolved to its project and person, before storage (local time without zone)."""

    source: str
    person_key: str
    local_time: datetime
    project_id: int
    region_code: str
    kind: str
    worker_id: int | None = None
    device_id: int | None = None
    tz: str = "Asia/Shanghai"
    direction: str | None = None
    attend_type: str | None = None
    channel: str | None = None


@dataclass
class StoreResult:
    """What one store call did: punches received, newly stored, already present, and by kind / flag."""

    received: int = 0
    inserted: int = 0
    duplicates: int = 0
    by_kind: dict[str, int] | None = None
    flagged: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "received": self.received,
            "inserted": self.inserted,
            "duplicates": self.duplicates,
            "by_kind": self.by_kind or {},
            "flagged": self.flagged,
        }


@lru_cache(maxsize=64)
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def work_date_of(local_time: datetime, boundary: time) -> date:
    """The work day a local punch time belongs to: before ``boundary`` it is still the previous day."""
    shift = timedelta(hours=boundary.hour, minutes=boundary.minute)
    return (local_time - shift).date()


def to_utc(local_time: datetime, tz: str) -> datetime:
    """A naive local time in zone ``tz`` as a naive UTC time."""
    return local_time.replace(tzinfo=zone(tz)).astimezone(UTC).replace(tzinfo=None)


def _rows(punches: Sequence[PunchIn], options: IngestOptions, now: datetime) -> list[dict[str, Any]]:
    future = now + options.future_tolerance
    past = now - options.past_window
    rows = []
    for p in punches:
        utc = to_utc(p.local_time, p.tz)
        flag = PunchFlag.FUTURE if utc > future else PunchFlag.PAST if utc < past else PunchFlag.OK
        rows.append(
            {
                "source": p.source,
                "person_key": p.person_key,
                "punched_at": utc,
                "project_id": p.project_id,
                "region_code": p.region_code,
                "device_id": p.device_id,
                "worker_id": p.worker_id,
                "kind": p.kind,
                "flag": flag.value,
                "local_time": p.local_time,
                "tz": p.tz,
                "work_date": work_date_of(p.local_time, options.day_boundary),
                "direction": p.direction,
                "attend_type": p.attend_type,
                "channel": p.channel,
                "received_at": now,
            }
        )
    return rows


def _insert(session: Session, table: Table) -> Any:
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def lock_projects(session: Session, project_ids: Iterable[int]) -> None:
    """Serialise ingest per project on PostgreSQL (SQLite already has one writer)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for pid in sorted(set(project_ids)):
        session.execute(text("SELECT pg_advisory_xact_lock(7301, :p)"), {"p": pid})


def store_punches(
    session: Session, punches: Sequence[PunchIn], *, options: IngestOptions, now: datetime | None = None
) -> StoreResult:
    """Store punches idempotently and fold the new ones into worker-days and worker-months."""
    now = now or utcnow()
    rows = _rows(punches, options, now)
    kinds: dict[str, int] = {}
    for r in rows:
        kinds[r["kind"]] = kinds.get(r["kind"], 0) + 1
    result = StoreResult(received=len(rows), by_kind=kinds)
    result.flagged = sum(1 for r in rows if r["flag"])
    if not rows:
        return result
    lock_projects(session, {r["project_id"] for r in rows})
    table: Table = Punch.__table__  # type: ignore[assignment]
    stmt = (
        _insert(session, table)
        .on_conflict_do_nothing(index_elements=["source", "person_key", "punched_at"])
        .returning(table.c.project_id, table.c.worker_id, table.c.work_date, table.c.punched_at)
    )
    new: list[tuple[int, int, date, datetime]] = []
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        countable = [r for r in chunk if r["kind"] == PunchKind.WORKER and not r["flag"]]
        others = [r for r in chunk if r["kind"] != PunchKind.WORKER or r["flag"]]
        if countable:
            new.extend(session.execute(stmt, countable))
        if others:
            result.inserted += len(session.execute(stmt, others).all())
    result.inserted += len(new)
    result.duplicates = result.received - result.inserted
    region = {r["project_id"]: r["region_code"] for r in rows}
    fold_into_days(session, new, region)
    return result


def _delta(new: Iterable[tuple[int, int, date, datetime]]) -> dict[tuple[int, int, date], list[Any]]:
    """Per (project, worker, work_date): [earliest, latest, count] of the newly stored punches."""
    acc: dict[tuple[int, int, date], list[Any]] = {}
    for project_id, worker_id, work_date, at in new:
        key = (project_id, worker_id, work_date)
        cur = acc.get(key)
        if cur is None:
            acc[key] = [at, at, 1]
        else:
            if at < cur[0]:
                cur[0] = at
            if at > cur[1]:
                cur[1] = at
            cur[2] += 1
    return acc


def _existing_days(
    session: Session, keys: Iterable[tuple[int, int, date]]
) -> dict[tuple[int, int, date], tuple[datetime, datetime, int, int]]:
    """Current (first_in, last_out, minutes, punch_count) of the worker-days about to change."""
    by_project: dict[int, tuple[set[int], set[date]]] = {}
    for project_id, worker_id, work_date in keys:
        workers, dates = by_project.setdefault(project_id, (set(), set()))
        workers.add(worker_id)
        dates.add(work_date)
    wd = WorkerDay
    cols = (wd.project_id, wd.worker_id, wd.work_date, wd.first_in, wd.last_out, wd.minutes, wd.punch_count)
    found: dict[tuple[int, int, date], tuple[datetime, datetime, int, int]] = {}
    for project_id, (workers, dates) in by_project.items():
        ids = sorted(workers)
        for start in range(0, len(ids), CHUNK):
            q = select(*cols).where(
                wd.project_id == project_id,
                wd.work_date.in_(sorted(dates)),
                wd.worker_id.in_(ids[start : start + CHUNK]),
            )
            for p, w, d, first, last, minutes, count in session.execute(q):
                found[(p, w, d)] = (first, last, minutes, count)
    return found


def fold_into_days(
    session: Session, new: Sequence[tuple[int, int, date, datetime]], region: dict[int, str]
) -> None:
    """Merge newly stored worker punches into worker_days, and the changes into worker_months."""
    if not new:
        return
    delta = _delta(new)
    old = _existing_days(session, delta.keys())
    day_rows: list[dict[str, Any]] = []
    months: dict[tuple[int, int, str], list[int]] = {}
    for key, (first, last, count) in delta.items():
        prev = old.get(key)
        old_minutes = 0
        if prev is not None:
            first, last = min(first, prev[0]), max(last, prev[1])
            old_minutes, count = prev[2], count + prev[3]
        minutes = int((last - first).total_seconds() // 60)
        project_id, worker_id, work_date = key
        day_rows.append(
            {
                "project_id": project_id,
                "worker_id": worker_id,
                "work_date": work_date,
                "region_code": region[project_id],
                "first_in": first,
                "last_out": last,
                "minutes": minutes,
                "punch_count": count,
            }
        )
        m = months.setdefault((project_id, worker_id, work_date.strftime("%Y-%m")), [0, 0])
        m[0] += 0 if prev is not None else 1
        m[1] += minutes - old_minutes
    _upsert_days(session, day_rows)
    _upsert_months(session, months, region)


def _upsert_days(session: Session, rows: list[dict[str, Any]]) -> None:
    table: Table = WorkerDay.__table__  # type: ignore[assignment]
    stmt = _insert(session, table)
    ex = stmt.excluded
    stmt = stmt.on_conflict_do_update(
        index_elements=["project_id", "worker_id", "work_date"],
        set_={
            "first_in": ex.first_in,
            "last_out": ex.last_out,
            "minutes": ex.minutes,
            "punch_count": ex.punch_count,
        },
    )
    for start in range(0, len(rows), CHUNK):
        session.execute(stmt, rows[start : start + CHUNK])


def _upsert_months(
    session: Session, months: dict[tuple[int, int, str], list[int]], region: dict[int, str]
) -> None:
    table: Table = WorkerMonth.__table__  # type: ignore[assignment]
    rows = [
        {"project_id": p, "worker_id": w, "month": m, "region_code": region[p], "days": d, "minutes": mins}
        for (p, w, m), (d, mins) in months.items()
    ]
    stmt = _insert(session, table)
    ex = stmt.excluded
    stmt = stmt.on_conflict_do_update(
        index_elements=["project_id", "worker_id", "month"],
        set_={"days": table.c.days + ex.days, "minutes": table.c.minutes + ex.minutes},
    )
    for start in range(0, len(rows), CHUNK):
        session.execute(stmt, rows[start : start + CHUNK])


def count_punches(session: Session) -> int:
    """Number of stored punches (tests and health pages)."""
    return int(session.execute(select(func.count()).select_from(Punch)).scalar_one())
