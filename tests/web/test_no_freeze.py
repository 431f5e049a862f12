"""No freeze: no async route does database work on the event loop, so a request waiting for a lock (an
import committing on SQLite, a row lock on PostgreSQL) never stops the others: while a case action waits,
``/healthz``, the public complaint page and a gate punch answer.

The guard listens on the engine: a connection checked out, or a statement run, on the thread that runs the
event loop is a violation. Every async route of the app is driven through it (a new async route fails
``test_every_async_route_is_driven_through_the_guard`` until it is added here).
"""

from __future__ import annotations

import asyncio
import inspect
import json
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import date, datetime
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import event, select
from tests.attendance.conftest import HIK_SN, KEY, ZK_SN, Site, build_site
from tests.complaints.conftest import FormClient, token, valid_form
from tests.locks import WAIT_S, answered, lock_held

from wageguard.attendance.emulator import hik_event
from wageguard.complaints.models import Complaint
from wageguard.complaints.schemas import parse_complaint_form
from wageguard.complaints.service import Receipt, submit_complaint
from wageguard.config import Settings
from wageguard.db import Database
from wageguard.registry.choices import Role
from wageguard.security.crypto import Protector

ZK = {"SN": ZK_SN, "key": KEY}
ATTLOG = "1001\t2026-10-08 07:00:00\t0\t15\n"


def _on_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


@contextmanager
def loop_guard(db: Database) -> Iterator[list[str]]:
    """Record every checkout and statement made on an event-loop thread while the block runs."""
    seen: list[str] = []

    def checkout(*_args: Any) -> None:
        if _on_loop():
            seen.append("connection checkout")

    def statement(_conn: Any, _cursor: Any, sql: str, *_args: Any) -> None:
        if _on_loop():
            seen.append(sql.split("\n", 1)[0][:120])

    event.listen(db.engine, "checkout", checkout)
    event.listen(db.engine, "before_cursor_execute", statement)
    try:
        yield seen
    finally:
        event.remove(db.engine, "checkout", checkout)
        event.remove(db.engine, "before_cursor_execute", statement)


def _file_case(db: Database, protector: Protector, settings: Settings, project_code: str) -> Receipt:
    form, problems = parse_complaint_form(valid_form(), today=date(2026, 9, 29), need_region=False)
    assert form is not None, problems
    return submit_complaint(
        db=db,
        protector=protector,
        settings=settings,
        form=form,
        photos=[],
        idem_token=token(),
        project_code=project_code,
        now=datetime(2026, 9, 29, 2, 0),
    )


def _csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, html[:500]
    return found.group(1)


@pytest.fixture
def site(db: Database, protector: Protector) -> Site:
    return build_site(db, protector)


@pytest.fixture
def inspector(make_user: Callable[..., Any], login: Callable[[str], dict[str, str]]) -> dict[str, str]:
    make_user("bj", Role.INSPECTOR, region_code="520602")
    return login("bj")


def _drive_every_async_route(
    client: TestClient,
    site: Site,
    case_id: int,
    inspector: dict[str, str],
    admin: dict[str, str],
) -> set[tuple[str, str]]:
    """One request (or two, for the branches that read again) to every async route; returns what it drove."""
    driven: set[tuple[str, str]] = set()

    def hit(method: str, route: str, status: int | tuple[int, ...], url: str, **kw: Any) -> Any:
        r = client.request(method, url, **kw)
        wanted = status if isinstance(status, tuple) else (status,)
        assert r.status_code in wanted, (method, url, r.status_code, r.text[:300])
        driven.add((method, route))
        return r

    forms = FormClient(client)
    hit("GET", "/healthz", 200, "/healthz")
    # The public complaint form: a receipt, a refused form (re-rendered), a status look-up.
    path = f"/c/{site.project_code}"
    csrf, idem = forms.open(path)
    hit("POST", "/c/{project_code}", 200, path, data={**valid_form(), "csrf": csrf, "idem": idem})
    csrf, idem = forms.open(path)
    bad = {**valid_form(phone="12"), "csrf": csrf, "idem": idem}
    hit("POST", "/c/{project_code}", 422, path, data=bad)
    csrf, idem = forms.open("/c/")
    blank = {**valid_form(region_code="520602"), "csrf": csrf, "idem": idem}
    hit("POST", "/c/", 200, "/c/", data=blank)
    status_csrf = _csrf_of(client.get("/c/status").text)
    hit("POST", "/c/status", 404, "/c/status", data={"csrf": status_csrf, "code": "TS0", "phone": "1"})
    # A case action that is refused (the detail page is read again) and one that is applied.
    case_csrf = _csrf_of(client.get(f"/cases/{case_id}", headers=inspector).text)
    act = f"/cases/{case_id}/act"
    refused = {"csrf": case_csrf, "action": "not_accept"}
    hit("POST", "/cases/{case_id}/act", 422, act, data=refused, headers=inspector)
    accept = {"csrf": case_csrf, "action": "accept"}
    hit("POST", "/cases/{case_id}/act", 303, act, data=accept, headers=inspector, follow_redirects=False)
    # An import through the API (a JSON body).
    hit(
        "POST",
        "/api/v1/imports/{object_name}",
        (200, 422),
        "/api/v1/imports/Corp",
        content=b"[]",
        headers={**admin, "Content-Type": "application/json"},
    )
    # Every gate call.
    hit("GET", "/iclock/cdata", 200, "/iclock/cdata", params={**ZK, "options": "all"})
    hit("POST", "/iclock/cdata", 200, "/iclock/cdata", params={**ZK, "table": "ATTLOG"}, content=ATTLOG)
    hit("POST", "/iclock/registry", 200, "/iclock/registry", params=ZK, content=b"DeviceType=att")
    hit("GET", "/iclock/push", 200, "/iclock/push", params=ZK)
    hit("GET", "/iclock/getrequest", 200, "/iclock/getrequest", params=ZK)
    hit("POST", "/iclock/devicecmd", 200, "/iclock/devicecmd", params=ZK, content=b"ID=1&Return=0&CMD=INFO")
    hit("GET", "/iclock/ping", 200, "/iclock/ping", params=ZK)
    hik = hik_event(at=datetime(2026, 10, 8, 7, 40), employee="1001", serial_no=1)
    files = {"event_log": (None, json.dumps(hik))}
    hit("POST", "/isapi/event", 200, "/isapi/event", params={"SN": HIK_SN, "key": KEY}, files=files)
    # the command screen's live stream: its scope is read in the thread pool; the stream never reads
    app = client.app
    app.state.settings = app.state.settings.model_copy(update={"screen_live_seconds": 0})  # type: ignore[attr-defined]
    live = hit("GET", "/api/v1/screen/live", 200, "/api/v1/screen/live", headers=inspector)
    assert live.text.startswith("retry: 3000"), live.text[:100]
    return driven


