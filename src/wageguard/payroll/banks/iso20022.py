"""ISO 20022 readers: camt.054 (debit/credit notification), camt.053 (statement) and pain.001 (payroll batch).

Parsed with ``defusedxml`` (no entities, no DTD, no external references) under a nesting-depth limit; an
encoding expat lacks (``GBK``, ``GB18030``, ``Big5`` ...) is decoded here from the XML declaration, and a file
whose bytes do not decode is refused. Elements are found by local name, so any message version
(camt.053.001.02 ... .001.08, pain.001.001.03 ... .001.09) and any namespace prefix reads the same. Dates are
ISO 8601 with or without an offset (``parse_iso_date``); the counts a message declares (``Btch/NbOfTxs``,
``TxsSummry`` entry counts, ``NbOfTxs`` and ``CtrlSum`` of pain.001) must agree with its content.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from datetime import date
from xml.etree.ElementTree import Element, ParseError, TreeBuilder

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from wageguard.errors import ImportRejected, Problem
from wageguard.payroll.amounts import AmountError, parse_amount_fen, parse_iso_date
from wageguard.payroll.banks.records import (
    TEXT_MAX,
    BankDocument,
    ParsedCredit,
    ParsedPayment,
    clean_text,
    normalise_card,
    problem,
)
from wageguard.payroll.choices import BankFileFormat, PaymentStatus
from wageguard.security.crypto import mask

ROOTS = {
    "BkToCstmrDbtCdtNtfctn": BankFileFormat.CAMT054,
    "BkToCstmrStmt": BankFileFormat.CAMT053,
    "CstmrCdtTrfInitn": BankFileFormat.PAIN001,
}
ENTRY_STATUS = {"BOOK": PaymentStatus.SUCCESS, "PDNG": PaymentStatus.INSTRUCTED, "RJCT": PaymentStatus.FAILED}
DEFAULT_MAX_DEPTH = 32
PROBLEM_CAP = 1000
_DECLARATION = re.compile(rb"<\?xml[^>]{0,200}?encoding\s*=\s*([\"'])([^\"']{1,40})\1")
_EXPAT_ENCODINGS = {"utf-8", "utf-16", "iso8859-1", "ascii"}


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


def _party_name(el: Element | None, role: str) -> str | None:
    return text(el, role, "Nm") or text(el, role, "Pty", "Nm")


def _rejected(code: str, zh: str, en: str) -> ImportRejected:
    prob = problem(None, "file", code, zh, en)
    return ImportRejected(en, report={"problems": [prob.as_dict()]}, problems=[prob])


class _TooDeep(Exception):
    pass


class _DepthLimited:
    """A parser target that builds the tree like ``TreeBuilder`` but stops past ``max_depth`` levels."""

    def __init__(self, max_depth: int) -> None:
        self._builder = TreeBuilder()
        self._depth = 0
        self._max = max_depth

    def start(self, tag: str, attrs: dict[str, str]) -> Element:
        self._depth += 1
        if self._depth > self._max:
            raise _TooDeep
        return self._builder.start(tag, attrs)

    def end(self, tag: str) -> Element:
        self._depth -= 1
        return self._builder.end(tag)

    def data(self, data: str) -> None:
        self._builder.data(data)

    def close(self) -> Element:
        return self._builder.close()


def _as_expat_input(data: bytes) -> bytes:
    """``data`` as expat can read it: encodings expat lacks are decoded here and re-encoded as UTF-8."""
    if data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data
    declared = _DECLARATION.match(data.lstrip()[:300])
    if declared is None:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise _rejected(
                "xml_encoding",
                f"XML 不是 UTF-8 编码，又未在声明中写明编码（第 {exc.start} 字节）",
                f"the XML is not UTF-8 and declares no encoding (byte {exc.start})",
            ) from None
        return data
    name = declared[2].decode("ascii", "replace")
    try:
        info = codecs.lookup(name)
    except LookupError:
        info = None
    if info is None or not getattr(info, "_is_text_encoding", True):
        raise _rejected(
            "xml_encoding",
            f"XML 声明了无法识别的编码 {name}（请用 UTF-8 或 GBK/GB18030）",
            f"the XML declares an unknown encoding {name} (use UTF-8 or GBK/GB18030)",
        )
    if info.name in _EXPAT_ENCODINGS:
        return data
    try:
        decoded = data.decode(info.name)
    except UnicodeDecodeError as exc:
        raise _rejected(
            "xml_encoding",
            f"XML 内容不是所声明的 {name} 编码（第 {exc.start} 字节）",
            f"the XML bytes are not valid {name} (byte {exc.start})",
        ) from None
    head, sep, rest = decoded.partition("?>")
    head = re.sub(r"encoding\s*=\s*([\"'])[^\"']*\1", 'encoding="UTF-8"', head, count=1)
    return (head + sep + rest).encode("utf-8")


def parse_xml(data: bytes, *, max_depth: int = DEFAULT_MAX_DEPTH) -> tuple[BankFileFormat, Element]:
    """The message kind and its business element, or ``ImportRejected`` for malformed, forbidden (DTD,
    entities), too deeply nested, undecodable or unknown XML."""
    target = _DepthLimited(max_depth)
    parser = DefusedXMLParser(target=target, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    try:
        parser.feed(_as_expat_input(data))
        root: Element = parser.close()
    except ParseError as exc:
        line, col = getattr(exc, "position", (0, 0))
        raise _rejected(
            "xml_malformed",
            f"XML 格式错误（第 {line} 行第 {col} 列）",
            f"malformed XML at line {line}, column {col}",
        ) from None
    except DefusedXmlException:
        raise _rejected(
            "xml_forbidden", "XML 含有禁止的 DTD 或实体声明", "XML uses a forbidden DTD or entities"
        ) from None
    except _TooDeep:
        raise _rejected(
            "xml_too_deep",
            f"XML 嵌套超过 {max_depth} 层",
            f"XML is nested deeper than {max_depth} levels",
        ) from None
    body = root if _local(root.tag) in ROOTS else next(iter(root), None)
    if body is None or _local(body.tag) not in ROOTS:
        raise _rejected(
            "xml_unknown",
            "不是 camt.053/camt.054/pain.001 报文",
            "not a camt.053, camt.054 or pain.001 message",
        )
    return ROOTS[_local(body.tag)], body


def _add(doc: BankDocument, prob: Problem) -> None:
    if len(doc.problems) < PROBLEM_CAP:  # keep the report (and memory) bounded on a hopeless file
        doc.problems.append(prob)


class _Row:
    """The problems of one entry or transaction while its fields are read."""

    def __init__(self, row: str, doc: BankDocument) -> None:
        self.row, self.doc, self.problems = row, doc, list[Problem]()

    def text(self, value: str | None, field_name: str, column: str) -> str | None:
        return clean_text(
            value, row=self.row, field_name=field_name, max_len=TEXT_MAX[column], problems=self.problems
        )

    def fail(self, field_name: str, code: str, zh: str, en: str, value: object = None) -> None:
        self.problems.append(problem(self.row, field_name, code, zh, en, value))

    def ok(self) -> bool:
        for p in self.problems:
            _add(self.doc, p)
        return not self.problems


def _amount(el: Element | None, r: _Row, *, field_name: str = "Amt") -> int | None:
    if el is None or el.text is None:
        r.fail(field_name, "amount_missing", "缺少金额", "amount missing")
        return None
    ccy = el.get("Ccy", "CNY")
    if ccy != "CNY":
        r.fail(field_name, "currency", f"币种须为 CNY：{ccy}", f"currency must be CNY, not {ccy}", ccy)
        return None
    try:
        return parse_amount_fen(el.text.strip())
    except AmountError as exc:
        r.fail(field_name, "amount_invalid", exc.notice.message_zh, exc.notice.message_en, el.text)
        return None


def _day(el: Element | None, r: _Row, field_name: str) -> date | None:
    """The date of a ``Dt``/``DtTm`` choice (or a bare date element); a problem when it is not a date."""
    if el is None:
        return None
    value = text(el, "Dt") or text(el, "DtTm") or (el.text.strip() if el.text and el.text.strip() else None)
    if value is None:
        return None
    try:
        return parse_iso_date(value)
    except AmountError as exc:
        r.fail(field_name, "date_invalid", exc.notice.message_zh, exc.notice.message_en, value)
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


def _end_to_end(refs: Element | None) -> str | None:
    e2e = text(refs, "EndToEndId")
    return e2e if e2e and e2e.upper() != "NOTPROVIDED" else None


def _payer_refs(refs: Element | None, reference: str | None, r: _Row) -> tuple[str | None, str | None]:
    """(EndToEndId, the reference that may name a pay-sheet line: EndToEndId, else InstrId) of a
    transaction whose cleaned EndToEndId-first ``reference`` is already read."""
    end_to_end = reference if reference is not None and _end_to_end(refs) is not None else None
    if end_to_end is not None:
        return end_to_end, end_to_end
    instr = text(refs, "InstrId")
    if instr is None or instr.upper() == "NOTPROVIDED":
        return None, None
    return None, r.text(instr, "InstrId", "end_to_end_id")


def _remark(tx: Element | None) -> str | None:
    parts = [u.text.strip() for u in kids(find(tx, "RmtInf"), "Ustrd") if u.text]
    return " ".join(parts) or None


def _card(value: str | None, r: _Row, field_name: str) -> str | None:
    """A payee's account: 8 to 32 ASCII letters or digits (a card number, or an IBAN)."""
    if value is None:
        return None
    if value.isascii() and value.isalnum() and 8 <= len(value) <= 32:
        return value
    r.fail(
        field_name, "card_invalid", "收款账号无效", "payee account is not an account number", mask(value[:40])
    )
    return None


