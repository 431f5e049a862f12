"""Use cases that write: file a complaint (directly, or through the durable intake and its drain), correct
the calendar, encrypt complaints stored before migration 0005b. Handling a case (act on it, reveal the
complainant, view a photo) is ``complaints/case_handling.py``.

The worker's description and photos are stored encrypted (``Protector``).

Other slices can react to new complaints with ``register_complaint_hook``: every hook runs inside the
transaction that stores the complaint (so an alert it raises commits or rolls back with it).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import secrets
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext, suppress
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from weakref import WeakKeyDictionary

from sqlalchemy import bindparam, insert, select, text, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from wageguard.calendar_models import CalendarOverride
from wageguard.complaints.choices import PHOTO_TYPES, CaseState
from wageguard.complaints.feed import complaint_feed_items
from wageguard.complaints.intake import ComplaintIntake
from wageguard.complaints.models import Complaint, ComplaintEvent, ComplaintPhoto
from wageguard.complaints.schemas import TOKEN_RE, ComplaintIn, PhotoIn
from wageguard.config import Settings
from wageguard.db import Database, utcnow
from wageguard.errors import Busy, Conflict, NotFound, Problem, ValidationFailed
from wageguard.registry.models import Project, Region
from wageguard.security.counters import CounterStore, DatabaseCounterStore
from wageguard.security.crypto import Protector, mask, mask_phone
from wageguard.tallies import live
from wageguard.workdays import china_today, load_calendar

log = logging.getLogger("wageguard.complaints")
ComplaintHook = Callable[[Session, Complaint], None]
_HOOKS: list[ComplaintHook] = []
_SQLITE_WRITE_LOCKS: WeakKeyDictionary[Database, threading.Lock] = WeakKeyDictionary()
_LOCKS_GUARD = threading.Lock()
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
WRITE_WAIT_MS = 2000  # the longest a submission waits for a lock before it is answered "busy, try again"
RETRY_AFTER_S = 30

# The submission path's statements, built once (the public form's hot path: see docs/benchmarks.md).
_BY_TOKEN = select(Complaint.id, Complaint.tracking_code, Complaint.phone_bidx).where(
    Complaint.idem_token == bindparam("token")
)
_PROJECT_BY_CODE = select(Project.id, Project.region_code).where(Project.project_code == bindparam("code"))
_REGION_LEVEL = select(Region.level).where(Region.code == bindparam("code"))
_ADD_EVENT = insert(ComplaintEvent.metadata.tables[ComplaintEvent.__tablename__])


def register_complaint_hook(hook: ComplaintHook) -> None:
    """Call ``hook(session, complaint)`` for every new complaint, inside its transaction."""
    if hook not in _HOOKS:
        _HOOKS.append(hook)


def unregister_complaint_hook(hook: ComplaintHook) -> None:
    if hook in _HOOKS:
        _HOOKS.remove(hook)


@dataclass(frozen=True)
class Receipt:
    """What the worker gets back: the tracking code, and whether this call created the complaint."""

    tracking_code: str
    created: bool
    complaint_id: int  # 0 while the complaint waits in the intake (``queued``)
    queued: bool = False  # durable in the intake, filed once the database's lock is free


def new_tracking_code() -> str:
    """A random, unguessable tracking code such as ``TS7K3M9QXD2F``."""
    return "TS" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))


def photo_problems(photos: list[PhotoIn], settings: Settings) -> list[Problem]:
    """Reasons the photos are refused: too many, too big, or not really JPEG / PNG."""
    problems: list[Problem] = []
    if len(photos) > settings.complaint_photos_max:
        n = settings.complaint_photos_max
        problems.append(Problem("photos", "too_many", f"最多上传{n}张照片", f"At most {n} photos"))
    for photo in photos:
        if len(photo.data) > settings.complaint_photo_max_bytes:
            mb = settings.complaint_photo_max_bytes / 1_000_000
            zh, en = f"照片“{photo.filename}”超过{mb:g}MB", f"Photo {photo.filename} is over {mb:g} MB"
            problems.append(Problem("photos", "too_big", zh, en, value=photo.filename))
        elif not any(photo.data.startswith(magic) for magic in PHOTO_TYPES.values()):
            zh, en = f"“{photo.filename}”不是JPG或PNG图片", f"{photo.filename} is not a JPEG or PNG image"
            problems.append(Problem("photos", "photo_type", zh, en, value=photo.filename))
    return problems


def _content_type(data: bytes) -> str:
    return next(ct for ct, magic in PHOTO_TYPES.items() if data.startswith(magic))


def _write_lock(db: Database) -> threading.Lock | nullcontext[None]:
    """SQLite allows one writer: queue this process's writers on a lock instead of SQLite's busy-sleeps,
    which collapse throughput under a burst of submissions. PostgreSQL needs none."""
    if not db.is_sqlite:
        return nullcontext()
    with _LOCKS_GUARD:
        return _SQLITE_WRITE_LOCKS.setdefault(db, threading.Lock())


def _existing(session: Session, idem_token: str, phone_bidx: str) -> Receipt | None:
    found = session.execute(_BY_TOKEN, {"token": idem_token}).first()
    if found is None:
        return None
    if found.phone_bidx != phone_bidx:
        raise Conflict("form token already used", message_zh="表单已提交过，请重新打开投诉页面")
    return Receipt(found.tracking_code, False, found.id)


def _route(session: Session, project_code: str | None, region_code: str | None) -> tuple[int | None, str]:
    """The project and county a complaint goes to (the project's county, else the county named)."""
    if project_code:
        row = session.execute(_PROJECT_BY_CODE, {"code": project_code}).first()
        if row is None:
            raise NotFound(f"project {project_code}", message_zh="项目不存在")
        return row.id, row.region_code
    level = session.scalar(_REGION_LEVEL, {"code": region_code or ""})
    if level != "county":
        raise ValidationFailed(
            "unknown county",
            [Problem("region_code", "region", "请选择欠薪发生地（区县）", "Please choose the county")],
        )
    assert region_code is not None
    return None, region_code


def _check_phone_rate(
    counters: CounterStore, idem_token: str, phone_bidx: str, settings: Settings, now: datetime
) -> None:
    """Count a complaint against its phone's 24-hour limit in the shared counter store (Redis, else the
    database), keyed by the phone's blind index. Each form token is counted once, the first time it is seen
    (concurrent resends of one form are one complaint); a refused form forgets its token."""
    day, form_key = timedelta(days=1), f"complaint-form:{idem_token}"
    if counters.hit(form_key, window=day, now=now).count > 1:
        return
    phone = counters.hit(f"complaint-phone:{phone_bidx[:64]}", window=day, now=now)
    if phone.count > settings.complaint_rate_per_phone_per_day:
        counters.clear(form_key)
        raise _too_many_from_phone()


def _too_many_from_phone() -> ValidationFailed:
    return ValidationFailed(
        "too many complaints from this phone",
        [
            Problem(
                "phone",
                "rate_limited",
                "该手机号今日提交次数过多，请明天再试或拨打12333",
                "Too many complaints from this number today; try tomorrow or call 12333",
            )
        ],
    )


def _build(form: ComplaintIn, protector: Protector, *, idem_token: str, source: str) -> Complaint:
    c = Complaint(idem_token=idem_token, tracking_code=new_tracking_code(), source=source)
    c.name, c.employer = form.name, form.employer
    c.description_enc = protector.encrypt_text(form.description)
    c.id_enc, c.id_bidx = protector.encrypt(form.id_number), protector.blind_index(form.id_number)
    c.id_masked = mask(form.id_number)
    c.phone_enc, c.phone_bidx = protector.encrypt(form.phone), protector.blind_index(form.phone)
    c.phone_masked = mask_phone(form.phone)
    if form.bank_card:
        c.card_enc, c.card_bidx = protector.encrypt(form.bank_card), protector.blind_index(form.bank_card)
        c.card_masked = mask(form.bank_card)
    c.work_start, c.work_end, c.months_owed = form.work_start, form.work_end, form.months_owed
    c.amount_owed_fen, c.workers_affected = form.amount_owed_fen, form.workers_affected
    c.state, c.extended = CaseState.RECEIVED.value, False
    return c


def _store(
    session: Session,
    c: Complaint,
    photos: list[PhotoIn],
    settings: Settings,
    now: datetime,
    protector: Protector,
) -> Complaint:
    calendar = load_calendar(session)
    c.received_at = now
    c.received_date = china_today(now)
    c.accept_due = calendar.add_working_days(c.received_date, settings.complaint_accept_working_days)
    session.add(c)
    session.flush()
    for photo in photos:
        digest = hashlib.sha256(photo.data).hexdigest()
        session.add(
            ComplaintPhoto(
                complaint_id=c.id,
                content_type=_content_type(photo.data),
                size_bytes=len(photo.data),
                sha256=digest,
                data_enc=protector.encrypt_bytes(photo.data),
            )
        )
    event = {"complaint_id": c.id, "at": now, "actor": "worker", "action": "submit", "to_state": c.state}
    session.execute(_ADD_EVENT, event)
    for hook in list(_HOOKS):
        hook(session, c)
    for item in complaint_feed_items(session, [c.id]):
        live.note_event(session, {"type": "feed", "item": item})
    return c


@contextmanager
def _bounded_write(db: Database) -> Iterator[Session]:
    """A write transaction that waits at most ``WRITE_WAIT_MS`` for the locks it needs, else ``Busy`` with
    nothing stored: on SQLite the database's one write lock, taken first (``BEGIN IMMEDIATE``, so no later
    statement waits); on PostgreSQL every row and table lock (``lock_timeout``). An import holding the lock
    for minutes then costs a worker a clear "try again", never a 30-second wait and a server error."""
    try:
        with db.transaction() as session:
            if db.is_sqlite:
                raw = session.connection().connection.dbapi_connection
                assert raw is not None
                busy = int(raw.execute("PRAGMA busy_timeout").fetchone()[0])
                raw.execute(f"PRAGMA busy_timeout = {WRITE_WAIT_MS}")
                try:
                    session.connection().exec_driver_sql("BEGIN IMMEDIATE")
                finally:  # the lock is ours (or not): this pooled connection's later waits as before
                    raw.execute(f"PRAGMA busy_timeout = {busy}")
            else:
                session.execute(text(f"SET LOCAL lock_timeout = '{WRITE_WAIT_MS}ms'"))
            yield session
    except OperationalError as exc:  # locked past the wait (or the database does not answer): rolled back
        raise Busy(f"database busy: {str(exc).splitlines()[0][:120]}", retry_after_s=RETRY_AFTER_S) from exc


def check_accepting(*, db: Database) -> None:
    """Raise ``Busy`` unless a complaint could be written now (within ``WRITE_WAIT_MS``). Asked before the
    form's rate limits are counted, which also write on SQLite without Redis: while an import holds the
    write lock a worker is told at once to try again instead of waiting behind it."""
    if db.is_sqlite:
        with _bounded_write(db):
            pass


def submit_complaint(
    *,
    db: Database,
    protector: Protector,
    settings: Settings,
    form: ComplaintIn,
    photos: list[PhotoIn],
    idem_token: str,
    project_code: str | None = None,
    source: str = "web",
    now: datetime | None = None,
    counters: CounterStore | None = None,
    intake: ComplaintIntake | None = None,
    client_key: str = "",
) -> Receipt:
    """File a complaint once: a resend with the same form token returns the first receipt (and is not
    counted against the phone's limit). ``counters`` defaults to the database's counter store.

    When the write cannot be made within ``WRITE_WAIT_MS`` (another writer holds the lock) the complaint goes
    into ``intake`` (durable, sealed; ``drain_complaints`` files it later under the same tracking code) and
    the receipt says ``queued``; without an intake, or when the intake cannot take it either, ``Busy``
    (nothing stored; the same form may be sent again). ``client_key`` (an HMAC of the client address) lets
    the intake count the address's complaints while they wait."""
    if not TOKEN_RE.match(idem_token):
        raise ValidationFailed(
            "bad form token",
            [
                Problem(
                    "idem", "token", "表单已失效，请刷新页面", "The form has expired; please reload the page"
                )
            ],
        )
    if problems := photo_problems(photos, settings):
        raise ValidationFailed("photos refused", problems)
    now = now or utcnow()
    phone_bidx = protector.blind_index(form.phone)
    with db.sessions() as session:
        if (done := _existing(session, idem_token, phone_bidx)) is not None:
            return done
    if intake is not None and (waiting := _waiting(intake, idem_token, phone_bidx)) is not None:
        return waiting
    counters = counters or DatabaseCounterStore(db)
    counted = False
    try:
        if isinstance(counters, DatabaseCounterStore):  # counting writes too: Busy at once, not after 30 s
            check_accepting(db=db)
        try:
            _check_phone_rate(counters, idem_token, phone_bidx, settings, now)
        except OperationalError as exc:  # the database's counters behind a lock taken since the check
            raise Busy("counters busy", retry_after_s=RETRY_AFTER_S) from exc
        counted = True
        return _file(db, protector, settings, form, photos, idem_token, project_code, source, now)
    except Busy:
        if intake is None:
            raise
    queued = _Queued(form, photos, idem_token, project_code, source, now, phone_bidx, client_key)
    return _accept_into_intake(db, protector, settings, counters, intake, queued, counted=counted)


def _file(
    db: Database,
    protector: Protector,
    settings: Settings,
    form: ComplaintIn,
    photos: list[PhotoIn],
    idem_token: str,
    project_code: str | None,
    source: str,
    now: datetime,
    tracking_code: str | None = None,
) -> Receipt:
    """Store the complaint in one bounded write (``Busy`` past ``WRITE_WAIT_MS``)."""
    phone_bidx = protector.blind_index(form.phone)
    for _attempt in range(3):
        try:
            with _write_lock(db), _bounded_write(db) as session:
                if (done := _existing(session, idem_token, phone_bidx)) is not None:
                    return done
                project_id, region_code = _route(session, project_code, form.region_code)
                c = _build(form, protector, idem_token=idem_token, source=source)
                if tracking_code is not None:
                    c.tracking_code = tracking_code
                c.project_id, c.region_code = project_id, region_code
                c = _store(session, c, photos, settings, now, protector)
                receipt = Receipt(c.tracking_code, True, c.id)
            return receipt
        except IntegrityError:
            continue  # a concurrent resend won, or (rarely) a tracking-code collision: look again
    raise Conflict("could not store the complaint", message_zh="提交失败，请稍后重试")


@dataclass(frozen=True)
class _Queued:
    form: ComplaintIn
    photos: list[PhotoIn]
    idem_token: str
    project_code: str | None
    source: str
    received_at: datetime
    phone_bidx: str
    client_key: str


def _waiting(intake: ComplaintIntake, idem_token: str, phone_bidx: str) -> Receipt | None:
    """The receipt of this form's complaint while it waits in the intake (a resend)."""
    try:
        found = intake.find(idem_token)
    except Busy:  # unreadable now: file it directly (a drain finds it filed by its form token)
        return None
    if found is None:
        return None
    if not hmac.compare_digest(found[1], phone_bidx):
        raise Conflict("form token already used", message_zh="表单已提交过，请重新打开投诉页面")
    return Receipt(found[0], False, 0, queued=True)


def _seal(protector: Protector, q: _Queued) -> bytes:
    f = q.form
    body = {
        "form": {
            **{k: getattr(f, k) for k in _TEXT_FIELDS},
            "work_start": f.work_start.isoformat(),
            "work_end": f.work_end.isoformat() if f.work_end else None,
            "months_owed": f.months_owed,
            "amount_owed_fen": f.amount_owed_fen,
            "workers_affected": f.workers_affected,
        },
        "photos": [[p.filename, p.content_type, base64.b64encode(p.data).decode()] for p in q.photos],
        "project_code": q.project_code,
        "source": q.source,
    }
    return protector.encrypt_bytes(json.dumps(body, ensure_ascii=False).encode())


_TEXT_FIELDS = ("name", "id_number", "phone", "bank_card", "employer", "description", "region_code")


def _unseal(protector: Protector, sealed: bytes) -> tuple[ComplaintIn, list[PhotoIn], str | None, str]:
    body = json.loads(protector.decrypt_bytes(sealed))
    f = body["form"]
    form = ComplaintIn(
        **{k: f[k] for k in _TEXT_FIELDS},
        work_start=date.fromisoformat(f["work_start"]),
        work_end=date.fromisoformat(f["work_end"]) if f["work_end"] else None,
        months_owed=int(f["months_owed"]),
        amount_owed_fen=int(f["amount_owed_fen"]),
        workers_affected=int(f["workers_affected"]),
    )
    photos = [PhotoIn(name, ctype, base64.b64decode(data)) for name, ctype, data in body["photos"]]
    return form, photos, body["project_code"], str(body["source"])


def _accept_into_intake(
    db: Database,
    protector: Protector,
    settings: Settings,
    counters: CounterStore,
    intake: ComplaintIntake,
    q: _Queued,
    *,
    counted: bool,
) -> Receipt:
    """Check what can be checked with reads (the project or county; the phone's limit from the counters as
    they stand plus what waits in the intake), then write the complaint durably into the intake."""
    with db.sessions() as session:
        _route(session, q.project_code, q.form.region_code)
    if not counted:
        day_ago = q.received_at - timedelta(days=1)
        seen = counters.peek(f"complaint-phone:{q.phone_bidx[:64]}", now=q.received_at)
        waiting = intake.count_since(since=day_ago, phone_bidx=q.phone_bidx)
        if (seen.count if seen else 0) + waiting >= settings.complaint_rate_per_phone_per_day:
            raise _too_many_from_phone()
    code = intake.accept(
        received_at=q.received_at,
        tracking_code=new_tracking_code(),
        idem_token=q.idem_token,
        phone_bidx=q.phone_bidx,
        client_key=q.client_key,
        sealed=_seal(protector, q),
    )
    return Receipt(code, True, 0, queued=True)


@dataclass
class ComplaintDrain:
    """One drain: complaints filed, entries kept aside (failed this time)."""

    filed: int = 0
    failed: int = 0


def drain_complaints(
    *,
    db: Database,
    protector: Protector,
    settings: Settings,
    intake: ComplaintIntake,
    counters: CounterStore | None = None,
    batch: int = 100,
) -> ComplaintDrain:
    """File every complaint waiting in the intake, oldest first, each under the tracking code its worker was
    given and at the time it arrived; a form already filed (a crash between filing and deleting) is only
    deleted. Each is counted against its phone's limit once filed. Raises ``Busy`` while the database stays
    locked (the entries stay for the next drain); an entry that cannot be filed is kept aside."""
    report = ComplaintDrain()
    counters = counters or DatabaseCounterStore(db)
    failed: set[int] = set()
    while entries := [e for e in intake.take(batch + len(failed)) if e.id not in failed]:
        for entry in entries:
            try:
                form, photos, project_code, source = _unseal(protector, entry.sealed)
            except Exception as exc:  # not sealed with this key, or damaged: no later attempt can help
                log.error("complaint intake entry %d cannot be unsealed: %s", entry.id, type(exc).__name__)
                intake.fail(entry.id, f"unreadable entry: {type(exc).__name__}", permanent=True)
                failed.add(entry.id)
                report.failed += 1
                continue
            try:
                with _write_lock(db), db.transaction() as session:
                    _write_first(session)
                    if _existing(session, entry.idem_token, entry.phone_bidx) is None:
                        project_id, region_code = _route(session, project_code, form.region_code)
                        c = _build(form, protector, idem_token=entry.idem_token, source=source)
                        c.tracking_code = entry.tracking_code
                        c.project_id, c.region_code = project_id, region_code
                        _store(session, c, photos, settings, entry.received_at, protector)
            except OperationalError as exc:
                raise Busy("database busy", retry_after_s=RETRY_AFTER_S) from exc
            except Exception as exc:  # kept aside with its reason: the worker holds a receipt, never drop
                log.exception("complaint intake entry %d not filed", entry.id)
                permanent = isinstance(exc, NotFound | ValidationFailed)
                intake.fail(entry.id, f"{type(exc).__name__}: {exc}", permanent=permanent)
                failed.add(entry.id)
                report.failed += 1
                continue
            intake.done(entry.id)
            report.filed += 1
            with suppress(Exception):  # best effort: the limit also counted it while it waited
                _check_phone_rate(counters, entry.idem_token, entry.phone_bidx, settings, entry.received_at)
    return report


def _write_first(session: Session) -> None:
    """On SQLite take the write lock before reading, so a drain queues for it (up to ``busy_timeout``)."""
    if session.get_bind().dialect.name == "sqlite":
        session.connection().exec_driver_sql("BEGIN IMMEDIATE")


def encrypt_legacy_complaints(*, db: Database, protector: Protector, batch: int = 500) -> tuple[int, int]:
    """Encrypt descriptions and photos stored in clear before migration 0005b and empty the clear columns;
    idempotent. Returns (complaints, photos) moved."""
    complaints = photos = 0
    while True:
        with db.transaction() as session:
            rows = session.execute(
                select(Complaint.id, Complaint.legacy_description)
                .where(Complaint.description_enc.is_(None))
                .limit(batch)
            ).all()
            for row_id, clear in rows:
                values = {
                    Complaint.description_enc: protector.encrypt_text(clear or ""),
                    Complaint.legacy_description: "",
                }
                session.execute(update(Complaint).where(Complaint.id == row_id).values(values))
        complaints += len(rows)
        if len(rows) < batch:
            break
    while True:
        with db.transaction() as session:
            found = session.execute(
                select(ComplaintPhoto.id, ComplaintPhoto.legacy_data)
                .where(ComplaintPhoto.data_enc.is_(None))
                .limit(batch)
            ).all()
            for row_id, data in found:
                moved = {
                    ComplaintPhoto.data_enc: protector.encrypt_bytes(data or b""),
                    ComplaintPhoto.legacy_data: b"",
                }
                session.execute(update(ComplaintPhoto).where(ComplaintPhoto.id == row_id).values(moved))
        photos += len(found)
        if len(found) < batch:
            break
    return complaints, photos


def set_calendar_day(*, session: Session, day: date, is_working: bool, note: str | None = None) -> None:
    """Record (or replace) the working / rest status of one day."""
    row = session.get(CalendarOverride, day)
    if row is None:
        session.add(CalendarOverride(day=day, is_working=is_working, note=note))
    else:
        row.is_working, row.note = is_working, note
