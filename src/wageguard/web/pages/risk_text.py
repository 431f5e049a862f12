"""Messages of the risk pages (the inspection list, the enterprise page, the score on project pages),
Chinese first, English second, added to the shared catalogue on import. Keys: ``risk.*`` and ``nav.risk``.
Alert level names are the alert pages' ``alert.level.<level>`` (``alerts_text``)."""

from __future__ import annotations

from wageguard.web.i18n import register
from wageguard.web.pages import alerts_text

_ = alerts_text  # alert level names

TEXT: dict[str, tuple[str, str]] = {
    "nav.risk": ("风险", "Risk"),
    "risk.title": ("本周走访名单", "Whom to visit this week"),
    "risk.intro": (
        "按企业风险评分从高到低排列（数据日期 {as_of}），每家企业列出得分最高的三项原因。",
        "Enterprises ranked by risk score, worst first (data date {as_of}), each with its three top reasons.",
    ),
    "risk.intro_model": (
        "按模型预测的三个月内欠薪预警概率由高到低排列（数据日期 {as_of}），"
        "每家企业列出推高概率最多的三项原因。",
        "Enterprises ranked by the model's chance of a wage-arrears alert within three months, highest first "
        "(data date {as_of}), each with the three reasons that raise it most.",
    ),
    "risk.probability": ("欠薪概率", "Chance of arrears"),
    "risk.intro_none": (
        "尚无企业风险评分：运行 wageguard risk score 后即可在此查看。",
        "No enterprise has been scored yet: run wageguard risk score to fill this list.",
    ),
    "risk.shown": ("显示前 {n} 家企业", "Showing the first {n} [[n:enterprise|enterprises]]"),
    "risk.none": ("没有符合条件的企业。", "No enterprise matches."),
    "risk.filters": ("筛选条件", "Filters"),
    "risk.county": ("区县", "County"),
    "risk.all_counties": ("全部区县", "All counties"),
    "risk.band": ("色标", "Band"),
    "risk.all_bands": ("全部色标", "All bands"),
    "risk.filter": ("筛选", "Filter"),
    "risk.reset": ("清除筛选", "Clear filters"),
    "risk.rank": ("排名", "Rank"),
    "risk.enterprise": ("企业", "Enterprise"),
    "risk.grade": ("等级", "Grade"),
    "risk.score": ("风险分", "Score"),
    "risk.reasons": ("主要原因", "Top reasons"),
    "risk.no_reasons": ("无扣分项", "Nothing scored"),
    "risk.projects": ("项目数", "Projects"),
    "risk.open_alerts": ("未办结预警", "Open alerts"),
    "risk.open": ("查看企业", "Open"),
    "risk.grade_band": ("{grade}级 · {band}", "{grade} · {band}"),
    "risk.band.blue": ("蓝", "blue"),
    "risk.band.yellow": ("黄", "yellow"),
    "risk.band.orange": ("橙", "orange"),
    "risk.band.red": ("红", "red"),
    "risk.points": ("{n} 分", "{n} [[n:point|points]]"),
    "risk.bad_request": ("筛选条件无效：{what}。", "Invalid filter: {what}."),
    "risk.bad_county": ("区县须为本辖区内的6位行政区划代码", "county must be a 6-digit code in your region"),
    "risk.bad_band": ("色标可选 {keys}", "band takes {keys}"),
    "risk.bad_other": ("未知参数 {keys}", "unknown parameter {keys}"),
    "risk.back": ("返回走访名单", "Back to the visit list"),
    # the enterprise page
    "enterprise.corp_code": ("统一社会信用代码", "Unified social credit code"),
    "enterprise.region": ("注册地", "Registered in"),
    "enterprise.legal_man": ("法定代表人", "Legal representative"),
    "enterprise.latest": ("最新风险评分", "Latest risk score"),
    "enterprise.not_scored": ("该企业尚未评分。", "This enterprise has not been scored yet."),
    "enterprise.score_line": (
        "数据日期 {as_of}（评分卡 {version}）",
        "data date {as_of} (scorecard {version})",
    ),
    "enterprise.model_line": (
        "为学习模型预测的三个月内发生欠薪预警（W06/W17/W18）的概率（模型 {version}）；"
        "下表“对几率的影响”为各因素使该几率变为的倍数。",
        "is the learned model's chance of a wage-arrears alert (W06/W17/W18) within three months (model "
        "{version}); “effect on the odds” below is the multiple of those odds each factor makes.",
    ),
    "enterprise.effect": ("对几率的影响", "Effect on the odds"),
    "enterprise.factors": ("各因素得分", "Points by factor"),
    "enterprise.factor": ("因素", "Factor"),
    "enterprise.value": ("取值", "Value"),
    "enterprise.points": ("得分", "Points"),
    "enterprise.total": ("合计", "Total"),
    "enterprise.history": ("评分历史", "Score history"),
    "enterprise.as_of": ("数据日期", "Data date"),
    "enterprise.version": ("评分卡版本", "Scorecard version"),
    "enterprise.no_history": ("暂无评分历史。", "No score history."),
    "enterprise.band_changes": ("色标变差记录", "Band worsenings"),
    "enterprise.previous": ("上次数据日期", "Previous data date"),
    "enterprise.from_to": ("变化", "Change"),
    "enterprise.no_band_changes": ("色标未曾变差。", "The band has never worsened."),
    "enterprise.projects": ("参建项目", "Projects"),
    "enterprise.no_projects": (
        "您的权限范围内没有该企业的项目。",
        "No project of this enterprise in your scope.",
    ),
    "enterprise.project": ("项目", "Project"),
    "enterprise.county": ("区县", "County"),
    "enterprise.role": ("角色", "Role"),
    "enterprise.role_gc": ("总承包单位", "General contractor"),
    "enterprise.role_part": ("参建单位", "Participant"),
    "enterprise.owes": ("是否欠薪", "Owes wages?"),
    "enterprise.owes_yes": ("欠薪 {amount} 元", "Owes {amount} yuan"),
    "enterprise.owes_no": ("未发现欠薪", "Nothing owed found"),
    "enterprise.alerts": ("未办结预警", "Unfinished alerts"),
    "enterprise.no_alerts": ("暂无未办结的预警。", "No unfinished alerts."),
    "enterprise.chart_factors": ("各因素得分", "Points by factor"),
    "enterprise.chart_history": ("风险分走势", "Score over time"),
    # the project page
    "project.risk": ("总承包单位风险", "General contractor's risk"),
    "project.risk_line": (
        "{name}：{total} 分，数据日期 {as_of}",
        "{name}: {total} [[total:point|points]], data date {as_of}",
    ),
    "project.risk_link": ("企业风险详情", "The enterprise's risk"),
}

register(TEXT)
