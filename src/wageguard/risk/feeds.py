"""A feed file as subjects: read through the input boundary, rows parsed, checked against each other.

No database here. A file becomes flat rows (CSV/XLSX: one per line, the header row 1; JSON: one object or a
list, nested lists flattened: contracting's ``paymentList`` items carry their contract's fields, a
registration object's credit lists become rows of their record type), every row is parsed by the feed's
spec (``schemas.py``), dates of things that happened are checked against today, and the rows are grouped
into *subjects* — what one stored snapshot holds: a project's contract with its payments, an enterprise's
tax year, an enterprise's registration with its credit records. A subject's ``digest`` is the hash of its
parsed content, so the service recognises a resent file. Problems go to the report (row, field, code,
reason zh/en); ``service.py`` then checks the registry and writes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

from wageguard.errors import Problem
from wageguard.ingest.boundary import (
    BadInput,
    Limits,
    Row,
    Source,
    check_size,
    empty_file,
    guess_format,
    open_table,
    read_json_document,
    too_many_rows,
)
from wageguard.ingest.report import ImportReport
from wageguard.ingest.spec import REQUIRED, ObjectSpec, ParsedRow, parse_row
from wageguard.risk.choices import PROFILE, Feed
from wageguard.risk.schemas import (
    NOT_FUTURE,
    PROFILE_FIELDS,
    REGISTRATION_LISTS,
    REGISTRATION_NEEDS,
    SPECS,
)
from wageguard.validation import Notice

FUTURE = Notice("date.future", "日期晚于今天（{today}）", "date is after today ({today})")
DUPLICATE = Notice(
    "duplicate", "文件内重复（与第 {first} 行相同的记录）", "duplicate in file (same record as row {first})"
)
MISMATCH = Notice(
    "contract.mismatch",
    "同一项目的合同字段与第 {first} 行不一致",
    "the project's contract fields differ from row {first}",
)
UNKNOWN_COLUMN = Notice("column.unknown", "未知字段，已忽略", "unknown field, ignored", "warning")
PAYMENT_FIELDS = ("dueDate", "dueAmount", "paidDate", "paidAmount")
CONTRACT_FIELDS = ("ownerCorpCode", "contractAmount", "contractDate", "asOfDate")


@dataclass
class Subject:
    """What one stored snapshot holds, with the row labels its problems are reported at."""

    key: tuple[Any, ...]
    label: int | str
    head: dict[str, Any]
    records: list[dict[str, Any]] = field(default_factory=list)
    rows: int = 0
    first_of: dict[tuple[Any, ...], int | str] = field(default_factory=dict)

    @property
    def as_of(self) -> date | None:
        value = self.head.get("asOfDate")
        return value if isinstance(value, date) else None

    @cached_property
    def digest(self) -> str:
        """SHA-256 of the subject's parsed content (head and records in a stable order); read once the file
        is grouped."""
        records = sorted(repr(sorted(r.items())) for r in self.records)
        canon = repr((sorted(self.head.items()), records))  # str, int, date and None reprs are stable
        return hashlib.sha256(canon.encode()).hexdigest()


# -- reading ---------------------------------------------------------------------------------------------


def read_feed_rows(
    source: Source,
    feed: Feed,
    limits: Limits,
    report: ImportReport,
    *,
    file_format: str | None = None,
    encoding: str | None = None,
) -> Iterator[Row]:
    """The file's flat rows; ``BadInput`` when the file as a whole breaks a rule of the input boundary."""
    check_size(source.stream, limits)
    report.file_format = guess_format(source, file_format)
    spec = SPECS[feed]
    if report.file_format == "json":
        document = read_json_document(source, limits)
        rows = list(_json_rows(document, feed, limits))
        _warn_unknown(spec, sorted({k for _, r in rows for k in r}), report, "$")
        return iter(rows)
    table = open_table(source, limits, file_format=report.file_format, encoding=encoding)
    report.encoding = table.encoding
    _warn_unknown(spec, table.header, report, 1)
    return iter(table.rows)


def _warn_unknown(spec: ObjectSpec, columns: list[str], report: ImportReport, row: int | str) -> None:
    unknown = [c for c in columns if c and not spec.known(c) and c not in REGISTRATION_LISTS]
    report.add_warnings([UNKNOWN_COLUMN.problem(field=c, row=row) for c in unknown])


def _not_object(where: str) -> BadInput:
    return BadInput("json.shape", "JSON 元素应为对象", "each JSON element must be an object", row=where)


