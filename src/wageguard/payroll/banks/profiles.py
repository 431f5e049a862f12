"""Named column-mapping profiles for bank CSV/XLSX payroll result files (代发结果).

There is no national layout: each bank's corporate e-banking exports its own. A profile names, for each
field we need, the header texts that may carry it; the header row is searched for in the first lines, so
title lines above it are skipped, and summary lines (合计/总计) below the data are ignored.

Two optional fields tie a row to the payer's side: ``end_to_end_id`` (the EndToEndId of the pain.001 batch
the row reports on: the row updates that payment instead of adding one) and ``line_ref`` (a column, often the
remark column, that may carry the pay-sheet line code ``thirdPayRollCode``; matching tries it first).
"""

from __future__ import annotations

from dataclasses import dataclass

from wageguard.errors import NotFound

FIELDS = (
    "account_no",
    "payee_name",
    "payee_card",
    "payee_bank",
    "amount",
    "value_date",
    "status",
    "failure_reason",
    "remark",
    "reference",
    "end_to_end_id",
    "line_ref",
)
REQUIRED = ("payee_name", "payee_card", "amount", "value_date", "status")


@dataclass(frozen=True)
class BankProfile:
    """Which header texts carry which field in one bank's export."""

    name: str
    label_zh: str
    columns: dict[str, tuple[str, ...]]
    header_search_rows: int = 15

    def aliases(self, field_name: str) -> tuple[str, ...]:
        return self.columns.get(field_name, ())


GENERIC = BankProfile(
    name="generic",
    label_zh="通用格式",
    columns={
        "account_no": ("account_no", "付款账号", "付款账户", "payer_account"),
        "payee_name": ("payee_name", "收款人户名", "收款人姓名", "户名", "姓名"),
        "payee_card": ("payee_card", "收款账号", "收款卡号", "卡号", "银行卡号"),
        "payee_bank": ("payee_bank", "收款银行", "开户行"),
        "amount": ("amount", "金额", "交易金额", "代发金额"),
        "value_date": ("value_date", "交易日期", "入账日期", "日期"),
        "status": ("status", "状态", "交易状态", "处理结果"),
        "failure_reason": ("failure_reason", "失败原因", "备注信息"),
        "remark": ("remark", "摘要", "用途", "附言"),
        "reference": ("reference", "流水号", "交易流水号", "银行流水号"),
        "end_to_end_id": ("end_to_end_id", "EndToEndId", "客户参考号", "业务参考号"),
        "line_ref": ("line_ref", "thirdPayRollCode", "工资单编号"),
    },
)

# A layout like 工商银行 corporate banking's 批量代发 result export.
ICBC_STYLE = BankProfile(
    name="icbc",
    label_zh="工行式代发结果",
    columns={
        "account_no": ("付款账号",),
        "payee_name": ("收款人户名",),
        "payee_card": ("收款账号",),
        "payee_bank": ("收款银行",),
        "amount": ("金额",),
        "value_date": ("交易日期",),
        "status": ("状态",),
        "failure_reason": ("失败原因",),
        "remark": ("摘要",),
        "reference": ("流水号",),
        "line_ref": ("摘要",),
    },
)

# A layout like 建设银行 corporate banking's 代发工资明细: title lines, 元 amounts, yyyyMMdd dates.
CCB_STYLE = BankProfile(
    name="ccb",
    label_zh="建行式代发明细",
    columns={
        "account_no": ("付款账户",),
        "payee_name": ("收款账户名称",),
        "payee_card": ("收款账户",),
        "payee_bank": ("收款行名称",),
        "amount": ("交易金额(元)", "交易金额（元）"),
        "value_date": ("入账日期",),
        "status": ("处理结果",),
        "failure_reason": ("备注",),
        "remark": ("用途",),
        "reference": ("交易流水号",),
        "line_ref": ("用途",),
    },
)

PROFILES: dict[str, BankProfile] = {p.name: p for p in (GENERIC, ICBC_STYLE, CCB_STYLE)}


def get_profile(name: str) -> BankProfile:
    """The profile called ``name`` or ``NotFound`` listing the known ones."""
    try:
        return PROFILES[name]
    except KeyError:
        known = ", ".join(sorted(PROFILES))
        raise NotFound(
            f"no bank profile {name!r} (known: {known})", message_zh=f"没有名为 {name} 的银行格式"
        ) from None
