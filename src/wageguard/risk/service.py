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

from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from wageguard.auth.scope import Principal
from wageguard.config import Settings, get_settings
from wageguard.db import Database
from wageguard.errors import Forbidden
from wageguard.events import announce_import
from wageguard.ingest.boundary import Limits, Source
from wageguard.ingest.records import record_import, reject_import, sha256_of
from wageguard.ingest.report import ImportReport
from wageguard.risk.choices import FEED_OBJECT, Feed
from wageguard.risk.feeds import parse_feed_rows, read_feed_rows
from wageguard.risk.store import STORES
from wageguard.timezones import zone
from wageguard.validation import Invalid


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


def score_every_enterprise(*, db: Database, settings: Settings, as_of: date) -> None:
    """The daily re-scoring (before the daily engine run, so W21 reads the day's scores): every enterprise
    as of ``as_of`` with the newest learned model in ``risk_model_dir``, or the scorecard alone."""
    from wageguard.risk.model import latest_model
    from wageguard.risk.scoring import score_enterprises

    score_enterprises(db=db, as_of=as_of, model=latest_model(settings.risk_models))