def _tx_payment(tx: Element, entry: Element, r: _Row, value_date: date | None) -> ParsedPayment | None:
    returned = find(tx, "RtrInf") is not None
    status = (
        PaymentStatus.RETURNED
        if returned
        else ENTRY_STATUS.get(_entry_status(entry) or "", PaymentStatus.SUCCESS)
    )
    parties = find(tx, "RltdPties")
    raw_name = _party_name(parties, "Cdtr")
    raw_card = _account_id(find(parties, "CdtrAcct"))
    if returned:
        raw_name = raw_name or _party_name(parties, "Dbtr")
        raw_card = raw_card or _account_id(find(parties, "DbtrAcct"))
    name = r.text(raw_name, "Nm", "payee_name")
    card = _card(raw_card, r, "CdtrAcct")
    amount = _amount(_tx_amount(tx), r)
    reason = text(tx, "RtrInf", "AddtlInf") or text(tx, "RtrInf", "Rsn", "Cd") or text(tx, "AddtlTxInf")
    if status is PaymentStatus.FAILED and not reason:
        reason = text(entry, "AddtlNtryInf")
    keep_reason = status in (PaymentStatus.FAILED, PaymentStatus.RETURNED)
    failure = r.text(reason, "RtrInf", "failure_reason") if keep_reason else None
    remark = r.text(_remark(tx), "Ustrd", "remark")
    reference = r.text(_tx_reference(tx), "Refs", "reference")
    end_to_end, line_ref = _payer_refs(find(tx, "Refs"), reference, r)
    payee_bank = r.text(text(tx, "RltdAgts", "CdtrAgt", "FinInstnId", "Nm"), "CdtrAgt", "payee_bank")
    if not r.problems and (not name or not card or value_date is None):
        r.fail(
            "TxDtls",
            "tx_incomplete",
            "交易明细缺少收款人、账号或日期",
            "transaction lacks payee, account or date",
        )
    if not r.ok():
        return None
    assert name is not None and card is not None and amount is not None and value_date is not None
    return ParsedPayment(
        row=r.row,
        payee_name="".join(name.split()),
        payee_card=card,
        amount_fen=amount,
        value_date=value_date,
        status=status,
        failure_reason=failure,
        remark=remark,
        reference=reference,
        payee_bank=payee_bank,
        end_to_end_id=end_to_end,
        line_ref=line_ref,
    )


