"""Writing bank-style files (for the demo city, tests and benchmarks): the same layouts the readers accept.

A bank's real exports are produced by the bank; these writers exist so demo data travels the real import path.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from xml.etree.ElementTree import Element, ElementTree, SubElement

from wageguard.payroll.amounts import format_fen
from wageguard.payroll.choices import PaymentStatus

CAMT054_NS = "urn:iso:std:iso:20022:tech:xsd:camt.054.001.08"
CAMT053_NS = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"
PAIN001_NS = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"
ICBC_HEADER = [
    "流水号",
    "付款账号",
    "收款人户名",
    "收款账号",
    "收款银行",
    "金额",
    "交易日期",
    "状态",
    "失败原因",
    "摘要",
]
STATUS_ZH = {
    PaymentStatus.SUCCESS: "成功",
    PaymentStatus.FAILED: "失败",
    PaymentStatus.RETURNED: "退回",
    PaymentStatus.INSTRUCTED: "待处理",
}


@dataclass(frozen=True)
class PaymentOut:
    reference: str | None
    payee_name: str
    payee_card: str
    amount_fen: int
    value_date: date
    status: PaymentStatus = PaymentStatus.SUCCESS
    failure_reason: str | None = None
    remark: str | None = None
    payee_bank: str | None = None


@dataclass(frozen=True)
class CreditOut:
    reference: str
    payer_name: str
    amount_fen: int
    value_date: date
    remark: str | None = None


def write_icbc_csv(
    path: Path, account_no: str, payments: Iterable[PaymentOut], encoding: str = "gbk"
) -> Path:
    """工行式 result CSV (GBK by default, as e-banking exports it)."""
    with path.open("w", encoding=encoding, newline="") as fh:
        out = csv.writer(fh)
        out.writerow(ICBC_HEADER)
        for p in payments:
            out.writerow(
                [
                    p.reference or "",
                    account_no,
                    p.payee_name,
                    p.payee_card,
                    p.payee_bank or "",
                    format_fen(p.amount_fen),
                    p.value_date.isoformat(),
                    STATUS_ZH[p.status],
                    p.failure_reason or "",
                    p.remark or "",
                ]
            )
    return path


def write_ccb_xlsx(path: Path, account_no: str, payments: Iterable[PaymentOut]) -> Path:
    """建行式 detail workbook: title lines, 元 amounts, yyyyMMdd dates and a total row."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["中国建设银行 代发工资明细"])
    sheet.append(["付款账户：" + account_no])
    sheet.append(
        [
            "交易流水号",
            "付款账户",
            "收款账户名称",
            "收款账户",
            "收款行名称",
            "交易金额(元)",
            "入账日期",
            "处理结果",
            "备注",
            "用途",
        ]
    )
    total = 0
    for p in payments:
        total += p.amount_fen
        sheet.append(
            [
                p.reference or "",
                account_no,
                p.payee_name,
                p.payee_card,
                p.payee_bank or "",
                format_fen(p.amount_fen),
                p.value_date.strftime("%Y%m%d"),
                STATUS_ZH[p.status],
                p.failure_reason or "",
                p.remark or "",
            ]
        )
    sheet.append(["合计", "", "", "", "", format_fen(total), "", "", "", ""])
    book.save(path)
    return path


def _el(parent: Element, tag: str, text: str | None = None, **attrs: str) -> Element:
    child = SubElement(parent, tag, attrs)
    if text is not None:
        child.text = text
    return child


def _acct(parent: Element, tag: str, number: str) -> None:
    _el(_el(_el(_el(parent, tag), "Id"), "Othr"), "Id", number)


def _amt(parent: Element, fen: int, tag: str = "Amt") -> None:
    _el(parent, tag, format_fen(fen), Ccy="CNY")


def _tx(parent: Element, p: PaymentOut, returned: bool) -> None:
    tx = _el(parent, "TxDtls")
    refs = _el(tx, "Refs")
    if p.reference:
        _el(refs, "EndToEndId", p.reference)
    _amt(tx, p.amount_fen)
    parties = _el(tx, "RltdPties")
    _el(_el(_el(parties, "Cdtr"), "Pty"), "Nm", p.payee_name)
    _acct(parties, "CdtrAcct", p.payee_card)
    if p.remark:
        _el(_el(tx, "RmtInf"), "Ustrd", p.remark)
    if returned:
        ret = _el(tx, "RtrInf")
        _el(_el(ret, "Rsn"), "Cd", "AC04")
        _el(ret, "AddtlInf", p.failure_reason or "退回")
    elif p.status is PaymentStatus.FAILED and p.failure_reason:
        _el(tx, "AddtlTxInf", p.failure_reason)


