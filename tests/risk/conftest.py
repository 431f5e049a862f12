"""Fixtures for the risk feeds: the registered enterprises and project the docs' examples name, an importer
pinned to one 'today', and the docs' examples themselves."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from wageguard.auth.scope import SYSTEM, Principal
from wageguard.config import Settings
from wageguard.db import Database
from wageguard.errors import ImportRejected
from wageguard.ingest.report import ImportReport
from wageguard.registry.models import Enterprise, Project
from wageguard.risk.choices import Feed
from wageguard.risk.models import (
    RiskContract,
    RiskContractPayment,
    RiskCreditEvent,
    RiskRegistration,
    RiskTaxYear,
)
from wageguard.risk.service import import_feed_file

DOC = Path(__file__).resolve().parents[2] / "docs" / "formats.md"
TODAY = date(2026, 12, 2)
GC = "915201020000001018"
LABOUR = "91520102000000102B"
OWNER = "91520602MA6DW0001Y"
UNREGISTERED = "91520602000000201P"
PROJECT = "520602-2026-001"
OTHER_PROJECT = "520602-2026-002"
RISK_TABLES = (RiskContract, RiskContractPayment, RiskTaxYear, RiskRegistration, RiskCreditEvent)

Importer = Callable[..., ImportReport]


def doc_examples() -> dict[str, dict[str, str]]:
    """The ``json`` and ``csv`` examples of each feed's section in docs/formats.md ("Risk feeds")."""
    text = DOC.read_text(encoding="utf-8")
    start = text.index("\n## Risk feeds")
    end = text.find("\n## ", start + 1)
    part = text[start : end if end > 0 else len(text)]
    sections = re.split(r"^### (\S+)\s*$", part, flags=re.M)
    out: dict[str, dict[str, str]] = {}
    for name, body in zip(sections[1::2], sections[2::2], strict=True):
        out[name] = {lang: m for lang, m in re.findall(r"```(json|csv)\n(.*?)```", body, flags=re.S)}
    return out


def write_csv(path: Path, rows: list[dict[str, Any]]) -> Path:
    columns = list(dict.fromkeys(k for r in rows for k in r))
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture
def registered(db: Database) -> dict[str, int]:
    """The enterprises and the project the docs' examples name (ids by credit code / project code)."""
    with db.transaction() as session:
        ids = {code: _enterprise(session, code, name) for code, name in _CORPS}
        for code in (PROJECT, OTHER_PROJECT):
            project = Project(
                project_code=code, name=f"示例项目{code}", region_code="520602", contractor_id=ids[GC]
            )
            session.add(project)
            session.flush()
            ids[code] = project.id
    return ids


_CORPS = ((GC, "铜仁示例建设有限公司"), (LABOUR, "铜仁示例劳务有限公司"), (OWNER, "铜仁示例置业有限公司"))


def _enterprise(session: Session, code: str, name: str) -> int:
    enterprise = Enterprise(corp_code=code, name=name, region_code="520602")
    session.add(enterprise)
    session.flush()
    return enterprise.id


@pytest.fixture
def feed_import(db: Database, settings: Settings) -> Importer:
    """``feed_import(feed, path, actor=SYSTEM, **kw)`` -> the accepted report (today pinned to TODAY)."""

    def run(feed: Feed, path: Path, actor: Principal = SYSTEM, **kw: Any) -> ImportReport:
        kw.setdefault("today", TODAY)
        return import_feed_file(db=db, feed=feed, path=path, actor=actor, settings=settings, **kw)

    return run


@pytest.fixture
def feed_reject(feed_import: Importer) -> Callable[..., dict[str, Any]]:
    """Run a feed import expected to be rejected; the rejection report."""

    def run(feed: Feed, path: Path, **kw: Any) -> dict[str, Any]:
        with pytest.raises(ImportRejected) as exc:
            feed_import(feed, path, **kw)
        assert exc.value.report["status"] == "rejected"
        return exc.value.report

    return run


@pytest.fixture
def stored(db: Database) -> Callable[[], dict[str, int]]:
    """Row counts of every risk table."""

    def run() -> dict[str, int]:
        with db.sessions() as s:
            return {
                m.__tablename__: int(s.scalar(select(func.count()).select_from(m)) or 0) for m in RISK_TABLES
            }

    return run
