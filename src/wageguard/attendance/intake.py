"""Durable intake of device calls: a gate is acknowledged once its call is on disk here, never waiting for the
operational database, and a drainer moves what was acknowledged into the punch store.

Why: on SQLite one writer holds the database while a registry import or a bank file commits (minutes for a
province); a gate that is not answered resends, and an event loop waiting on the lock freezes every page.
So a device call is authenticated with a read (WAL readers never wait), parsed, and appended to
``var/intake/devices.db`` — an SQLite file of its own in WAL mode with ``synchronous=FULL`` that nothing else
writes, so the append waits only for its own fsync. Concurrent appends share one commit (group commit: the
first caller writes everything queued while it waited). The same file serves PostgreSQL deployments (one per
server host; each host's drainer empties its own file).

``drain_intake`` stores the oldest entries in one transaction of the operational database (SQLite: ``BEGIN
IMMEDIATE``, so it queues for the lock instead of failing at its first write), then deletes them from the
file. A crash between the two re-drains entries already stored: punches are idempotent (natural key), stamps
and serial numbers only move forward, command results are set, so a resend or a re-drain never double-counts
(a refusal may be logged twice). An entry that cannot be stored is kept aside (``stuck``), never dropped.
``IntakeDrainer`` is the thread ``wageguard serve`` runs; tests call ``drain_intake`` themselves.
"""

from __future__ import annotations

import fcntl
import json
import logging
import re
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from wageguard.attendance import devices as device_service
from wageguard.attendance.protocols.zkteco import CommandResult
from wageguard.attendance.schemas import DevicePunch, DeviceRef
from wageguard.attendance.service import device_punch_rows
from wageguard.attendance.store import IngestOptions, PunchIn, store_punches
from wageguard.background import DrainerThread
from wageguard.db import Database
from wageguard.errors import NotFound, WageGuardError
from wageguard.security.files import private_file

log = logging.getLogger("wageguard.intake")
T = TypeVar("T")
MAX_ATTEMPTS = 5
CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")
SCHEMA = """
CREATE TABLE IF NOT EXISTS entries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    received_at TEXT NOT NULL,
    body TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    error TEXT
)
"""


class IntakeUnavailable(WageGuardError):
    """The intake file could not take the call durably (disk full, unreadable): the device must resend."""

    message_zh = "暂时无法接收，请稍后重发"


def clean(text: str | None, limit: int) -> str:
    """Printable text for the logs and the database (no control characters; PostgreSQL refuses NUL)."""
    return CONTROL_RE.sub("?", text or "")[:limit]


