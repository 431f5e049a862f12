"""Messages of the attendance pages (Chinese first, English second), added to the shared catalogue on import.

Keys: ``sheet.*`` for the monthly attendance sheet (月考勤表) and ``devices.*`` for gate device health.
"""

from __future__ import annotations

from wageguard.web.i18n import register

TEXT: dict[str, tuple[str, str]] = {
    "sheet.title": ("月考勤表", "Monthly attendance sheet"),
    "sheet.project": ("项目编码", "Project code"),
    "sheet.month": ("月份", "Month"),
    "sheet.team_no": ("班组编号", "Team number"),
    "sheet.show": ("查询", "Show"),
    "sheet.team_value": ("班组 {team}", "Team {team}"),
    "sheet.export": ("导出 XLSX", "Export XLSX"),
    "sheet.summary": (
        "{workers} 人 · 合计 {days} 人天",
        "{workers} [[workers:worker|workers]] · {days} [[days:worker-day|worker-days]] in all",
    ),
    "sheet.no": ("序号", "No."),
    "sheet.name": ("姓名", "Name"),
    "sheet.id": ("身份证号", "ID number"),
    "sheet.team": ("班组", "Team"),
    "sheet.work_type": ("工种", "Trade"),
    "sheet.days": ("出勤天数", "Days attended"),
    "sheet.hours": ("工时", "Hours"),
    "sheet.total": ("合计", "Total"),
    "devices.title": ("考勤设备", "Gate devices"),
    "devices.threshold": (
        "静默阈值：工作日内 {hours} 小时无通讯",
        "Silent after {hours} [[hours:hour|hours]] without contact on a working day",
    ),
    "devices.serial": ("序列号", "Serial"),
    "devices.vendor": ("厂商", "Vendor"),
    "devices.project": ("项目", "Project"),
    "devices.gate": ("闸口", "Gate"),
    "devices.last_seen": ("最后通讯", "Last seen"),
    "devices.last_punch": ("最后打卡", "Last punch"),
    "devices.status": ("状态", "Status"),
    "devices.lost": ("丢失事件", "Lost events"),
    "devices.never": ("从未", "never"),
    "devices.silent": ("静默（{days} 个工作日）", "Silent ({days} working days)"),
    "devices.ok": ("正常", "OK"),
    "devices.none": ("暂无考勤设备。", "No gate devices."),
}

register(TEXT)
