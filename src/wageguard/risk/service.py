"""Use cases of the risk feeds: import a contracting, tax or registration-and-credit file.

One file is one transaction, accepted whole or rejected whole, like every import (``ingest/records.py``:
an ``import_batches`` row and its audit entry either way; a rejected file stores nothing else). The file
is read and its rows checked by ``feeds.py``; here the subjects are matched to the registry (a project by
its code, an enterprise by its unified social credit code: unknown is a row error) and stored as
snapshots: a subject whose content hash equals the stored one is ``unchanged`` (a resent file changes and
counts nothing), a different one replaces the stored snapshot (``updated``) unless both carry a data date
and the file's is older (warning ``stale``, kept as stored), a new one is ``inserted``. Counts are per row;
``report.details["subjects"]`` counts the snapshots. Only admins import feeds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from wageguard.auth.scope import Principal
from wageguard.config import Settings, get_settings
from wageguard.db import Database, utcnow
from wageguard.errors import Forbidden, Problem
from wageguard.events import announce_import
from wageguard.ingest.boundary import Limits, Source
from wageguard.ingest.records import record_import, reject_import, sha256_of
from wageguard.ingest.report import ImportReport
from wageguard.registry.models import Enterprise, Project
from wageguard.risk.choices import FEED_OBJECT, Feed
from wageguard.risk.feeds import Subject, parse_feed_rows, read_feed_rows
from wageguard.risk.models import (
    RiskContract,
    RiskContractPayment,
    RiskCreditEvent,
    RiskRegistration,
    RiskTaxYear,
)
from wageguard.timezones import zone
from wageguard.validation import Invalid, Notice

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


class _Rejected(Exception):
    """Internal: roll the import's transaction back."""


def check_feed_importer(principal: Principal) -> None:
    """Only admins (and the CLI's ``SYSTEM``) import the external feeds."""
    if not principal.is_admin:
        raise Forbidden(
            f"role {principal.role} may not import risk feeds", message_zh="仅管理员可导入外部数据"
        )


def today_in(settings: Settings) -> date:
    """Today in the platform's zone (what ``date.future`` compares with)."""
    return datetime.now(zone(settings.timezone)).date()


# -- the three use cases ---------------------------------------------------------------------------------


def import_contracting_feed(**kw: Any) -> ImportReport:
    """Import a contracting file (projects' contracts and progress payments); see ``import_feed``."""
    return import_feed(feed=Feed.CONTRACTING, **kw)


def import_tax_feed(**kw: Any) -> ImportReport:
    """Import a tax file (enterprises' tax years); see ``import_feed``."""
    return import_feed(feed=Feed.TAX, **kw)


def import_registration_feed(**kw: Any) -> ImportReport:
    """Import a registration-and-credit file (profiles and credit records); see ``import_feed``."""
    return import_feed(feed=Feed.REGISTRATION, **kw)


def import_feed_file(*, path: Path, **kw: Any) -> ImportReport:
    """``import_feed`` of a file on disk."""
    with open(path, "rb") as stream:
        return import_feed(stream=stream, filename=Path(path).name, **kw)


def import_feed(
    *,
    db: Database,
    feed: Feed,
    stream: IO[bytes],
    filename: str,
    actor: Principal,
    file_format: str | None = None,
    encoding: str | None = None,
    settings: Settings | None = None,
    today: date | None = None,
) -> ImportReport:
    """Import one feed file for ``actor`` (an admin); ``ImportRejected`` (nothing stored) on any bad row."""
    check_feed_importer(actor)
    cfg = settings or get_settings()
    report = ImportReport(FEED_OBJECT[feed], filename, file_format or "", "")
    try:
        report.sha256 = sha256_of(stream)
        rows = read_feed_rows(
            Source(stream, filename), feed, Limits.of(cfg), report, file_format=file_format, encoding=encoding
        )
        subjects = parse_feed_rows(feed, rows, report, today or today_in(cfg))
    except Invalid as exc:
        report.errors.append(exc.problem(field="(file)", value=filename[:100]))
        reject_import(db, actor.username, report)
    try:  # the registry is asked even when rows failed already, so the report lists every bad row
        with db.transaction() as session:
            STORES[feed](session, subjects, report)
            if report.errors:
                raise _Rejected
            record_import(session, actor.username, report)
    except _Rejected:
        reject_import(db, actor.username, report)
    if report.inserted or report.updated:
        announce_import(f"risk.{feed.value}")
    return report