def _entry_status(entry: Element) -> str | None:
    return text(entry, "Sts", "Cd") or text(entry, "Sts")


def _credit(entry: Element, r: _Row, value_date: date | None) -> ParsedCredit | None:
    amount = _amount(find(entry, "Amt"), r)
    tx = find(find(entry, "NtryDtls"), "TxDtls")
    payer = r.text(_party_name(find(tx, "RltdPties"), "Dbtr"), "Dbtr", "payer_name")
    reference = r.text(
        text(entry, "AcctSvcrRef") or text(tx, "Refs", "AcctSvcrRef"), "AcctSvcrRef", "reference"
    )
    remark = r.text(_remark(tx) or text(entry, "AddtlNtryInf"), "Ustrd", "remark")
    if not r.ok() or amount is None or value_date is None:
        return None
    return ParsedCredit(
        row=r.row,
        amount_fen=amount,
        value_date=value_date,
        payer_name=payer,
        reference=reference,
        remark=remark,
    )


def _same_count(declared: str, actual: int) -> bool:
    return declared.isascii() and declared.isdigit() and len(declared) < 10 and int(declared) == actual


def _count_mismatch(row: str | None, field_name: str, declared: str, actual: int, what_en: str) -> Problem:
    return problem(
        row,
        field_name,
        "count_mismatch",
        f"笔数不符：{field_name} 声明 {declared}，实际 {actual}",
        f"{field_name} declares {declared} {what_en} but there are {actual}",
        declared,
    )


