"""Messages of the "does this project owe wages?" page (Chinese first, English second)."""

from __future__ import annotations

from wageguard.web.i18n import register

TEXT: dict[str, tuple[str, str]] = {
    "owedw.title": ("项目是否欠薪", "Does this project owe wages?"),
    "owedw.as_of": ("截至 {at}", "As of {at}"),
    "owedw.yes": (
        "是：截至 {at}，本项目欠薪 {workers} 人次（人×月），共 {amount} 元。",
        "Yes: as of {at} this project owes wages for {workers} [[workers:worker-month|worker-months]], "
        "{amount} yuan in all.",
    ),
    "owedw.no": (
        "否：截至 {at}，已到发放期的月份均无欠薪。",
        "No: as of {at} every month that is due has been paid.",
    ),
    "owedw.months": ("月数", "Months"),
    "owedw.months_value": ("近 {n} 个月", "Last {n} [[n:month|months]]"),
    "owedw.show": ("查看", "Show"),
    "owedw.month": ("月份", "Month"),
    "owedw.attended": ("出勤人数", "Attended workers"),
    "owedw.days": ("出勤人天", "Worker-days"),
    "owedw.declared": ("应发（元）", "Declared (yuan)"),
    "owedw.paid": ("实发（元）", "Paid (yuan)"),
    "owedw.unpaid": ("未发人数", "Unpaid workers"),
    "owedw.owed": ("欠薪金额（元）", "Owed (yuan)"),
    "owedw.due": ("是否到期", "Due"),
    "owedw.due_yes": ("已到期", "due"),
    "owedw.due_no": ("未到期", "not yet due"),
    "owedw.no_data": ("无考勤与工资记录", "no attendance or pay on record"),
    "owedw.total": ("合计", "Total"),
    "owedw.alerts": ("查看本项目预警", "This project's alerts"),
    "owedw.back": ("返回项目", "Back to the project"),
    "owedw.note": (
        "应发取工资表实发数，无工资表时按劳动合同单价×出勤天数估算；实发为已成功入账的代发款（含非本人卡）。",
        "Declared pay is the pay sheet's net; without a sheet, the contract rate × days attended. "
        "Paid counts successful transfers (including to other cards).",
    ),
    "owedw.bad_months": (
        "月数须为 1 至 24 之间的整数。",
        "Months must be a whole number from 1 to 24.",
    ),
    "owedw.bad_as_of": (
        "截至日期须为 YYYY-MM-DD 格式的有效日期，且不晚于今天。",
        "The as-of date must be a valid date in the form YYYY-MM-DD, not after today.",
    ),
    "owedw.bad_title": ("无法显示", "Cannot show this"),
}

register(TEXT)
