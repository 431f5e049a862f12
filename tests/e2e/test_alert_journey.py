"""In the browser: an inspector opens an alert from the inbox, reads its evidence in words (labels, names
with masked ID numbers, percentages, the legal basis with its article; no raw keys), acknowledges it,
assigns it to an inspector picked from the region's list, and resolves it with a note; the enterprise
answers an alert on its project with a bank receipt (a renamed .exe refused); the inspector downloads it."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import expect
from tests.monitoring.seed import AS_OF, plant
from tests.monitoring.test_engine_db import SEPT

from wageguard.monitoring.engine import run_monitoring
from wageguard.monitoring.models import Alert, AlertEvent
from wageguard.registry.choices import Role
from wageguard.registry.models import ProjectParticipant

RAW_KEYS = ("paid_attended_workers", "unpaid_share", "attended_workers", "worker_id", "team_id", "_fen")


def test_inspector_reads_the_evidence_and_resolves_the_alert(
    live_server, page, db, settings, protector, make_user
):
    with db.transaction() as s:
        plant(s, protector)
    run_monitoring(db=db, settings=settings, as_of=AS_OF, months=SEPT)
    make_user("bijiang", Role.INSPECTOR, region_code="520602", display_name="碧江区监察员")
    li = make_user("li", Role.INSPECTOR, region_code="520602", display_name="李监察")
    make_user("far", Role.INSPECTOR, region_code="520603", display_name="万山区监察员")
    with db.sessions() as s:
        w07 = s.query(Alert).filter(Alert.rule_code == "W07").one().id
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    page.goto(live_server + "/alerts")
    page.get_by_label("用户名").fill("bijiang")
    page.get_by_label("密码").fill("pw-bijiang")
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(r"/alerts$"))
    page.locator(f'tr[data-alert="{w07}"]').get_by_role("link", name="查看").click()
    expect(page).to_have_url(re.compile(rf"/alerts/{w07}$"))

    evidence = page.locator("#evidence-facts")
    expect(evidence).to_contain_text("已发薪的出勤人数")
    expect(evidence).to_contain_text("未发薪比例")
    expect(evidence.locator("tr", has_text="未发薪比例")).to_contain_text("%")
    expect(page.locator(".evidence-rows").first).to_contain_text("钢筋班")  # the team by name
    expect(page.locator(".evidence-rows").first).to_contain_text("**")  # workers with masked ID numbers
    expect(page.locator("#alert-basis")).to_contain_text("《保障农民工工资支付条例》第")
    expect(page.locator("#alert-region")).not_to_have_text("520602")
    shown = page.locator("main").inner_text()
    assert [k for k in RAW_KEYS if k in shown] == []

    page.get_by_role("button", name="确认", exact=True).click()
    expect(page.locator("#alert-status")).to_have_text("已确认")
    expect(page.locator('[role="status"]')).to_have_text("已完成：确认")

    choice = page.get_by_label("指定处理人")
    options = choice.locator("option").all_inner_texts()
    assert "李监察" in options and "万山区监察员" not in options  # only inspectors who may take it
    choice.select_option(label="李监察")
    page.get_by_role("button", name="指派").click()
    expect(page.locator("#alert-assignee")).to_have_text("李监察")

    resolve = page.locator('form[data-action="resolved"]')
    resolve.get_by_label("处理说明（办结、关闭时必填）").fill("已责令补发，工人已确认到账。")
    resolve.get_by_role("button", name="办结").click()
    expect(page.locator("#alert-status")).to_have_text("已解决")
    history = page.locator("#alert-history")
    expect(history).to_contain_text("已责令补发，工人已确认到账。")
    expect(history.locator('tr[data-action="assigned"]')).to_contain_text("李监察")
    expect(history.locator('tr[data-action="resolved"]')).to_contain_text("碧江区监察员")  # who, by name
    expect(history.locator('tr[data-action="raised"]')).to_contain_text("监测系统")
    expect(history.locator("tbody tr").first).to_contain_text(re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d"))
    with db.sessions() as s:
        alert = s.get(Alert, w07)
        assert alert.status == "resolved" and alert.assignee_user_id == li.user_id
        steps = [
            e.action for e in s.query(AlertEvent).filter(AlertEvent.alert_id == w07).order_by(AlertEvent.id)
        ]
        assert steps[-3:] == ["acknowledged", "assigned", "resolved"]
    assert errors == []


def test_enterprise_answers_with_a_receipt_and_the_inspector_sees_it(
    live_server, new_page, db, settings, protector, make_user, tmp_path
):
    with db.transaction() as s:
        ids = plant(s, protector)
        project = ids["project"]
        s.add(ProjectParticipant(project_id=project.id, enterprise_id=project.contractor_id, corp_type="009"))
    run_monitoring(db=db, settings=settings, as_of=AS_OF, months=SEPT)
    make_user("gc", Role.ENTERPRISE, region_code="520602", enterprise_id=project.contractor_id)
    make_user("bijiang", Role.INSPECTOR, region_code="520602")
    with db.sessions() as s:
        w06 = s.query(Alert).filter(Alert.rule_code == "W06").one().id
    receipt = tmp_path / "银行回单.pdf"
    receipt.write_bytes(b"%PDF-1.4\n%%EOF\n")
    renamed = tmp_path / "receipt.pdf"
    renamed.write_bytes(b"MZ\x90\x00" + b"\x00" * 60)

    clerk = new_page()
    clerk.goto(f"{live_server}/alerts/{w06}")
    clerk.get_by_label("用户名").fill("gc")
    clerk.get_by_label("密码").fill("pw-gc")
    clerk.get_by_role("button", name="登录").click()
    expect(clerk).to_have_url(re.compile(rf"/alerts/{w06}$"))
    expect(clerk.locator('form[data-action="acknowledged"]')).to_have_count(0)
    form = clerk.locator("#answer-form")
    form.get_by_label(re.compile("答复说明")).fill("已补发，见银行回单。")
    form.get_by_label(re.compile("附件")).set_input_files(str(renamed))
    form.get_by_role("button", name="提交答复").click()
    expect(clerk.locator('[role="alert"]')).to_contain_text("不是 PDF、JPG 或 PNG 文件")
    form = clerk.locator("#answer-form")
    form.get_by_label(re.compile("答复说明")).fill("已补发，见银行回单。")
    form.get_by_label(re.compile("附件")).set_input_files(str(receipt))
    form.get_by_role("button", name="提交答复").click()
    expect(clerk.locator('[role="status"]')).to_have_text("已完成：企业答复")
    expect(clerk.locator("#alert-answers")).to_contain_text("附件：银行回单.pdf")

    inspector = new_page()
    inspector.goto(f"{live_server}/alerts/{w06}")
    inspector.get_by_label("用户名").fill("bijiang")
    inspector.get_by_label("密码").fill("pw-bijiang")
    inspector.get_by_role("button", name="登录").click()
    answers = inspector.locator("#alert-answers")
    expect(answers).to_contain_text("已补发，见银行回单。")
    with inspector.expect_download() as got:
        answers.get_by_role("link", name="附件：银行回单.pdf").click()
    assert Path(got.value.path()).read_bytes() == b"%PDF-1.4\n%%EOF\n"
    expect(inspector.locator("#alert-history")).to_contain_text("企业答复")
