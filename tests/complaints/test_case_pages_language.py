"""The complaint case pages speak Chinese by default and English with ``?lang=en`` (then remembered)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime

from fastapi.testclient import TestClient
from tests.complaints.conftest import SiteProject, token, valid_form

from wageguard.auth.scope import Principal
from wageguard.complaints.schemas import parse_complaint_form
from wageguard.complaints.service import Receipt, submit_complaint
from wageguard.config import Settings
from wageguard.db import Database
from wageguard.registry.choices import Role
from wageguard.security.crypto import Protector


def _file(db: Database, protector: Protector, settings: Settings, site: SiteProject) -> Receipt:
    form, problems = parse_complaint_form(valid_form(), today=date(2026, 9, 29), need_region=False)
    assert form is not None, problems
    return submit_complaint(
        db=db,
        protector=protector,
        settings=settings,
        form=form,
        photos=[],
        idem_token=token(),
        project_code=site.code,
        now=datetime(2026, 9, 29, 2, 0),
    )


def test_case_list_and_detail_switch_to_english_and_back(
    client: TestClient,
    db: Database,
    protector: Protector,
    settings: Settings,
    make_user: Callable[..., Principal],
    login: Callable[[str], dict[str, str]],
    site: SiteProject,
) -> None:
    receipt = _file(db, protector, settings, site)
    make_user("bj", Role.INSPECTOR, region_code="520602")
    headers = login("bj")
    listing = client.get("/cases", headers=headers)
    assert listing.status_code == 200 and '<html lang="zh-CN">' in listing.text
    assert "查询码" in listing.text and "已收到，待审核" in listing.text
    assert 'class="lang-switch"' in listing.text and "lang=en" in listing.text

    english = client.get("/cases", params={"lang": "en"}, headers=headers)
    assert english.status_code == 200 and '<html lang="en">' in english.text
    assert "Tracking code" in english.text and "Received, awaiting review" in english.text
    assert receipt.tracking_code in english.text and "查询码" not in english.text

    detail = client.get(f"/cases/{receipt.complaint_id}", headers=headers)  # the cookie remembers English
    assert f"Complaint case {receipt.tracking_code}" in detail.text and "Accept the case" in detail.text
    assert "Case history" in detail.text and "Submit complaint" in detail.text
    csrf = re.search(r'name="csrf" value="([^"]+)"', detail.text)
    assert csrf
    refused = client.post(
        f"/cases/{receipt.complaint_id}/act",
        data={"csrf": csrf.group(1), "action": "not_accept"},
        headers=headers,
    )
    assert (
        refused.status_code == 422
        and 'id="action-error"' in refused.text
        and "a reason is required" in refused.text
    )

    chinese = client.get(f"/cases/{receipt.complaint_id}", params={"lang": "zh"}, headers=headers)
    assert f"投诉案件 {receipt.tracking_code}" in chinese.text and "立案受理" in chinese.text
    assert "办理记录" in chinese.text and "Case history" not in chinese.text


def test_case_pages_refuse_other_roles_and_other_counties_with_a_page(
    client: TestClient,
    db: Database,
    protector: Protector,
    settings: Settings,
    make_user: Callable[..., Principal],
    login: Callable[[str], dict[str, str]],
    site: SiteProject,
) -> None:
    receipt = _file(db, protector, settings, site)
    make_user("bank", Role.BANK, bank_code="103")
    make_user("ws", Role.INSPECTOR, region_code="520603")
    refused = client.get("/cases", params={"lang": "en"}, headers=login("bank"))
    assert refused.status_code == 403 and "Your role may not view this page." in refused.text
    missing = client.get(f"/cases/{receipt.complaint_id}", params={"lang": "zh"}, headers=login("ws"))
    assert missing.status_code == 404 and "未找到该页面或您无权查看。" in missing.text
