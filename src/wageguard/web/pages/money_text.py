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
