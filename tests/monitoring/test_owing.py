"""The owes-wages answer read from the alerts table: overlapping arrears rules of one project-month are not
added up, an alert without a month (W18 over several months) is a floor and not one more month, finished or
cleared alerts do not count, and the scope is the caller's (region for inspectors, own projects for an
enterprise)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from factories import GC, make_enterprise, make_project
from wageguard.db import Database
from wageguard.monitoring.models import Alert
from wageguard.monitoring.owing import owing_by_county, owing_by_project
from wageguard.registry.choices import Role

DAY = date(2026, 11, 20)


def _alert(
    pid: int, region: str, rule: str, period: str, amount: int | None, workers: int, **kw: Any
) -> Alert:
    return Alert(
        rule_code=rule,
        level=kw.pop("level", "orange"),
        subject_type="project",
        subject_id=pid,
        subject_key=f"project:{pid}:{rule}:{period}",
        period=period,
        project_id=pid,
        region_code=region,
        status=kw.pop("status", "open"),
        still_holds=kw.pop("still_holds", True),
        amount_fen=amount,
        workers=workers,
        evidence={},
        evidence_hash="0" * 32,
        first_seen_on=DAY,
        last_changed_on=DAY,
    )


def _city(db: Database) -> dict[str, int]:
    with db.transaction() as s:
        ea = make_enterprise(s, name="碧江建工", region_code="520602")
        eb = make_enterprise(s, name="万山路桥", region_code="520603")
        a = make_project(s, region_code="520602", name="甲", participants=[(ea, GC)])
        b = make_project(s, region_code="520603", name="乙", participants=[(eb, GC)])
        c = make_project(s, region_code="520602", name="丙", participants=[(ea, GC)])
        s.add_all(
            [
                # project a, 2026-09: W06 and W17 restate the same arrears; the larger counts, once
                _alert(a.id, "520602", "W06", "2026-09", 300_000, 3),
                _alert(a.id, "520602", "W17", "2026-09", 320_000, 4, level="red"),
                # project a, 2026-10: one more month
                _alert(a.id, "520602", "W08", "2026-10", 50_000, 1, level="yellow"),
                # project a, W18 over both months: a floor (370,000 < 400,000 → 400,000), not a third month
                _alert(a.id, "520602", "W18", "", 400_000, 4, level="red"),
                # a resolved one and one that no longer holds do not count
                _alert(a.id, "520602", "W06", "2026-08", 999_999, 9, status="resolved"),
                _alert(a.id, "520602", "W08", "2026-07", 888_888, 8, still_holds=False),
                # project b (another county): owes 70,000 since 2026-10
                _alert(b.id, "520603", "W06", "2026-10", 70_000, 2),
                # project c: only a non-arrears alert (no notice board) — open, but owes nothing
                _alert(c.id, "520602", "W22", "", None, 0, level="yellow"),
            ]
        )
    return {"a": a.id, "b": b.id, "c": c.id, "ea": ea.id}


def test_overlapping_rules_count_once_and_a_multi_month_alert_is_a_floor(
    db: Database, make_user: Callable[..., Any]
) -> None:
    ids = _city(db)
    city = make_user("tr", Role.INSPECTOR, region_code="520600")
    with db.sessions() as s:
        owing = owing_by_project(session=s, principal=city)
    a = owing[ids["a"]]
    assert (a.owes, a.owed_fen, a.workers, a.since) == (True, 400_000, 4, "2026-09")
    assert a.open_alerts == 5 and a.red_alerts == 2  # unfinished: all but the resolved one
    b = owing[ids["b"]]
    assert (b.owes, b.owed_fen, b.workers, b.since) == (True, 70_000, 2, "2026-10")
    c = owing[ids["c"]]
    assert (c.owes, c.owed_fen, c.since, c.open_alerts) == (False, 0, None, 1)


def test_without_the_floor_the_months_sum(db: Database, make_user: Callable[..., Any]) -> None:
    ids = _city(db)
    with db.transaction() as s:
        w18 = s.query(Alert).filter(Alert.rule_code == "W18").one()
        w18.amount_fen = 100_000  # below the monthly sum 370,000: the months count
    with db.sessions() as s:
        a = owing_by_project(session=s, principal=make_user("tr", Role.INSPECTOR, region_code="520600"))
    assert a[ids["a"]].owed_fen == 370_000


def test_scope_and_counties(db: Database, make_user: Callable[..., Any]) -> None:
    ids = _city(db)
    county = make_user("bj", Role.INSPECTOR, region_code="520602")
    clerk = make_user("clerk", Role.ENTERPRISE, enterprise_id=ids["ea"])
    with db.sessions() as s:
        assert set(owing_by_project(session=s, principal=county)) == {ids["a"], ids["c"]}
        assert set(owing_by_project(session=s, principal=clerk)) == {ids["a"], ids["c"]}
        named = owing_by_project(session=s, principal=county, project_ids=[ids["b"]])
        assert named == {} or not named[ids["b"]].owes  # out of scope: nothing told
        rows = {
            c.code: c
            for c in owing_by_county(
                session=s, principal=make_user("tr2", Role.INSPECTOR, region_code="520600")
            )
        }
    assert (rows["520602"].projects, rows["520602"].projects_owing, rows["520602"].owed_fen) == (
        2,
        1,
        400_000,
    )
    assert (rows["520603"].projects, rows["520603"].projects_owing, rows["520603"].owed_fen) == (1, 1, 70_000)
    assert rows["520602"].red_alerts == 2 and rows["520603"].workers == 2


def test_unpaid_and_underpaid_workers_of_one_month_add_up(
    db: Database, make_user: Callable[..., Any]
) -> None:
    """W06 (nothing paid) and W08 (paid short) name different workers: both count; W17 restates W06."""
    with db.transaction() as s:
        e = make_enterprise(s, name="松桃建工", region_code="520628")
        p = make_project(s, region_code="520628", name="丁", participants=[(e, GC)])
        s.add_all(
            [
                _alert(p.id, "520628", "W06", "2026-10", 200_000, 2),
                _alert(p.id, "520628", "W17", "2026-10", 200_000, 2, level="red"),
                _alert(p.id, "520628", "W08", "2026-10", 30_000, 1),
            ]
        )
        pid = p.id
    with db.sessions() as s:
        got = owing_by_project(session=s, principal=make_user("tr", Role.INSPECTOR, region_code="520600"))
    assert (got[pid].owed_fen, got[pid].workers) == (230_000, 3)


def test_departed_workers_are_a_floor_not_one_more_share(db: Database, make_user: Callable[..., Any]) -> None:
    """W19 names departed workers who are also in W06 or W08: it never adds to them."""
    with db.transaction() as s:
        e = make_enterprise(s, name="石阡建工", region_code="520623")
        p = make_project(s, region_code="520623", name="戊", participants=[(e, GC)])
        q = make_project(s, region_code="520623", name="己", participants=[(e, GC)])
        s.add_all(
            [
                _alert(p.id, "520623", "W06", "2026-10", 385_000, 1, level="red"),
                _alert(p.id, "520623", "W19", "2026-10", 385_000, 1, level="red"),
                # only W19 (its W06 already resolved elsewhere): it still says the project owes
                _alert(q.id, "520623", "W19", "2026-09", 12_000, 1, level="red"),
            ]
        )
        ids = (p.id, q.id)
    with db.sessions() as s:
        got = owing_by_project(session=s, principal=make_user("tr", Role.INSPECTOR, region_code="520600"))
    assert (got[ids[0]].owed_fen, got[ids[0]].workers) == (385_000, 1)
    assert (got[ids[1]].owed_fen, got[ids[1]].since) == (12_000, "2026-09")
