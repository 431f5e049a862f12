"""Tallies: each region's row is the sum of its rows; a replacement zeroes what is gone; live events leave
only with a committed transaction; the tallies the demo city's imports kept equal a rebuild from facts."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import pytest
from sqlalchemy import func, select, text
from tests.screen.facts import expected
from tests.web.demo_city import demo_city

from wageguard.auth.scope import SYSTEM
from wageguard.config import Settings
from wageguard.db import Database
from wageguard.demo.stages import DemoContext, all_stages
from wageguard.screen.queries import screen_view
from wageguard.screen.rebuild import rebuild_tallies, tallies_missing
from wageguard.security.crypto import Protector
from wageguard.tallies import live
from wageguard.tallies.models import NO_PROJECT, REGION_ROW, Tally
from wageguard.tallies.service import add_tallies, replace_tallies

T = TypeVar("T")
REDIS_URL = os.environ.get("WAGEGUARD_TEST_REDIS_URL") or "redis://127.0.0.1:6379/15"


def in_a_fresh_loop(scenario: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run ``scenario()`` on a new event loop in its own thread (this thread may already run a loop: the
    browser tests' Playwright leaves one on the worker), with a bound on the wait."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(lambda: asyncio.run(scenario())).result(timeout=60)


def _rows(db: Database) -> dict[tuple[str, str, int, str], int]:
    with db.sessions() as s:
        return {
            (m, p, pid, r): v
            for m, p, pid, r, v in s.execute(
                select(Tally.measure, Tally.period, Tally.project_id, Tally.region_code, Tally.value)
            )
            if v
        }


def test_region_rows_are_the_sum_of_their_projects_and_of_facts_on_no_project(db: Database) -> None:
    with db.transaction() as s:
        add_tallies(s, [("paid", "2026-11", 1, "520602", 500), ("paid", "2026-11", 2, "520602", 700)])
        add_tallies(s, [("paid", "2026-11", 3, "520603", 100), ("paid", "2026-11", NO_PROJECT, "520602", 40)])
        add_tallies(s, [("paid", "2026-11", 1, "520602", -200), ("paid", "2026-11", 4, "520602", 0)])
    rows = _rows(db)
    assert rows[("paid", "2026-11", REGION_ROW, "520602")] == 500 - 200 + 700 + 40
    assert rows[("paid", "2026-11", REGION_ROW, "520603")] == 100
    assert rows[("paid", "2026-11", 1, "520602")] == 300
    assert ("paid", "2026-11", 4, "520602") not in rows  # a zero delta writes nothing


def test_a_replacement_sets_its_scope_and_zeroes_what_is_no_longer_there(db: Database) -> None:
    with db.transaction() as s:
        add_tallies(
            s, [("owed", "", 1, "520602", 900), ("owed", "", 2, "520602", 300), ("owed", "", 5, "520603", 7)]
        )
    with (
        db.transaction() as s
    ):  # project 2 no longer owes; project 1 owes less; project 5 is outside the scope
        replace_tallies(s, measures=["owed"], rows=[("owed", "", 1, "520602", 400)], project_ids=[1, 2])
    rows = _rows(db)
    assert rows[("owed", "", 1, "520602")] == 400
    assert ("owed", "", 2, "520602") not in rows
    assert rows[("owed", "", 5, "520603")] == 7
    assert rows[("owed", "", REGION_ROW, "520602")] == 400


def test_live_events_leave_with_the_commit_and_never_with_a_rollback(db: Database) -> None:
    hub = live.Hub()
    restore = live.use_bus(live.LocalBus(hub))

    def rolled_back() -> None:
        with pytest.raises(RuntimeError), db.transaction() as s:
            add_tallies(s, [("on_site", "2026-12-01", 1, "520602", 1)])
            raise RuntimeError("import failed")

    def committed() -> None:
        with db.transaction() as s:
            add_tallies(s, [("on_site", "2026-12-01", 1, "520602", 1)])
            add_tallies(s, [("on_site", "2026-12-01", 2, "520602", 2)])
            live.note_event(s, {"type": "refresh"})

    async def scenario() -> list[dict[str, Any]]:
        sub = hub.subscribe()
        await asyncio.to_thread(rolled_back)
        await asyncio.to_thread(committed)
        got = [await asyncio.wait_for(sub.queue.get(), timeout=5) for _ in range(2)]
        assert sub.queue.empty()
        sub.close()
        return got

    try:
        first, second = in_a_fresh_loop(scenario)
    finally:
        restore()
    assert first == {  # one event per transaction, the rolled-back change absent
        "type": "tally",
        "changes": [["on_site", "2026-12-01", 1, "520602", 1], ["on_site", "2026-12-01", 2, "520602", 2]],
    }
    assert second == {"type": "refresh"}


def test_redis_bus_carries_one_process_events_to_another_process_screens() -> None:
    channel = f"wgtest:{uuid.uuid4().hex}:"
    receiving = live.RedisBus(REDIS_URL, f"{channel}live")
    sending = live.RedisBus(REDIS_URL, f"{channel}live", listen=False)
    try:
        if not receiving.wait_ready(10):
            pytest.fail(f"Redis is not reachable at {REDIS_URL}; start it (see .ci/run)")

        async def scenario() -> dict[str, Any]:
            sub = receiving.hub.subscribe()
            await asyncio.to_thread(sending.publish, {"type": "feed", "item": {"kind": "alert", "id": 7}})
            item = await asyncio.wait_for(sub.queue.get(), timeout=10)
            sub.close()
            return item

        assert in_a_fresh_loop(scenario) == {"type": "feed", "item": {"kind": "alert", "id": 7}}
    finally:
        receiving.close()
        sending.close()


def _compare_with_a_rebuild(db: Database) -> None:
    with db.sessions() as s:
        last_day = s.scalar(text("SELECT MAX(work_date) FROM worker_days"))
        counts = {m: n for m, n in s.execute(select(Tally.measure, func.count()).group_by(Tally.measure))}
    today = date.fromisoformat(str(last_day)[:10])
    kept = _rows(db)
    # every measure the demo feeds is there, through the import paths alone
    for measure in ("projects", "workers", "on_site", "paid", "paid_for", "declared", "owed", "alerts_red"):
        assert counts.get(measure, 0) > 0, measure
    with db.transaction() as s:
        rebuild_tallies(s, today=today)
    rebuilt = _rows(db)
    window = (today - timedelta(days=40)).isoformat()

    def comparable(rows: dict[tuple[str, str, int, str], int]) -> dict[tuple[str, str, int, str], int]:
        return {k: v for k, v in rows.items() if k[0] != "on_site" or k[1] >= window}

    assert comparable(kept) == comparable(rebuilt)
    with db.sessions() as s:
        assert not tallies_missing(s)


def test_a_small_demo_built_on_the_test_database_keeps_tallies_equal_to_a_rebuild(
    db: Database, settings: Settings, protector: Protector, tmp_path: Path
) -> None:
    """The same on this run's database (PostgreSQL in the PostgreSQL run: its SQL, its upserts)."""
    ctx = DemoContext(
        db=db,
        protector=protector,
        settings=settings,
        out_dir=tmp_path / "files",
        seed=3,
        projects=10,
        workers=600,
        log=lambda _line: None,
    )
    for _name, stage in all_stages():
        stage(ctx)
    _compare_with_a_rebuild(db)
    # and the screen's figures read from them equal the facts (this database's SQL for both)
    with db.sessions() as s:
        today = date.fromisoformat(str(s.scalar(text("SELECT MAX(work_date) FROM worker_days")))[:10])
        view = screen_view(
            session=s,
            principal=SYSTEM,
            settings=settings,
            region_code="520600",
            now=datetime(today.year, today.month, today.day, 4, 0),
        )
    want = expected(db, "5206", today)
    assert {k: view["figures"][k] for k in want} == want
    assert want["amount_owed"] > 0 and want["workers_on_site_today"] > 0


def test_the_demo_city_tallies_kept_at_ingest_equal_a_rebuild_from_the_facts(tmp_path: Path) -> None:
    settings = demo_city(tmp_path)
    db = Database(settings.database_url)
    try:
        _compare_with_a_rebuild(db)
    finally:
        db.dispose()