@dataclass(frozen=True)
class DeviceRecord:
    """What one acknowledged device call leaves to store: contact, punches, stamps, the Hikvision serial
    number, command results, and the refusals or malformed lines to log. ``device_id`` is ``None`` for a
    call from a device that was refused (only its refusal is kept)."""

    device_id: int | None
    serial: str
    endpoint: str
    received_at: datetime
    remote_ip: str | None = None
    punches: tuple[DevicePunch, ...] = ()
    att_stamp: int | None = None
    op_stamp: int | None = None
    serial_no: int | None = None
    current: bool = True
    results: tuple[CommandResult, ...] = ()
    rejections: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        """Nothing but contact: no punches, stamps, serial number, results or refusals."""
        return not (self.punches or self.results or self.rejections) and (
            self.att_stamp is None and self.op_stamp is None and self.serial_no is None
        )

    def to_json(self) -> str:
        return json.dumps(
            {
                "d": self.device_id,
                "s": clean(self.serial, 64),
                "e": clean(self.endpoint, 64),
                "t": self.received_at.isoformat(),
                "ip": self.remote_ip,
                "p": [
                    [p.pin, p.local_time.isoformat(), p.direction, p.attend_type, p.stranger_ref]
                    for p in self.punches
                ],
                "as": self.att_stamp,
                "os": self.op_stamp,
                "sn": self.serial_no,
                "c": self.current,
                "r": [[r.command_id, r.return_code, r.name] for r in self.results],
                "x": [clean(reason, 300) for reason in self.rejections],
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, body: str) -> DeviceRecord:
        d: dict[str, Any] = json.loads(body)
        return cls(
            device_id=d["d"],
            serial=d["s"],
            endpoint=d["e"],
            received_at=datetime.fromisoformat(d["t"]),
            remote_ip=d["ip"],
            punches=tuple(
                DevicePunch(pin, datetime.fromisoformat(at), direction, attend, ref)
                for pin, at, direction, attend, ref in d["p"]
            ),
            att_stamp=d["as"],
            op_stamp=d["os"],
            serial_no=d["sn"],
            current=d["c"],
            results=tuple(CommandResult(cid, code, name) for cid, code, name in d["r"]),
            rejections=tuple(d["x"]),
        )


@dataclass
class _Pending:
    body: str
    received_at: str
    done: threading.Event = field(default_factory=threading.Event)
    error: BaseException | None = None


_DRAIN_LOCKS: dict[Path, threading.Lock] = {}
_DRAIN_LOCKS_GUARD = threading.Lock()


class Intake:
    """The intake file: ``append`` returns once the record is durable; ``take`` / ``done`` / ``fail`` are
    the drainer's side; ``pending`` / ``stuck`` count for health checks."""

    def __init__(self, path: Path, *, wait_s: float = 10.0) -> None:
        self.path = path
        self.wait_s = wait_s
        self.arrived = threading.Event()  # set by every append: wakes the drainer
        self._lock = threading.Lock()
        self._queue: list[_Pending] = []
        self._leader = False
        self._writer: sqlite3.Connection | None = None
        self._reader: sqlite3.Connection | None = None
        self._read_lock = threading.Lock()
        self._ready = False

    def _connect(self, synchronous: str = "FULL") -> sqlite3.Connection:
        private_file(self.path)  # raw device calls: 0600 in a 0700 folder (WAL files take the file's mode)
        conn = sqlite3.connect(self.path, timeout=self.wait_s, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute(f"PRAGMA synchronous={synchronous}")
        if not self._ready:
            conn.execute(SCHEMA)
            self._ready = True
        return conn

    @contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        """The drainer's and health checks' connection (one, kept open; appends have their own). It need
        not fsync: a deletion lost to a power cut only means entries stored again, which changes nothing."""
        with self._read_lock:
            if self._reader is None:
                self._reader = self._connect("NORMAL")
            try:
                yield self._reader
            except sqlite3.Error:
                self._reader.close()
                self._reader = None
                raise

    def append(self, record: DeviceRecord) -> None:
        """Write ``record`` durably (fsync) or raise ``IntakeUnavailable``; never waits for the database."""
        pending = _Pending(record.to_json(), record.received_at.isoformat())
        with self._lock:
            self._queue.append(pending)
            lead = not self._leader
            self._leader = True
        if lead:
            self._write_queued()
        elif not pending.done.wait(self.wait_s):
            raise IntakeUnavailable("intake write timed out", message_zh="接收超时，请重发")
        if pending.error is not None:
            raise IntakeUnavailable(f"intake write failed: {pending.error}") from pending.error
        self.arrived.set()

    def _write_queued(self) -> None:
        """The leader's loop: commit everything queued, batch after batch, until the queue is empty."""
        while True:
            with self._lock:
                batch, self._queue = self._queue, []
                if not batch:
                    self._leader = False
                    return
            try:
                if self._writer is None:
                    self._writer = self._connect()
                self._writer.execute("BEGIN IMMEDIATE")
                self._writer.executemany(
                    "INSERT INTO entries (received_at, body) VALUES (?, ?)",
                    [(p.received_at, p.body) for p in batch],
                )
                self._writer.execute("COMMIT")
            except sqlite3.Error as exc:
                log.error("intake %s: write failed: %s", self.path, exc)
                self._reset_writer()
                for p in batch:
                    p.error = exc
            finally:
                for p in batch:
                    p.done.set()

    def _reset_writer(self) -> None:
        writer, self._writer = self._writer, None
        if writer is not None:
            with suppress(sqlite3.Error):
                writer.close()

    def take(self, limit: int) -> list[tuple[int, str]]:
        """The oldest entries not given up on: (id, body)."""
        with self._reading() as conn:
            rows = conn.execute(
                "SELECT id, body FROM entries WHERE attempts < ? ORDER BY id LIMIT ?", (MAX_ATTEMPTS, limit)
            ).fetchall()
        return [(int(i), str(b)) for i, b in rows]

    def done(self, ids: list[int]) -> None:
        with self._reading() as conn:
            conn.executemany("DELETE FROM entries WHERE id = ?", [(i,) for i in ids])

    def fail(self, entry_id: int, error: str, *, permanent: bool) -> None:
        """Count a failed attempt (``permanent``: give up at once); the entry stays in the file."""
        attempts = f"{MAX_ATTEMPTS}" if permanent else "attempts + 1"
        with self._reading() as conn:
            conn.execute(
                f"UPDATE entries SET attempts = {attempts}, error = ? WHERE id = ?", (error[:500], entry_id)
            )

    def pending(self) -> int:
        """Acknowledged entries still to store."""
        with self._reading() as conn:
            return int(
                conn.execute("SELECT count(*) FROM entries WHERE attempts < ?", (MAX_ATTEMPTS,)).fetchone()[0]
            )

    def stuck(self) -> int:
        """Entries given up on (kept in the file with their error, for an operator)."""
        with self._reading() as conn:
            return int(
                conn.execute("SELECT count(*) FROM entries WHERE attempts >= ?", (MAX_ATTEMPTS,)).fetchone()[
                    0
                ]
            )

    @contextmanager
    def draining(self) -> Iterator[None]:
        """One drainer at a time: a lock per file in this process and a file lock across processes."""
        with _DRAIN_LOCKS_GUARD:
            lock = _DRAIN_LOCKS.setdefault(self.path.resolve(), threading.Lock())
        with lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with open(self.path.with_suffix(".drain.lock"), "a") as handle:
                fcntl.flock(handle, fcntl.LOCK_EX)
                try:
                    yield
                finally:
                    fcntl.flock(handle, fcntl.LOCK_UN)

    def close(self) -> None:
        with self._lock:
            self._reset_writer()
        with self._read_lock:
            if self._reader is not None:
                self._reader.close()
                self._reader = None


def try_write(db: Database, work: Callable[[Session], T], *, wait_ms: int = 250) -> T | None:
    """``work`` in a write transaction, or ``None`` when the lock it needs is not free within ``wait_ms``
    (SQLite: the database's write lock; PostgreSQL: ``lock_timeout``). The caller then answers without
    writing — queued commands are served on the next poll."""
    with db.sessions() as session:
        if not db.is_sqlite:
            try:
                with session.begin():
                    session.execute(text(f"SET LOCAL lock_timeout = '{int(wait_ms)}ms'"))
                    return work(session)
            except OperationalError as exc:
                if getattr(exc.orig, "sqlstate", None) == "55P03":  # lock_not_available
                    return None
                raise
        raw = session.connection().connection.dbapi_connection
        assert raw is not None
        busy = int(raw.execute("PRAGMA busy_timeout").fetchone()[0])
        raw.execute(f"PRAGMA busy_timeout = {int(wait_ms)}")
        try:
            raw.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError:
            return None
        finally:  # the lock is ours (or not): later waits of this pooled connection as before
            raw.execute(f"PRAGMA busy_timeout = {busy}")
        try:
            result = work(session)
        except BaseException:
            session.rollback()
            raise
        session.commit()
        return result


def _write_first(session: Session) -> None:
    """On SQLite take the write lock before reading, so a drain queues for it (a deferred transaction that
    read first would fail at its first write once another writer committed)."""
    if session.get_bind().dialect.name == "sqlite":
        session.connection().exec_driver_sql("BEGIN IMMEDIATE")


def _log_rejections(session: Session, records: Sequence[DeviceRecord]) -> None:
    for record in records:
        for reason in record.rejections:
            device_service.record_rejection(
                session=session,
                serial=record.serial,
                remote_ip=record.remote_ip,
                endpoint=record.endpoint,
                reason=reason,
                at=record.received_at,
            )


def _note_serials(session: Session, device: DeviceRef, records: Sequence[DeviceRecord]) -> None:
    """Hikvision serial numbers in arrival order (gaps recorded as the events came)."""
    for record in records:
        if record.serial_no is None:
            continue
        device_service.note_serial(
            session=session, device=device, serial_no=record.serial_no, current=record.current
        )
        if record.current and (device.last_serial_no is None or record.serial_no > device.last_serial_no):
            device = replace(device, last_serial_no=record.serial_no)


def _touch(session: Session, device: DeviceRef, records: Sequence[DeviceRecord]) -> None:
    """One update of the device row for all its calls in the batch: latest contact, stamps, punches."""
    stamps: dict[str, object] = {}
    att = max((r.att_stamp for r in records if r.att_stamp is not None), default=None)
    op = max((r.op_stamp for r in records if r.op_stamp is not None), default=None)
    if att is not None and att > device.att_stamp:
        stamps["att_stamp"] = att
    if op is not None and op > device.op_stamp:
        stamps["op_stamp"] = op
    latest = max(records, key=lambda r: r.received_at)
    device_service.touch_device(
        session,
        device,
        last_seen_ip=latest.remote_ip,
        punched=any(r.punches for r in records),
        values=stamps,
        now=latest.received_at,
    )


def store_device_records(*, session: Session, records: Sequence[DeviceRecord], options: IngestOptions) -> int:
    """Apply acknowledged calls to the operational database, set-based: per device one read of its row,
    one enrolment look-up and one update; all punches in one store call. Returns punches newly stored."""
    _log_rejections(session, records)
    by_device: dict[int, list[DeviceRecord]] = {}
    for record in records:
        if record.device_id is not None:
            by_device.setdefault(record.device_id, []).append(record)
    rows: list[PunchIn] = []
    for device_id, mine in by_device.items():
        device = device_service.device_ref_by_id(session, device_id)
        _note_serials(session, device, mine)
        rows += device_punch_rows(session, device, [(p, r.received_at) for r in mine for p in r.punches])
        _touch(session, device, mine)
        for record in mine:
            if record.results:
                device_service.record_command_results(
                    session=session, device=device, results=list(record.results)
                )
    return store_punches(session, rows, options=options).inserted if rows else 0


@dataclass
class DrainReport:
    """One drain: entries stored, entries kept aside (failed this time), punches newly stored."""

    stored: int = 0
    failed: int = 0
    punches: int = 0


def _store_all(db: Database, entries: list[tuple[int, DeviceRecord]], options: IngestOptions) -> int:
    with db.transaction() as session:
        _write_first(session)
        return store_device_records(session=session, records=[r for _, r in entries], options=options)


def _store_each(
    db: Database, intake: Intake, entries: list[tuple[int, DeviceRecord]], options: IngestOptions
) -> DrainReport:
    """One transaction per entry, so one that cannot be stored does not hold back the others."""
    report = DrainReport()
    for entry_id, record in entries:
        try:
            report.punches += _store_all(db, [(entry_id, record)], options)
        except OperationalError:
            raise
        except Exception as exc:  # kept aside with its reason; the device was acknowledged, never drop
            log.exception("intake entry %d (%s, %s) not stored", entry_id, record.serial, record.endpoint)
            intake.fail(entry_id, f"{type(exc).__name__}: {exc}", permanent=isinstance(exc, NotFound))
            report.failed += 1
            continue
        intake.done([entry_id])
        report.stored += 1
    return report


def _decoded(intake: Intake, rows: list[tuple[int, str]]) -> list[tuple[int, DeviceRecord]]:
    entries = []
    for entry_id, body in rows:
        try:
            entries.append((entry_id, DeviceRecord.from_json(body)))
        except (ValueError, KeyError, TypeError) as exc:
            intake.fail(entry_id, f"unreadable entry: {exc}", permanent=True)
    return entries


def _chunks(
    entries: list[tuple[int, DeviceRecord]], max_punches: int
) -> Iterator[list[tuple[int, DeviceRecord]]]:
    """Consecutive entries with at most ``max_punches`` punches together (an entry alone may hold more)."""
    chunk: list[tuple[int, DeviceRecord]] = []
    count = 0
    for entry in entries:
        if chunk and count + len(entry[1].punches) > max_punches:
            yield chunk
            chunk, count = [], 0
        chunk.append(entry)
        count += len(entry[1].punches)
    if chunk:
        yield chunk


def drain_intake(*, db: Database, intake: Intake, options: IngestOptions, batch: int = 500) -> DrainReport:
    """Store every acknowledged entry, oldest first: up to ``batch`` entries (and ``attendance_batch_max``
    punches) per transaction. Raises ``sqlalchemy.exc.OperationalError`` when the database stays locked
    (entries stay for the next drain)."""
    report = DrainReport()
    with intake.draining():
        while rows := intake.take(batch):
            for entries in _chunks(_decoded(intake, rows), options.batch_max):
                _drain_chunk(db, intake, entries, options, report)
    return report


def _drain_chunk(
    db: Database,
    intake: Intake,
    entries: list[tuple[int, DeviceRecord]],
    options: IngestOptions,
    report: DrainReport,
) -> None:
    """One transaction for ``entries``; when it fails for another reason than a lock, entry by entry."""
    try:
        report.punches += _store_all(db, entries, options)
    except OperationalError:
        raise
    except Exception:  # find the entry that cannot be stored
        part = _store_each(db, intake, entries, options)
        report.stored, report.failed = report.stored + part.stored, report.failed + part.failed
        report.punches += part.punches
        return
    intake.done([i for i, _ in entries])
    report.stored += len(entries)


class IntakeDrainer(DrainerThread):
    """The thread ``wageguard serve`` runs: drains ``gather_s`` after an append (so a burst is one
    transaction), and every ``idle_s`` for entries other processes appended; while the database is locked it
    retries every ``retry_s``."""

    def __init__(
        self,
        *,
        db: Database,
        intake: Intake,
        options: IngestOptions,
        idle_s: float = 1.0,
        retry_s: float = 1.0,
        gather_s: float = 0.2,
    ) -> None:
        super().__init__(
            name="wageguard-intake-drainer",
            arrived=intake.arrived,
            idle_s=idle_s,
            retry_s=retry_s,
            gather_s=gather_s,
        )
        self.db, self.intake, self.options = db, intake, options

    def _drain_once(self) -> bool:
        try:
            report = drain_intake(db=self.db, intake=self.intake, options=self.options)
            if report.failed:
                log.warning(
                    "intake: %d entries kept aside (see the intake file's error column)", report.failed
                )
            return self.intake.pending() == 0
        except OperationalError as exc:
            log.info("intake: database busy, retrying (%s)", str(exc).splitlines()[0][:120])
        except Exception:  # never let the drainer die: the entries stay durable in the file
            log.exception("intake: drain failed")
        return False