# -- storing ---------------------------------------------------------------------------------------------


def _parts(values: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), _PART):
        yield values[start : start + _PART]


def _ids_by_code(session: Session, column: Any, key: Any, codes: set[str]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    ordered = sorted(codes)
    for part in _parts(ordered):
        found.update(
            {row[0]: row[1:] for row in session.execute(select(column, *key).where(column.in_(part)))}
        )
    return found


def _enterprises(session: Session, codes: set[str]) -> dict[str, int]:
    found = _ids_by_code(session, Enterprise.corp_code, (Enterprise.id,), codes)
    return {code: row[0] for code, row in found.items()}


def _unknown(notice: Notice, field: str, label: int | str, value: str) -> Problem:
    return notice.problem(field=field, row=label, value=value)


def _outcome(subject: Subject, stored: tuple[str, date | None] | None, report: ImportReport) -> str:
    """``inserted``, ``updated`` or ``unchanged`` for a subject given its stored (hash, as_of)."""
    if stored is None:
        return "inserted"
    digest, as_of = stored
    if digest == subject.digest:
        return "unchanged"
    if as_of is not None and subject.as_of is not None and subject.as_of < as_of:
        report.add_warnings(
            [
                Problem(
                    field="asOfDate",
                    code=STALE.code,
                    message_zh=STALE.message_zh.format(stored=as_of),
                    message_en=STALE.message_en.format(stored=as_of),
                    row=subject.label,
                    value=str(subject.as_of),
                    severity="warning",
                )
            ]
        )
        return "unchanged"
    return "updated"


def _count(report: ImportReport, subject: Subject, outcome: str) -> None:
    setattr(report, outcome, getattr(report, outcome) + subject.rows)
    counts = report.details.setdefault("subjects", {"inserted": 0, "updated": 0, "unchanged": 0})
    counts[outcome] += 1


def _store_contracts(session: Session, subjects: list[Subject], report: ImportReport) -> None:
    projects = _ids_by_code(
        session, Project.project_code, (Project.id, Project.region_code), {s.key[0] for s in subjects}
    )
    owners = _enterprises(session, {s.head["ownerCorpCode"] for s in subjects})
    for s in subjects:
        if s.key[0] not in projects:
            report.errors.append(_unknown(UNKNOWN_PROJECT, "projectCode", s.label, s.key[0]))
        if s.head["ownerCorpCode"] not in owners:
            report.errors.append(_unknown(UNKNOWN_CORP, "ownerCorpCode", s.label, s.head["ownerCorpCode"]))
    if report.errors:
        return
    ids = [projects[s.key[0]][0] for s in subjects]
    stored = {
        project_id: (contract_id, digest, as_of)
        for part in _parts(ids)
        for contract_id, project_id, digest, as_of in session.execute(
            select(
                RiskContract.id, RiskContract.project_id, RiskContract.content_sha256, RiskContract.as_of
            ).where(RiskContract.project_id.in_(part))
        )
    }
    for s in subjects:
        project_id, region_code = projects[s.key[0]]
        old = stored.get(project_id)
        outcome = _outcome(s, old[1:] if old else None, report)
        _count(report, s, outcome)
        if outcome == "unchanged":
            continue
        h = s.head
        values = {
            "owner_id": owners[h["ownerCorpCode"]],
            "region_code": region_code,
            "contract_fen": h["contractAmount"],
            "signed_date": h["contractDate"],
            "as_of": h["asOfDate"],
            "content_sha256": s.digest,
            "updated_at": utcnow(),
        }
        if old is None:
            contract_id = session.scalar(
                insert(RiskContract).values(project_id=project_id, **values).returning(RiskContract.id)
            )
        else:
            contract_id = old[0]
            session.execute(delete(RiskContractPayment).where(RiskContractPayment.contract_id == contract_id))
            session.execute(update(RiskContract).where(RiskContract.id == contract_id).values(**values))
        payments = [
            {
                "contract_id": contract_id,
                "project_id": project_id,
                "stage": p["stage"],
                "due_date": p["dueDate"],
                "due_fen": p["dueAmount"],
                "paid_date": p["paidDate"],
                "paid_fen": p["paidAmount"],
            }
            for p in s.records
        ]
        if payments:
            session.execute(insert(RiskContractPayment), payments)


def _store_tax_years(session: Session, subjects: list[Subject], report: ImportReport) -> None:
    corps = _enterprises(session, {s.key[0] for s in subjects})
    for s in subjects:
        if s.key[0] not in corps:
            report.errors.append(_unknown(UNKNOWN_CORP, "corpCode", s.label, s.key[0]))
    if report.errors:
        return
    ids = sorted({corps[s.key[0]] for s in subjects})
    stored = {
        (enterprise_id, year): (row_id, digest, as_of)
        for part in _parts(ids)
        for row_id, enterprise_id, year, digest, as_of in session.execute(
            select(
                RiskTaxYear.id,
                RiskTaxYear.enterprise_id,
                RiskTaxYear.tax_year,
                RiskTaxYear.content_sha256,
                RiskTaxYear.as_of,
            ).where(RiskTaxYear.enterprise_id.in_(part))
        )
    }
    new: list[dict[str, Any]] = []
    for s in subjects:
        enterprise_id, year = corps[s.key[0]], s.key[1]
        old = stored.get((enterprise_id, year))
        outcome = _outcome(s, old[1:] if old else None, report)
        _count(report, s, outcome)
        if outcome == "unchanged":
            continue
        h = s.head
        values = {
            "rating": h["creditRating"],
            "arrears_fen": h["taxArrears"],
            **{f"revenue_q{q}_fen": h[f"revenueQ{q}"] for q in (1, 2, 3, 4)},
            "as_of": h["asOfDate"],
            "content_sha256": s.digest,
            "updated_at": utcnow(),
        }
        if old is None:
            new.append({"enterprise_id": enterprise_id, "tax_year": year, **values})
        else:
            session.execute(update(RiskTaxYear).where(RiskTaxYear.id == old[0]).values(**values))
    if new:
        session.execute(insert(RiskTaxYear), new)


def _store_registrations(session: Session, subjects: list[Subject], report: ImportReport) -> None:
    corps = _enterprises(session, {s.key[0] for s in subjects})
    for s in subjects:
        if s.key[0] not in corps:
            report.errors.append(_unknown(UNKNOWN_CORP, "corpCode", s.label, s.key[0]))
    if report.errors:
        return
    ids = sorted({corps[s.key[0]] for s in subjects})
    stored = {
        enterprise_id: (row_id, digest, as_of)
        for part in _parts(ids)
        for row_id, enterprise_id, digest, as_of in session.execute(
            select(
                RiskRegistration.id,
                RiskRegistration.enterprise_id,
                RiskRegistration.content_sha256,
                RiskRegistration.as_of,
            ).where(RiskRegistration.enterprise_id.in_(part))
        )
    }
    events: list[dict[str, Any]] = []
    for s in subjects:
        enterprise_id = corps[s.key[0]]
        old = stored.get(enterprise_id)
        outcome = _outcome(s, old[1:] if old else None, report)
        _count(report, s, outcome)
        if outcome == "unchanged":
            continue
        h = s.head
        values = {
            "establish_date": h["establishDate"],
            "reg_capital_fen": h["regCapital"],
            "paid_in_capital_fen": h["paidInCapital"],
            "as_of": h["asOfDate"],
            "content_sha256": s.digest,
            "updated_at": utcnow(),
        }
        if old is None:
            session.execute(insert(RiskRegistration).values(enterprise_id=enterprise_id, **values))
        else:
            session.execute(delete(RiskCreditEvent).where(RiskCreditEvent.enterprise_id == enterprise_id))
            session.execute(update(RiskRegistration).where(RiskRegistration.id == old[0]).values(**values))
        events.extend(_event_row(enterprise_id, r) for r in s.records)
    if events:
        session.execute(insert(RiskCreditEvent), events)


def _event_row(enterprise_id: int, record: dict[str, Any]) -> dict[str, Any]:
    return {
        "enterprise_id": enterprise_id,
        "kind": record["kind"],
        "event_date": record["date"],
        "end_date": record["endDate"],
        "amount_fen": record["amount"],
        "authority": record["authority"],
        "name": record["name"],
        "reference": record["reference"],
        "reason": record["reason"],
    }


Store = Callable[[Session, list[Subject], ImportReport], None]
STORES: dict[Feed, Store] = {
    Feed.CONTRACTING: _store_contracts,
    Feed.TAX: _store_tax_years,
    Feed.REGISTRATION: _store_registrations,
}
