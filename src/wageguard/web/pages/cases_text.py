"""Messages of the complaint case pages (Chinese first, English second), added to the catalogue on import.

Keys: ``cases.*`` page text and ``case.state.<state>``, ``case.outcome.<outcome>``, ``case.action.<action>``,
``case.overdue.<flag>`` for the complaint code tables (Chinese names from ``complaints.choices``). The project
alert table reuses the alert pages' ``alert.level.*`` / ``alert.status.*`` names.
"""

from __future__ import annotations

from wageguard.complaints.choices import ACTION_LABELS, OUTCOME_LABELS, OVERDUE_LABELS, STATE_LABELS
from wageguard.web.i18n import register, translate
from wageguard.web.pages import alerts_text

_ = alerts_text  # alert level and status names

TEXT: dict[str, tuple[str, str]] = {
    "cases.title": ("投诉案件", "Complaint cases"),
    "cases.escalated_title": ("（超期及即将超期）", " (overdue and nearly overdue)"),
    "cases.state": ("状态", "Status"),
    "cases.all": ("全部", "All"),
    "cases.escalated_only": ("仅显示超期预警", "Overdue warnings only"),
    "cases.filter": ("筛选", "Filter"),
    "cases.total": ("共 {total} 件", "{total} [[total:case|cases]]"),
    "cases.county": ("区县", "County"),
    "cases.all_counties": ("全部区县", "All counties"),
    "cases.mine": ("仅看我承办的", "My cases only"),
    "cases.sort": ("排序", "Sort"),
    "cases.sort.received": ("最新收到在前", "Newest first"),
    "cases.sort.deadline": ("期限最近在前", "Nearest deadline first"),
    "cases.deadline": ("办理期限", "Deadline"),
    "cases.assignee": ("承办人", "Assigned to"),
    "cases.unassigned": ("未指派", "Unassigned"),
    "cases.county_col": ("区县", "County"),
    "cases.tracking_code": ("查询码", "Tracking code"),
    "cases.project": ("项目", "Project"),
    "cases.complainant": ("投诉人", "Complainant"),
    "cases.amount": ("金额（元）", "Amount (yuan)"),
    "cases.workers": ("人数", "Workers"),
    "cases.accept_due": ("受理期限", "Decide by"),
    "cases.finish_due": ("办结期限", "Finish by"),
    "cases.warning": ("预警", "Warning"),
    "cases.no_project": ("（未关联项目）", "(no project linked)"),
    "cases.none": ("暂无案件", "No cases."),
    "case.title": ("投诉案件 {code}", "Complaint case {code}"),
    "case.short_title": ("案件 {code}", "Case {code}"),
    "case.back": ("← 返回案件列表", "← Back to the cases"),
    "case.done": ("已完成：{action}", "Done: {action}"),
    "case.not_accepted_reason": ("不予受理理由", "Reason for not accepting"),
    "case.on_time": ("正常", "On time"),
    "case.project_detail": ("项目详情", "Project details"),
    "case.project_pay": ("工资对账", "Pay reconciliation"),
    "case.project_alerts_link": ("项目预警", "Project alerts"),
    "case.project_cases": ("该项目全部投诉", "All complaints about this project"),
    "case.no_project": ("未关联项目", "No project linked"),
    "case.region": ("地区", "Region"),
    "case.received": ("收到日期", "Received"),
    "case.working_days": ("（工作日计算）", " (working days)"),
    "case.accepted": ("立案日期", "Accepted on"),
    "case.extended": ("（已批准延期）", " (extension approved)"),
    "case.id": ("身份证", "ID"),
    "case.phone": ("手机", "Phone"),
    "case.card": ("工资卡", "Wage card"),
    "case.employer": ("用工单位/班组长", "Employer / team leader"),
    "case.work_period": ("工作期间", "Work period"),
    "case.period_value": ("{start} 至 {end}", "{start} to {end}"),
    "case.until_now": ("今", "now"),
    "case.owed": ("拖欠", "Owed"),
    "case.owed_value": (
        "{months} 个月，{amount} 元，涉及 {workers} 人",
        "{months} [[months:month|months]], {amount} yuan, {workers} [[workers:worker|workers]] affected",
    ),
    "case.description": ("情况说明", "Description"),
    "case.photos": ("照片", "Photos"),
    "case.photo": ("照片{n}", "Photo {n}"),
    "case.no_photos": ("无", "None"),
    "case.alerts": ("项目预警", "Project alerts"),
    "case.alert_rule": ("规则", "Rule"),
    "case.alert_level": ("级别", "Level"),
    "case.alert_period": ("期间", "Period"),
    "case.alert_status": ("状态", "Status"),
    "case.alert_cleared": ("（数据显示已消除）", " (cleared by data)"),
    "case.alert_open": ("查看预警", "Open alert"),
    "case.no_alerts": ("该项目暂无未办结预警", "This project has no unfinished alerts."),
    "case.handle": ("办理", "Handle"),
    "case.outcome": ("办结结果", "Outcome"),
    "case.choose": ("请选择", "Choose"),
    "case.reason_not_accept": ("不予受理理由", "Reason for not accepting"),
    "case.reason_extend": ("延期理由", "Reason for the extension"),
    "case.note": ("备注", "Note"),
    "case.history": ("办理记录", "Case history"),
    "case.at": ("时间", "Time"),
    "case.paren": ("{main}（{note}）", "{main} ({note})"),
    "case.days_left": ("还剩 {n} 个工作日", "{n} working days left"),
    "case.days_left_one": ("还剩 {n} 个工作日", "{n} working day left"),
    "case.due_today": ("今天到期", "Due today"),
    "case.days_overdue": ("已超期 {n} 个工作日", "{n} working days overdue"),
    "case.days_overdue_one": ("已超期 {n} 个工作日", "{n} working day overdue"),
    "case.deadline.accept": ("决定是否立案", "decide whether to accept"),
    "case.deadline.finish": ("办结", "finish"),
    "case.assignee": ("承办人", "Assigned to"),
    "case.unassigned": ("未指派", "Unassigned"),
    "case.assign_to": ("指派给", "Assign to"),
    "case.assign": ("指派", "Assign"),
    "case.no_assignees": ("本地区暂无在职监察员可指派", "No active inspector of this region to assign"),
    "case.assignee_required": ("请选择承办人", "Choose who handles the case"),
    "project_cases.title": ("项目投诉：{name}", "Complaints about {name}"),
    "project_cases.heading": ("{name}（{code}）的投诉案件", "Complaints about {name} ({code})"),
    "project_cases.back": ("← 返回项目", "← Back to the project"),
    "project_cases.received": ("收到日期", "Received"),
    "project_cases.none": ("该项目暂无投诉", "No complaints about this project."),
    "case.actor": ("操作人", "By"),
    "case.action": ("操作", "Action"),
    "case.change": ("状态变化", "Status change"),
    "case.csrf": (
        "页面已过期（安全校验未通过），请重试",
        "The page has expired (security check failed); try again.",
    ),
    "case.unknown_action": ("未知的操作", "Unknown action"),
}

