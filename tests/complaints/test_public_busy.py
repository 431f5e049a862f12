"""A complaint sent while another connection holds the lock its write needs (an import committing on
SQLite; a table lock on PostgreSQL) is taken into the durable complaint intake: the worker gets their
tracking code once it is on disk (sealed), and it is filed under that code once the lock is free. Only when
the intake cannot take it either is the worker told "busy, try again" (503, Retry-After), the form kept as
typed and nothing stored; sending the same form again files it once."""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from tests.complaints.conftest import FormClient, SiteProject, token, tracking_code, valid_form
from tests.locks import WAIT_S, answered, lock_held

from wageguard.complaints.drainer import ComplaintDrainer
from wageguard.complaints.intake import ComplaintIntake
from wageguard.complaints.models import Complaint, ComplaintEvent, ComplaintPhoto
from wageguard.complaints.schemas import parse_complaint_form
from wageguard.complaints.service import drain_complaints, submit_complaint
from wageguard.db import Database
from wageguard.errors import Busy, ValidationFailed
from wageguard.web.public import complaint_intake_of

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def complaint_writes_locked(db: Database) -> AbstractContextManager[None]:
    """SQLite: another connection holds the write lock (``BEGIN IMMEDIATE``, as an import does until it
    commits). PostgreSQL: another transaction holds ``complaints`` in ``EXCLUSIVE`` mode (reads pass,
    writes wait), as a long writer of those rows would."""
    return lock_held(db, "LOCK TABLE complaints IN EXCLUSIVE MODE")


def stored(db: Database) -> tuple[int, int, int]:
    with db.sessions() as s:
        return tuple(  # type: ignore[return-value]
            int(s.scalar(select(func.count()).select_from(m)) or 0)
            for m in (Complaint, ComplaintPhoto, ComplaintEvent)
        )


def _intake_bytes(app: Any) -> bytes:
    path = complaint_intake_of(app).path
    return b"".join(p.read_bytes() for p in (path, path.with_name(path.name + "-wal")) if p.exists())


def test_a_complaint_sent_during_a_held_lock_gets_its_receipt_once_durable_and_is_filed_after(
    client: TestClient, app: Any, form_client: FormClient, site: SiteProject, db: Database, protector: Any,
    settings: Any,
) -> None:  # fmt: skip
    path = f"/c/{site.code}"
    tokens = form_client.open(path)
    form = valid_form(name="赵铁柱", phone="13987654321")
    photos = [("slip.png", PNG, "image/png")]
    with complaint_writes_locked(db):
        sent = answered(lambda: form_client.submit(path, form, tokens=tokens, photos=photos))
        assert sent.status_code == 200, sent.text[:500]
        code = tracking_code(sent.text)
        # Durable before the receipt: a fresh reader of the intake file sees it; the database has nothing.
        assert ComplaintIntake(complaint_intake_of(app).path).pending() == 1
        assert stored(db) == (0, 0, 0)
        health = answered(lambda: client.get("/healthz")).json()
        assert health["status"] == "ok" and health["complaints"] == {"pending": 1, "stuck": 0}
        # Sealed at rest: nothing the worker typed is in the file in clear.
        raw = _intake_bytes(app)
        for clear in ("赵铁柱".encode(), b"13987654321", form["id_number"].encode(), PNG):
            assert clear not in raw
        # A resend (the worker pressed again) is the same complaint.
        again = answered(lambda: form_client.submit(path, form, tokens=tokens, photos=photos))
        assert tracking_code(again.text) == code
        assert ComplaintIntake(complaint_intake_of(app).path).pending() == 1

    csrf = client.get("/c/status").text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    status = client.post("/c/status", data={"csrf": csrf, "code": code, "phone": "13987654321"})
    assert status.status_code == 200 and code in status.text  # received, still waiting to be filed
    report = drain_complaints(db=db, protector=protector, settings=settings, intake=complaint_intake_of(app))
    assert (report.filed, report.failed) == (1, 0)
    assert stored(db) == (1, 1, 1)
    with db.sessions() as s:
        assert s.scalar(select(Complaint.tracking_code)) == code
    assert complaint_intake_of(app).pending() == 0
    assert tracking_code(form_client.submit(path, form, tokens=tokens, photos=photos).text) == code
    assert stored(db) == (1, 1, 1)


def test_when_the_intake_cannot_take_it_either_the_worker_is_told_busy(
    client: TestClient, app: Any, form_client: FormClient, site: SiteProject, db: Database, tmp_path: Any
) -> None:
    app.state.complaint_intake = ComplaintIntake(tmp_path)  # a folder: the intake file cannot be opened
    path = f"/c/{site.code}"
    tokens = form_client.open(path)
    form = valid_form(name="赵铁柱")
    photos = [("slip.png", PNG, "image/png")]
    with complaint_writes_locked(db):
        busy = answered(lambda: form_client.submit(path, form, tokens=tokens, photos=photos))
        assert busy.status_code == 503, busy.text[:500]
        assert busy.headers["Retry-After"] == "30"
        assert "系统繁忙，请稍后再试" in busy.text and "投诉尚未提交" in busy.text
        assert "照片需重新选择" in busy.text
        assert 'value="赵铁柱"' in busy.text and f'name="idem" value="{tokens[1]}"' in busy.text
        english = answered(lambda: client.post(f"{path}?lang=en", data={**form, **_fields(tokens)}))
        assert english.status_code == 503 and "Busy, try again" in english.text
        assert stored(db) == (0, 0, 0)
    sent = form_client.submit(path, form, tokens=tokens, photos=photos)
    assert sent.status_code == 200, sent.text[:500]
    assert tracking_code(form_client.submit(path, form, tokens=tokens, photos=photos).text) == tracking_code(
        sent.text
    )
    assert stored(db) == (1, 1, 1)


