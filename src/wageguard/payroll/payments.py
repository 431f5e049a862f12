"""Use cases that store bank payment flows: import a bank file, accept a bank's push.

The whole file is accepted or rejected: rows are parsed, matched and inserted chunk by chunk (Core
executemany) inside one transaction, and any problem rolls everything back and raises ``ImportRejected`` with
the row/field/reason report. Natural keys make re-imports and overlapping statements add nothing twice.

Every account a file, a row or a push names is looked up in the caller's ``AccountBook``, which holds only
the accounts the write policy lets the caller write: a bank's file for another bank's account (or for an
account without a bank code) is refused exactly like a file for an unregistered account.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from sqlalchemy import Table, bindparam, update
from sqlalchemy.orm import Session

from wageguard.auth.policy import check_bank_writer
from wageguard.auth.scope import Principal
from wageguard.db import Database, utcnow
from wageguard.errors import ImportRejected, Problem
from wageguard.events import announce_import
from wageguard.ingest.boundary import BadInput, Limits, check_size
from wageguard.ingest.models import ImportBatch
from wageguard.payroll.accounts import AccountBook, AccountInfo
from wageguard.payroll.banks.iso20022 import read_iso20022
from wageguard.payroll.banks.profiles import get_profile
from wageguard.payroll.banks.records import BankDocument, ParsedPayment, problem
from wageguard.payroll.banks.tabular import read_tabular
from wageguard.payroll.bulk import insert_many, select_in
from wageguard.payroll.choices import STATUS_RANK, PaymentStatus
from wageguard.payroll.inflows import store_balances, store_credits
from wageguard.payroll.matching import Candidate, Matcher, flag_shared_cards, reference_keys
from wageguard.payroll.models import BankPayment
from wageguard.payroll.tallying import refresh_payment_tallies
from wageguard.security.crypto import Protector, mask

MAX_PROBLEMS = 500
INSERT_COLUMNS = (
    *("account_id", "project_id", "region_code", "import_batch_id", "natural_key", "bank_reference"),
    *("payee_name", "payee_card_enc", "payee_card_bidx", "payee_card_masked", "payee_bank", "amount_fen"),
    *("value_date", "status", "failure_reason", "remark", "pay_month", "month_source", "outcome"),
    *("worker_id", "pay_sheet_line_id", "line_ref", "match_key", "created_at"),
)
PAYMENTS: Table = BankPayment.__table__  # type: ignore[assignment]


@dataclass
class ImportResult:
    """What an accepted bank import did."""

    batch_id: int
    file_format: str
    account: str | None
    rows: int = 0
    inserted: int = 0
    duplicates: int = 0
    updated: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
    credits_inserted: int = 0
    credits_duplicates: int = 0
    balances: int = 0
    warnings: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def read_bank_file(
    path: Path, profile: str | None, *, limits: Limits | None = None, encoding: str | None = None
) -> BankDocument:
    """The document of a bank file: XML by content, otherwise CSV/XLSX through ``profile``; ``ImportRejected``
    when the file as a whole cannot be read (too large, malformed or forbidden XML)."""
    limits = limits or Limits()
    with path.open("rb") as fh:
        try:
            check_size(fh, limits)
        except BadInput as exc:
            raise _reject(exc.notice.message_en, [exc.problem()], 0) from None
        head = fh.read(512)
    if head.lstrip(b"\xef\xbb\xbf").lstrip().startswith(b"<") or head.startswith(
        (b"\xff\xfe<", b"\xfe\xff\x00<")
    ):
        return read_iso20022(path.read_bytes(), max_depth=limits.max_xml_depth)
    return read_tabular(path, get_profile(profile or "generic"), limits=limits, encoding=encoding)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def encoding_problem() -> Problem:
    """The whole-file problem of a CSV whose encoding is neither UTF-8 nor GBK."""
    return problem(
        None,
        "file",
        "encoding",
        "文件编码无法识别（应为 UTF-8 或 GBK）",
        "file encoding not recognised (UTF-8 or GBK expected)",
    )


def _reject(message: str, problems: list[Problem], rows: int) -> ImportRejected:
    report = {
        "rows": rows,
        "error_count": len(problems),
        "problems": [p.as_dict() for p in problems[:MAX_PROBLEMS]],
    }
    return ImportRejected(message, report=report, problems=problems[:MAX_PROBLEMS])


@dataclass
class _Store:
    """State of one import while its chunks are stored."""

    session: Session
    protector: Protector
    book: AccountBook
    named: AccountInfo | None
    batch_id: int
    result: ImportResult
    problems: list[Problem]
    seq: Counter[tuple[int, str, int, str]] = field(default_factory=Counter)
    touched_projects: set[int] = field(default_factory=set)  # whose money tallies to recompute
    touched_regions: set[str] = field(default_factory=set)  # of payments on no project

    def __post_init__(self) -> None:
        self.matcher = Matcher(self.session)

    def account_of(self, p: ParsedPayment) -> AccountInfo | None:
        if p.account_no:
            info = self.book.get(p.account_no)
            if info is None or (self.named is not None and info.id != self.named.id):
                if len(self.problems) >= MAX_PROBLEMS:
                    return None
                code, zh, en = (
                    (
                        "account_mismatch",
                        "付款账户不是指定的工资专用账户",
                        "paying account is not the named wage account",
                    )
                    if self.named is not None
                    else (
                        "account_unknown",
                        "付款账户不是已登记的工资专用账户",
                        "paying account is not a registered wage account",
                    )
                )
                self.problems.append(problem(p.row, "account_no", code, zh, en, mask(p.account_no)))
                return None
            return info
        if self.named is None and len(self.problems) < MAX_PROBLEMS:
            self.problems.append(
                problem(p.row, "account_no", "required", "缺少付款账户", "paying account missing")
            )
        return self.named

    def natural_key(self, account_id: int, p: ParsedPayment, bidx: str) -> str:
        if p.link_reference:
            return f"r:{p.link_reference}"
        base = (account_id, bidx, p.amount_fen, p.value_date.isoformat())
        self.seq[base] += 1
        return f"k:{bidx}:{p.amount_fen}:{base[3]}:{self.seq[base]}"

    def store_chunk(self, chunk: list[ParsedPayment]) -> None:
        prepared: dict[tuple[int, str], tuple[ParsedPayment, AccountInfo, str]] = {}
        for p in chunk:
            info = self.account_of(p)
            if info is None or self.problems:
                continue
            bidx = self.protector.blind_index(p.payee_card)
            key = (info.id, self.natural_key(info.id, p, bidx))
            if key in prepared:
                self.result.duplicates += 1
                continue
            prepared[key] = (p, info, bidx)
        if self.problems or not prepared:
            return
        existing = self._existing({k for _, k in prepared})
        new = {k: v for k, v in prepared.items() if k not in existing}
        self._update_statuses(prepared, existing)
        self._insert(new)

    def _existing(self, keys: set[str]) -> dict[tuple[int, str], tuple[int, str]]:
        sql = "SELECT account_id, natural_key, id, status FROM bank_payments WHERE natural_key IN ({in})"
        rows = select_in(self.session.connection(), sql, sorted(keys))
        return {(a, k): (i, s) for a, k, i, s in rows}

    def _update_statuses(
        self, prepared: dict[tuple[int, str], Any], existing: dict[tuple[int, str], Any]
    ) -> None:
        changes = []
        for key, (pid, old) in existing.items():
            if key not in prepared:
                continue
            p = prepared[key][0]
            if STATUS_RANK[p.status] > STATUS_RANK[PaymentStatus(old)]:
                outcome = {PaymentStatus.FAILED: "failed", PaymentStatus.RETURNED: "returned"}.get(p.status)
                changes.append(
                    {
                        "b_id": pid,
                        "b_status": p.status.value,
                        "b_reason": p.failure_reason,
                        "b_date": p.value_date,
                        "b_outcome": outcome,
                    }
                )
            else:
                self.result.duplicates += 1
        if not changes:
            return
        table = PAYMENTS
        stmt = (
            update(table)
            .where(table.c.id == bindparam("b_id"))
            .values(
                status=bindparam("b_status"),
                failure_reason=bindparam("b_reason"),
                value_date=bindparam("b_date"),
            )
        )
        self._touch_existing([c["b_id"] for c in changes])
        self.session.connection().execute(stmt, changes)
        moved = [{"b_id": c["b_id"], "b_outcome": c["b_outcome"]} for c in changes if c["b_outcome"]]
        if moved:
            self.session.connection().execute(
                update(table).where(table.c.id == bindparam("b_id")).values(outcome=bindparam("b_outcome")),
                moved,
            )
        self.result.updated += len(changes)

    def _touch_existing(self, ids: list[int]) -> None:
        sql = "SELECT project_id, region_code FROM bank_payments WHERE id IN ({in})"
        for project_id, region in select_in(self.session.connection(), sql, ids):
            self._touch(project_id, region)

    def _touch(self, project_id: int | None, region: str) -> None:
        if project_id is None:
            self.touched_regions.add(region)
        else:
            self.touched_projects.add(int(project_id))

    def _insert(self, new: dict[tuple[int, str], tuple[ParsedPayment, AccountInfo, str]]) -> None:
        if not new:
            return
        items = list(new.items())
        candidates = [
            Candidate(
                info.project_ids,
                p.payee_name,
                bidx,
                p.amount_fen,
                p.value_date,
                p.status,
                p.remark,
                reference_keys(p.line_refs),
            )
            for _, (p, info, bidx) in items
        ]
        matches = self.matcher.match_chunk(candidates)
        now = utcnow()
        rows = []
        for ((account_id, key), (p, info, _bidx)), m, c in zip(items, matches, candidates, strict=True):
            rows.append(
                (
                    account_id,
                    info.project_id or m.project_id,
                    info.region_code,
                    self.batch_id,
                    key,
                    p.reference,
                    p.payee_name[:64],
                    self.protector.encrypt(p.payee_card),
                    c.card_bidx,
                    mask(p.payee_card),
                    p.payee_bank,
                    p.amount_fen,
                    p.value_date,
                    p.status.value,
                    p.failure_reason,
                    p.remark or None,
                    m.pay_month,
                    m.month_source,
                    m.outcome.value,
                    m.worker_id,
                    m.line_id,
                    m.line_ref or p.line_ref or p.end_to_end_id,
                    m.key,
                    now,
                )
            )
            self.result.outcomes[m.outcome.value] = self.result.outcomes.get(m.outcome.value, 0) + 1
        insert_many(self.session.connection(), PAYMENTS, INSERT_COLUMNS, rows)
        for row in rows:
            self._touch(row[1], row[2])
        self.result.inserted += len(rows)


def _chunks(items: Iterable[ParsedPayment], size: int) -> Iterator[list[ParsedPayment]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def _resolve_account(book: AccountBook, doc: BankDocument, account_no: str | None) -> AccountInfo | None:
    named = book.require(account_no) if account_no else None
    if doc.account_no is not None:
        in_file = book.get(doc.account_no)
        if named is not None and (in_file is None or in_file.id != named.id):
            prob = problem(
                None,
                "Acct",
                "account_mismatch",
                f"文件属于账户 {mask(doc.account_no)}，不是指定的账户 {named.masked}",
                f"the file is for account {mask(doc.account_no)}, not the named account {named.masked}",
            )
            raise _reject(prob.message_en, [prob], 0)
        return named or book.require(doc.account_no)
    return named


def store_document(
    *,
    session: Session,
    principal: Principal,
    protector: Protector,
    doc: BankDocument,
    account_no: str | None,
    batch: ImportBatch,
    chunk_rows: int,
) -> ImportResult:
    """Store every payment, credit and balance of ``doc`` in the caller's transaction, or reject it whole;
    only accounts ``principal`` may write are known to it."""
    check_bank_writer(principal)
    if doc.problems:
        raise _reject("bank file rejected", doc.problems, 0)
    book = AccountBook(session, protector, principal)
    named = _resolve_account(book, doc, account_no)
    result = ImportResult(
        batch_id=batch.id, file_format=doc.file_format, account=named.masked if named else None
    )
    store = _Store(session, protector, book, named, batch.id, result, doc.problems)
    for chunk in _chunks(doc.payments, chunk_rows):
        result.rows += len(chunk)
        if len(doc.problems) < MAX_PROBLEMS:
            store.store_chunk(chunk)
    if doc.problems:
        raise _reject("bank file rejected", doc.problems, result.rows)
    if doc.credits or doc.balances:
        if named is None:
            raise _reject("no account", [problem(None, "Acct", "required", "缺少账户", "account missing")], 0)
        result.credits_inserted = store_credits(session, named, doc.credits)
        result.credits_duplicates = len(doc.credits) - result.credits_inserted
        result.balances = store_balances(session, named.id, doc.balances)
    flag_shared_cards(session, batch.id)
    refresh_payment_tallies(session, project_ids=store.touched_projects, regions=store.touched_regions)
    result.warnings = [w.as_dict() for w in doc.warnings]
    return result


def open_batch(session: Session, filename: str, file_format: str, sha256: str, actor: str) -> ImportBatch:
    batch = ImportBatch(
        object_name="bank_payments",
        filename=filename[:300],
        file_format=file_format[:8],
        sha256=sha256,
        actor=actor,
        status="running",
    )
    session.add(batch)
    session.flush()
    return batch


def _finish(batch: ImportBatch, result: ImportResult) -> None:
    batch.status, batch.rows, batch.inserted = "accepted", result.rows, result.inserted
    batch.updated, batch.unchanged, batch.finished_at = result.updated, result.duplicates, utcnow()
    batch.summary = {
        "outcomes": result.outcomes,
        "credits": result.credits_inserted,
        "balances": result.balances,
        "warnings": result.warnings,
    }


def record_rejection(
    db: Database, *, filename: str, file_format: str, sha256: str, actor: str, exc: ImportRejected
) -> None:
    """Keep a record of a rejected attempt (its own transaction: the import itself was rolled back)."""
    with db.transaction() as session:
        batch = open_batch(session, filename, file_format, sha256, actor)
        batch.status, batch.error_count, batch.finished_at = "rejected", len(exc.problems), utcnow()
        batch.summary = {"problems": [p.as_dict() for p in exc.problems[:50]]}
    exc.report.setdefault("batch_id", batch.id)


def import_bank_file(
    *,
    db: Database,
    principal: Principal,
    protector: Protector,
    path: Path,
    profile: str | None = None,
    account_no: str | None = None,
    actor: str,
    chunk_rows: int = 5000,
    limits: Limits | None = None,
    encoding: str | None = None,
) -> ImportResult:
    """Import one bank file (CSV/XLSX via ``profile``, camt.053/054 or pain.001) in one transaction, read
    under ``limits`` (``Limits.of(settings)``); ``encoding`` overrides the CSV encoding detection."""
    sha = file_sha256(path)
    fmt = "xml" if path.suffix.lower() == ".xml" else path.suffix.lower().lstrip(".") or "csv"
    try:
        with db.transaction() as session:
            doc = read_bank_file(path, profile, limits=limits, encoding=encoding)
            fmt = doc.file_format
            batch = open_batch(session, path.name, fmt, sha, actor)
            try:
                result = store_document(
                    session=session,
                    principal=principal,
                    protector=protector,
                    doc=doc,
                    account_no=account_no,
                    batch=batch,
                    chunk_rows=chunk_rows,
                )
            except UnicodeDecodeError as exc:
                raise _reject("bad encoding", [encoding_problem()], 0) from exc
            _finish(batch, result)
    except ImportRejected as exc:
        record_rejection(db, filename=path.name, file_format=fmt, sha256=sha, actor=actor, exc=exc)
        raise
    announce_import("bank_payments")
    return result


def push_bank_payments(
    *,
    db: Database,
    principal: Principal,
    protector: Protector,
    account_no: str,
    payments: list[ParsedPayment],
    problems: list[Problem],
    actor: str,
    chunk_rows: int = 5000,
) -> ImportResult:
    """Accept payments a bank pushes over HTTP for one of its accounts; same rules as a file."""
    doc = BankDocument(file_format="push", account_no=None, payments=payments, problems=list(problems))
    digest = hashlib.sha256(
        repr([(p.reference, p.payee_card, p.amount_fen) for p in payments]).encode()
    ).hexdigest()
    try:
        with db.transaction() as session:
            check_bank_writer(principal)
            info = AccountBook(session, protector, principal).require(account_no)
            batch = open_batch(session, f"push:{info.masked}", "push", digest, actor)
            result = store_document(
                session=session,
                principal=principal,
                protector=protector,
                doc=doc,
                account_no=account_no,
                batch=batch,
                chunk_rows=chunk_rows,
            )
            _finish(batch, result)
    except ImportRejected as exc:
        record_rejection(db, filename="push", file_format="push", sha256=digest, actor=actor, exc=exc)
        raise
    announce_import("bank_payments")
    return result
