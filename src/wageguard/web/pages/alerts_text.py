"""Messages of the alert pages (Chinese first, English second), added to the shared catalogue on import.

Keys: ``alerts.*`` page text, ``alert.level.<level>``, ``alert.status.<status>``, ``alert.action.<action>``
(lifecycle and engine events) and ``ev.<field>`` evidence field labels. Evidence fields without a label are
shown under their own name.
"""

from __future__ import annotations

from wageguard.monitoring.choices import LEVEL_ZH, STATUS_ZH
from wageguard.web.i18n import EN, ZH

TEXT: dict[str, tuple[str, str]] = {
    "alerts.title": ("预警信息", "Alerts"),
    "alerts.inbox": ("预警收件箱", "Alert inbox"),
    "alerts.total": ("共 {total} 条预警", "{total} alerts"),
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
    "alerts.amount": ("涉及金额(元)", "Amount (yuan)"),
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
    "alerts.cleared": ("数据显示已消除({day})", "Cleared by data ({day})"),
    "alerts.escalated": ("已升级({day})", "Escalated ({day})"),
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
    "alerts.note_required": ("处理说明(办结、关闭时必填)", "Note (required to resolve or close)"),
    "alerts.assign_to": ("指定处理人", "Assign to"),
    "alerts.done": ("已完成:{action}", "Done: {action}"),
    "alerts.finished": (
        "此预警已办结;如数据再次出现问题将自动重新打开。",
        "This alert is finished; it reopens if the data shows the problem again.",
    ),
    "alerts.csrf": ("页面已过期,请刷新后重试。", "The page has expired; reload it and try again."),
    "alerts.conflict": ("当前状态不允许此操作。", "The alert's status does not allow this action."),
    "alerts.note_missing": ("请填写处理说明。", "Please write a note."),
    "alerts.assignee_missing": ("请指定处理人。", "Please name the assignee."),
    "alerts.owed_link": ("该项目是否欠薪?", "Does this project owe wages?"),
    "owed.title": ("项目是否欠薪", "Does this project owe wages?"),
    "owed.as_of": ("截至 {day}", "As of {day}"),
    "owed.yes": (
        "是:截至 {day},本项目欠薪 {workers} 人次(人×月),共 {amount} 元。",
        "Yes: as of {day} this project owes wages for {workers} worker-months, {amount} yuan in all.",
    ),
    "owed.no": (
        "否:截至 {day},已到发放期的月份均无欠薪。",
        "No: as of {day} every month that is due has been paid.",
    ),
    "owed.month": ("月份", "Month"),
    "owed.attended": ("出勤人数", "Attended workers"),
    "owed.days": ("出勤人天", "Worker-days"),
    "owed.declared": ("应发(元)", "Declared (yuan)"),
    "owed.paid": ("实发(元)", "Paid (yuan)"),
    "owed.unpaid": ("未发人数", "Unpaid workers"),
    "owed.owed": ("欠薪金额(元)", "Owed (yuan)"),
    "owed.due": ("是否到期", "Due"),
    "owed.due_yes": ("已到期", "due"),
    "owed.due_no": ("未到期", "not yet due"),
    "owed.total": ("合计", "Total"),
    "owed.alerts": ("查看本项目预警", "This project's alerts"),
    "owed.note": (
        "应发取工资表实发数,无工资表时按劳动合同单价×出勤天数估算;实发为已成功入账的代发款(含非本人卡)。",
        "Declared pay is the pay sheet's net; without a sheet, the contract rate × days attended. "
        "Paid counts successful transfers (including to other cards).",
    ),
    "nav.alerts": ("预警", "Alerts"),
}

ACTION_TEXT: dict[str, tuple[str, str]] = {
    "raised": ("发现", "raised"),
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
}

EVIDENCE_TEXT: dict[str, tuple[str, str]] = {
    "project_id": ("项目ID", "project id"),
    "worker_id": ("工人ID", "worker id"),
    "team_id": ("班组ID", "team id"),
    "attended_days": ("出勤天数", "days attended"),
    "head_count": ("涉及人数", "workers"),
    "amount_fen": ("涉及金额(元)", "amount (yuan)"),
    "attended_minutes": ("出勤分钟", "minutes attended"),
    "attended_workers": ("出勤人数", "workers attended"),
    "declared_fen": ("应发(元)", "declared (yuan)"),
    "declared_source": ("应发来源", "declared from"),
    "received_fen": ("本人卡入账(元)", "received on own card (yuan)"),
    "other_card_fen": ("非本人卡(元)", "to other cards (yuan)"),
    "failed_fen": ("失败/退回(元)", "failed or returned (yuan)"),
    "paid_fen": ("实发(元)", "paid (yuan)"),
    "shortfall_fen": ("少发(元)", "shortfall (yuan)"),
    "owed_fen": ("欠薪(元)", "owed (yuan)"),
    "total_owed_fen": ("欠薪合计(元)", "total owed (yuan)"),
    "deadline": ("发放期限", "deadline"),
    "last_paid_on": ("最近发放日", "last paid on"),
    "status": ("状态", "status"),
    "unpaid_workers": ("未发人数", "unpaid workers"),
    "workers_owed": ("被欠薪人数", "workers owed"),
    "workers": ("工人明细", "workers"),
    "months": ("欠薪月数", "months owed"),
    "complaints": ("投诉件数", "complaints"),
    "spike_count": ("激增线(件)", "spike threshold"),
    "window_days": ("统计窗口(天)", "window (days)"),
    "first_received": ("最早收到", "first received"),
    "last_received": ("最近收到", "last received"),
    "tracking_codes": ("投诉编号", "tracking codes"),
}


def _install() -> None:
    entries = dict(TEXT)
    entries |= {f"alert.level.{lv.value}": (zh, lv.value) for lv, zh in LEVEL_ZH.items()}
    entries |= {f"alert.status.{st.value}": (zh, st.value.replace("_", " ")) for st, zh in STATUS_ZH.items()}
    entries |= {f"alert.action.{k}": v for k, v in ACTION_TEXT.items()}
    entries |= {f"ev.{k}": v for k, v in EVIDENCE_TEXT.items()}
    for key, (zh, en) in entries.items():
        ZH.setdefault(key, zh)
        EN.setdefault(key, en)


_install()
