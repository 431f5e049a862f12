"""Fixtures for import tests: an import helper and a small registered organisation (corp, projects, teams)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from tests.ingest.factories import corp_row, make_uscc, project_row, team_row, write_csv

from wageguard.auth.scope import SYSTEM, Principal
from wageguard.config import Settings
from wageguard.db import Database
from wageguard.errors import ImportRejected
from wageguard.ingest.report import ImportReport
from wageguard.ingest.service import import_file
from wageguard.security.crypto import Protector

Importer = Callable[..., ImportReport]


@pytest.fixture
def do_import(db: Database, protector: Protector, settings: Settings) -> Importer:
    """``do_import(object, path, actor=SYSTEM, **kw)`` -> accepted report (raises ImportRejected)."""

    def run(object_name: str, path: Path, actor: Principal = SYSTEM, **kw: Any) -> ImportReport:
        return import_file(
            db=db,
            protector=protector,
            object_name=object_name,
            path=path,
            actor=actor,
            settings=settings,
            **kw,
        )

    return run


@pytest.fixture
def reject(do_import: Importer) -> Callable[..., dict[str, Any]]:
    """Run an import expected to be rejected; returns the rejection report."""

    def run(object_name: str, path: Path, actor: Principal = SYSTEM, **kw: Any) -> dict[str, Any]:
        with pytest.raises(ImportRejected) as exc:
            do_import(object_name, path, actor, **kw)
        assert exc.value.report["status"] == "rejected"
        return exc.value.report

    return run


@pytest.fixture
def count(db: Database) -> Callable[[Any], int]:
    def run(model: Any) -> int:
        with db.sessions() as s:
            return int(s.scalar(select(func.count()).select_from(model)) or 0)

    return run


@dataclass
class Org:
    corp: str
    other_corp: str
    projects: list[str]
    teams: list[str]


@pytest.fixture
def org(do_import: Importer, tmp_path: Path) -> Org:
    """Two enterprises, two projects (one each as GC) and one team per project, all imported via CSV."""
    corp, other = make_uscc(1), make_uscc(2)
    do_import("Corp", write_csv(tmp_path / "corp.csv", [corp_row(1), corp_row(2)]))
    do_import(
        "Project",
        write_csv(tmp_path / "project.csv", [project_row("P1", corp), project_row("P2", other)]),
    )
    do_import(
        "Team",
        write_csv(tmp_path / "team.csv", [team_row("P1", corp, "T1"), team_row("P2", other, "T2")]),
    )
    return Org(corp, other, ["P1", "P2"], ["T1", "T2"])