def _check_batches(entry: Element, row: str, doc: BankDocument) -> bool:
    """Each batch's declared ``NbOfTxs`` against its transaction details (a batch without details is only
    warned about, below)."""
    fine = True
    for details in kids(entry, "NtryDtls"):
        declared = text(details, "Btch", "NbOfTxs")
        txs = kids(details, "TxDtls")
        if declared is not None and txs and not _same_count(declared, len(txs)):
            _add(doc, _count_mismatch(row, "NbOfTxs", declared, len(txs), "transactions"))
            fine = False
    return fine


def _entry_day(entry: Element, r: _Row) -> date | None:
    value = _day(find(entry, "ValDt"), r, "ValDt")
    booked = _day(find(entry, "BookgDt"), r, "BookgDt")
    return value or booked


def _entry_payments(entry: Element, row: str, doc: BankDocument) -> Iterator[ParsedPayment]:
    dated = _Row(row, doc)
    day = _entry_day(entry, dated)
    if not dated.ok() or not _check_batches(entry, row, doc):
        return
    txs = [tx for d in kids(entry, "NtryDtls") for tx in kids(d, "TxDtls")]
    is_credit = text(entry, "CdtDbtInd") == "CRDT"
    if is_credit and not any(find(tx, "RtrInf") is not None for tx in txs):
        credit = _credit(entry, _Row(row, doc), day)
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
        parsed = _tx_payment(tx, entry, _Row(f"{row}/{i}", doc), day)
        if parsed is not None:
            yield parsed


def _balances(report: Element, row: str, doc: BankDocument) -> list[tuple[date, int]]:
    found: list[tuple[date, int]] = []
    for bal in kids(report, "Bal"):
        if text(bal, "Tp", "CdOrPrtry", "Cd") != "CLBD":
            continue
        r = _Row(row, doc)
        fen = _amount(find(bal, "Amt"), r, field_name="Bal")
        day = _day(find(bal, "Dt"), r, "Bal")
        if r.ok() and fen is not None and day is not None:
            found.append((day, -fen if text(bal, "CdtDbtInd") == "DBIT" else fen))
    return found


def _paginated(body: Element, report: Element) -> bool:
    """Whether the message is one page of several (its summary may then cover pages not in this file)."""
    for pages in (find(body, "GrpHdr", "MsgPgntn"), find(report, "StmtPgntn"), find(report, "NtfctnPgntn")):
        if pages is not None and (text(pages, "PgNb") != "1" or text(pages, "LastPgInd") != "true"):
            return True
    return False


