"""Messages of the project page's answer, chart and links (Chinese first, English second)."""

from __future__ import annotations

from wageguard.web.i18n import register
from wageguard.web.pages import alerts_text

_ = alerts_text  # alert level names

TEXT: dict[str, tuple[str, str]] = {
    "project.answer": ("是否欠薪", "Does this project owe wages?"),
    "project.owes": ("欠薪", "Owes wages"),
    "project.owes_not": ("未发现欠薪", "No wages owed found"),
    "project.owes_value": (
        "欠薪 {amount} 元，涉及 {workers} 名工人，自 {since} 起。",
        "{amount} yuan owed to {workers} [[workers:worker|workers]] since {since}.",
    ),
    "project.owes_not_value": (
        "截至今天，已到发放期的月份没有未处理的欠薪预警。",
        "As of today no unfinished arrears alert stands for any month whose pay day has passed.",
    ),
    "project.owes_detail": ("逐月核对出勤与发放", "Month by month: attendance against pay"),
    "project.open_alerts": ("未办结预警", "Unfinished alerts"),
    "project.open_alerts_count": ("{n} 条，其中红色 {red} 条", "{n} [[n:alert|alerts]], {red} red"),
    "project.no_alerts": ("暂无未办结的预警。", "No unfinished alerts."),
    "project.months": ("近 12 个月出勤与工资发放", "Attendance and pay, last 12 months"),
    "project.month": ("月份", "Month"),
    "project.attended_workers": ("出勤人数", "Workers attending"),
    "project.paid_workers": ("发放人数", "Workers paid"),
    "project.declared": ("应发（元）", "Declared (yuan)"),
    "project.paid": ("实发（元）", "Paid (yuan)"),
    "project.chart_heads": ("出勤人数与发放人数", "Head-count: attending and paid"),
    "project.chart_money": ("应发与实发金额（元）", "Declared and paid (yuan)"),
    "project.links": ("相关页面", "Related pages"),
    "project.link.attendance": ("考勤表", "Attendance sheet"),
    "project.link.pay": ("工资发放核对", "Pay sheets and payments"),
    "project.link.account": ("工资专用账户", "Wage account"),
    "project.link.devices": ("考勤闸机", "Gates"),
    "project.link.complaints": ("该项目的投诉", "Complaints about this project"),
    "project.link.owed": ("是否欠薪（逐月）", "Owes wages? (by month)"),
    "project.link.notice_board": ("维权告示牌（PDF）", "Rights notice board (PDF)"),
    "project.link.qr": ("投诉二维码", "Complaint QR code"),
    "project.link.form": ("工人投诉页面", "Workers' complaint form"),
}
register(TEXT)
