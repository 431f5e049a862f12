"""docs/formats.md documents every importable object and field, and its examples really import."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import select

from wageguard.ingest.handlers import HANDLERS
from wageguard.registry.models import LabourContract, ProjectWorker

DOC = Path(__file__).resolve().parents[2] / "docs" / "formats.md"


def _sections() -> dict[str, str]:
    parts = re.split(r"^## (\S+)\s*$", DOC.read_text(encoding="utf-8"), flags=re.M)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def _example(section: str, lang: str) -> str:
    match = re.search(rf"```{lang}\n(.*?)```", section, flags=re.S)
    assert match, f"no {lang} example"
    return match.group(1)


def test_every_importable_object_and_field_is_documented() -> None:
    sections = _sections()
    for name, handler in HANDLERS.items():
        assert name in sections, f"{name} is not documented in docs/formats.md"
        for field in handler.spec.fields:
            assert f"`{field.name}`" in sections[name], f"{name}.{field.name} is not documented"


def test_json_examples_of_the_doc_import_in_order(do_import, db, tmp_path: Path) -> None:
    sections = _sections()
    for name in HANDLERS:
        path = tmp_path / f"{name}.json"
        path.write_text(_example(sections[name], "json"), encoding="utf-8")
        report = do_import(name, path)
        assert report.inserted == report.rows > 0, name
    with db.sessions() as s:
        assert len(s.scalars(select(ProjectWorker)).all()) == 2
        assert sorted(s.scalars(select(LabourContract.rate_fen)).all()) == [35000, 900000]


def test_csv_examples_of_the_doc_reimport_unchanged(do_import, tmp_path: Path) -> None:
    sections = _sections()
    for name in HANDLERS:
        (tmp_path / f"{name}.json").write_text(_example(sections[name], "json"), encoding="utf-8")
        do_import(name, tmp_path / f"{name}.json")
        (tmp_path / f"{name}.csv").write_text(_example(sections[name], "csv"), encoding="utf-8")
        report = do_import(name, tmp_path / f"{name}.csv")
        assert report.unchanged == report.rows > 0, name
