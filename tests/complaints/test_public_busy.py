"""A complaint sent while another connection holds the lock its write needs (an import committing on
SQLite; a table lock on PostgreSQL) is answered at once with a clear "busy, try again" (503, Retry-After),
the form kept as typed; nothing of it is stored, and sending the same form again afterwards files it once."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select, text
from tests.complaints.conftest import FormClient, SiteProject, token, tracking_code, valid_form

from wageguard.complaints.models import Complaint, ComplaintEvent, ComplaintPhoto
from wageguard.complaints.schemas import parse_complaint_form
from wageguard.complaints.service import submit_complaint
from wageguard.db import Database
from wageguard.errors import Busy

WAIT_S = 20  # bound on every wait; before, a submission waited 30 s for SQLite's lock (PostgreSQL: for ever)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@contextmanager
def complaint_writes_locked(db: Database) -> Iterator[None]:
    """SQLite: another connection holds the write lock (``BEGIN IMMEDIATE``, as an import does until it
    commits). PostgreSQL: another transaction holds ``complaints`` in ``EXCLUSIVE`` mode (reads pass,
    writes wait), as a long writer of those rows would."""
    if db.is_sqlite:
        holder = sqlite3.connect(db.engine.url.database or "", isolation_level=None, check_same_thread=False)
        holder.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        return
    with db.engine.connect() as conn:
        conn.execute(text("LOCK TABLE complaints IN EXCLUSIVE MODE"))
        try:
            yield
        finally:
            conn.rollback()


def answered(call: Callable[[], Any]) -> Any:
    out: dict[str, Any] = {}
    done = threading.Event()

    def run() -> None:
        try:
            out["response"] = call()
        except BaseException as exc:  # re-raised below
            out["error"] = exc
        finally:
            done.set()

    threading.Thread(target=run, daemon=True).start()
    assert done.wait(WAIT_S), "the submission did not answer while the lock was held"
    if "error" in out:
        raise out["error"]
    return out["response"]


def stored(db: Database) -> tuple[int, int, int]:
    with db.sessions() as s:
        return tuple(  # type: ignore[return-value]
            int(s.scalar(select(func.count()).select_from(m)) or 0)
            for m in (Complaint, ComplaintPhoto, ComplaintEvent)
        )


def test_a_complaint_sent_during_a_held_lock_is_told_busy_and_filed_once_when_sent_again(
    client: TestClient, form_client: FormClient, site: SiteProject, db: Database
) -> None:
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
        assert stored(db) == (0, 0, 0)
        english = answered(lambda: client.post(f"{path}?lang=en", data={**form, **_fields(tokens)}))
        assert english.status_code == 503 and "Busy, try again" in english.text
        assert english.headers["Retry-After"] == "30"
        assert stored(db) == (0, 0, 0)

    sent = form_client.submit(path, form, tokens=tokens, photos=photos)
    assert sent.status_code == 200, sent.text[:500]
    code = tracking_code(sent.text)
    again = form_client.submit(path, form, tokens=tokens, photos=photos)
    assert tracking_code(again.text) == code
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