def _json_rows(document: Any, feed: Feed, limits: Limits) -> Iterator[Row]:
    items = document if isinstance(document, list) else [document]
    if not items:
        raise empty_file()
    count = 0
    for i, item in enumerate(items):
        label = f"[{i}]" if isinstance(document, list) else ""
        if not isinstance(item, dict):
            raise _not_object(label or "$")
        for row in FLATTEN[feed](item, label):
            count += 1
            if count > limits.max_rows:
                raise too_many_rows(limits, row[0])
            yield row


def _children(item: dict[str, Any], key: str, label: str) -> Iterator[tuple[str, dict[str, Any]]]:
    children = item.get(key)
    if children is None:
        return
    where = f"{label}.{key}" if label else key
    if not isinstance(children, list):
        raise BadInput("json.shape", f"{key} 应为数组", f"{key} must be an array", row=where)
    for j, child in enumerate(children):
        if not isinstance(child, dict):
            raise _not_object(f"{where}[{j}]")
        yield f"{where}[{j}]", child


def _tax_rows(item: dict[str, Any], label: str) -> Iterator[Row]:
    """A tax object is its own row."""
    yield label or "$", item


def _contract_rows(item: dict[str, Any], label: str) -> Iterator[Row]:
    """A contract object: one row per ``paymentList`` item with the contract's fields (the object alone
    when it has no payments)."""
    parent = {k: v for k, v in item.items() if k != "paymentList"}
    payments = list(_children(item, "paymentList", label))
    if not payments:
        yield label or "$", parent
    for where, child in payments:
        yield where, {**parent, **child}


def _registration_rows(item: dict[str, Any], label: str) -> Iterator[Row]:
    """A registration object: its profile (when it has profile fields, or is a flat record) and one row per
    item of each credit list, carrying the object's ``corpCode`` and ``asOfDate``."""
    parent = {k: v for k, v in item.items() if k not in REGISTRATION_LISTS}
    lists = [(key, list(_children(item, key, label))) for key in REGISTRATION_LISTS]
    if "recordType" in parent or any(k in parent for k in PROFILE_FIELDS) or not any(c for _, c in lists):
        yield label or "$", {"recordType": PROFILE, **parent}
    carried: dict[str, Any] = {k: parent[k] for k in ("corpCode", "asOfDate") if k in parent}
    for key, children in lists:
        for where, child in children:
            yield where, {**carried, "recordType": REGISTRATION_LISTS[key], **child}


FLATTEN: dict[Feed, Callable[[dict[str, Any], str], Iterator[Row]]] = {
    Feed.CONTRACTING: _contract_rows,
    Feed.TAX: _tax_rows,
    Feed.REGISTRATION: _registration_rows,
}


# -- parsing and grouping --------------------------------------------------------------------------------


def parse_feed_rows(feed: Feed, rows: Iterator[Row], report: ImportReport, today: date) -> list[Subject]:
    """Every row parsed and checked against today and the rest of the file; the file's subjects."""
    spec, future = SPECS[feed], NOT_FUTURE[feed]
    parsed: list[ParsedRow] = []
    for label, raw in rows:
        report.rows += 1
        warnings: list[Problem] = []
        row = parse_row(spec, label, raw, report.errors, warnings)
        report.add_warnings(warnings)
        if row is not None and _not_after(row, future, today, report.errors):
            parsed.append(row)
    group = GROUPERS[feed]
    subjects: dict[tuple[Any, ...], Subject] = {}
    for row in parsed:
        group(row, subjects, report.errors, today)
    return list(subjects.values())


def _not_after(row: ParsedRow, names: tuple[str, ...], today: date, problems: list[Problem]) -> bool:
    ok = True
    for name in names:
        value = row.values.get(name)
        if isinstance(value, date) and value > today:
            problems.append(_future(name, row.label, str(value), today))
            ok = False
    return ok


def _future(name: str, label: int | str, value: str, today: date) -> Problem:
    return Problem(
        field=name,
        code=FUTURE.code,
        message_zh=FUTURE.message_zh.format(today=today),
        message_en=FUTURE.message_en.format(today=today),
        row=label,
        value=value,
    )


def _duplicate(name: str, label: int | str, first: int | str) -> Problem:
    return Problem(
        field=name,
        code=DUPLICATE.code,
        message_zh=DUPLICATE.message_zh.format(first=first),
        message_en=DUPLICATE.message_en.format(first=first),
        row=label,
    )