def _async_routes(app: Any) -> set[tuple[str, str]]:
    return {
        (method, route.path)
        for route in app.routes
        if isinstance(route, APIRoute) and inspect.iscoroutinefunction(route.endpoint)
        for method in route.methods
    }


def test_no_async_route_does_database_work_on_the_event_loop(
    client: TestClient,
    app: Any,
    db: Database,
    protector: Protector,
    settings: Settings,
    site: Site,
    inspector: dict[str, str],
    make_user: Callable[..., Any],
    login: Callable[[str], dict[str, str]],
) -> None:
    receipt = _file_case(db, protector, settings, site.project_code)
    make_user("root", Role.ADMIN)
    admin = login("root")
    with loop_guard(db) as on_loop:
        driven = _drive_every_async_route(client, site, receipt.complaint_id, inspector, admin)
    assert on_loop == [], f"database work on the event loop: {on_loop}"
    assert _async_routes(app) <= driven, f"async routes not driven: {_async_routes(app) - driven}"


def case_row_locked(db: Database, case_id: int) -> AbstractContextManager[None]:
    """Another connection holding what a case action needs: SQLite's write lock (``BEGIN IMMEDIATE``, as an
    import does until it commits); on PostgreSQL the case's row (``SELECT … FOR UPDATE``)."""
    return lock_held(db, "SELECT id FROM complaints WHERE id = :id FOR UPDATE", {"id": case_id})


@contextmanager
def waits_for_lock(db: Database) -> Iterator[threading.Event]:
    """Set once a request issues the statement that waits for the held lock (its first write on SQLite, the
    row lock on PostgreSQL)."""
    reached = threading.Event()

    def statement(_conn: Any, _cursor: Any, sql: str, *_args: Any) -> None:
        head = sql.lstrip().upper()
        if head.startswith(("UPDATE COMPLAINTS", "INSERT INTO COMPLAINT_EVENTS")) or "FOR UPDATE" in head:
            reached.set()

    event.listen(db.engine, "before_cursor_execute", statement)
    try:
        yield reached
    finally:
        event.remove(db.engine, "before_cursor_execute", statement)


def test_a_request_waiting_for_a_lock_does_not_stop_the_others(
    client: TestClient,
    db: Database,
    protector: Protector,
    settings: Settings,
    site: Site,
    inspector: dict[str, str],
) -> None:
    receipt = _file_case(db, protector, settings, site.project_code)
    case_csrf = _csrf_of(client.get(f"/cases/{receipt.complaint_id}", headers=inspector).text)
    acted: dict[str, Any] = {}
    finished = threading.Event()

    def act() -> None:
        try:
            acted["response"] = client.post(
                f"/cases/{receipt.complaint_id}/act",
                data={"csrf": case_csrf, "action": "accept"},
                headers=inspector,
                follow_redirects=False,
            )
        finally:
            finished.set()

    with case_row_locked(db, receipt.complaint_id), waits_for_lock(db) as reached:
        threading.Thread(target=act, daemon=True).start()
        assert reached.wait(WAIT_S), "the case action never reached the lock"
        assert not finished.is_set()
        # While the action waits for the lock, the server answers everything else.
        health = answered(lambda: client.get("/healthz"))
        assert health.status_code == 200 and health.json()["status"] == "ok"
        assert answered(lambda: client.get(f"/c/{site.project_code}")).status_code == 200
        params = {**ZK, "table": "ATTLOG"}
        punch = answered(lambda: client.post("/iclock/cdata", params=params, content=ATTLOG))
        assert (punch.status_code, punch.text) == (200, "OK: 1")
        assert not finished.is_set()  # still waiting: the lock is held
    assert finished.wait(WAIT_S), "the case action did not finish once the lock was released"
    assert acted["response"].status_code == 303, acted["response"].text[:300]
    with db.sessions() as s:
        assert s.scalar(select(Complaint.state).where(Complaint.id == receipt.complaint_id)) == "accepted"