def _fields(tokens: tuple[str, str]) -> dict[str, str]:
    return {"csrf": tokens[0], "idem": tokens[1]}


def test_a_status_look_up_during_a_held_write_lock_is_told_busy_only_if_it_must_write(
    client: TestClient, site: SiteProject, db: Database, settings: Any
) -> None:
    page = client.get("/c/status")
    csrf = page.text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    look_up = {"csrf": csrf, "code": "TS23456789AB", "phone": "13912345678"}
    with complaint_writes_locked(db):
        r = answered(lambda: client.post("/c/status", data=look_up))
    if db.is_sqlite and not settings.redis_url:  # the look-up is counted (a write) in the database
        assert r.status_code == 503, r.text[:300]
        assert "系统繁忙，请稍后再试" in r.text and r.headers["Retry-After"] == "30"
    else:  # counted in Redis, or PostgreSQL (the lock holds writes to complaints only): a look-up reads
        assert r.status_code == 404, r.text[:300]


def test_the_service_says_busy_within_its_bound_and_a_filed_form_still_gets_its_receipt(
    db: Database, protector: Any, settings: Any, site: SiteProject
) -> None:
    form, problems = parse_complaint_form(valid_form(), today=date(2026, 9, 29), need_region=False)
    assert form is not None, problems
    filed_token, new_token = token(), token()

    def submit(idem: str) -> Any:
        return submit_complaint(
            db=db, protector=protector, settings=settings, form=form, photos=[], idem_token=idem,
            project_code=site.code,
        )  # fmt: skip

    first = submit(filed_token)
    with complaint_writes_locked(db):
        assert answered(lambda: submit(filed_token)) == replace(first, created=False)  # a read: answered
        try:
            answered(lambda: submit(new_token))
        except Busy as busy:
            assert busy.retry_after_s == 30 and busy.message_zh == "系统繁忙，请稍后再试"
        else:
            raise AssertionError("a new complaint was stored while the lock was held")
        assert stored(db) == (1, 0, 1)
    assert submit(new_token).created
    assert stored(db) == (2, 0, 2)


def test_the_service_queues_into_the_intake_and_the_drainer_files_it(
    db: Database, protector: Any, settings: Any, site: SiteProject, tmp_path: Any
) -> None:
    form, problems = parse_complaint_form(valid_form(), today=date(2026, 9, 29), need_region=False)
    assert form is not None, problems
    intake = ComplaintIntake(tmp_path / "intake" / "complaints.db")

    def submit(idem: str) -> Any:
        return submit_complaint(
            db=db, protector=protector, settings=settings, form=form, photos=[], idem_token=idem,
            project_code=site.code, intake=intake,
        )  # fmt: skip

    drainer = ComplaintDrainer(db=db, protector=protector, settings=settings, intake=intake, idle_s=600)
    tokens = [token() for _ in range(4)]
    with complaint_writes_locked(db):
        receipts = [answered(lambda idem=idem: submit(idem)) for idem in tokens[:3]]
        assert all(r.queued and r.created for r in receipts)
        # The phone's daily limit (3) holds while they wait: counted from the intake.
        try:
            answered(lambda: submit(tokens[3]))
        except ValidationFailed as exc:
            assert exc.problems[0].field == "phone"
        else:
            raise AssertionError("a fourth complaint from one phone was queued")
        assert intake.pending() == 3 and stored(db) == (0, 0, 0)
        drainer.start()  # it tries while the lock is held, and keeps the entries
    try:
        intake.arrived.set()  # the lock is free: wake it (as a new complaint would)
        assert drainer.wait_idle(WAIT_S)
    finally:
        drainer.stop()
    assert stored(db) == (3, 0, 3) and intake.pending() == 0
    with db.sessions() as s:
        assert sorted(s.scalars(select(Complaint.tracking_code))) == sorted(r.tracking_code for r in receipts)
    assert submit(tokens[0]) == replace(
        receipts[0], created=False, queued=False, complaint_id=submit(tokens[0]).complaint_id
    )


def test_an_entry_that_cannot_be_filed_is_kept_aside_and_the_rest_are_filed(
    db: Database, protector: Any, settings: Any, site: SiteProject, tmp_path: Any
) -> None:
    form, problems = parse_complaint_form(valid_form(), today=date(2026, 9, 29), need_region=False)
    assert form is not None, problems
    intake = ComplaintIntake(tmp_path / "complaints.db")
    at = datetime(2026, 9, 29, 2, 0)
    intake.accept(
        received_at=at, tracking_code="TS2222222222", idem_token=token(), phone_bidx="x", client_key="y",
        sealed=b"not sealed with this key",
    )  # fmt: skip

    def submit() -> Any:
        return submit_complaint(
            db=db, protector=protector, settings=settings, form=form, photos=[], idem_token=token(),
            project_code=site.code, intake=intake,
        )  # fmt: skip

    with complaint_writes_locked(db):
        queued = answered(submit)
    report = drain_complaints(db=db, protector=protector, settings=settings, intake=intake)
    assert (report.filed, report.failed) == (1, 1)
    assert (intake.pending(), intake.stuck()) == (0, 1)  # kept, with its error, for an operator
    with db.sessions() as s:
        assert list(s.scalars(select(Complaint.tracking_code))) == [queued.tracking_code]
