"""Messages of the server-rendered pages: Simplified Chinese first, English second.

The language comes from ``?lang=`` (remembered in the ``lang`` cookie), else the cookie, else
``Settings.locale_default``. A test checks that every Chinese key has an English translation and that every
key the templates use exists. Code-table names (status, category, participant type) have keys
``status.<code>`` etc.; unknown keys fall back to Chinese, then to the key itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from wageguard.errors import WageGuardError
from wageguard.registry.choices import CORP_TYPE, PROJECT_CATEGORY, PROJECT_STATUS

LANGS = ("zh", "en")
LANG_COOKIE = "lang"

ZH: dict[str, str] = {
    "app.name": "薪盾",
    "app.tagline": "建筑工人工资保障平台",
    "nav.projects": "项目",
    "nav.cases": "投诉案件",
    "nav.alerts": "预警",
    "nav.money": "工资资金",
    "nav.devices": "考勤闸机",
    "nav.home": "首页",
    "nav.overview": "总览",
    "nav.screen": "大屏",
    "nav.attendance_sheet": "考勤表",
    "nav.upload_paysheet": "上传工资表",
    "nav.accounts": "账户",
    "nav.upload_statement": "上传对账单",
    "nav.logout": "退出",
    "nav.switch": "English",
    "nav.skip": "跳到正文",
    "role.admin": "管理员",
    "role.inspector": "劳动保障监察员",
    "role.enterprise": "企业用户",
    "role.bank": "银行",
    "role.device": "设备",
    "login.title": "登录",
    "login.username": "用户名",
    "login.password": "密码",
    "login.submit": "登录",
    "login.failed": "用户名或密码错误",
    "login.hint": "请使用分配给您的账号登录。",
    "projects.title": "各区县项目",
    "projects.counties": "区县概况",
    "projects.county": "区县",
    "projects.project_count": "项目数",
    "projects.worker_count": "登记工人",
    "projects.active_worker_count": "在场工人",
    "projects.all_counties": "全部区县",
    "projects.search": "项目名称或编号",
    "projects.filter": "筛选",
    "projects.list": "项目列表",
    "projects.total": "共 {total} 个项目",
    "projects.none": "没有符合条件的项目。",
    "projects.no_counties": "您的权限范围内暂无区县数据。",
    "projects.map": "项目分布图",
    "project.code": "项目编号",
    "project.name": "项目名称",
    "project.status": "状态",
    "project.category": "类别",
    "project.address": "地址",
    "project.invest": "总投资",
    "project.start_date": "开工日期",
    "project.pay_day": "发薪日",
    "project.pay_day_value": "每月 {day} 日（宽限 {grace} 天）",
    "project.labour_officer": "劳资专管员",
    "project.notice_board": "维权告示牌",
    "project.contract_signed": "合同签订日期",
    "project.workers": "工人",
    "project.workers_value": "登记 {total} 人，在场 {active} 人",
    "project.participants": "参建单位",
    "project.enterprise": "企业名称",
    "project.corp_code": "统一社会信用代码",
    "project.corp_type": "参建类型",
    "project.manager": "项目负责人",
    "project.teams": "班组",
    "project.team": "班组名称",
    "project.team_leader": "班组长",
    "project.team_workers": "人数",
    "project.none_participants": "暂无参建单位。",
    "project.none_teams": "暂无班组。",
    "project.back": "返回项目列表",
    "project.masked_note": "证件号码与电话已脱敏显示。",
    "money.wan": "{value} 万元",
    "page.prev": "上一页",
    "page.next": "下一页",
    "page.range": "第 {first}–{last} 条",
    "common.none": "—",
    "error.not_found": "未找到该页面或您无权查看。",
    "error.forbidden": "您的角色无权查看此页面。",
    "error.title": "提示",
    "error.home": "返回首页",
    "error.logout": "退出登录（换一个账号）",
}

EN: dict[str, str] = {
    "app.name": "WageGuard",
    "app.tagline": "Wage protection for construction workers",
    "nav.projects": "Projects",
    "nav.cases": "Complaint cases",
    "nav.alerts": "Alerts",
    "nav.money": "Wages & payments",
    "nav.devices": "Gates & attendance",
    "nav.home": "Home",
    "nav.overview": "Overview",
    "nav.screen": "Wall screen",
    "nav.attendance_sheet": "Attendance sheet",
    "nav.upload_paysheet": "Upload pay sheet",
    "nav.accounts": "Accounts",
    "nav.upload_statement": "Upload statement",
    "nav.logout": "Log out",
    "nav.switch": "中文",
    "nav.skip": "Skip to content",
    "role.admin": "Administrator",
    "role.inspector": "Labour inspector",
    "role.enterprise": "Enterprise user",
    "role.bank": "Bank",
    "role.device": "Device",
    "login.title": "Log in",
    "login.username": "Username",
    "login.password": "Password",
    "login.submit": "Log in",
    "login.failed": "Wrong username or password",
    "login.hint": "Log in with the account you were given.",
    "projects.title": "Projects by county",
    "projects.counties": "Counties",
    "projects.county": "County",
    "projects.project_count": "Projects",
    "projects.worker_count": "Registered workers",
    "projects.active_worker_count": "On site",
    "projects.all_counties": "All counties",
    "projects.search": "Project name or code",
    "projects.filter": "Filter",
    "projects.list": "Projects",
    "projects.total": "{total} [[total:project|projects]]",
    "projects.none": "No projects match.",
    "projects.no_counties": "No county data in your scope yet.",
    "projects.map": "Projects on the map",
    "project.code": "Project code",
    "project.name": "Project",
    "project.status": "Status",
    "project.category": "Category",
    "project.address": "Address",
    "project.invest": "Investment",
    "project.start_date": "Start date",
    "project.pay_day": "Pay day",
    "project.pay_day_value": "Day {day} of each month ({grace} [[grace:day's|days']] grace)",
    "project.labour_officer": "Labour-relations officer",
    "project.notice_board": "Rights notice board",
    "project.contract_signed": "Contract signed",
    "project.workers": "Workers",
    "project.workers_value": "{total} registered, {active} on site",
    "project.participants": "Participating enterprises",
    "project.enterprise": "Enterprise",
    "project.corp_code": "Unified social credit code",
    "project.corp_type": "Role",
    "project.manager": "Project manager",
    "project.teams": "Teams",
    "project.team": "Team",
    "project.team_leader": "Team leader",
    "project.team_workers": "Workers",
    "project.none_participants": "No participating enterprises yet.",
    "project.none_teams": "No teams yet.",
    "project.back": "Back to projects",
    "project.masked_note": "ID and phone numbers are shown masked.",
    "money.wan": "{value} × 10k yuan",
    "page.prev": "Previous",
    "page.next": "Next",
    "page.range": "Rows {first}–{last}",
    "common.none": "—",
    "error.not_found": "This page does not exist or is outside your scope.",
    "error.forbidden": "Your role may not view this page.",
    "error.title": "Notice",
    "error.home": "Go to your home page",
    "error.logout": "Log out (use another account)",
}

STATUS_EN = {
    "001": "Preparing",
    "002": "Approved",
    "003": "Under construction",
    "004": "Completed",
    "005": "Halted",
}
CATEGORY_EN = {
    "01": "Buildings",
    "02": "Municipal",
    "03": "Landscaping",
    "04": "Decoration",
    "05": "Highway",
    "06": "Railway",
    "07": "Water and hydropower",
    "08": "Power",
    "09": "Telecoms",
    "99": "Other",
}
CORP_TYPE_EN = {
    "001": "Specialist subcontractor",
    "002": "Equipment subcontractor",
    "003": "Materials subcontractor",
    "004": "Site services",
    "005": "Special equipment",
    "006": "Labour subcontractor",
    "007": "Supervisor",
    "008": "Owner",
    "009": "General contractor",
    "010": "Survey",
    "011": "Design",
    "012": "Other",
}


def _code_tables(prefix: str, zh: Mapping[str, str], en: Mapping[str, str]) -> None:
    ZH.update({f"{prefix}.{code}": name for code, name in zh.items()})
    EN.update({f"{prefix}.{code}": name for code, name in en.items()})


_code_tables("status", PROJECT_STATUS, STATUS_EN)
_code_tables("category", PROJECT_CATEGORY, CATEGORY_EN)
_code_tables("corp_type", CORP_TYPE, CORP_TYPE_EN)

CATALOGUES: dict[str, dict[str, str]] = {"zh": ZH, "en": EN}


def register(entries: Mapping[str, tuple[str, str]]) -> None:
    """Add a page family's ``key: (Chinese, English)`` messages; a key may not change its meaning."""
    for key, (zh, en) in entries.items():
        if ZH.setdefault(key, zh) != zh or EN.setdefault(key, en) != en:
            raise ValueError(f"message key {key!r} is already registered with other text")


