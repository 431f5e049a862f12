"""The enterprise answers an alert on its own project (a note and a bank receipt), over HTTP: PDF kept
(encrypted) and served only under its sniffed type; a renamed .exe or an oversized file refused with nothing
stored; another enterprise (and an inspector) cannot answer; the inspector sees the answer on the alert page
and downloads the receipt, which is audited."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from tests.factories import make_enterprise
from tests.monitoring.test_alert_pages import alert_ids, log_in, planted, token_of

from wageguard.audit.models import AuditEntry
from wageguard.db import Database
from wageguard.monitoring.models import AlertAttachment, AlertEvent
from wageguard.monitoring.service import ATTACHMENT_MAX_BYTES
from wageguard.registry.choices import Role
from wageguard.registry.models import ProjectParticipant

__all__ = ["planted"]  # the fixture, shared with the alert page tests

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


def answers(db: Database, alert_id: int) -> int:
    with db.sessions() as s:
        q = select(func.count()).where(AlertEvent.alert_id == alert_id, AlertEvent.action == "responded")
        return int(s.scalar(q) or 0)


@pytest.fixture
def w06(client: TestClient, db: Database, planted: dict[str, Any], make_user: Callable[..., Any]) -> int:
    """The W06 alert on the FAULTY project (its contractor a participant, 总承包单位), looked up by its
    inspector (who then logs out)."""
    project = planted["project"]
    with db.transaction() as s:
        s.add(ProjectParticipant(project_id=project.id, enterprise_id=project.contractor_id, corp_type="009"))
    log_in(client, make_user, "bijiang", Role.INSPECTOR, "520602")
    (alert_id,) = alert_ids(client.get("/alerts", params={"rule": "W06"}).text)
    client.cookies.clear()
    return alert_id


def send(client: TestClient, alert_id: int, note: str, file: tuple[str, bytes, str] | None) -> Any:
    token = token_of(client.get(f"/alerts/{alert_id}").text)
    files = {"file": file} if file else None
    return client.post(
        f"/alerts/{alert_id}/answer", data={"csrf": token, "note": note}, files=files, follow_redirects=False
    )


def test_enterprise_answers_its_own_alert_with_a_receipt_and_the_inspector_downloads_it(
    client: TestClient, db: Database, planted: dict[str, Any], make_user: Callable[..., Any], w06: int
) -> None:
    contractor = planted["project"].contractor_id
    log_in(
        client,
        make_user,
        "gc",
        Role.ENTERPRISE,
        "520602",
        enterprise_id=contractor,
        display_name="总包薪资专员",
    )
    page = client.get(f"/alerts/{w06}")
    assert page.status_code == 200 and 'id="answer-form"' in page.text
    assert 'name="action"' not in page.text  # the enterprise answers; it does not acknowledge or resolve
    assert "未发放" in page.text and "企业尚未答复" in page.text
    owed = re.search(r'href="(/projects/\d+/owed-wages)"', page.text)
    assert owed is not None and client.get(owed.group(1)).status_code == 200  # its own project's answer
    # the browser claims text/html: the file is kept and served as what its bytes are
    done = send(client, w06, "已于 10 月 22 日补发，见银行回单。", ("回单 2026-10.pdf", PDF, "text/html"))
    assert done.status_code == 303 and done.headers["location"] == f"/alerts/{w06}?done=responded"
    shown = client.get(done.headers["location"]).text
    assert "已完成：企业答复" in shown and "已于 10 月 22 日补发，见银行回单。" in shown
    assert "附件：回单 2026-10.pdf" in shown and answers(db, w06) == 1
    with db.sessions() as s:
        stored = s.scalars(select(AlertAttachment)).one()
        assert stored.content_type == "application/pdf" and PDF not in stored.data_enc  # encrypted at rest
    link = re.search(rf'href="(/alerts/{w06}/attachments/\d+)"', shown)
    assert link is not None

    log_in(client, make_user, "tongren", Role.INSPECTOR, "520600")
    seen = client.get(f"/alerts/{w06}")
    assert seen.status_code == 200 and "已于 10 月 22 日补发，见银行回单。" in seen.text
    assert 'id="answer-form"' not in seen.text and link.group(1) in seen.text
    assert "总包薪资专员" in seen.text.split('id="alert-answers"')[1]  # who answered, by name
    got = client.get(link.group(1))
    assert got.status_code == 200 and got.content == PDF
    assert got.headers["content-type"] == "application/pdf"
    assert got.headers["content-disposition"].startswith("attachment;")
    assert "no-store" in got.headers["cache-control"] and got.headers["x-content-type-options"] == "nosniff"
    with db.sessions() as s:
        audit = s.scalars(select(AuditEntry).where(AuditEntry.action == "view_alert_attachment")).all()
        assert [(a.actor, a.subject_id) for a in audit] == [("tongren", str(w06))]
    refused = send(client, w06, "监察员不能以企业名义答复", None)  # inspectors act through the status forms
    assert refused.status_code == 404 and answers(db, w06) == 1


def test_a_renamed_exe_and_an_oversized_file_are_refused_and_nothing_is_stored(
    client: TestClient, db: Database, planted: dict[str, Any], make_user: Callable[..., Any], w06: int
) -> None:
    contractor = planted["project"].contractor_id
    log_in(client, make_user, "gc", Role.ENTERPRISE, "520602", enterprise_id=contractor)
    exe = send(client, w06, "回单见附件", ("receipt.pdf", EXE, "application/pdf"))
    assert exe.status_code == 422 and "不是 PDF、JPG 或 PNG 文件" in exe.text
    big = send(client, w06, "回单见附件", ("big.pdf", PDF + b"0" * ATTACHMENT_MAX_BYTES, "application/pdf"))
    assert big.status_code == 422 and "超过 5 MB" in big.text
    no_note = send(client, w06, "  ", ("r.pdf", PDF, "application/pdf"))
    assert no_note.status_code == 422 and "请填写答复说明" in no_note.text
    english = client.post(
        f"/alerts/{w06}/answer?lang=en",
        data={"csrf": token_of(client.get(f"/alerts/{w06}").text), "note": "see receipt"},
        files={"file": ("x.png", EXE, "image/png")},
    )
    assert english.status_code == 422 and "is not a PDF, JPEG or PNG file" in english.text
    assert answers(db, w06) == 0
    with db.sessions() as s:
        assert s.scalar(select(func.count()).select_from(AlertAttachment)) == 0


def test_another_enterprise_cannot_see_or_answer_the_alert(
    client: TestClient, db: Database, make_user: Callable[..., Any], w06: int
) -> None:
    with db.transaction() as s:
        other = make_enterprise(s).id
    log_in(client, make_user, "rival", Role.ENTERPRISE, "520602", enterprise_id=other)
    page = client.get(f"/alerts/{w06}")
    assert page.status_code == 404 and "<html" in page.text
    token = token_of(client.get("/alerts").text)  # the logout form's token: a valid one for this browser
    r = client.post(
        f"/alerts/{w06}/answer",
        data={"csrf": token, "note": "不是我们的项目"},
        files={"file": ("r.pdf", PDF, "application/pdf")},
    )
    assert r.status_code == 404 and "<html" in r.text and answers(db, w06) == 0
    assert client.get(f"/alerts/{w06}/attachments/1").status_code == 404


def test_the_assignment_select_lists_only_inspectors_who_may_take_the_alert(
    client: TestClient, make_user: Callable[..., Any], w06: int
) -> None:
    make_user("li", Role.INSPECTOR, region_code="520602", display_name="李监察")
    make_user("wan", Role.INSPECTOR, region_code="520603", display_name="万山区监察员")
    log_in(client, make_user, "tongren", Role.INSPECTOR, "520600", display_name="铜仁市监察员")
    page = client.get(f"/alerts/{w06}").text
    select = page.split('name="assignee_user_id"')[1].split("</select>")[0]
    options = re.findall(r'<option value="\d+"[^>]*>([^<]+)</option>', select)
    assert sorted(options) == sorted(["铜仁市监察员", "bijiang", "李监察"])  # not the other county's
