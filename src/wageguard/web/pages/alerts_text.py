"""Messages of the alert pages (Chinese first, English second), added to the shared catalogue on import.

Keys: ``alerts.*`` page text, ``alert.level.<level>``, ``alert.status.<status>``, ``alert.action.<action>``
(lifecycle and engine events) and ``ev.<field>`` evidence field labels (this module's ``EVIDENCE_TEXT`` and
the national rules' own, ``monitoring.rules.national.EVIDENCE_TEXT``). Evidence fields without a label are
shown under their own name.
"""

from __future__ import annotations

from wageguard.monitoring.choices import LEVEL_ZH, PAY_STATUS_ZH, STATUS_ZH
from wageguard.monitoring.rules.national import EVIDENCE_TEXT as NATIONAL_EVIDENCE_TEXT
from wageguard.risk.scorecard import BAND_ZH, FACTORS
from wageguard.web.i18n import EN, ZH

TEXT: dict[str, tuple[str, str]] = {
    "alerts.title": ("预警信息", "Alerts"),
    "alerts.inbox": ("预警收件箱", "Alert inbox"),
    "alerts.total": ("共 {total} 条预警", "{total} [[total:alert|alerts]]"),
    "alerts.none": ("没有符合条件的预警。", "No alerts match."),
    "alerts.filter": ("筛选", "Filter"),
    "alerts.all": ("全部", "All"),
    "alerts.level": ("级别", "Level"),
    "alerts.rule": ("预警规则", "Rule"),
    "alerts.county": ("区县", "County"),
    "alerts.project": ("项目", "Project"),
    "alerts.project_id": ("项目ID", "Project ID"),
    "alerts.status": ("处理状态", "Status"),
    "alerts.period": ("所属月份", "Month"),
    "alerts.subject": ("对象", "Subject"),
    "alerts.worker": ("工人", "Worker"),
    "alerts.amount": ("涉及金额（元）", "Amount (yuan)"),
    "alerts.workers": ("涉及人数", "Workers"),
    "alerts.lines": ("涉及工人（{n} 人）", "Workers concerned ({n})"),
    "alerts.line_name": ("姓名", "Name"),
    "alerts.line_id": ("身份证号（脱敏）", "ID number (masked)"),
    "alerts.line_days": ("出勤天数", "Days attended"),
    "alerts.line_declared": ("应发（元）", "Declared (yuan)"),
    "alerts.line_paid": ("实发（元）", "Paid (yuan)"),
    "alerts.line_amount": ("涉及金额（元）", "Amount (yuan)"),
    "alerts.line_status": ("发放状态", "Pay status"),
    "alerts.first_seen": ("首次发现", "First seen"),
    "alerts.still_holds": ("数据现状", "Data now"),
    "alerts.holds": ("仍存在", "Still holds"),
    "alerts.cleared": ("数据显示已消除（{day}）", "Cleared by data ({day})"),
    "alerts.escalated": ("已升级（{day}）", "Escalated ({day})"),
    "alerts.referral": ("需移送公安/失信审查", "Refer to police / blacklist review"),
    "alerts.assignee": ("处理人", "Assignee"),
    "alerts.open": ("查看", "Open"),
    "alerts.back": ("返回预警收件箱", "Back to the inbox"),
    "alerts.detail": ("预警详情", "Alert detail"),
    "alerts.basis": ("依据", "Basis"),
    "alerts.evidence": ("证据", "Evidence"),
    "alerts.no_evidence": ("无附加证据。", "No further evidence."),
    "alerts.history": ("处理记录", "History"),
    "alerts.at": ("时间", "When"),
    "alerts.as_of": ("数据日期", "As of"),
    "alerts.actor": ("操作人", "By"),
    "alerts.event": ("事项", "Event"),
    "alerts.note": ("说明", "Note"),
    "alerts.actions": ("处理", "Handle"),
    "alerts.note_required": ("处理说明（办结、关闭时必填）", "Note (required to resolve or close)"),
    "alerts.assign_to": ("指定处理人", "Assign to"),
    "alerts.done": ("已完成：{action}", "Done: {action}"),
    "alerts.finished": (
        "此预警已办结；如数据再次出现问题将自动重新打开。",
        "This alert is finished; it reopens if the data shows the problem again.",
    ),
    "alerts.csrf": ("页面已过期，请刷新后重试。", "The page has expired; reload it and try again."),
    "alerts.conflict": ("当前状态不允许此操作。", "The alert's status does not allow this action."),
    "alerts.note_missing": ("请填写处理说明。", "Please write a note."),
    "alerts.assignee_missing": ("请指定处理人。", "Please name the assignee."),
    "alerts.yes": ("是", "yes"),
    "alerts.no": ("否", "no"),
    "alerts.unknown_worker": ("工人（编号 {id}，登记中未找到）", "worker (no. {id}, not in the registry)"),
    "alerts.unknown_team": ("班组（编号 {id}）", "team (no. {id})"),
    "alerts.line_more": ("其他情况", "More"),
    "alerts.timeline": ("预警经过", "Timeline"),
    "alerts.engine": ("监测系统", "monitoring"),
    "alerts.actor_engine": ("监测系统", "monitoring"),
    "alerts.actor_complaint": ("工人投诉", "worker complaint"),
    "alerts.actor_system": ("系统", "system"),
    "alerts.actor_national": ("全国跨省比对", "national cross-check"),
    "alerts.answers": ("企业答复", "The enterprise's answers"),
    "alerts.no_answers": ("企业尚未答复。", "The enterprise has not answered yet."),
    "alerts.answer_note": (
        "答复说明（已采取的措施，如补发日期）",
        "Your answer (what was done, e.g. when wages were paid)",
    ),
    "alerts.answer_file": (
        "附件（可选：PDF、JPG 或 PNG，不超过 {mb} MB，如银行回单）",
        "Attachment (optional: PDF, JPEG or PNG, at most {mb} MB, e.g. the bank receipt)",
    ),
    "alerts.answer_send": ("提交答复", "Send the answer"),
    "alerts.answer_refused": ("答复未提交：", "The answer was not sent:"),
    "alerts.attachment_link": ("附件：{name}", "Attachment: {name}"),
    "alerts.with_attachment": ("（附件：{name}）", " (attachment: {name})"),
    "alerts.by_complaint": ("（投诉 {code}）", " (complaint {code})"),
    "alerts.size_kb": ("（{kb} KB）", "({kb} KB)"),
    "alerts.pick_inspector": ("请选择监察员", "Choose an inspector"),
    "alerts.owed_link": ("该项目是否欠薪？", "Does this project owe wages?"),
    "owed.title": ("项目是否欠薪", "Does this project owe wages?"),
    "owed.as_of": ("截至 {day}", "As of {day}"),
    "owed.yes": (
        "是：截至 {day}，本项目欠薪 {workers} 人次（人×月），共 {amount} 元。",
        "Yes: as of {day} this project owes wages for {workers} [[workers:worker-month|worker-months]], "
        "{amount} yuan in all.",
    ),
    "owed.no": (
        "否：截至 {day}，已到发放期的月份均无欠薪。",
        "No: as of {day} every month that is due has been paid.",
    ),
    "owed.month": ("月份", "Month"),
    "owed.attended": ("出勤人数", "Attended workers"),
    "owed.days": ("出勤人天", "Worker-days"),
    "owed.declared": ("应发（元）", "Declared (yuan)"),
    "owed.paid": ("实发（元）", "Paid (yuan)"),
    "owed.unpaid": ("未发人数", "Unpaid workers"),
    "owed.owed": ("欠薪金额（元）", "Owed (yuan)"),
    "owed.due": ("是否到期", "Due"),
    "owed.due_yes": ("已到期", "due"),
    "owed.due_no": ("未到期", "not yet due"),
    "owed.total": ("合计", "Total"),
    "owed.alerts": ("查看本项目预警", "This project's alerts"),
    "owed.note": (
        "应发取工资表实发数，无工资表时按劳动合同单价×出勤天数估算；实发为已成功入账的代发款（含非本人卡）。",
        "Declared pay is the pay sheet's net; without a sheet, the contract rate × days attended. "
        "Paid counts successful transfers (including to other cards).",
    ),
    "nav.alerts": ("预警", "Alerts"),
}

