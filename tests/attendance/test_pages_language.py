"""The attendance sheet and gate device pages speak Chinese by default and English with ``?lang=en``."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from tests.attendance.conftest import HIK_SN, Site

from wageguard.auth.scope import Principal


def test_sheet_and_devices_pages_in_both_languages(
    client: TestClient,
    make_user: Callable[..., Principal],
    login: Callable[[str], dict[str, str]],
    site: Site,
) -> None:
    make_user("adm")
    headers = login("adm")
    params = {"project": site.project_code, "month": "2026-10"}

    sheet = client.get("/attendance/sheet", params=params, headers=headers)
    assert sheet.status_code == 200 and "月考勤表" in sheet.text and "出勤天数" in sheet.text
    assert "Monthly attendance sheet" not in sheet.text and 'class="lang-switch"' in sheet.text
    devices = client.get("/attendance/devices", headers=headers)
    assert (
        devices.status_code == 200
        and "考勤设备" in devices.text
        and "最后通讯" in devices.text
        and "UTC" not in devices.text
    )

    sheet = client.get("/attendance/sheet", params={**params, "lang": "en"}, headers=headers)
    assert sheet.status_code == 200 and '<html lang="en">' in sheet.text
    assert "Monthly attendance sheet" in sheet.text and "Days attended" in sheet.text
    assert "worker-days in all" in sheet.text and "月考勤表" not in sheet.text
    devices = client.get("/attendance/devices", params={"lang": "en"}, headers=headers)
    assert (
        "Gate devices" in devices.text
        and "Last seen" in devices.text
        and "(UTC)" not in devices.text
        and HIK_SN in devices.text
    )
    assert "考勤设备" not in devices.text


def test_sheet_errors_are_shown_in_the_chosen_language(
    client: TestClient,
    make_user: Callable[..., Principal],
    login: Callable[[str], dict[str, str]],
    site: Site,
) -> None:
    make_user("adm")
    headers = login("adm")
    missing = client.get("/attendance/sheet", params={"project": "NOPE", "lang": "en"}, headers=headers)
    assert missing.status_code == 404 and "project NOPE not found" in missing.text
    bad_month = {"project": site.project_code, "month": "2026-13", "lang": "zh"}
    refused = client.get("/attendance/sheet", params=bad_month, headers=headers)
    assert refused.status_code == 422 and "月份应为 YYYY-MM" in refused.text
