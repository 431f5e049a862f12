"""Storing a feed's subjects as snapshots, set-based, inside the import's transaction.

Each feed's ``store_*`` matches its subjects to the registry (a project by code, an enterprise by credit
code: unknown is a row error, and nothing is written while the report holds any error), reads the stored
snapshots' hashes in one pass, and sorts every subject into inserted / updated / unchanged
(``classify``). Then it writes with bulk statements: the replaced snapshots' child rows deleted, their head
rows updated by primary key, the new head rows inserted, and the children of every written snapshot
inserted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from wageguard.db import utcnow
from wageguard.errors import Problem
from wageguard.ingest.report import ImportReport
from wageguard.registry.models import Enterprise, Project
from wageguard.risk.choices import Feed
from wageguard.risk.feeds import Subject
from wageguard.risk.models import (
    RiskContract,
    RiskContractPayment,
    RiskCreditEvent,
    RiskRegistration,
    RiskTaxYear,
)
from wageguard.validation import Notice

UNKNOWN_PROJECT = Notice("ref.project_missing", "项目未登记", "project is not registered")
UNKNOWN_CORP = Notice(
    "ref.enterprise_missing",
    "统一社会信用代码未登记（企业不存在）",
    "no enterprise is registered with this credit code",
)
STALE = Notice(
    "stale",
    "数据日期早于已存数据（{stored}），未替换",
    "older than the stored data (as of {stored}); not replaced",
    "warning",
)
_PART = 5000

Key = tuple[Any, ...]


@dataclass
class Plan:
    """What the subjects do: ``new`` subjects by their stored key, ``replaced`` ones with their row id."""

    new: list[tuple[Key, Subject]] = field(default_factory=list)
    replaced: list[tuple[Key, Subject, int]] = field(default_factory=list)


def _parts(values: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), _PART):
        yield values[start : start + _PART]


def _lookup(
    session: Session, code: InstrumentedAttribute[str], *columns: Any, codes: set[str]
) -> dict[str, Any]:
    """``code -> row`` of the registry rows whose ``code`` column is one of ``codes``."""
    found: dict[str, Any] = {}
    for part in _parts(sorted(codes)):
        found.update(
            {row[0]: row[1:] for row in session.execute(select(code, *columns).where(code.in_(part)))}
        )
    return found


def match_enterprises(
    session: Session,
    subjects: list[Subject],
    report: ImportReport,
    code_of: Callable[[Subject], str],
    name: str,
) -> dict[str, int]:
    """Enterprise ids by credit code; ``ref.enterprise_missing`` at each subject naming an unknown one."""
    found = {
        code: row[0]
        for code, row in _lookup(
            session, Enterprise.corp_code, Enterprise.id, codes={code_of(s) for s in subjects}
        ).items()
    }
    for s in subjects:
        if code_of(s) not in found:
            report.errors.append(UNKNOWN_CORP.problem(field=name, row=s.label, value=code_of(s)))
    return found


def _stale(subject: Subject, as_of: date) -> Problem:
    return Problem(
        field="asOfDate",
        code=STALE.code,
        message_zh=STALE.message_zh.format(stored=as_of),
        message_en=STALE.message_en.format(stored=as_of),
        row=subject.label,
        value=str(subject.as_of),
        severity="warning",
    )


def classify(
    subjects: list[tuple[Key, Subject]], stored: dict[Key, tuple[int, str, date | None]], report: ImportReport
) -> Plan:
    """Sort subjects (with their stored key) into new, replaced and unchanged, counting rows and snapshots.

    Unchanged: the same content hash; or a different one whose ``asOfDate`` is older than the stored one
    (warned ``stale``)."""
    plan = Plan()
    counts = report.details.setdefault("subjects", {"inserted": 0, "updated": 0, "unchanged": 0})
    for key, subject in subjects:
        old = stored.get(key)
        if old is None:
            outcome = "inserted"
            plan.new.append((key, subject))
        elif old[1] == subject.digest:
            outcome = "unchanged"
        elif old[2] is not None and subject.as_of is not None and subject.as_of < old[2]:
            outcome = "unchanged"
            report.add_warnings([_stale(subject, old[2])])
        else:
            outcome = "updated"
            plan.replaced.append((key, subject, old[0]))
        setattr(report, outcome, getattr(report, outcome) + subject.rows)
        counts[outcome] += 1
    return plan


def _stored(
    session: Session, model: Any, target: InstrumentedAttribute[int], keys: Sequence[Any], ids: set[int]
) -> dict[Key, tuple[int, str, date | None]]:
    """``key -> (id, content hash, as_of)`` of the stored snapshots of the targets ``ids``."""
    out: dict[Key, tuple[int, str, date | None]] = {}
    columns = (model.id, model.content_sha256, model.as_of, *keys)
    for part in _parts(sorted(ids)):
        for row in session.execute(select(*columns).where(target.in_(part))):
            out[tuple(row[3:])] = (row[0], row[1], row[2])
    return out


def _write_heads(
    session: Session, model: Any, plan: Plan, values: Callable[[Key, Subject], dict[str, Any]]
) -> None:
    """Replaced snapshots updated by id, new ones inserted (both with their hash and time)."""
    now = utcnow()
    if plan.replaced:
        rows = [
            {"id": i, **values(k, s), "content_sha256": s.digest, "updated_at": now}
            for k, s, i in plan.replaced
        ]
        session.execute(update(model), rows)
    if plan.new:
        rows = [
            {**values(k, s), "content_sha256": s.digest, "created_at": now, "updated_at": now}
            for k, s in plan.new
        ]
        session.execute(insert(model), rows)


def _delete_children(
    session: Session, model: Any, column: InstrumentedAttribute[int], ids: list[int]
) -> None:
    for part in _parts(ids):
        session.execute(delete(model).where(column.in_(part)))


# -- contracting -----------------------------------------------------------------------------------------


def store_contracts(session: Session, subjects: list[Subject], report: ImportReport) -> None:
    """Each project's contract and progress payments (snapshot per project)."""
    projects = _lookup(
        session, Project.project_code, Project.id, Project.region_code, codes={s.key[0] for s in subjects}
    )
    for s in subjects:
        if s.key[0] not in projects:
            report.errors.append(UNKNOWN_PROJECT.problem(field="projectCode", row=s.label, value=s.key[0]))
    owners = match_enterprises(
        session, subjects, report, lambda s: str(s.head["ownerCorpCode"]), "ownerCorpCode"
    )
    if report.errors:
        return
    keyed = [((projects[s.key[0]][0],), s) for s in subjects]
    ids = {k[0] for k, _ in keyed}
    plan = classify(
        keyed,
        _stored(session, RiskContract, RiskContract.project_id, (RiskContract.project_id,), ids),
        report,
    )

    def values(key: Key, s: Subject) -> dict[str, Any]:
        h = s.head
        return {
            "project_id": key[0],
            "owner_id": owners[h["ownerCorpCode"]],
            "region_code": projects[s.key[0]][1],
            "contract_fen": h["contractAmount"],
            "signed_date": h["contractDate"],
            "as_of": h["asOfDate"],
        }

    _delete_children(
        session, RiskContractPayment, RiskContractPayment.contract_id, [i for _, _, i in plan.replaced]
    )
    _write_heads(session, RiskContract, plan, values)
    written = [(k, s) for k, s in plan.new] + [(k, s) for k, s, _ in plan.replaced]
    ids_now = _stored(
        session, RiskContract, RiskContract.project_id, (RiskContract.project_id,), {k[0] for k, _ in written}
    )
    payments = [
        {
            "contract_id": ids_now[k][0],
            "project_id": k[0],
            "stage": p["stage"],
            "due_date": p["dueDate"],
            "due_fen": p["dueAmount"],
            "paid_date": p["paidDate"],
            "paid_fen": p["paidAmount"],
        }
        for k, s in written
        for p in s.records
    ]
    if payments:
        session.execute(insert(RiskContractPayment), payments)


