"""Messages of the alert inbox (Chinese first, English second), added to the shared catalogue on import.

Keys: ``inbox.*``. Level and status names are the alert pages' ``alert.level.<level>`` and
``alert.status.<status>`` (``alerts_text``, imported here so they are installed too).
"""

from __future__ import annotations

from wageguard.web.i18n import register
from wageguard.web.pages import alerts_text

_ = alerts_text  # alert level, status and action names

TEXT: dict[str, tuple[str, str]] = {
    "inbox.title": ("预警收件箱", "Alert inbox"),
    "inbox.total": ("共 {total} 条预警", "{total} [[total:alert|alerts]]"),
    "inbox.none": ("没有符合条件的预警。", "No alerts match."),
    "inbox.filter": ("筛选", "Filter"),
    "inbox.filters": ("筛选条件", "Filters"),
    "inbox.reset": ("清除筛选", "Clear filters"),
    "inbox.all": ("全部", "All"),
    "inbox.level": ("级别", "Level"),
    "inbox.rule": ("预警规则", "Rule"),
    "inbox.project": ("项目", "Project"),
    "inbox.project_text": ("项目名称或编号", "Project name or code"),
    "inbox.project_chosen": ("仅看项目：{name}（{code}）", "Only project: {name} ({code})"),
    "inbox.project_chosen_drop": ("取消", "Remove"),
    "inbox.county": ("区县", "County"),
    "inbox.workers": ("涉及人数", "Workers"),
    "inbox.amount": ("涉及金额（元）", "Amount (yuan)"),
    "inbox.age": ("发现至今", "Age"),
    "inbox.age_days": ("{n} 天", "{n} [[n:day|days]]"),
    "inbox.status": ("处理状态", "Status"),
    "inbox.assignee": ("处理人", "Assignee"),
    "inbox.unassigned": ("未指派", "Unassigned"),
    "inbox.mine": ("仅看指派给我的", "Assigned to me only"),
    "inbox.open": ("查看", "Open"),
    "inbox.cleared": ("数据显示已消除", "cleared by data"),
    "inbox.by_level": ("按级别：", "By level:"),
    "inbox.level_all": ("全部 {n}", "All {n}"),
    "inbox.counts": ("按级别统计", "Counts by level"),
    "inbox.level_count": ("{level} {n}", "{level} {n}"),
    "inbox.sort_by": ("按“{column}”排序", "Sort by {column}"),
    "inbox.select_all": ("全选本页", "Select all on this page"),
    "inbox.select_row": ("选择预警 {id}", "Select alert {id}"),
    "inbox.bulk": ("对所选预警：", "With the selected alerts:"),
    "inbox.bulk_acknowledge": ("批量确认", "Acknowledge"),
    "inbox.bulk_assign": ("批量指派", "Assign"),
    "inbox.bulk_assign_to": ("指派给", "Assign to"),
    "inbox.bulk_choose": ("请选择处理人", "Choose an inspector"),
    "inbox.done_acknowledged": ("已确认 {n} 条预警。", "Acknowledged {n} [[n:alert|alerts]]."),
    "inbox.done_assigned": ("已指派 {n} 条预警。", "Assigned {n} [[n:alert|alerts]]."),
    "inbox.bulk_refused": ("以下预警未处理：", "Not done:"),
    "inbox.refused_not_found": (
        "预警 {id}：不存在或不在您的管辖范围内",
        "alert {id}: not found in your region",
    ),
    "inbox.refused_status": ("预警 {id}：当前状态不允许此操作", "alert {id}: its status does not allow this"),
    "inbox.refused_assignee": (
        "预警 {id}：所选处理人不是该预警所属地区的监察员",
        "alert {id}: the chosen inspector does not cover its region",
    ),
    "inbox.none_selected": ("请先勾选要处理的预警。", "Tick the alerts to act on first."),
    "inbox.assignee_missing": ("请选择处理人。", "Choose the inspector to assign."),
    "inbox.bad_action": ("该操作不能批量执行。", "That action cannot be applied to several alerts."),
    "inbox.csrf": ("页面已过期，请刷新后重试。", "The page has expired; reload it and try again."),
    "inbox.back": ("返回预警收件箱", "Back to the inbox"),
    "inbox.bad_request": ("筛选或排序条件无效：{what}。", "Invalid filter or sort: {what}."),
    "inbox.sort_choices": ("排序可选 {keys}", "sort takes {keys}"),
    "inbox.read_only": (
        "以下是贵单位参建项目的预警，仅供查看；请在预警详情页答复。",
        "Alerts on your enterprise's projects, read only; answer each on its own page.",
    ),
    "inbox.export": ("导出 XLSX", "Export XLSX"),
    "inbox.prev": ("上一页", "Previous"),
    "inbox.next": ("下一页", "Next"),
    "inbox.sheet": ("预警清单", "Alerts"),
}

register(TEXT)