STATE_EN = {
    "received": "Received, awaiting review",
    "accepted": "Accepted",
    "not_accepted": "Not accepted",
    "investigating": "Under investigation",
    "resolved": "Resolved",
    "closed": "Closed and archived",
    "withdrawn": "Withdrawn",
}
OUTCOME_EN = {
    "paid_after_mediation": "Paid after mediation",
    "order_to_pay": "Order to pay",
    "transferred_to_arbitration": "Transferred to labour arbitration",
    "transferred_to_police": "Transferred to the police (suspected refusal to pay wages)",
}
ACTION_EN = {
    "submit": "Submit complaint",
    "accept": "Accept the case",
    "not_accept": "Do not accept",
    "investigate": "Start investigating",
    "resolve": "Resolve",
    "close": "Close and archive",
    "withdraw": "Withdraw",
    "extend": "Extend the time limit (approved)",
    "assign": "Assign",
}
OVERDUE_EN = {  # "none" has no label: the pages show nothing (or "on time")
    "accept_due_soon": "Decision due soon",
    "accept_overdue": "Decision overdue",
    "finish_due_soon": "Finish due soon",
    "finish_overdue": "Finish overdue",
}
CODE_TABLES = {
    "case.state": (STATE_LABELS, STATE_EN),
    "case.outcome": (OUTCOME_LABELS, OUTCOME_EN),
    "case.action": (ACTION_LABELS, ACTION_EN),
    "case.overdue": (OVERDUE_LABELS, OVERDUE_EN),
}


def countdown(lang: str, days_left: int | None) -> str:
    """ "还剩 N 个工作日" / "已超期 N 个工作日" (English with its singular), "" where no deadline runs."""
    if days_left is None:
        return ""
    if days_left == 0:
        return translate(lang, "case.due_today")
    if days_left > 0:
        return translate(lang, "case.days_left", n=days_left)
    return translate(lang, "case.days_overdue", n=-days_left)


def _install() -> None:
    entries = dict(TEXT)
    for prefix, (zh_table, en_table) in CODE_TABLES.items():
        entries |= {f"{prefix}.{code}": (zh, en_table[code]) for code, zh in zh_table.items() if zh}
    register(entries)


_install()
