"""ISO 20022 readers: camt.054 (debit/credit notification), camt.053 (statement) and pain.001 (payroll batch).

Parsed with ``defusedxml`` (no entities, no DTDs). Elements are found by local name, so any message version
(camt.053.001.02 ... .001.08, pain.001.001.03 ... .001.09) and any namespace prefix reads the same.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from wageguard.errors import ImportRejected, Problem
from wageguard.payroll.amounts import AmountError, parse_amount_fen, parse_date
from wageguard.payroll.banks.records import BankDocument, ParsedCredit, ParsedPayment, normalise_card, problem
from wageguard.payroll.choices import BankFileFormat, PaymentStatus

ROOTS = {
    "BkToCstmrDbtCdtNtfctn": BankFileFormat.CAMT054,
    "BkToCstmrStmt": BankFileFormat.CAMT053,
    "CstmrCdtTrfInitn": BankFileFormat.PAIN001,
}
ENTRY_STATUS = {"BOOK": PaymentStatus.SUCCESS, "PDNG": PaymentStatus.INSTRUCTED, "RJCT": PaymentStatus.FAILED}


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def kids(el: Element | None, name: str) -> list[Element]:
    if el is None:
        return []
    return [c for c in el if _local(c.tag) == name]


def find(el: Element | None, *path: str) -> Element | None:
    """The first element down ``path`` (local names), or None."""
    for name in path:
        if el is None:
            return None
        el = next((c for c in el if _local(c.tag) == name), None)
    return el


def text(el: Element | None, *path: str) -> str | None:
    found = find(el, *path)
    if found is None or found.text is None:
        return None
    return found.text.strip() or None


def _account_id(acct: Element | None) -> str | None:
    value = text(acct, "Id", "IBAN") or text(acct, "Id", "Othr", "Id")
    return normalise_card(value) if value else None


def _date_of(el: Element | None) -> date | None:
    value = text(el, "Dt") or text(el, "DtTm") or (el.text.strip() if el is not None and el.text else None)
    return parse_date(value) if value else None


def _party_name(el: Element | None, role: str) -> str | None:
    return text(el, role, "Nm") or text(el, role, "Pty", "Nm")


def _rejected(code: str, zh: str, en: str) -> ImportRejected:
    prob = problem(None, "file", code, zh, en)
    return ImportRejected(en, report={"problems": [prob.as_dict()]}, problems=[prob])


def parse_xml(data: bytes) -> tuple[BankFileFormat, Element]:
    """The message kind and its business element, or ``ImportRejected`` for malformed or unknown XML."""
    try:
        root = fromstring(data)
    except ParseError as exc:
        line, col = getattr(exc, "position", (0, 0))
        raise _rejected(
            "xml_malformed",
            f"XML 格式错误（第 {line} 行第 {col} 列）",
            f"malformed XML at line {line}, column {col}",
        ) from exc
    except DefusedXmlException as exc:
        raise _rejected(
            "xml_forbidden", "XML 含有禁止的实体或 DTD", "XML uses forbidden entities or a DTD"
        ) from exc
    body = root if _local(root.tag) in ROOTS else next(iter(root), None)
    if body is None or _local(body.tag) not in ROOTS:
        raise _rejected(
            "xml_unknown",
            "不是 camt.053/camt.054/pain.001 报文",
            "not a camt.053, camt.054 or pain.001 message",
        )
    return ROOTS[_local(body.tag)], body


def _amount(el: Element | None, row: str, doc: BankDocument) -> int | None:
    if el is None or el.text is None:
        doc.problems.append(problem(row, "Amt", "amount_missing", "缺少金额", "amount missing"))
        return None
    ccy = el.get("Ccy", "CNY")
    if ccy != "CNY":
        doc.problems.append(
            problem(row, "Amt", "currency", f"币种须为 CNY：{ccy}", f"currency must be CNY, not {ccy}")
        )
        return None
    try:
        return parse_amount_fen(el.text)
    except AmountError:
        doc.problems.append(
            problem(row, "Amt", "amount_invalid", "金额格式错误", "amount is not valid", el.text)
        )
        return None


def _tx_amount(tx: Element) -> Element | None:
    for path in (("Amt",), ("AmtDtls", "TxAmt", "Amt"), ("AmtDtls", "InstdAmt", "Amt")):
        found = find(tx, *path)
        if found is not None:
            return found
    return None


def _tx_reference(tx: Element) -> str | None:
    e2e = text(tx, "Refs", "EndToEndId")
    if e2e and e2e.upper() != "NOTPROVIDED":
        return e2e
    return text(tx, "Refs", "AcctSvcrRef") or text(tx, "Refs", "TxId")


def _remark(tx: Element) -> str | None:
    parts = [u.text.strip() for u in kids(find(tx, "RmtInf"), "Ustrd") if u.text]
    return " ".join(parts) or None


def _tx_payment(tx: Element, entry: Element, row: str, doc: BankDocument) -> ParsedPayment | None:
    returned = find(tx, "RtrInf") is not None
    status = (
        PaymentStatus.RETURNED
        if returned
        else ENTRY_STATUS.get(_entry_status(entry) or "", PaymentStatus.SUCCESS)
    )
    parties = find(tx, "RltdPties")
    name = _party_name(parties, "Cdtr")
    card = _account_id(find(parties, "CdtrAcct"))
    if returned:
        name = name or _party_name(parties, "Dbtr")
        card = card or _account_id(find(parties, "DbtrAcct"))
    amount = _amount(_tx_amount(tx), row, doc)
    value_date = _date_of(find(entry, "ValDt")) or _date_of(find(entry, "BookgDt"))
    if not name or not card or value_date is None:
        doc.problems.append(
            problem(
                row,
                "TxDtls",
                "tx_incomplete",
                "交易明细缺少收款人、账号或日期",
                "transaction lacks payee, account or date",
            )
        )
        return None
    if amount is None:
        return None
    reason = text(tx, "RtrInf", "AddtlInf") or text(tx, "RtrInf", "Rsn", "Cd") or text(tx, "AddtlTxInf")
    if status is PaymentStatus.FAILED and not reason:
        reason = text(entry, "AddtlNtryInf")
    return ParsedPayment(
        row=row,
        payee_name="".join(name.split()),
        payee_card=card,
        amount_fen=amount,
        value_date=value_date,
        status=status,
        failure_reason=reason if status in (PaymentStatus.FAILED, PaymentStatus.RETURNED) else None,
        remark=_remark(tx),
        reference=_tx_reference(tx),
        payee_bank=text(tx, "RltdAgts", "CdtrAgt", "FinInstnId", "Nm"),
    )


def _entry_status(entry: Element) -> str | None:
    return text(entry, "Sts", "Cd") or text(entry, "Sts")


def _credit(entry: Element, row: str, doc: BankDocument) -> ParsedCredit | None:
    amount = _amount(find(entry, "Amt"), row, doc)
    day = _date_of(find(entry, "ValDt")) or _date_of(find(entry, "BookgDt"))
    if amount is None or day is None:
        return None
    tx = find(find(entry, "NtryDtls"), "TxDtls")
    return ParsedCredit(
        row=row,
        amount_fen=amount,
        value_date=day,
        payer_name=_party_name(find(tx, "RltdPties"), "Dbtr") if tx is not None else None,
        reference=text(entry, "AcctSvcrRef") or (text(tx, "Refs", "AcctSvcrRef") if tx is not None else None),
        remark=(_remark(tx) if tx is not None else None) or text(entry, "AddtlNtryInf"),
    )


def _entry_payments(entry: Element, row: str, doc: BankDocument) -> Iterator[ParsedPayment]:
    txs = [tx for d in kids(entry, "NtryDtls") for tx in kids(d, "TxDtls")]
    is_credit = text(entry, "CdtDbtInd") == "CRDT"
    if is_credit and not any(find(tx, "RtrInf") is not None for tx in txs):
        credit = _credit(entry, row, doc)
        if credit is not None:
            doc.credits.append(credit)
        return
    if not txs:
        doc.warnings.append(
            Problem(
                field="NtryDtls",
                code="batch_without_detail",
                message_zh="批量记账条目没有逐笔明细，需 camt.054 或代发明细文件",
                message_en="batch entry has no transaction details; import camt.054 or the batch file",
                row=row,
                severity="warning",
            )
        )
        return
    for i, tx in enumerate(txs, start=1):
        parsed = _tx_payment(tx, entry, f"{row}/{i}", doc)
        if parsed is not None:
            yield parsed


def _balances(report: Element) -> list[tuple[date, int]]:
    found: list[tuple[date, int]] = []
    for bal in kids(report, "Bal"):
        code = text(bal, "Tp", "CdOrPrtry", "Cd")
        amt = find(bal, "Amt")
        day = _date_of(find(bal, "Dt"))
        if code == "CLBD" and amt is not None and amt.text and day is not None:
            fen = parse_amount_fen(amt.text)
            found.append((day, -fen if text(bal, "CdtDbtInd") == "DBIT" else fen))
    return found


def read_camt(kind: BankFileFormat, body: Element) -> BankDocument:
    """Payments, credits and closing balances of a camt.053 / camt.054 message (one account)."""
    reports = kids(body, "Ntfctn") + kids(body, "Stmt")
    accounts = {_account_id(find(r, "Acct")) for r in reports}
    doc = BankDocument(file_format=kind.value, account_no=None, payments=[])
    if len(accounts) != 1 or None in accounts:
        doc.problems.append(
            problem(
                None,
                "Acct",
                "account_ambiguous",
                "报文须只涉及一个账户",
                "the message must cover exactly one account",
            )
        )
        return doc
    doc.account_no = accounts.pop()
    payments: list[ParsedPayment] = []
    for r_no, report in enumerate(reports, start=1):
        doc.balances.extend(_balances(report))
        for e_no, entry in enumerate(kids(report, "Ntry"), start=1):
            payments.extend(_entry_payments(entry, f"{r_no}.{e_no}", doc))
    doc.payments = payments
    return doc


def read_pain001(body: Element) -> BankDocument:
    """The transfers of a pain.001 payroll batch, as instructed payments; header counts are checked."""
    doc = BankDocument(file_format=BankFileFormat.PAIN001.value, account_no=None, payments=[])
    payments: list[ParsedPayment] = []
    accounts: set[str | None] = set()
    for p_no, pmt in enumerate(kids(body, "PmtInf"), start=1):
        accounts.add(_account_id(find(pmt, "DbtrAcct")))
        day = _date_of(find(pmt, "ReqdExctnDt"))
        for t_no, tx in enumerate(kids(pmt, "CdtTrfTxInf"), start=1):
            row = f"{p_no}.{t_no}"
            amount = _amount(find(tx, "Amt", "InstdAmt"), row, doc)
            name, card = text(tx, "Cdtr", "Nm"), _account_id(find(tx, "CdtrAcct"))
            if not name or not card or day is None:
                doc.problems.append(
                    problem(
                        row,
                        "CdtTrfTxInf",
                        "tx_incomplete",
                        "缺少收款人、账号或日期",
                        "missing payee, account or date",
                    )
                )
                continue
            if amount is not None:
                payments.append(
                    ParsedPayment(
                        row=row,
                        payee_name="".join(name.split()),
                        payee_card=card,
                        amount_fen=amount,
                        value_date=day,
                        status=PaymentStatus.INSTRUCTED,
                        remark=_remark(tx),
                        reference=text(tx, "PmtId", "EndToEndId"),
                        payee_bank=text(tx, "CdtrAgt", "FinInstnId", "Nm"),
                    )
                )
    _check_pain_header(body, payments, doc)
    if len(accounts) != 1 or None in accounts:
        doc.problems.append(
            problem(
                None,
                "DbtrAcct",
                "account_ambiguous",
                "批次须只涉及一个付款账户",
                "the batch must have one debtor account",
            )
        )
    else:
        doc.account_no = accounts.pop()
    doc.payments = payments
    return doc


def _check_pain_header(body: Element, payments: list[ParsedPayment], doc: BankDocument) -> None:
    declared = text(body, "GrpHdr", "NbOfTxs")
    if declared is not None and declared != str(len(payments)) and not doc.problems:
        doc.problems.append(
            problem(
                None,
                "NbOfTxs",
                "count_mismatch",
                f"笔数不符：声明 {declared}，实际 {len(payments)}",
                f"NbOfTxs {declared} but {len(payments)} transactions",
            )
        )
    ctrl = text(body, "GrpHdr", "CtrlSum")
    if ctrl is not None and not doc.problems:
        total = sum(p.amount_fen for p in payments)
        try:
            declared_fen = parse_amount_fen(ctrl)
        except AmountError:
            declared_fen = -1
        if declared_fen != total:
            doc.problems.append(
                problem(
                    None,
                    "CtrlSum",
                    "sum_mismatch",
                    "总金额与明细不符",
                    "CtrlSum does not equal the transactions' total",
                    ctrl,
                )
            )


def read_iso20022(data: bytes) -> BankDocument:
    kind, body = parse_xml(data)
    if kind is BankFileFormat.PAIN001:
        return read_pain001(body)
    return read_camt(kind, body)
