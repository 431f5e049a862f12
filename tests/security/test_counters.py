"""The shared counter store (Redis, or the database when no Redis is configured), and client addresses.

Findings on main: the complaint form's per-IP limit lived in one process's memory (a second worker or a
restart started from zero) and was bypassed with a made-up ``X-Forwarded-For``.

The Redis store is tested on ``WAGEGUARD_TEST_REDIS_URL`` (default ``redis://127.0.0.1:6379/15``); an
unreachable Redis fails these tests, it never skips them (``.ci/run`` starts one).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient
from sqlalchemy import text
from starlette.requests import Request
from tests.complaints.conftest import FormClient, valid_form
from tests.factories import make_region_project
from tests.live_server import running_server
from tests.security.clock import FakeClock

from wageguard.cli.main import app as cli_app
from wageguard.config import Settings
from wageguard.db import Database
from wageguard.security.counters import CounterStore, DatabaseCounterStore, RedisCounterStore
from wageguard.web.app import create_app
from wageguard.web.deps import client_address

REDIS_URL = os.environ.get("WAGEGUARD_TEST_REDIS_URL") or "redis://127.0.0.1:6379/15"


def _redis_store(prefix: str) -> RedisCounterStore:
    store = RedisCounterStore(REDIS_URL, prefix=prefix)
    try:
        store.ping()
    except Exception as exc:  # fail loudly: a skipped Redis test would hide a broken set-up
        pytest.fail(f"Redis is not reachable at {REDIS_URL} ({exc}); start it (see .ci/run)")
    return store


@pytest.fixture(params=["database", "redis"])
def store(request: pytest.FixtureRequest, db: Database) -> Iterator[CounterStore]:
    if request.param == "database":
        yield DatabaseCounterStore(db)
        return
    redis_store = _redis_store(f"wgtest:{uuid.uuid4().hex}:")
    yield redis_store
    redis_store.clear_prefix()


def test_hits_count_within_a_fixed_window_and_start_again_after_it(store: CounterStore) -> None:
    clock = FakeClock()
    first = store.hit("a", window=timedelta(minutes=10), now=clock())
    assert (first.count, first.expires_at) == (1, clock.now + timedelta(minutes=10))
    clock.advance(minutes=9, seconds=59)
    assert store.hit("a", window=timedelta(minutes=10), now=clock()).count == 2
    assert store.hit("b", window=timedelta(minutes=10), now=clock()).count == 1
    peeked = store.peek("a", now=clock())
    assert peeked is not None and peeked.count == 2
    clock.advance(seconds=1)
    assert store.peek("a", now=clock()) is None
    again = store.hit("a", window=timedelta(minutes=10), now=clock())
    assert (again.count, again.expires_at) == (1, clock.now + timedelta(minutes=10))


def test_a_hold_lasts_its_time_and_clear_removes_keys(store: CounterStore) -> None:
    clock = FakeClock()
    store.hold("lock", 7, duration=timedelta(seconds=90), now=clock())
    held = store.peek("lock", now=clock())
    assert held is not None and held.count == 7 and held.expires_at == clock.now + timedelta(seconds=90)
    store.hit("n", window=timedelta(minutes=1), now=clock())
    store.clear("lock", "n")
    assert store.peek("lock", now=clock()) is None and store.peek("n", now=clock()) is None
    store.hold("lock", 1, duration=timedelta(seconds=90), now=clock())
    clock.advance(seconds=90)
    assert store.peek("lock", now=clock()) is None


def test_concurrent_hits_are_all_counted(store: CounterStore) -> None:
    clock = FakeClock()
    with ThreadPoolExecutor(max_workers=8) as pool:
        counts = list(
            pool.map(lambda _i: store.hit("c", window=timedelta(hours=1), now=clock()).count, range(80))
        )
    assert sorted(counts) == list(range(1, 81))


def test_stores_with_different_prefixes_do_not_share_counts() -> None:
    a, b = _redis_store(f"wgtest:{uuid.uuid4().hex}:"), _redis_store(f"wgtest:{uuid.uuid4().hex}:")
    try:
        clock = FakeClock()
        a.hit("k", window=timedelta(minutes=1), now=clock())
        assert b.peek("k", now=clock()) is None
    finally:
        a.clear_prefix()
        b.clear_prefix()


def test_expired_database_counters_are_purged(db: Database) -> None:
    store, clock = DatabaseCounterStore(db), FakeClock()
    for i in range(5):
        store.hit(f"k{i}", window=timedelta(minutes=1), now=clock())
    clock.advance(minutes=2)
    store.hit("fresh", window=timedelta(minutes=1), now=clock())
    assert store.purge(now=clock()) == 5
    with db.sessions() as s:
        assert s.execute(text("SELECT key FROM counters")).scalars().all() == ["fresh"]


def test_the_app_uses_redis_when_configured_else_the_database(db: Database, settings: Settings) -> None:
    from wageguard.web.deps import counter_store_of

    local = settings.model_copy(update={"redis_url": ""})
    assert isinstance(counter_store_of(create_app(local, db=db)), DatabaseCounterStore)
    shared = settings.model_copy(
        update={"redis_url": REDIS_URL, "redis_key_prefix": f"wgtest:{uuid.uuid4().hex}:"}
    )
    assert isinstance(counter_store_of(create_app(shared, db=db)), RedisCounterStore)


# --- limits hold across workers and restarts -------------------------------------------------------------


def _site(db: Database) -> str:
    with db.transaction() as s:
        project, _gc = make_region_project(s, "520602")
        return project.project_code


def test_the_per_ip_complaint_limit_holds_across_workers_and_restarts(
    db: Database, settings: Settings
) -> None:
    settings.complaint_rate_per_ip_per_hour = 2
    code = _site(db)
    worker_a, worker_b = create_app(settings, db=db), create_app(settings, db=db)
    with TestClient(worker_a) as a, TestClient(worker_b) as b:
        assert FormClient(a).submit(f"/c/{code}", valid_form(phone="13912340001")).status_code == 200
        assert FormClient(b).submit(f"/c/{code}", valid_form(phone="13912340002")).status_code == 200
        assert FormClient(a).submit(f"/c/{code}", valid_form(phone="13912340003")).status_code == 429
    restarted = create_app(settings, db=db)
    with TestClient(restarted) as c:
        assert FormClient(c).submit(f"/c/{code}", valid_form(phone="13912340004")).status_code == 429


def test_a_login_lock_holds_across_workers(db: Database, settings: Settings, make_user: Any) -> None:
    settings.login_free_failures, settings.login_max_failures = 1, 3
    make_user("ops")
    clock = FakeClock()
    workers = [create_app(settings, db=db) for _ in range(3)]
    for app in workers:
        app.state.clock = clock
    for i, app in enumerate(workers):
        with TestClient(app) as c:
            r = c.post("/api/v1/auth/token", json={"username": "ops", "password": "bad"})
            assert r.status_code == 401, (i, r.text)
        clock.advance(seconds=30)
    with TestClient(workers[0]) as c:
        r = c.post("/api/v1/auth/token", json={"username": "ops", "password": "pw-ops"})
        assert r.status_code == 429 and int(r.headers["retry-after"]) > 60


# --- client addresses ----------------------------------------------------------------------------------


def _request(peer: str, forwarded: list[str] | None = None) -> Request:
    headers = [(b"x-forwarded-for", value.encode()) for value in forwarded or []]
    return Request({"type": "http", "method": "GET", "path": "/", "headers": headers, "client": (peer, 5000)})


def test_forwarded_for_is_believed_only_from_trusted_proxies() -> None:
    none = Settings(environment="test", trusted_proxies=[])
    lb = Settings(environment="test", trusted_proxies=["10.0.0.0/8", "192.0.2.1"])
    assert client_address(_request("203.0.113.9", ["1.2.3.4"]), none) == "203.0.113.9"
    assert client_address(_request("127.0.0.1", ["1.2.3.4"]), none) == "127.0.0.1"
    assert client_address(_request("203.0.113.9", ["1.2.3.4"]), lb) == "203.0.113.9"  # not a proxy of ours
    assert client_address(_request("10.1.2.3", ["198.51.100.5"]), lb) == "198.51.100.5"
    # a made-up entry to the left of what our proxies appended is ignored
    assert client_address(_request("10.1.2.3", ["6.6.6.6, 198.51.100.5, 10.9.9.9"]), lb) == "198.51.100.5"
    assert client_address(_request("192.0.2.1", ["6.6.6.6", "198.51.100.5"]), lb) == "198.51.100.5"
    assert client_address(_request("10.1.2.3", ["not-an-ip"]), lb) == "10.1.2.3"
    assert client_address(_request("10.1.2.3", []), lb) == "10.1.2.3"
    assert client_address(_request("10.1.2.3", ["2001:DB8::1"]), lb) == "2001:db8::1"


def test_trusted_proxies_are_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WAGEGUARD_TRUSTED_PROXIES", "10.0.0.0/8, 192.0.2.1")
    assert Settings(environment="test").trusted_proxies == ["10.0.0.0/8", "192.0.2.1"]
    monkeypatch.setenv("WAGEGUARD_TRUSTED_PROXIES", '["::1"]')
    assert Settings(environment="test").trusted_proxies == ["::1"]
    monkeypatch.setenv("WAGEGUARD_TRUSTED_PROXIES", "10.0.0.0/33")
    with pytest.raises(ValueError, match="trusted_proxies"):
        Settings(environment="test")


def test_behind_a_trusted_proxy_the_per_ip_limit_counts_the_real_client(
    db: Database, settings: Settings
) -> None:
    settings.complaint_rate_per_ip_per_hour = 2
    settings.trusted_proxies = ["10.0.0.2"]
    code = _site(db)
    app = create_app(settings, db=db)
    with TestClient(app, client=("10.0.0.2", 1234)) as proxied:
        form = FormClient(proxied)
        codes = []
        for i, forwarded in enumerate(["1.1.1.1", "9.9.9.9, 1.1.1.1", "2.2.2.2", "7.7.7.7, 1.1.1.1"]):
            proxied.headers["X-Forwarded-For"] = forwarded
            codes.append(form.submit(f"/c/{code}", valid_form(phone=f"1391234100{i}")).status_code)
    assert codes == [200, 200, 200, 429]


def test_wageguard_serve_ignores_a_made_up_forwarded_for(
    cli: Any, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The server as ``wageguard serve`` starts it: a client of its own machine sends X-Forwarded-For."""
    monkeypatch.setenv("WAGEGUARD_MONITOR_SCHEDULER_ENABLED", "false")
    monkeypatch.setenv("WAGEGUARD_COMPLAINT_RATE_PER_IP_PER_HOUR", "2")
    captured: dict[str, Any] = {}
    monkeypatch.setattr("wageguard.cli.serve.uvicorn.run", lambda app, **kw: captured.update(kw, app=app))
    result = cli.invoke(cli_app, ["serve", "--port", "8765"])  # uvicorn.run is captured, nothing binds
    assert result.exit_code == 0, result.output
    code = _site(db)
    served = captured.pop("app")
    config = uvicorn.Config(served, **{**captured, "log_level": "warning"})
    try:
        with running_server(config) as url, httpx.Client(base_url=url, timeout=10) as http:
            form = FormClient(http)  # type: ignore[arg-type]
            codes = []
            for i in range(3):
                http.headers["X-Forwarded-For"] = f"203.0.113.{i + 1}"
                codes.append(form.submit(f"/c/{code}", valid_form(phone=f"1391234200{i}")).status_code)
    finally:
        served.state.db.dispose()  # the app `serve` built has its own pool: close it, not the GC later
    assert codes == [200, 200, 429]


def test_the_per_phone_limit_counts_each_form_once_in_the_shared_store(
    db: Database, settings: Settings, protector: Any
) -> None:
    from datetime import date

    from wageguard.complaints.schemas import parse_complaint_form
    from wageguard.complaints.service import submit_complaint
    from wageguard.errors import ValidationFailed
    from wageguard.web.deps import counter_store_of

    settings.complaint_rate_per_phone_per_day = 2
    code = _site(db)
    form, problems = parse_complaint_form(valid_form(), today=date(2026, 9, 29), need_region=False)
    assert form is not None, problems
    counters = counter_store_of(create_app(settings, db=db))  # what the web app counts in (Redis or DB)

    def submit(token: str) -> Any:
        return submit_complaint(
            db=db,
            protector=protector,
            settings=settings,
            form=form,
            photos=[],
            idem_token=token,
            project_code=code,
            counters=counters,
        )

    first = submit("a" * 32)
    assert submit("a" * 32) == first.__class__(first.tracking_code, False, first.complaint_id)  # a resend
    submit("b" * 32)
    for _ in range(2):  # refused, and so is the resend of the refused form
        with pytest.raises(ValidationFailed) as refused:
            submit("c" * 32)
        assert refused.value.problems[0].code == "rate_limited"