def _entries(report: Element, payments: list[PaymentOut]) -> None:
    groups: dict[tuple[date, PaymentStatus], list[PaymentOut]] = defaultdict(list)
    for p in payments:
        groups[(p.value_date, p.status)].append(p)
    for (day, status), items in sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][1].value)):
        entry = _el(report, "Ntry")
        _amt(entry, sum(p.amount_fen for p in items))
        returned = status is PaymentStatus.RETURNED
        _el(entry, "CdtDbtInd", "CRDT" if returned else "DBIT")
        _el(_el(entry, "Sts"), "Cd", "RJCT" if status is PaymentStatus.FAILED else "BOOK")
        _el(_el(entry, "BookgDt"), "Dt", day.isoformat())
        _el(_el(entry, "ValDt"), "Dt", day.isoformat())
        details = _el(entry, "NtryDtls")
        _el(_el(details, "Btch"), "NbOfTxs", str(len(items)))
        for p in items:
            _tx(details, p, returned)


def _document(ns: str, body_tag: str) -> tuple[ElementTree, Element]:
    root = Element("Document", {"xmlns": ns})
    return ElementTree(root), _el(root, body_tag)


def write_camt054(path: Path, account_no: str, payments: list[PaymentOut], msg_id: str) -> Path:
    """A camt.054 notification: one batch entry per value date and status, with per-payment TxDtls."""
    tree, body = _document(CAMT054_NS, "BkToCstmrDbtCdtNtfctn")
    _el(_el(body, "GrpHdr"), "MsgId", msg_id)
    note = _el(body, "Ntfctn")
    _el(note, "Id", msg_id)
    _acct(note, "Acct", account_no)
    _entries(note, payments)
    tree.write(path, encoding="utf-8", xml_declaration=True)
    return path


def write_camt053(
    path: Path,
    account_no: str,
    payments: list[PaymentOut],
    credits: list[CreditOut],
    msg_id: str,
    closing: tuple[date, int] | None = None,
) -> Path:
    """A camt.053 statement: payroll batches with details, owner credits, and the closing balance."""
    tree, body = _document(CAMT053_NS, "BkToCstmrStmt")
    _el(_el(body, "GrpHdr"), "MsgId", msg_id)
    stmt = _el(body, "Stmt")
    _el(stmt, "Id", msg_id)
    _acct(stmt, "Acct", account_no)
    if closing is not None:
        bal = _el(stmt, "Bal")
        _el(_el(_el(bal, "Tp"), "CdOrPrtry"), "Cd", "CLBD")
        _amt(bal, abs(closing[1]))
        _el(bal, "CdtDbtInd", "CRDT" if closing[1] >= 0 else "DBIT")
        _el(_el(bal, "Dt"), "Dt", closing[0].isoformat())
    for c in credits:
        entry = _el(stmt, "Ntry")
        _amt(entry, c.amount_fen)
        _el(entry, "CdtDbtInd", "CRDT")
        _el(_el(entry, "Sts"), "Cd", "BOOK")
        _el(_el(entry, "ValDt"), "Dt", c.value_date.isoformat())
        _el(entry, "AcctSvcrRef", c.reference)
        tx = _el(_el(entry, "NtryDtls"), "TxDtls")
        _el(_el(_el(tx, "RltdPties"), "Dbtr"), "Nm", c.payer_name)
        if c.remark:
            _el(_el(tx, "RmtInf"), "Ustrd", c.remark)
    _entries(stmt, payments)
    tree.write(path, encoding="utf-8", xml_declaration=True)
    return path


def write_pain001(
    path: Path, account_no: str, payments: list[PaymentOut], msg_id: str, execution: date
) -> Path:
    """A pain.001 payroll batch (CtgyPurp SALA) as the GC's payroll system sends it to the bank."""
    tree, body = _document(PAIN001_NS, "CstmrCdtTrfInitn")
    head = _el(body, "GrpHdr")
    _el(head, "MsgId", msg_id)
    _el(head, "NbOfTxs", str(len(payments)))
    _el(head, "CtrlSum", format_fen(sum(p.amount_fen for p in payments)))
    pmt = _el(body, "PmtInf")
    _el(pmt, "PmtInfId", msg_id)
    _el(_el(_el(pmt, "PmtTpInf"), "CtgyPurp"), "Cd", "SALA")
    _el(_el(pmt, "ReqdExctnDt"), "Dt", execution.isoformat())
    _acct(pmt, "DbtrAcct", account_no)
    for p in payments:
        tx = _el(pmt, "CdtTrfTxInf")
        _el(_el(tx, "PmtId"), "EndToEndId", p.reference or "")
        _amt(_el(tx, "Amt"), p.amount_fen, "InstdAmt")
        _el(_el(tx, "Cdtr"), "Nm", p.payee_name)
        _acct(tx, "CdtrAcct", p.payee_card)
        if p.remark:
            _el(_el(tx, "RmtInf"), "Ustrd", p.remark)
    tree.write(path, encoding="utf-8", xml_declaration=True)
    return path