ACTION_TEXT: dict[str, tuple[str, str]] = {
    "raised": ("首次发现", "first seen"),
    "updated": ("数据更新", "updated"),
    "cleared_by_data": ("数据显示已消除", "cleared by data"),
    "holds_again": ("问题再次出现", "holds again"),
    "reopened": ("重新打开", "reopened"),
    "escalated": ("超时升级", "escalated"),
    "acknowledged": ("确认", "acknowledge"),
    "assigned": ("指派", "assign"),
    "in_hand": ("开始处理", "start handling"),
    "resolved": ("办结", "resolve"),
    "closed": ("关闭", "close"),
    "reinforced": ("投诉佐证", "reinforced by complaint"),
    "responded": ("企业答复", "answered by the enterprise"),
}

PAY_STATUS_EN = {
    "paid": "paid in full",
    "partly_paid": "partly paid",
    "unpaid": "not paid",
    "not_due": "not yet due",
    "paid_late": "paid late",
    "paid_other_card": "paid to another card",
    "paid_without_attendance": "paid without attendance",
}

EVIDENCE_TEXT: dict[str, tuple[str, str]] = {
    "project_id": ("项目", "project"),
    "project_code": ("项目编码", "project code"),
    "worker_id": ("工人", "worker"),
    "team_id": ("班组", "team"),
    "attended_days": ("出勤天数", "days attended"),
    "head_count": ("涉及人数", "workers"),
    "amount_fen": ("涉及金额（元）", "amount (yuan)"),
    "attended_minutes": ("出勤分钟", "minutes attended"),
    "attended_workers": ("出勤人数", "workers attended"),
    "paid_attended_workers": ("已发薪的出勤人数", "attending workers paid"),
    "unpaid_attendees": ("未发薪的出勤人数", "attending workers not paid"),
    "unpaid_share": ("未发薪比例", "share not paid"),
    "declared_fen": ("应发（元）", "declared (yuan)"),
    "declared_source": ("应发来源", "declared from"),
    "received_fen": ("本人卡入账（元）", "received on own card (yuan)"),
    "other_card_fen": ("非本人卡（元）", "to other cards (yuan)"),
    "failed_fen": ("失败/退回（元）", "failed or returned (yuan)"),
    "paid_fen": ("实发（元）", "paid (yuan)"),
    "shortfall_fen": ("少发（元）", "shortfall (yuan)"),
    "owed_fen": ("欠薪（元）", "owed (yuan)"),
    "total_owed_fen": ("欠薪合计（元）", "total owed (yuan)"),
    "total_fen": ("合计（元）", "total (yuan)"),
    "year_paid_fen": ("本年累计发放（元）", "paid this year (yuan)"),
    "min_wage_fen": ("当地月最低工资（元）", "local monthly minimum wage (yuan)"),
    "progress_fen": ("工程进度款（元）", "progress payments (yuan)"),
    "progress_inflow_fen": ("随进度款拨付的人工费（元）", "labour cost paid with them (yuan)"),
    "required_fen": ("应达金额（元）", "required (yuan)"),
    "ratio": ("约定比例", "agreed share"),
    "contract_fen": ("合同金额（元）", "contract value (yuan)"),
    "deposit_fen": ("已存保证金（元）", "deposit lodged (yuan)"),
    "unrestored_fen": ("未补足金额（元）", "not yet restored (yuan)"),
    "used_on": ("动用日期", "used on"),
    "deadline": ("发放期限", "deadline"),
    "last_paid_on": ("最近发放日", "last paid on"),
    "status": ("状态", "status"),
    "unpaid_workers": ("未发人数", "unpaid workers"),
    "unpaid": ("未足额发放的工人", "workers not paid in full"),
    "workers_owed": ("被欠薪人数", "workers owed"),
    "single_workers": ("单人达标人数", "workers over the single-worker threshold"),
    "single": ("单人达标", "over the single-worker threshold"),
    "group": ("群体达标", "over the group threshold"),
    "workers": ("工人明细", "workers"),
    "months": ("欠薪月数", "months owed"),
    "missing": ("缺少", "missing"),
    "sheet_workers": ("工资表人数", "workers on the pay sheet"),
    "paid_workers": ("已发薪人数", "workers paid"),
    "accounts": ("专用账户数", "wage accounts"),
    "account_opened_on": ("账户开设日期", "account opened on"),
    "account_due_on": ("应开户期限", "account due by"),
    "signed_on": ("合同签订日期", "contract signed on"),
    "start_date": ("开工日期", "start date"),
    "inflow_count": ("人工费拨付笔数", "labour-cost transfers"),
    "unknown_punches": ("未登记人员打卡次数", "punches by unregistered people"),
    "by_kind": ("按类型", "by kind"),
    "kind": ("类型", "kind"),
    "n": ("次数", "count"),
    "serial": ("设备序列号", "device serial"),
    "gate": ("闸机", "gate"),
    "silent_days": ("无数据的工作日", "silent working days"),
    "working_days_silent": ("无数据工作日数", "working days silent"),
    "usual_daily_punches": ("平时日均打卡", "usual punches a day"),
    "last_punch_day": ("最后打卡日", "last punch day"),
    "no_board": ("未设维权告示牌", "no notice board"),
    "no_officer": ("未设劳资专管员", "no labour-relations officer"),
    "exit_date": ("退场日期", "exit date"),
    "payments_n": ("付款笔数", "number of payments"),
    "payments": ("付款明细", "payments"),
    "payment_id": ("付款编号", "payment no."),
    "payee_name": ("收款人", "payee"),
    "payee_card_masked": ("收款卡号（脱敏）", "payee card (masked)"),
    "card_holder": ("该卡登记持有人", "registered holder of the card"),
    "match_key": ("认定依据", "tied to the worker by"),
    "value_date": ("入账日期", "value date"),
    "complaints": ("投诉件数", "complaints"),
    "spike_count": ("激增线（件）", "spike threshold"),
    "window_days": ("统计窗口（天）", "window (days)"),
    "first_received": ("最早收到", "first received"),
    "last_received": ("最近收到", "last received"),
    "tracking_codes": ("投诉编号", "tracking codes"),
    "scored_on": ("评分日期", "scored on"),
    "total": ("风险总分", "risk score"),
    "grade": ("风险等级", "risk grade"),
    "band": ("风险色标", "risk band"),
    "scorecard_version": ("评分卡版本", "scorecard version"),
    "top_factors": ("主要风险因素", "top risk factors"),
    "factor": ("因素", "factor"),
    "value": ("取值", "value"),
    "points": ("得分", "points"),
}