def _check_summary(report: Element, entries: list[Element], row: str, doc: BankDocument) -> None:
    """``TxsSummry`` entry counts (all, credit, debit) against the entries of the report."""
    sides = [text(e, "CdtDbtInd") for e in entries]
    for path, actual in (
        ("TtlNtries", len(entries)),
        ("TtlCdtNtries", sides.count("CRDT")),
        ("TtlDbtNtries", sides.count("DBIT")),
    ):
        declared = text(report, "TxsSummry", path, "NbOfNtries")
        if declared is not None and not _same_count(declared, actual):
            _add(doc, _count_mismatch(row, "NbOfNtries", declared, actual, "entries"))


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
        entries = kids(report, "Ntry")
        if not _paginated(body, report):
            _check_summary(report, entries, str(r_no), doc)
        doc.balances.extend(_balances(report, str(r_no), doc))
        for e_no, entry in enumerate(entries, start=1):
            payments.extend(_entry_payments(entry, f"{r_no}.{e_no}", doc))
    doc.payments = payments
    return doc


def read_pain001(body: Element) -> BankDocument:
    """The transfers of a pain.001 payroll batch, as instructed payments; declared counts and sums checked."""
    doc = BankDocument(file_format=BankFileFormat.PAIN001.value, account_no=None, payments=[])
    payments: list[ParsedPayment] = []
    accounts: set[str | None] = set()
    for p_no, pmt in enumerate(kids(body, "PmtInf"), start=1):
        accounts.add(_account_id(find(pmt, "DbtrAcct")))
        dated = _Row(str(p_no), doc)
        day = _day(find(pmt, "ReqdExctnDt"), dated, "ReqdExctnDt")
        if not dated.ok():
            continue
        txs = kids(pmt, "CdtTrfTxInf")
        declared = text(pmt, "NbOfTxs")
        if declared is not None and not _same_count(declared, len(txs)):
            _add(doc, _count_mismatch(str(p_no), "NbOfTxs", declared, len(txs), "transactions"))
        for t_no, tx in enumerate(txs, start=1):
            parsed = _pain_payment(tx, _Row(f"{p_no}.{t_no}", doc), day)
            if parsed is not None:
                payments.append(parsed)
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


def _pain_payment(tx: Element, r: _Row, day: date | None) -> ParsedPayment | None:
    amount = _amount(find(tx, "Amt", "InstdAmt"), r)
    name = r.text(text(tx, "Cdtr", "Nm"), "Nm", "payee_name")
    card = _card(_account_id(find(tx, "CdtrAcct")), r, "CdtrAcct")
    remark = r.text(_remark(tx), "Ustrd", "remark")
    reference = r.text(text(tx, "PmtId", "EndToEndId"), "EndToEndId", "reference")
    end_to_end, line_ref = _payer_refs(find(tx, "PmtId"), reference, r)
    payee_bank = r.text(text(tx, "CdtrAgt", "FinInstnId", "Nm"), "CdtrAgt", "payee_bank")
    if not r.problems and (not name or not card or day is None):
        r.fail("CdtTrfTxInf", "tx_incomplete", "缺少收款人、账号或日期", "missing payee, account or date")
    if not r.ok():
        return None
    assert name is not None and card is not None and amount is not None and day is not None
    return ParsedPayment(
        row=r.row,
        payee_name="".join(name.split()),
        payee_card=card,
        amount_fen=amount,
        value_date=day,
        status=PaymentStatus.INSTRUCTED,
        remark=remark,
        reference=reference,
        payee_bank=payee_bank,
        end_to_end_id=end_to_end,
        line_ref=line_ref,
    )


def _check_pain_header(body: Element, payments: list[ParsedPayment], doc: BankDocument) -> None:
    if doc.problems:
        return
    declared = text(body, "GrpHdr", "NbOfTxs")
    if declared is not None and not _same_count(declared, len(payments)):
        doc.problems.append(_count_mismatch(None, "NbOfTxs", declared, len(payments), "transactions"))
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


def read_iso20022(data: bytes, *, max_depth: int = DEFAULT_MAX_DEPTH) -> BankDocument:
    kind, body = parse_xml(data, max_depth=max_depth)
    if kind is BankFileFormat.PAIN001:
        return read_pain001(body)
    return read_camt(kind, body)