def error_message(lang: str, exc: WageGuardError) -> str:
    """A refused action's reason in the page language (its problems' messages when it has any)."""
    problems = getattr(exc, "problems", [])
    if lang == "en":
        return "; ".join(p.message_en for p in problems) or str(exc) or exc.message_zh
    return "；".join(p.message_zh for p in problems) or exc.message_zh


def choose_lang(query: str | None, cookie: str | None, default: str) -> str:
    """The page language: the query parameter, else the cookie, else the default."""
    for candidate in (query, cookie, default):
        if candidate in LANGS:
            return candidate
    return "zh"


def translate(lang: str, key: str, **values: Any) -> str:
    """The message for ``key`` in ``lang`` (falling back to Chinese, then the key), formatted.

    Plurals: ``[[total:project|projects]]`` in a message picks the word by the value of ``total`` (1 → the
    singular; formatted numbers with separators are read too); or, with an integer ``n`` among the values,
    ``key + "_one"`` is used for 1 where the language's catalogue has it (English: ``"{n} months"`` /
    ``months_one``: ``"{n} month"``). Chinese needs neither."""
    catalogue = CATALOGUES.get(lang, ZH)
    n = values.get("n")
    if isinstance(n, int) and f"{key}_one" in catalogue and abs(n) == 1:
        key = f"{key}_one"
    text = catalogue.get(key) or ZH.get(key) or key
    if "[[" in text:
        text = _PLURAL.sub(lambda m: _plural_word(m, values), text)
    return text.format(**values) if values else text


_PLURAL = re.compile(r"\[\[(\w+):([^|\]]*)\|([^\]]*)\]\]")


def _plural_word(match: re.Match[str], values: Mapping[str, Any]) -> str:
    """``[[count:worker|workers]]``: the singular when ``values["count"]`` is 1 (or -1), else the plural."""
    name, one, other = match.groups()
    value = values.get(name)
    try:
        return one if abs(int(str(value).replace(",", ""))) == 1 else other
    except ValueError:
        return other


def translator(lang: str) -> Callable[..., str]:
    """``t(key, **values)`` bound to one language, for templates."""

    def t(key: str, **values: Any) -> str:
        return translate(lang, key, **values)

    return t
