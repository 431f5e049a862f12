"""The JSON batch API, the monthly sheet (JSON, page, XLSX), device health and the CLI commands."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import Workbook
from python_calamine import CalamineWorkbook
from sqlalchemy import select, update
from tests.attendance.conftest import HIK_SN, KEY, ZK_SN, Site, count, drain
from tests.factories import make_enterprise
from typer.testing import CliRunner

from wageguard.attendance.emulator import ZKTecoEmulator
from wageguard.attendance.models import Device, Punch
from wageguard.attendance.queries import silent_devices
from wageguard.cli.main import app as cli
from wageguard.db import utcnow
from wageguard.registry.choices import Role
from wageguard.registry.models import Project


def _batch(site: Site, rows: list[tuple[int, str, str]]) -> dict[str, object]:
    return {
        "projectCode": site.project_code,
        "teamSysNo": site.team_sys_no,
        "dataList": [
            {
                "idCardType": "01",
                "idCardNumber": site.id_numbers[i],
                "date": d,
                "direction": dr,
                "attendType": "001",
            }
            for i, d, dr in rows
        ],
    }


def _october(site: Site) -> dict[str, object]:
    rows = []
    for day in (8, 9, 12):
        rows += [(0, f"2026-10-{day:02d} 07:30:00", "01"), (0, f"2026-10-{day:02d} 17:30:00", "02")]
    rows += [(1, "2026-10-09 08:00:00", "01"), (1, "2026-10-09 12:30:00", "02")]
    return _batch(site, rows)


def _device_account(client, make_user, login, name: str = "gate-system") -> dict[str, str]:  # type: ignore[no-untyped-def]
    """A device account linked to the site's ZKTeco gate: it may post the site's batches."""
    make_user(name, Role.DEVICE)
    make_user(f"{name}-admin")
    r = client.put(f"/api/v1/devices/{ZK_SN}/account", json={"account": name}, headers=login(f"{name}-admin"))
    assert r.status_code == 200, r.text
    return login(name)


def test_the_batch_api_stores_once_and_answers_after_commit(client, db, site, make_user, login, app_options):
    headers = _device_account(client, make_user, login)
    r = client.post("/api/v1/attendance/batch", json=_october(site), headers=headers)
    assert r.status_code == 200, r.text
    assert r.json() == {"received": 8, "inserted": 8, "duplicates": 0, "by_kind": {"worker": 8}, "flagged": 0}
    r = client.post("/api/v1/attendance/batch", json=_october(site), headers=headers)
    assert (r.json()["inserted"], r.json()["duplicates"]) == (0, 8)
    assert count(db, Punch) == 8


def test_a_malformed_batch_is_a_422_with_rows_and_nothing_is_stored(client, db, site, make_user, login):
    headers = _device_account(client, make_user, login)
    body = _batch(site, [(0, "2026-10-08 07:30:00", "01"), (1, "2026-10-08 7:30", "01")])
    r = client.post("/api/v1/attendance/batch", json=body, headers=headers)
    assert r.status_code == 422
    assert [(p["row"], p["field"]) for p in r.json()["problems"]] == [(2, "date")]
    r = client.post("/api/v1/attendance/batch", json={"projectCode": "X"}, headers=headers)
    assert r.status_code == 422
    assert count(db, Punch) == 0


def test_an_enterprise_may_only_post_for_its_own_projects(client, db, site, make_user, login):
    with db.transaction() as s:
        other = make_enterprise(s)
    make_user("outsider", Role.ENTERPRISE, enterprise_id=other.id)
    r = client.post("/api/v1/attendance/batch", json=_october(site), headers=login("outsider"))
    assert r.status_code == 404  # not theirs to see, so not theirs to write
    make_user("inspector", Role.INSPECTOR, region_code="520600")
    r = client.post("/api/v1/attendance/batch", json=_october(site), headers=login("inspector"))
    assert r.status_code == 403
    assert count(db, Punch) == 0


def test_the_monthly_sheet_grid_page_and_xlsx(client, db, site, make_user, login, app_options):
    make_user("adm")
    headers = login("adm")
    client.post("/api/v1/attendance/batch", json=_october(site), headers=headers)
    r = client.get(
        "/api/v1/attendance/sheet", params={"project": site.project_code, "month": "2026-10"}, headers=headers
    )
    assert r.status_code == 200
    sheet = r.json()
    assert len(sheet["days"]) == 31
    rows = {row["name"]: row for row in sheet["rows"]}
    assert set(rows) == {"张三", "李四", "王五"}
    assert rows["张三"]["minutes"] == {"8": 600, "9": 600, "12": 600}
    assert (rows["张三"]["days"], rows["李四"]["days"], rows["王五"]["days"]) == (3, 1, 0)
    assert rows["张三"]["id_masked"].count("*") == 10
    assert sheet["attendees_per_day"] == {"8": 1, "9": 2, "12": 1}
    assert (sheet["total_days"], sheet["total_minutes"]) == (4, 2070)

    r = client.get(
        "/api/v1/attendance/sheet.xlsx",
        params={"project": site.project_code, "month": "2026-10"},
        headers=headers,
    )
    assert r.status_code == 200
    grid = CalamineWorkbook.from_filelike(io.BytesIO(r.content)).get_sheet_by_index(0).to_python()
    assert "月考勤表" in grid[0][0] and site.project_code in grid[1][0] and "2026-10" in grid[2][3]
    header = grid[3]
    assert header[:5] == ["序号 No.", "姓名 Name", "身份证号 ID", "班组 Team", "工种 Trade"]
    assert header[5] == "1" and header[35] == "31" and header[36:] == ["出勤天数 Days", "工时 Hours"]
    by_name = {row[1]: row for row in grid[4:7]}
    assert by_name["张三"][5 + 7] == 10.0 and by_name["张三"][5 + 8] == 10.0 and by_name["张三"][5 + 9] == ""
    assert by_name["张三"][3] == "钢筋班" and by_name["张三"][2].startswith("5222")
    assert by_name["李四"][36:] == [1, 4.5]
    assert grid[7][0] == "合计 Total" and grid[7][36:] == [4, 34.5]

    client.cookies.set("wg_session", headers["Authorization"].split()[1])
    page = client.get("/attendance/sheet", params={"project": site.project_code, "month": "2026-10"})
    assert page.status_code == 200 and "张三" in page.text and "sheet.xlsx" in page.text
    client.cookies.clear()
    assert client.get("/attendance/sheet", follow_redirects=False).status_code == 303


def test_a_team_sheet_lists_only_that_team_and_scope_is_enforced(client, db, site, make_user, login):
    make_user("adm")
    r = client.get(
        "/api/v1/attendance/sheet",
        params={"project": site.project_code, "month": "2026-10", "team": site.team_sys_no},
        headers=login("adm"),
    )
    assert r.json()["team"] == "钢筋班" and len(r.json()["rows"]) == 3
    make_user("far-away", Role.INSPECTOR, region_code="520100")
    r = client.get(
        "/api/v1/attendance/sheet",
        params={"project": site.project_code, "month": "2026-10"},
        headers=login("far-away"),
    )
    assert r.status_code == 404


def test_device_health_shows_last_contact_and_silent_gates(
    client, app, db, site, make_user, login, app_options
):
    make_user("adm")
    ZKTecoEmulator(client, ZK_SN, key=KEY).handshake()
    drain(app)
    with db.transaction() as s:
        hik = s.scalar(select(Device).where(Device.serial == HIK_SN))
        assert hik is not None
        hik.created_at = utcnow() - timedelta(days=10)  # registered long ago, never heard from
    r = client.get("/api/v1/devices", headers=login("adm"))
    health = {d["serial"]: d for d in r.json()}
    assert health[ZK_SN]["silent"] is False and health[ZK_SN]["last_seen_at"] is not None
    assert health[HIK_SN]["silent"] is True and health[HIK_SN]["working_days_silent"] >= 5
    r = client.get("/api/v1/devices", params={"silent_only": True}, headers=login("adm"))
    assert [d["serial"] for d in r.json()] == [HIK_SN]
    with db.sessions() as s:
        assert [h.serial for h in silent_devices(s, as_of=utcnow(), silent_hours=24)] == [HIK_SN]
    with db.transaction() as s:
        s.execute(update(Project).values(status="005"))  # a halted project's gates are not W16 material
    with db.sessions() as s:
        assert silent_devices(s, as_of=utcnow(), silent_hours=24) == []
    client.cookies.set("wg_session", login("adm")["Authorization"].split()[1])
    page = client.get("/attendance/devices")
    assert page.status_code == 200 and HIK_SN in page.text and "静默" in page.text


def test_working_days_follow_the_chinese_calendar():
    from datetime import date

    from wageguard.workdays import is_working_day, working_days_between

    assert not is_working_day(date(2026, 10, 1)) and not is_working_day(date(2026, 10, 7))
    assert is_working_day(date(2026, 10, 10))  # Saturday 调休 working day
    assert is_working_day(date(2026, 9, 20))  # Sunday 调休 working day
    assert working_days_between(date(2026, 9, 30), date(2026, 10, 8)) == 1


def test_registering_devices_through_the_api(client, db, site, make_user, login):
    make_user("adm")
    body = {
        "vendor": "zkteco",
        "serial": "ZK-NEW-1",
        "project_code": site.project_code,
        "secret": "s3cret-gate",
        "gate": "北门",
    }
    r = client.post("/api/v1/devices", json=body, headers=login("adm"))
    assert r.status_code == 201 and r.json()["project_code"] == site.project_code
    assert client.post("/api/v1/devices", json=body, headers=login("adm")).status_code == 409
    make_user("viewer", Role.INSPECTOR, region_code="520600")
    assert (
        client.post(
            "/api/v1/devices", json={**body, "serial": "ZK-NEW-2"}, headers=login("viewer")
        ).status_code
        == 403
    )
    r = client.post("/api/v1/devices/ZK-NEW-1/roster", headers=login("adm"))
    assert r.json() == {"queued": 3}


@pytest.fixture
def cli_env(db, cli):  # type: ignore[no-untyped-def]
    return cli


def _xlsx(rows: list[list[object]]) -> bytes:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_cli_imports_csv_and_xlsx_and_exports_the_sheet(cli_env, db, site, tmp_path: Path):
    runner = CliRunner()
    csv_file = tmp_path / "att.csv"
    header = "projectCode,teamSysNo,idCardType,idCardNumber,date,direction,attendType,channel\n"
    lines = [
        f"{site.project_code},{site.team_sys_no},01,{site.id_numbers[0]},2026-10-08 0{h}:00:00,01,001,东门\n"
        for h in (7, 8)
    ]
    csv_file.write_text("\ufeff" + header + "".join(lines), encoding="utf-8")
    r = runner.invoke(cli, ["attendance", "import", str(csv_file)])
    assert r.exit_code == 0, r.output
    assert "2 rows, 2 new" in r.output
    r = runner.invoke(cli, ["attendance", "import", str(csv_file)])
    assert "0 new, 2 already stored" in r.output

    xlsx_file = tmp_path / "att.xlsx"
    xlsx_file.write_bytes(
        _xlsx(
            [
                header.strip().split(","),
                [
                    site.project_code,
                    "",
                    "01",
                    site.id_numbers[1],
                    datetime(2026, 10, 8, 7, 5),
                    "01",
                    "001",
                    "",
                ],
            ]
        )
    )
    r = runner.invoke(cli, ["import", "attendance", str(xlsx_file)])
    assert r.exit_code == 0 and "1 rows, 1 new" in r.output, r.output

    bad = tmp_path / "bad.csv"
    bad.write_text(
        header + f"{site.project_code},,01,{site.id_numbers[2]},2026-10-08,01,001,\n" + lines[0],
        encoding="utf-8",
    )
    r = runner.invoke(cli, ["import", "attendance", str(bad)])
    assert r.exit_code == 2 and "row 2 date" in r.output
    assert count(db, Punch) == 3

    out = tmp_path / "sheet.xlsx"
    r = runner.invoke(
        cli, ["export", "attendance", "--project", site.project_code, "--month", "2026-10", "--out", str(out)]
    )
    assert r.exit_code == 0, r.output
    grid = CalamineWorkbook.from_path(str(out)).get_sheet_by_index(0).to_python()
    assert {row[1]: row[36] for row in grid[4:7]} == {"张三": 1, "李四": 1, "王五": 0}


def test_cli_registers_devices_and_lists_them(cli_env, site):
    runner = CliRunner()
    r = runner.invoke(
        cli, ["device", "register", "ZK-CLI-1", "--project", site.project_code, "--secret", "longsecret1"]
    )
    assert r.exit_code == 0, r.output
    r = runner.invoke(cli, ["device", "register", "ZK-CLI-2", "--project", "NOPE", "--secret", "longsecret1"])
    assert r.exit_code == 1 and "NOPE" in r.output
    r = runner.invoke(cli, ["device", "list"])
    assert "ZK-CLI-1" in r.output and ZK_SN in r.output
    r = runner.invoke(cli, ["device", "push-roster", "ZK-CLI-1"])
    assert "queued 3" in r.output