# Coded evidence values: ``evv.<key>.<value>``.
VALUE_TEXT: dict[str, tuple[str, str]] = {
    "missing.pay_sheet": ("工资表", "pay sheet"),
    "missing.payment": ("工资发放", "payment"),
    "declared_source.sheet": ("工资表", "pay sheet"),
    "declared_source.contract_daily": ("劳动合同日工资×出勤天数", "contract day rate × days"),
    "declared_source.contract_monthly": ("劳动合同月工资", "contract monthly pay"),
    "kind.not_on_project": ("非本项目登记工人", "worker of another project"),
    "kind.unknown_id": ("未登记身份证号", "unknown ID number"),
    "kind.unknown_pin": ("未录入的设备工号", "unknown device PIN"),
    "kind.stranger": ("陌生人（人脸未识别）", "stranger (face not matched)"),
    "match_key.reference": ("付款附言对应工资表行", "payment reference to the pay-sheet line"),
    "match_key.line_card": ("工资表所列卡号", "card on the pay sheet"),
    "match_key.card": ("登记银行卡", "registered card"),
    "match_key.name": ("收款人姓名", "payee name"),
}


def _install() -> None:
    entries = dict(TEXT)
    entries |= {f"alert.level.{lv.value}": (zh, lv.value) for lv, zh in LEVEL_ZH.items()}
    entries |= {f"alert.status.{st.value}": (zh, st.value.replace("_", " ")) for st, zh in STATUS_ZH.items()}
    entries |= {f"alert.action.{k}": v for k, v in ACTION_TEXT.items()}
    entries |= {f"ev.{k}": v for k, v in (EVIDENCE_TEXT | NATIONAL_EVIDENCE_TEXT).items()}
    entries |= {f"evv.{k}": v for k, v in VALUE_TEXT.items()}
    entries |= {f"evv.status.{st.value}": (zh, PAY_STATUS_EN[st.value]) for st, zh in PAY_STATUS_ZH.items()}
    entries |= {f"evv.factor.{f.key}": (f.zh, f.en) for f in FACTORS}
    entries |= {f"evv.band.{band}": (f"{zh}色", band) for band, zh in BAND_ZH.items()}
    for key, (zh, en) in entries.items():
        ZH.setdefault(key, zh)
        EN.setdefault(key, en)


_install()
