"""Messages of the workers' public complaint pages (Chinese first, English second), added on import.

Keys ``public.*``. The complaint states and outcomes shown on the status page reuse the case pages'
``case.state.*`` / ``case.outcome.*`` names; the language link reuses ``nav.switch``.
"""

from __future__ import annotations

from wageguard.web.i18n import register
from wageguard.web.pages import cases_text

_ = cases_text  # complaint state and outcome names

TEXT: dict[str, tuple[str, str]] = {
    "public.site": ("薪盾", "WageGuard"),
    "public.title": ("农民工工资投诉", "Wage complaint"),
    "public.heading": ("农民工欠薪投诉", "Report unpaid wages"),
    "public.subheading": (
        "薪盾 · 劳动保障监察 · 热线 12333",
        "WageGuard · Labour inspection · Hotline 12333",
    ),
    "public.form_title": ("投诉", "Complaint"),
    "public.optional": ("（选填）", "(optional)"),
    "public.fix_errors": (
        "请修改下面标红的 {count} 项后再提交。您已填写的内容都已保留",
        "Please correct the {count} [[count:field|fields]] marked in red and send again. What you typed has "
        "been kept",
    ),
    "public.reselect_photos": ("，照片需重新选择", "; please choose the photos again"),
    "public.fix_errors_end": ("。", "."),
    "public.project": ("投诉项目", "Project"),
    "public.project_code": ("项目编码 {code}", "Project code {code}"),
    "public.no_project": (
        "未通过项目二维码进入：请选择欠薪发生地，投诉将转交当地劳动保障监察机构。",
        "You did not come from a project QR code: choose where the wages are owed and the complaint "
        "goes to the local labour inspection office.",
    ),
    "public.privacy": (
        "带 * 为必填。您的身份证号、银行卡号加密保存，仅办案人员可见。",
        "Fields marked * are required. Your ID and bank card numbers are stored encrypted and only case "
        "officers can see them.",
    ),
    "public.honeypot": ("网址", "Website"),
    "public.region": ("欠薪发生地（区县）*", "County where the wages are owed *"),
    "public.choose": ("请选择", "Choose"),
    "public.name": ("姓名 *", "Full name *"),
    "public.id_number": ("身份证号码 *", "ID card number *"),
    "public.phone": ("手机号码 *", "Mobile number *"),
    "public.bank_card": ("工资卡号", "Wage card number"),
    "public.employer": ("用工单位 / 班组长（包工头）*", "Employer / team leader (labour boss) *"),
    "public.work_start": ("开始工作日期 *", "Started work on *"),
    "public.work_end": ("结束工作日期", "Stopped work on"),
    "public.months_owed": ("被拖欠月数 *", "Months unpaid *"),
    "public.amount_owed": ("被拖欠金额（元）*", "Amount owed (yuan) *"),
    "public.workers_affected": ("涉及人数（含本人）*", "Workers affected (including you) *"),
    "public.description": ("情况说明 *", "What happened *"),
    "public.description_hint": (
        "在哪里做什么工、谁欠薪、欠了哪几个月",
        "Where you worked and as what, who owes the wages, for which months",
    ),
    "public.photos": ("照片", "Photos"),
    "public.photos_hint": (
        "（选填，最多{max}张，JPG/PNG，每张不超过{mb}MB：工资条、欠条、考勤记录等）",
        "(optional, up to {max}, JPG/PNG, at most {mb} MB each: pay slips, IOUs, attendance records)",
    ),
    "public.submit": ("提交投诉", "Send complaint"),
    "public.after_submit": (
        "提交后会显示查询码，请截图或记下。也可以拨打 12333 投诉。",
        "After sending you get a tracking code: take a screenshot or write it down. You can also call 12333.",
    ),
    "public.status_link": ("已投诉过？查询办理进度", "Already complained? Check the progress"),
    "public.expired": (
        "页面已过期（安全校验未通过），您填写的内容已保留，请再次提交",
        "The page has expired (security check failed). What you typed has been kept; please send again.",
    ),
    "public.too_often": (
        "提交过于频繁，请稍后再试，或拨打12333",
        "Too many complaints sent; try later or call 12333.",
    ),
    "public.conflict": (
        "提交失败，请重新打开投诉页面再试",
        "This form was already sent or could not be stored; please open the complaint page again.",
    ),
    "public.busy": (
        "系统繁忙，请稍后再试：投诉尚未提交，未保存任何内容。您填写的内容已保留，请约{seconds}秒后再点“提交投诉”",
        "Busy, try again: your complaint has not been sent and nothing was stored. What you typed has been "
        "kept; please press Send complaint again in about {seconds} [[seconds:second|seconds]]",
    ),
    "public.busy_photos": ("（照片需重新选择）", " (please choose the photos again)"),
    "public.too_large": ("提交内容过大", "Too much data sent"),
    "public.too_large_text": (
        "提交内容过大：照片最多{max}张、每张不超过规定大小，请返回重试",
        "Too much data sent: at most {max} [[max:photo|photos]], each within the size limit. Please go back "
        "and try again.",
    ),
    "public.not_found": ("未找到项目", "Project not found"),
    "public.not_found_text": (
        "未找到该项目，请核对二维码或直接拨打12333",
        "This project was not found. Check the QR code or call 12333.",
    ),
    "public.help": ("如需帮助请拨打人社服务热线 12333。", "For help call the labour hotline 12333."),
    "public.receipt_title": ("投诉已提交", "Complaint sent"),
    "public.receipt_banner": (
        "投诉已提交，当地劳动保障监察机构将在{days}个工作日内决定是否立案。",
        "Your complaint has been sent. The local labour inspection office decides within {days} working "
        "days whether to open a case.",
    ),
    "public.receipt_code": ("您的查询码（请截图保存）：", "Your tracking code (take a screenshot):"),
    "public.receipt_hint": (
        "凭查询码和手机号可随时查询办理进度。",
        "With the tracking code and your mobile number you can check the progress at any time.",
    ),
    "public.check_status": ("查询办理进度", "Check the progress"),
    "public.status_title": ("查询办理进度", "Check the progress"),
    "public.status_heading": ("查询投诉办理进度", "Check your complaint's progress"),
    "public.tracking_code": ("查询码", "Tracking code"),
    "public.state": ("当前状态", "Status"),
    "public.outcome": ("办理结果", "Outcome"),
    "public.received": ("提交日期", "Sent on"),
    "public.updated": ("最近更新", "Last update"),
    "public.office": ("办理机构", "Handled by"),
    "public.office_name": (
        "{region}人力资源和社会保障局（劳动保障监察）",
        "Labour inspection, Human Resources and Social Security Bureau of {region}",
    ),
    "public.office_pending": (
        "投诉登记后即转交当地劳动保障监察机构",
        "The local labour inspection office, as soon as the complaint is filed",
    ),
    "public.step": ("当前进展", "Where it stands"),
    "public.step.received": (
        "已收到，待审核：监察机构正在审核，将决定是否立案",
        "Received, awaiting review: the inspection office is reviewing it and will decide whether to "
        "open a case",
    ),
    "public.step.accepted": (
        "已立案：监察机构已受理，正在办理",
        "Case opened: the inspection office accepted the complaint and is handling it",
    ),
    "public.step.investigating": (
        "调查处理中：监察员正在调查核实",
        "Under investigation: an inspector is checking the facts",
    ),
    "public.step.not_accepted": (
        "不予受理：监察机构决定不立案",
        "Not accepted: the inspection office decided not to open a case",
    ),
    "public.step.resolved": ("已办结", "Finished"),
    "public.step.closed": ("已办结并归档", "Finished and archived"),
    "public.step.withdrawn": ("已撤回投诉", "Complaint withdrawn"),
    "public.reason": ("理由", "Reason"),
    "public.next_deadline": ("下一期限", "Next deadline"),
    "public.deadline.accept": ("{date} 前决定是否立案", "Decision on the case by {date}"),
    "public.deadline.finish": ("{date} 前办结", "Finished by {date}"),
    "public.deadline_value": ("{deadline}（{countdown}）", "{deadline} ({countdown})"),
    "public.deadline_note": (
        "（按工作日计算，不含周末和法定节假日）",
        " (working days: weekends and public holidays do not count)",
    ),
    "public.resolved_on": ("办结日期", "Finished on"),
    "public.status_phone": ("投诉时填写的手机号码", "Mobile number given in the complaint"),
    "public.lookup": ("查询", "Check"),
    "public.status_expired": ("页面已过期，请重新查询", "The page has expired; please check again."),
    "public.status_too_often": ("查询过于频繁，请稍后再试", "Too many look-ups; please try again later."),
    "public.status_busy": ("系统繁忙，请稍后再试", "Busy, please try again in a moment."),
    "public.status_not_found": (
        "未找到匹配的投诉，请核对查询码和手机号",
        "No matching complaint: check the tracking code and the mobile number.",
    ),
}

register(TEXT)
