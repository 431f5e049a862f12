"""W20 complaints spike: table-driven at the threshold's edges on frames, then through the database."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import select
from tests.complaints.conftest import token, valid_form
from tests.factories import make_region_project
from tests.monitoring.frames import REGION, facts, run

from wageguard.complaints.schemas import parse_complaint_form
from wageguard.complaints.service import submit_complaint
from wageguard.config import Settings
from wageguard.db import Database
from wageguard.monitoring.engine import run_monitoring
from wageguard.monitoring.models import Alert, AlertEvent
from wageguard.security.crypto import Protector

AS_OF = date(2026, 10, 20)


def complaints(*days_back: int, project_id: int = 1) -> list[dict[str, object]]:
    return [
        {
            "project_id": project_id,
            "region_code": REGION,
            "tracking_code": f"TS{project_id}{i:09d}",
            "received_date": AS_OF - timedelta(days=d),
            "received_at": datetime.combine(AS_OF - timedelta(days=d), time(2, i)),
        }
        for i, d in enumerate(days_back)
    ]


# (case, complaint ages in days before as-of, regional overrides, expected level or None, expected count)
CASES: list[tuple[str, tuple[int, ...], dict[str, str], str | None, int]] = [
    ("no complaint", (), {}, None, 0),
    ("two in the window: below the spike", (0, 10), {}, "yellow", 2),
    ("three in the window: spike", (0, 10, 20), {}, "orange", 3),
    ("oldest on the window's first day (29 days back)", (0, 1, 29), {}, "orange", 3),
    ("oldest one day before the window (30 days back)", (0, 1, 30), {}, "yellow", 2),
    ("all before the window", (30, 31, 45), {}, None, 0),
    ("one after the as-of date does not count", (-1, 0, 1), {}, "yellow", 2),
    ("regional spike count 2", (0, 10), {"complaints_spike_count": "2"}, "orange", 2),
    ("regional 7-day window, oldest 6 days back", (0, 1, 6), {"complaints_window_days": "7"}, "orange", 3),
    ("regional 7-day window, oldest 7 days back", (0, 1, 7), {"complaints_window_days": "7"}, "yellow", 2),
]


@pytest.mark.parametrize(("case", "ages", "overrides", "level", "count"), CASES, ids=[c[0] for c in CASES])
def test_w20_at_the_edges(
    case: str, ages: tuple[int, ...], overrides: dict[str, str], level: str | None, count: int
) -> None:
    f = facts(as_of=AS_OF, complaints=complaints(*ages), overrides={REGION: overrides} if overrides else None)
    found = run(f, "W20")
    assert found.height == (0 if level is None else 1), case
    if level is not None:
        row = found.row(0, named=True)
        evidence = json.loads(row["evidence"])
        assert (row["level"], evidence["complaints"], row["subject_type"], row["period"]) == (
            level,
            count,
            "project",
            "",
        )
        assert len(evidence["tracking_codes"]) == count


def test_w20_counts_each_project_apart_and_lists_codes_oldest_first() -> None:
    rows = complaints(0, 5, 9) + complaints(2, project_id=2)
    found = run(facts(as_of=AS_OF, complaints=rows), "W20").sort("subject_id")
    assert found["subject_id"].to_list() == [1, 2] and found["level"].to_list() == ["orange", "yellow"]
    evidence = json.loads(found["evidence"][0])
    assert evidence["tracking_codes"] == ["TS1000000002", "TS1000000001", "TS1000000000"]
    assert (evidence["first_received"], evidence["last_received"]) == ("2026-10-11", "2026-10-20")


def _file(db: Database, protector: Protector, settings: Settings, code: str, day: date, n: int) -> str:
    form, problems = parse_complaint_form(valid_form(phone=f"1390000{n:04d}"), today=day, need_region=False)
    assert form is not None, problems
    receipt = submit_complaint(
        db=db,
        protector=protector,
        settings=settings,
        form=form,
        photos=[],
        idem_token=token(),
        project_code=code,
        now=datetime(day.year, day.month, day.day, 2, 0),  # 10:00 in China
    )
    return receipt.tracking_code


def _w20(db: Database) -> list[Alert]:
    with db.sessions() as s:
        return list(s.scalars(select(Alert).where(Alert.rule_code == "W20")))


def test_w20_through_the_engine_fires_reruns_idempotently_and_clears(
    db: Database, protector: Protector, settings: Settings
) -> None:
    with db.transaction() as s:
        project, _gc = make_region_project(s, REGION, name="碧江安置房二期")
        project_id, code = project.id, project.project_code
    codes = [
        _file(db, protector, settings, code, AS_OF - timedelta(days=d), i) for i, d in enumerate((29, 10, 0))
    ]
    first = run_monitoring(db=db, settings=settings, as_of=AS_OF)
    assert first.per_rule.get("W20") == 1
    (alert,) = _w20(db)
    assert (alert.level, alert.subject_key, alert.period, alert.project_id) == (
        "orange",
        f"project:{project_id}",
        "",
        project_id,
    )
    assert alert.evidence["complaints"] == 3 and alert.evidence["tracking_codes"] == codes
    assert "王建国" not in json.dumps(alert.evidence, ensure_ascii=False) and "1390000" not in str(
        alert.evidence
    )

    run_monitoring(db=db, settings=settings, as_of=AS_OF)
    (again,) = _w20(db)
    assert (again.id, again.evidence_hash, again.updated_at) == (
        alert.id,
        alert.evidence_hash,
        alert.updated_at,
    )

    run_monitoring(db=db, settings=settings, as_of=AS_OF + timedelta(days=1))
    (later,) = _w20(db)
    assert (later.id, later.level, later.evidence["complaints"]) == (alert.id, "yellow", 2)

    run_monitoring(db=db, settings=settings, as_of=AS_OF + timedelta(days=30))
    (gone,) = _w20(db)
    assert gone.id == alert.id and not gone.still_holds and gone.cleared_on == AS_OF + timedelta(days=30)
    with db.sessions() as s:
        actions = s.scalars(select(AlertEvent.action).where(AlertEvent.alert_id == alert.id)).all()
    assert "cleared_by_data" in actions and actions.count("raised") == 1
