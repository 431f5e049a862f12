"""The one punch store every ingest path writes through, with worker-day / worker-month upkeep.

Set-based and batch-oriented: punches are inserted with ``INSERT … ON CONFLICT DO NOTHING RETURNING`` in
multi-row statements, so only *newly stored* punches come back; those alone are folded into ``worker_days``
and ``worker_months`` by two upserts (and, per gate and day, into ``gate_days``). A resent punch is
therefore stored once and counted once.

Concurrency: the fold reads current worker-day rows and writes the merged values, so ingest is serialised
per project — SQLite has a single writer (the punch insert takes the write lock before the read); on
PostgreSQL a transaction-scoped advisory lock per project is taken first.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from wageguard.attendance.choices import PunchFlag, PunchKind
from wageguard.attendance.models import Punch
from wageguard.config import Settings
from wageguard.db import utcnow
from wageguard.tallies.measures import Measure
from wageguard.tallies.service import add_tallies
from wageguard.timezones import zone

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
    received_at: datetime | None = None  # UTC; None: the store call's ``now``


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


def work_date_of(local_time: datetime, boundary: time) -> date:
    """The work day a local punch time belongs to: before ``boundary`` it is still the previous day."""
    shift = timedelta(hours=boundary.hour, minutes=boundary.minute)
    return (local_time - shift).date()


# Plausible years of a punch: a gate whose clock was reset reports 1970 or 2000 (stored, flagged ``past``);
# anything outside cannot be a punch (and year 1 cannot even be moved to UTC).
MIN_YEAR, MAX_YEAR = 1970, 2099


def plausible(moment: datetime) -> datetime:
    """``moment`` if its year is within ``MIN_YEAR``–``MAX_YEAR``, else ``ValueError``."""
    if not MIN_YEAR <= moment.year <= MAX_YEAR:
        raise ValueError(f"year {moment.year} outside {MIN_YEAR}-{MAX_YEAR}")
    return moment


def parse_local_time(text: str) -> datetime:
    """``YYYY-MM-DD HH:MM:SS`` exactly (the national and ZKTeco format) in a plausible year (ASCII digits
    only), else ``ValueError``."""
    text = text.strip()
    if len(text) != 19 or text[4] != "-" or text[7] != "-" or text[10] != " " or text[13] != ":":
        raise ValueError(f"not YYYY-MM-DD HH:MM:SS: {text!r}")
    if text[16] != ":" or not text.isascii():
        raise ValueError(f"not YYYY-MM-DD HH:MM:SS: {text!r}")
    return plausible(datetime.fromisoformat(text))


def to_utc(local_time: datetime, tz: str) -> datetime:
    """A naive local time in zone ``tz`` (an IANA name or a ``±HH:MM`` offset) as a naive UTC time."""
    return local_time.replace(tzinfo=zone(tz)).astimezone(UTC).replace(tzinfo=None)


PUNCH_TYPES = (
    *("text", "text", "timestamp", "int", "text", "int", "int", "text"),
    *("text", "timestamp", "text", "date", "text", "text", "text", "timestamp"),
)
DAY_TYPES = ("int", "int", "date", "text", "timestamp", "timestamp", "int", "int")
MONTH_TYPES = ("int", "int", "text", "text", "int", "int")
GATE_TYPES = ("int", "text", "text", "date", "int")
PUNCH_COLUMNS = (
    "source, person_key, punched_at, project_id, region_code, device_id, worker_id, kind, flag, "
    "local_time, tz, work_date, direction, attend_type, channel, received_at"
)
WORKER = PunchKind.WORKER.value
FUTURE, PAST = PunchFlag.FUTURE.value, PunchFlag.PAST.value


class Bulk:
    """Multi-row statements straight through the DB-API cursor of the session's connection.

    Values are converted once to what the driver stores (on SQLite: SQLAlchemy's text forms of datetime
    and date, so ORM reads and SQL comparisons see the same values), skipping per-value SQLAlchemy
    processing on the hot path. Both dialects accept the same ``ON CONFLICT`` SQL; SQLite gets multi-row
    ``VALUES``, PostgreSQL one ``unnest`` of typed arrays per statement (a short statement, so the driver
    does not re-parse tens of thousands of placeholders).
    """

    def __init__(self, session: Session) -> None:
        self.session = session
        self.sqlite = session.get_bind().dialect.name == "sqlite"
        self.mark = "?" if self.sqlite else "%s"
        self.cursor = session.connection().connection.cursor()

    def dt(self, value: datetime) -> Any:
        return value.isoformat(" ", "microseconds") if self.sqlite else value

    def day(self, value: date) -> Any:
        return value.isoformat() if self.sqlite else value

    def run(
        self,
        head: str,
        types: Sequence[str],
        rows: Sequence[Sequence[Any]],
        tail: str = "",
        fetch: bool = False,
    ) -> list[Any]:
        """``head VALUES (…), (…) tail`` (or ``head SELECT * FROM unnest(…) tail``) for ``rows``."""
        out: list[Any] = []
        if not rows:
            return out
        if not self.sqlite:
            arrays = ", ".join(f"%b::{t}[]" for t in types)  # binary arrays: no text escaping
            self.cursor.execute(
                f"{head} SELECT * FROM unnest({arrays}) {tail}", [list(c) for c in zip(*rows, strict=True)]
            )
            return list(self.cursor.fetchall()) if fetch else out
        group = "(" + ", ".join(["?"] * len(types)) + ")"
        step = max(1, min(CHUNK, 32_000 // len(types)))
        for start in range(0, len(rows), step):
            part = rows[start : start + step]
            sql = f"{head} VALUES {', '.join([group] * len(part))} {tail}"
            self.cursor.execute(sql, [v for row in part for v in row])
            if fetch:
                out.extend(self.cursor.fetchall())
        return out

    def any_of(self, column: str, values: Sequence[Any], sql_type: str) -> tuple[str, list[Any]]:
        """``column IN (…)`` on SQLite, ``column = ANY(%s::type[])`` on PostgreSQL, with its parameters."""
        if self.sqlite:
            return f"{column} IN ({', '.join(['?'] * len(values))})", list(values)
        return f"{column} = ANY(%s::{sql_type}[])", [list(values)]


def as_datetime(value: Any) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


def _rows(
    bulk: Bulk, punches: Sequence[PunchIn], options: IngestOptions, now: datetime
) -> list[tuple[Any, ...]]:
    future = now + options.future_tolerance
    past = now - options.past_window
    shift = timedelta(hours=options.day_boundary.hour, minutes=options.day_boundary.minute)
    received = bulk.dt(now)
    rows = []
    for p in punches:
        utc = to_utc(p.local_time, p.tz)
        if p.received_at is None:
            flag = FUTURE if utc > future else PAST if utc < past else ""
        else:  # judged against when the device call came in (the intake stores it later)
            at = p.received_at
            flag = (
                FUTURE
                if utc > at + options.future_tolerance
                else PAST
                if utc < at - options.past_window
                else ""
            )
        rows.append(
            (
                p.source,
                p.person_key,
                bulk.dt(utc),
                p.project_id,
                p.region_code,
                p.device_id,
                p.worker_id,
                p.kind,
                flag,
                bulk.dt(p.local_time),
                p.tz,
                bulk.day((p.local_time - shift).date()),
                p.direction,
                p.attend_type,
                p.channel,
                received if p.received_at is None else bulk.dt(p.received_at),
            )
        )
    return rows


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
    bulk = Bulk(session)
    rows = _rows(bulk, punches, options, now)
    kinds: dict[str, int] = {}
    for r in rows:
        kinds[r[7]] = kinds.get(r[7], 0) + 1
    result = StoreResult(received=len(rows), by_kind=kinds)
    result.flagged = sum(1 for r in rows if r[8])
    if not rows:
        return result
    lock_projects(session, {r[3] for r in rows})
    head = f"INSERT INTO punches ({PUNCH_COLUMNS})"
    tail = "ON CONFLICT (source, person_key, punched_at) DO NOTHING"
    countable = [r for r in rows if r[7] == WORKER and not r[8]]
    others = [r for r in rows if r[7] != WORKER or r[8]]
    returning = " RETURNING project_id, worker_id, work_date, punched_at, source, channel"
    new = bulk.run(head, PUNCH_TYPES, countable, tail + returning, fetch=True)
    gate_returning = " RETURNING project_id, source, channel, work_date, flag"
    rest = bulk.run(head, PUNCH_TYPES, others, tail + gate_returning, fetch=True)
    result.inserted = len(new) + len(rest)
    result.duplicates = result.received - result.inserted
    fold_into_days(bulk, [r[:4] for r in new], {r[3]: r[4] for r in rows})
    gates = [(r[0], r[4], r[5], r[2]) for r in new] + [r[:4] for r in rest if not r[4]]
    fold_into_gate_days(bulk, gates)
    bulk.cursor.close()
    return result


def _delta(new: Iterable[Sequence[Any]]) -> dict[tuple[int, int, Any], list[Any]]:
    """Per (project, worker, work_date): [earliest, latest, count] of the newly stored punches."""
    acc: dict[tuple[int, int, Any], list[Any]] = {}
    for project_id, worker_id, work_date, at in new:
        key = (project_id, worker_id, work_date)
        cur = acc.get(key)
        if cur is None:
            acc[key] = [at, at, 1]
        else:
            if at < cur[0]:
                cur[0] = at
            elif at > cur[1]:
                cur[1] = at
            cur[2] += 1
    return acc


def _existing_days(
    bulk: Bulk, keys: Iterable[tuple[int, int, Any]]
) -> dict[tuple[int, int, Any], tuple[Any, ...]]:
    """Current (first_in, last_out, minutes, punch_count) of the worker-days about to change."""
    by_project: dict[int, tuple[set[int], set[Any]]] = {}
    for project_id, worker_id, work_date in keys:
        workers, dates = by_project.setdefault(project_id, (set(), set()))
        workers.add(worker_id)
        dates.add(work_date)
    found: dict[tuple[int, int, Any], tuple[Any, ...]] = {}
    for project_id, (workers, dates) in by_project.items():
        ids, day_list = sorted(workers), sorted(dates)
        step = max(100, CHUNK - len(day_list))
        for start in range(0, len(ids), step):
            on_day, day_params = bulk.any_of("work_date", day_list, "date")
            of_worker, worker_params = bulk.any_of("worker_id", ids[start : start + step], "int")
            sql = (
                "SELECT project_id, worker_id, work_date, first_in, last_out, minutes, punch_count "
                f"FROM worker_days WHERE project_id = {bulk.mark} AND {on_day} AND {of_worker}"
            )
            bulk.cursor.execute(sql, [project_id, *day_params, *worker_params])
            for p, w, d, first, last, minutes, count in bulk.cursor.fetchall():
                found[(p, w, d)] = (first, last, minutes, count)
    return found


def _month_of(work_date: Any) -> str:
    return work_date[:7] if isinstance(work_date, str) else str(work_date.strftime("%Y-%m"))


def fold_into_days(bulk: Bulk, new: Sequence[Sequence[Any]], region: dict[int, str]) -> None:
    """Merge newly stored worker punches into worker_days, and the changes into worker_months."""
    if not new:
        return
    delta = _delta(new)
    old = _existing_days(bulk, delta.keys())
    day_rows: list[tuple[Any, ...]] = []
    months: dict[tuple[int, int, str], list[int]] = {}
    for key, (first, last, count) in delta.items():
        prev = old.get(key)
        old_minutes = 0
        if prev is not None:
            first, last = min(first, prev[0]), max(last, prev[1])
            old_minutes, count = prev[2], count + prev[3]
        minutes = int((as_datetime(last) - as_datetime(first)).total_seconds() // 60)
        project_id, worker_id, work_date = key
        day_rows.append((project_id, worker_id, work_date, region[project_id], first, last, minutes, count))
        m = months.setdefault((project_id, worker_id, _month_of(work_date)), [0, 0])
        m[0] += 0 if prev is not None else 1
        m[1] += minutes - old_minutes
    bulk.run(
        "INSERT INTO worker_days "
        "(project_id, worker_id, work_date, region_code, first_in, last_out, minutes, punch_count)",
        DAY_TYPES,
        day_rows,
        "ON CONFLICT (project_id, worker_id, work_date) DO UPDATE SET first_in = excluded.first_in, "
        "last_out = excluded.last_out, minutes = excluded.minutes, punch_count = excluded.punch_count",
    )
    month_rows = [(p, w, mo, region[p], d, mins) for (p, w, mo), (d, mins) in months.items()]
    on_site: dict[tuple[int, str], int] = {}
    for project_id, _worker, work_date in (k for k in delta if k not in old):
        day = work_date[:10] if isinstance(work_date, str) else work_date.isoformat()
        on_site[(project_id, day)] = on_site.get((project_id, day), 0) + 1
    add_tallies(bulk.session, [(Measure.ON_SITE, d, p, region[p], n) for (p, d), n in on_site.items()])
    bulk.run(
        "INSERT INTO worker_months (project_id, worker_id, month, region_code, days, minutes)",
        MONTH_TYPES,
        month_rows,
        "ON CONFLICT (project_id, worker_id, month) DO UPDATE SET days = worker_months.days + excluded.days, "
        "minutes = worker_months.minutes + excluded.minutes",
    )


def fold_into_gate_days(bulk: Bulk, new: Sequence[Sequence[Any]]) -> None:
    """Count newly stored, unflagged punches ``(project_id, source, channel, work_date)`` into gate_days."""
    counts: dict[tuple[Any, ...], int] = {}
    for project_id, source, channel, work_date in new:
        key = (project_id, source, channel or "", work_date)
        counts[key] = counts.get(key, 0) + 1
    bulk.run(
        "INSERT INTO gate_days (project_id, source, channel, work_date, punches)",
        GATE_TYPES,
        [(*key, n) for key, n in counts.items()],
        "ON CONFLICT (project_id, source, channel, work_date) DO UPDATE "
        "SET punches = gate_days.punches + excluded.punches",
    )


def count_punches(session: Session) -> int:
    """Number of stored punches (tests and health pages)."""
    return int(session.execute(select(func.count()).select_from(Punch)).scalar_one())
