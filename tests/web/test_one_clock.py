"""One clock across the pages and exports: a stored instant (naive UTC, as the database keeps it) is shown in
the platform's zone (Asia/Shanghai by default) to the minute, never as UTC with seconds or microseconds."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from datetime import UTC, datetime

import openpyxl
from fastapi.testclient import TestClient
from sqlalchemy import update
from tests.attendance.conftest import HIK_SN, ZK_SN, build_site
from tests.complaints.conftest import _project, token, valid_form
from tests.factories import GC, make_enterprise, make_project

from wageguard.attendance.models import Device
from wageguard.auth.scope import Principal
from wageguard.complaints.models import Complaint, ComplaintEvent
from wageguard.complaints.schemas import parse_complaint_form
from wageguard.complaints.service import submit_complaint
from wageguard.config import Settings
from wageguard.db import Database
from wageguard.exports.cells import csv_row, write_row
from wageguard.monitoring.models import Alert, AlertEvent
from wageguard.registry.choices import Role
from wageguard.security.crypto import Protector
from wageguard.web.pages.render import today_local

STORED = datetime(2026, 11, 30, 17, 5, 42, 123456)  # UTC; 2026-12-01 01:05 in Shanghai
SHOWN = "2026-12-01 01:05"
WRONG = re.compile(r"17:05|\d\d:\d\d:\d\d|\.123456|\+00:00")


def _alert_with_event(db: Database) -> int:
    with db.transaction() as s:
        ent = make_enterprise(s, name="碧江总包", region_code="520602")
        project = make_project(s, region_code="520602", name="碧江时钟工地", participants=[(ent, GC)])
        alert = Alert(
            rule_code="W05",
            level="red",
            subject_type="project",
            subject_id=project.id,
            subject_key=f"project:{project.id}",
            period="2026-10",
            project_id=project.id,
            region_code="520602",
            status="open",
            still_holds=True,
            amount_fen=123_456_700,
            workers=3,
            evidence={},
            evidence_hash="0" * 32,
            first_seen_on=STORED.date(),
            last_changed_on=STORED.date(),
            created_at=STORED,
            updated_at=STORED,
        )
        s.add(alert)
        s.flush()
        s.add(AlertEvent(alert_id=alert.id, at=STORED, actor="engine", action="raised"))
        return alert.id


def test_an_alert_event_is_shown_in_the_platform_zone_to_the_minute(
    client: TestClient,
    db: Database,
    make_user: Callable[..., Principal],
    login: Callable[[str], dict[str, str]],
) -> None:
    alert_id = _alert_with_event(db)
    make_user("adm", Role.ADMIN)
    headers = login("adm")
    for lang in ("zh", "en"):
        page = client.get(f"/alerts/{alert_id}", params={"lang": lang}, headers=headers)
        assert page.status_code == 200, page.text[:300]
        assert SHOWN in page.text
        body = re.sub(r"(?s)<script.*?</script>", "", page.text)
        assert not WRONG.search(re.sub(r"<[^>]+>", " ", body)), WRONG.search(body)
        assert "1,234,567.00" in page.text  # yuan with separators


def test_a_gate_device_last_seen_and_last_punch_are_local_minutes(
    client: TestClient,
    db: Database,
    protector: Protector,
    make_user: Callable[..., Principal],
    login: Callable[[str], dict[str, str]],
) -> None:
    build_site(db, protector)
    with db.transaction() as s:
        s.execute(
            update(Device).where(Device.serial == ZK_SN).values(last_seen_at=STORED, last_punch_at=STORED)
        )
        s.execute(update(Device).where(Device.serial == HIK_SN).values(last_seen_at=None, last_punch_at=None))
    make_user("adm", Role.ADMIN)
    headers = login("adm")
    for lang, never in (("zh", "从未"), ("en", "never")):
        page = client.get("/attendance/devices", params={"lang": lang}, headers=headers)
        assert page.status_code == 200
        row = page.text[page.text.index(ZK_SN) : page.text.index("</tr>", page.text.index(ZK_SN))]
        assert row.count(SHOWN) == 2, row
        assert not WRONG.search(row), row
        other = page.text[page.text.index(HIK_SN) : page.text.index("</tr>", page.text.index(HIK_SN))]
        assert never in other and "None" not in other


def test_the_inbox_export_has_no_utc_clock_and_amounts_with_separators(
    client: TestClient,
    db: Database,
    make_user: Callable[..., Principal],
    login: Callable[[str], dict[str, str]],
) -> None:
    _alert_with_event(db)
    make_user("adm", Role.ADMIN)
    got = client.get("/alerts.xlsx", headers=login("adm"))
    assert got.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(got.content)).active
    assert sheet is not None
    rows = [[c for c in row] for row in sheet.iter_rows(min_row=2)]
    assert len(rows) == 1
    cells = rows[0]
    texts = [str(c.value) for c in cells if c.value is not None]
    assert "2026-11-30" in texts  # the engine's day, a date (no clock)
    assert not any(WRONG.search(t) for t in texts), texts
    amount = next(c for c in cells if c.value == 1234567)
    assert amount.number_format == "#,##0.00"


def test_every_export_writer_turns_an_instant_into_the_platform_minute() -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    write_row(sheet, ["时间 At", STORED, STORED.replace(tzinfo=UTC)])
    write_row(sheet, [STORED], zone_name="UTC")
    out = io.BytesIO()
    book.save(out)
    again = openpyxl.load_workbook(io.BytesIO(out.getvalue())).active
    assert again is not None
    assert [c.value for c in again[1]] == ["时间 At", SHOWN, SHOWN]
    assert again["A2"].value == "2026-11-30 17:05"
    line = io.StringIO()
    csv.writer(line).writerow(csv_row([STORED, STORED.date()]))
    assert line.getvalue().strip() == f"{SHOWN},2026-11-30"


def test_api_json_keeps_the_instant_with_its_zone(
    client: TestClient,
    db: Database,
    protector: Protector,
    make_user: Callable[..., Principal],
    login: Callable[[str], dict[str, str]],
) -> None:
    build_site(db, protector)
    with db.transaction() as s:
        s.execute(
            update(Device).where(Device.serial == ZK_SN).values(last_seen_at=STORED, last_punch_at=STORED)
        )
    make_user("adm", Role.ADMIN)
    got = client.get("/api/v1/devices", headers=login("adm"))
    assert got.status_code == 200
    zk = next(d for d in got.json() if d["serial"] == ZK_SN)
    for key in ("last_seen_at", "last_punch_at"):
        text = zk[key]
        assert text.endswith(("Z", "+00:00")), text
        assert datetime.fromisoformat(text) == STORED.replace(tzinfo=UTC)


def test_a_case_history_shows_local_minutes_and_names_the_complainant(
    client: TestClient,
    db: Database,
    protector: Protector,
    settings: Settings,
    make_user: Callable[..., Principal],
    login: Callable[[str], dict[str, str]],
) -> None:
    site = _project(db, "520602", "碧江时钟投诉工地")
    form, problems = parse_complaint_form(valid_form(), today=today_local(settings), need_region=False)
    assert form is not None, problems
    receipt = submit_complaint(
        db=db,
        protector=protector,
        settings=settings,
        form=form,
        photos=[],
        idem_token=token(),
        project_code=site.code,
    )
    with db.transaction() as s:
        s.execute(
            update(ComplaintEvent)
            .where(ComplaintEvent.complaint_id == receipt.complaint_id)
            .values(at=STORED)
        )
        s.execute(update(Complaint).where(Complaint.id == receipt.complaint_id).values(received_at=STORED))
    make_user("adm", Role.ADMIN)
    headers = login("adm")
    for lang, who in (("zh", "投诉人"), ("en", "Complainant")):
        page = client.get(f"/cases/{receipt.complaint_id}", params={"lang": lang}, headers=headers)
        assert page.status_code == 200
        history = page.text[page.text.index('id="events"') :]
        body = history.index("<tbody>")
        row = history[body : history.index("</tr>", body)]
        assert SHOWN in row and f"<td>{who}</td>" in row, row
        assert not WRONG.search(row) and ">worker<" not in row, row