# -- tax -------------------------------------------------------------------------------------------------


def store_tax_years(session: Session, subjects: list[Subject], report: ImportReport) -> None:
    """Each enterprise's tax year (snapshot per enterprise and year)."""
    corps = match_enterprises(session, subjects, report, lambda s: str(s.key[0]), "corpCode")
    if report.errors:
        return
    keyed = [((corps[s.key[0]], s.key[1]), s) for s in subjects]
    keys = (RiskTaxYear.enterprise_id, RiskTaxYear.tax_year)
    plan = classify(
        keyed,
        _stored(session, RiskTaxYear, RiskTaxYear.enterprise_id, keys, {k[0] for k, _ in keyed}),
        report,
    )

    def values(key: Key, s: Subject) -> dict[str, Any]:
        h = s.head
        return {
            "enterprise_id": key[0],
            "tax_year": key[1],
            "rating": h["creditRating"],
            "arrears_fen": h["taxArrears"],
            **{f"revenue_q{q}_fen": h[f"revenueQ{q}"] for q in (1, 2, 3, 4)},
            "as_of": h["asOfDate"],
        }

    _write_heads(session, RiskTaxYear, plan, values)


# -- registration and credit -----------------------------------------------------------------------------


def store_registrations(session: Session, subjects: list[Subject], report: ImportReport) -> None:
    """Each enterprise's registration profile with its credit records (snapshot per enterprise)."""
    corps = match_enterprises(session, subjects, report, lambda s: str(s.key[0]), "corpCode")
    if report.errors:
        return
    keyed = [((corps[s.key[0]],), s) for s in subjects]
    target = RiskRegistration.enterprise_id
    plan = classify(
        keyed, _stored(session, RiskRegistration, target, (target,), {k[0] for k, _ in keyed}), report
    )

    def values(key: Key, s: Subject) -> dict[str, Any]:
        h = s.head
        return {
            "enterprise_id": key[0],
            "establish_date": h["establishDate"],
            "reg_capital_fen": h["regCapital"],
            "paid_in_capital_fen": h["paidInCapital"],
            "as_of": h["asOfDate"],
        }

    _delete_children(
        session, RiskCreditEvent, RiskCreditEvent.enterprise_id, [k[0] for k, _, _ in plan.replaced]
    )
    _write_heads(session, RiskRegistration, plan, values)
    events = [
        {
            "enterprise_id": k[0],
            "kind": r["kind"],
            "event_date": r["date"],
            "end_date": r["endDate"],
            "amount_fen": r["amount"],
            "authority": r["authority"],
            "name": r["name"],
            "reference": r["reference"],
            "reason": r["reason"],
        }
        for k, s in [*plan.new, *((k, s) for k, s, _ in plan.replaced)]
        for r in s.records
    ]
    if events:
        session.execute(insert(RiskCreditEvent), events)


Store = Callable[[Session, list[Subject], ImportReport], None]
STORES: dict[Feed, Store] = {
    Feed.CONTRACTING: store_contracts,
    Feed.TAX: store_tax_years,
    Feed.REGISTRATION: store_registrations,
}