def _missing(values: dict[str, Any], names: tuple[str, ...], label: int | str) -> list[Problem]:
    return [REQUIRED.problem(field=n, row=label, value="") for n in names if values.get(n) is None]


def _claim(
    subject: Subject, key: tuple[Any, ...], name: str, label: int | str, problems: list[Problem]
) -> bool:
    """Whether ``key`` is new within ``subject`` (else a ``duplicate`` of the row that had it first)."""
    first = subject.first_of.get(key)
    if first is not None:
        problems.append(_duplicate(name, label, first))
        return False
    subject.first_of[key] = label
    return True


def _group_contract(
    row: ParsedRow, subjects: dict[tuple[Any, ...], Subject], problems: list[Problem], today: date
) -> None:
    v, label = row.values, row.label
    head = {k: v.get(k) for k in CONTRACT_FIELDS}
    key = (v["projectCode"],)
    subject = subjects.setdefault(key, Subject(key, label, head))
    subject.rows += 1
    for name in CONTRACT_FIELDS:
        if subject.head[name] != head[name]:
            problems.append(
                Problem(
                    field=name,
                    code=MISMATCH.code,
                    message_zh=MISMATCH.message_zh.format(first=subject.label),
                    message_en=MISMATCH.message_en.format(first=subject.label),
                    row=label,
                    value=str(head[name] if head[name] is not None else "")[:40],
                )
            )
            return
    stage = v.get("stage")
    if not stage:
        given = [n for n in PAYMENT_FIELDS if v.get(n) is not None]
        if given:
            problems.append(REQUIRED.problem(field="stage", row=label, value=""))
        else:
            _claim(subject, ("",), "projectCode", label, problems)
        return
    needed = ("dueDate", "dueAmount") + (("paidDate",) if v.get("paidAmount") is not None else ())
    needed += ("paidAmount",) if v.get("paidDate") is not None else ()
    missing = _missing(v, needed, label)
    if missing:
        problems.extend(missing)
        return
    if _claim(subject, (stage,), "stage", label, problems):
        subject.records.append({"stage": stage, **{n: v.get(n) for n in PAYMENT_FIELDS}})


def _group_tax(
    row: ParsedRow, subjects: dict[tuple[Any, ...], Subject], problems: list[Problem], today: date
) -> None:
    v, label = row.values, row.label
    if v["taxYear"] > today.year:
        problems.append(_future("taxYear", label, str(v["taxYear"]), today))
        return
    key = (v["corpCode"], v["taxYear"])
    if key in subjects:
        problems.append(_duplicate("taxYear", label, subjects[key].label))
        return
    head = {k: v.get(k) for k in v if k not in ("corpCode", "taxYear")}
    head["taxArrears"] = head.get("taxArrears") or 0
    subjects[key] = Subject(key, label, head, rows=1)


_EVENT_FIELDS = ("date", "endDate", "amount", "authority", "name", "reference", "reason")


def _group_registration(
    row: ParsedRow, subjects: dict[tuple[Any, ...], Subject], problems: list[Problem], today: date
) -> None:
    v, label = row.values, row.label
    kind = v["recordType"]
    missing = _missing(v, REGISTRATION_NEEDS[kind], label)
    if missing:
        problems.extend(missing)
        return
    key = (v["corpCode"],)
    subject = subjects.setdefault(
        key, Subject(key, label, {"asOfDate": None, **dict.fromkeys(PROFILE_FIELDS)})
    )
    subject.rows += 1
    if v.get("asOfDate") is not None and (subject.head["asOfDate"] or date.min) < v["asOfDate"]:
        subject.head["asOfDate"] = v["asOfDate"]
    if kind == PROFILE:
        if _claim(subject, (PROFILE,), "recordType", label, problems):
            subject.head.update({k: v.get(k) for k in PROFILE_FIELDS})
        return
    record = {"kind": kind, **{k: v.get(k) for k in _EVENT_FIELDS}}
    if _claim(subject, tuple(record.values()), "recordType", label, problems):
        subject.records.append(record)


Grouper = Callable[[ParsedRow, dict[tuple[Any, ...], Subject], list[Problem], date], None]
GROUPERS: dict[Feed, Grouper] = {
    Feed.CONTRACTING: _group_contract,
    Feed.TAX: _group_tax,
    Feed.REGISTRATION: _group_registration,
}
