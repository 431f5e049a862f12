"""Messages of the money pages (Chinese first, English second), added to the shared catalogue on import.

Keys: ``money.*`` page text and ``money.state.<state>`` for a worker-month's pay state (Chinese names from
``payroll.exports.STATE_ZH``).
"""

from __future__ import annotations

from wageguard.payroll.exports import STATE_ZH
from wageguard.web.i18n import register

TEXT: dict[str, tuple[str, str]] = {
    "money.accounts": ("工资专用账户", "Special wage accounts"),
    "money.no_accounts": ("暂无账户。", "No accounts."),
    "money.account": ("账号", "Account"),
    "money.project": ("项目", "Project"),
    "money.bank": ("开户行", "Bank"),
    "money.kind": ("类型", "Kind"),
    "money.opened": ("开户日期", "Opened"),
    "money.tripartite": ("三方协议", "Tripartite agreement"),
    "money.tripartite_missing": ("未签", "missing"),
    "money.gc_account": ("总包实户", "General contractor's real account"),
    "money.virtual": ("虚拟子账户", "Virtual sub-account"),
    "money.real": ("实户", "Real account"),
    "money.flows": ("收支", "Inflows and outflows"),
    "money.flows_title": ("账户收支", "Inflows vs outflows"),
    "money.sub_accounts": ("含 {count} 个虚拟子账户", "includes {count} virtual sub-accounts"),
    "money.balance": ("余额：", "Balance: "),
    "money.balance_value": ("{amount} 元（{day}）", "{amount} yuan ({day})"),
    "money.balance_missing": ("银行未报告", "not reported by the bank"),
    "money.export": ("导出 XLSX", "Export XLSX"),
    "money.month": ("月份", "Month"),
    "money.inflows": ("人工费拨付（元）", "Labour-cost inflows (yuan)"),
    "money.outflows": ("代发工资（元）", "Wages paid out (yuan)"),
    "money.total": ("合计", "Total"),
    "money.pay_title": ("应发与实付", "Declared vs paid"),
    "money.show": ("查询", "Show"),
    "money.net_total": ("实发合计 {amount} 元", "Net pay {amount} yuan"),
    "money.paid_total": ("已付 {amount} 元", "paid {amount} yuan"),
    "money.failed_total": ("失败/退回 {amount} 元", "failed or returned {amount} yuan"),
    "money.unknown_payee_total": ("收款人不明 {amount} 元", "unknown payee {amount} yuan"),
    "money.no_pay": ("本月无工资单或付款。", "No pay sheet or payment this month."),
    "money.name": ("姓名", "Name"),
    "money.id": ("身份证", "ID"),
    "money.team": ("班组", "Team"),
    "money.days": ("天数", "Days"),
    "money.gross": ("应发", "Gross pay"),
    "money.net": ("实发", "Net pay"),
    "money.paid": ("已付", "Paid"),
    "money.other_card": ("非本人卡", "Other card"),
    "money.gap": ("差额", "Gap"),
    "money.state": ("状态", "State"),
    "money.paid_on": ("付款日", "Paid on"),
    "money.last_statement": ("最近对账文件", "Last bank file"),
    "money.not_arrived": ("失败/退回", "Failed / returned"),
    "money.not_arrived_value": (
        "失败 {failed} 笔，退回 {returned} 笔，共 {amount} 元",
        "{failed} failed, {returned} returned, {amount} yuan",
    ),
    "money.none_failed": ("无", "none"),
    "money.balance_col": ("余额（元）", "Balance (yuan)"),
    "money.upload_link": ("上传银行对账文件", "Upload a bank file"),
    "money.paysheet_link": ("上传工资单", "Upload a pay sheet"),
    "money.up.title": ("上传银行对账文件", "Upload a bank file"),
    "money.up.lead": (
        "上传代发工资结果或对账单：camt.053、camt.054、pain.001（XML），或按银行格式的 CSV/XLSX。"
        "保存前先逐笔显示检查结果和匹配到的工人，确认后才入库。",
        "Upload payroll results or statements: camt.053, camt.054, pain.001 (XML), or CSV/XLSX in a bank's "
        "layout. Each payment line is checked and matched to its worker before anything is stored; it is "
        "stored only when you confirm.",
    ),
    "money.up.file": ("文件", "File"),
    "money.up.profile": ("CSV/XLSX 格式（XML 文件自动识别）", "CSV/XLSX layout (XML files are recognised)"),
    "money.up.account": (
        "工资专用账户账号（文件未写明时填写）",
        "Wage account number (if the file names none)",
    ),
    "money.up.encoding": ("CSV 编码（可不填，自动识别）", "CSV encoding (optional, detected)"),
    "money.up.check": ("检查文件", "Check the file"),
    "money.up.no_file": ("请选择要上传的文件。", "Pick the file to upload."),
    "money.up.banks_only": (
        "只有银行工作人员可以上传银行对账文件。",
        "Only bank staff can upload bank files.",
    ),
    "money.up.token_gone": (
        "这次上传已确认过或已过期（30 分钟），请重新上传文件。",
        "This upload was already confirmed or has expired (30 minutes); please upload the file again.",
    ),
    "money.up.preview_title": ("银行文件检查结果", "Bank file check"),
    "money.up.file_line": ("文件：{name}（{format}）", "File: {name} ({format})"),
    "money.up.summary": (
        "付款 {rows} 笔，合计 {amount} 元；新增 {inserted} 笔，更新状态 {updated} 笔，已有 {duplicates} 笔；"
        "入账 {credits} 笔，余额 {balances} 条。",
        "{rows} [[rows:payment|payments]], {amount} yuan: {inserted} new, {updated} status "
        "[[updated:update|updates]], {duplicates} already stored; {credits} [[credits:credit|credits]], "
        "{balances} [[balances:balance|balances]].",
    ),
    "money.up.ok": (
        "文件检查通过，尚未保存。请核对后点击“确认导入”。",
        "The file passed the check and is not stored yet. Review it, then press “Confirm import”.",
    ),
    "money.up.bad": (
        "文件有 {n} 处错误，未保存任何数据。",
        "The file has {n} problems; nothing was stored.",
    ),
    "money.up.bad_one": (
        "文件有 {n} 处错误，未保存任何数据。",
        "The file has {n} problem; nothing was stored.",
    ),
    "money.up.lines": ("付款明细", "Payment lines"),
    "money.up.truncated": (
        "共 {rows} 笔，仅列出前 {shown} 笔。",
        "{rows} [[rows:payment|payments]] in all; the first {shown} are listed.",
    ),
    "money.up.row": ("行号", "Row"),
    "money.up.payee": ("收款人", "Payee"),
    "money.up.card": ("收款卡号", "Card"),
    "money.up.amount": ("金额（元）", "Amount (yuan)"),
    "money.up.date": ("日期", "Date"),
    "money.up.status": ("银行状态", "Bank status"),
    "money.up.worker": ("匹配工人", "Matched worker"),
    "money.up.outcome": ("匹配结果", "Outcome"),
    "money.up.stored_before": ("已入库（重复或状态更新）", "already stored (repeat or status update)"),
    "money.up.confirm": ("确认导入", "Confirm import"),
    "money.up.again": ("重新上传", "Upload another file"),
    "money.up.done_title": ("银行文件已导入", "Bank file imported"),
    "money.up.done": (
        "已导入 {name}：新增 {inserted} 笔，更新状态 {updated} 笔，已有 {duplicates} 笔；"
        "入账 {credits} 笔，余额 {balances} 条。",
        "Imported {name}: {inserted} new, {updated} status [[updated:update|updates]], {duplicates} already "
        "stored; {credits} [[credits:credit|credits]], {balances} [[balances:balance|balances]].",
    ),
    "money.up.to_accounts": ("返回工资专用账户", "Back to the wage accounts"),
    "money.bank_status.success": ("成功", "succeeded"),
    "money.bank_status.failed": ("失败", "failed"),
    "money.bank_status.returned": ("退回", "returned"),
    "money.bank_status.instructed": ("待处理", "instructed"),
    "money.outcome.matched": ("已匹配", "matched"),
    "money.outcome.other_card": ("非本人卡", "paid to another card"),
    "money.outcome.unknown_payee": ("收款人不明", "unknown payee"),
    "money.outcome.failed": ("失败", "failed"),
    "money.outcome.returned": ("退回", "returned"),
    "money.profile.generic": ("通用格式", "Generic layout"),
    "money.profile.icbc": ("工行式代发结果", "ICBC-style payroll results"),
    "money.profile.ccb": ("建行式代发明细", "CCB-style payroll details"),
}

STATE_EN = {
    "paid": "Paid in full",
    "partial": "Partly paid",
    "unpaid": "Unpaid",
    "undeclared": "Not declared",
}


def _install() -> None:
    entries = dict(TEXT)
    entries |= {f"money.state.{code}": (zh, STATE_EN[code]) for code, zh in STATE_ZH.items()}
    register(entries)


_install()
