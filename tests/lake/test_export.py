"""``wageguard facts export``: Parquet by province and month, no personal number in clear, idempotent,
atomic; ``read_partition`` gives back the facts the engine evaluates."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from tests.lake.fixture import PROVINCES, plant_three_provinces
from tests.monitoring.seed import AS_OF
from typer.testing import CliRunner

from wageguard.cli.main import app
from wageguard.config import Settings
from wageguard.db import Database
from wageguard.errors import Conflict
from wageguard.lake import export as X
from wageguard.lake import layout as L
from wageguard.lake.partition import read_calendar, read_partition
from wageguard.monitoring.calendar import parse_month
from wageguard.monitoring.engine import evaluate
from wageguard.monitoring.rules.base import FINDING_SCHEMA
from wageguard.security.crypto import Protector

SEPT = parse_month("2026-09")


def _files(lake: Path) -> dict[str, bytes]:
    return {str(p.relative_to(lake)): p.read_bytes() for p in sorted(lake.rglob("*")) if p.is_file()}


def _sorted(found: pl.DataFrame) -> pl.DataFrame:
    return found.sort(list(FINDING_SCHEMA))


def _export(db: Database, settings: Settings, lake: Path) -> X.ExportSummary:
    return X.export_month(db=db, settings=settings, month=SEPT, as_of=AS_OF, out=lake)


def test_the_cli_writes_one_partition_per_province_and_frame(
    db: Database, protector: Protector, cli: CliRunner, tmp_path: Path
) -> None:
    with db.transaction() as s:
        plant_three_provinces(s, protector)
    lake = tmp_path / "lake"
    result = cli.invoke(
        app, ["facts", "export", "--month", "2026-09", "--out", str(lake), "--as-of", "2026-10-20"]
    )
    assert result.exit_code == 0, result.output
    assert "3 provinces" in result.output
    assert L.provinces_in(lake, "2026-09") == sorted(PROVINCES)
    for prov in PROVINCES:
        for frame in L.FRAMES:
            assert (L.partition_dir(lake, frame, prov, "2026-09") / L.PART_FILE).is_file()
        manifest = json.loads(L.manifest_path(lake, prov, "2026-09").read_text())
        assert manifest["as_of"] == "2026-10-20" and manifest["schema_version"] == L.SCHEMA_VERSION
        assert manifest["rows"]["projects"] == 2 and manifest["rows"]["worker_months"] == 8
        projects = pl.read_parquet(L.partition_dir(lake, "projects", prov, "2026-09") / L.PART_FILE)
        assert set(projects["region_code"].str.slice(0, 2)) == {prov[:2]}


def test_no_personal_number_reaches_the_lake_in_clear(
    db: Database, settings: Settings, protector: Protector, tmp_path: Path
) -> None:
    with db.transaction() as s:
        planted = plant_three_provinces(s, protector)
    lake = tmp_path / "lake"
    _export(db, settings, lake)
    text_values: set[str] = set()
    for path in lake.rglob(L.PART_FILE):
        frame = pl.read_parquet(path)
        for name, dtype in frame.schema.items():
            if dtype == pl.String:
                text_values |= {v for v in frame[name].drop_nulls().to_list()}
        text_values |= set(frame.columns)
    assert len(planted.clear_numbers) == 48
    for number in planted.clear_numbers:
        assert not any(number in v for v in text_values), number
        assert not any(number[-10:] in v for v in text_values), number  # nor a long unmasked stretch


def test_each_province_partition_evaluates_to_that_provinces_share_of_the_findings(
    db: Database, settings: Settings, protector: Protector, tmp_path: Path
) -> None:
    with db.transaction() as s:
        planted = plant_three_provinces(s, protector)
    lake = tmp_path / "lake"
    _export(db, settings, lake)
    whole = X.read_month_facts(db, settings, SEPT, AS_OF)
    expected = evaluate([whole.facts], workdays=whole.workdays)
    parts = [
        evaluate([read_partition(lake, p, "2026-09")], workdays=read_calendar(lake, p, "2026-09"))
        for p in L.provinces_in(lake, "2026-09")
    ]
    got = pl.concat(parts)
    assert got.height == expected.height > 0
    assert _sorted(got).equals(_sorted(expected))
    assert set(got.filter(pl.col("period") == "2026-09")["project_id"].unique()) == set(
        planted.faulty.values()
    )


def test_a_re_export_writes_the_same_files(
    db: Database, settings: Settings, protector: Protector, tmp_path: Path
) -> None:
    with db.transaction() as s:
        plant_three_provinces(s, protector)
    lake = tmp_path / "lake"
    _export(db, settings, lake)
    first = _files(lake)
    _export(db, settings, lake)
    assert _files(lake) == first
    assert not list((lake / L.STAGING_DIR).iterdir())


def test_a_crash_mid_write_leaves_the_old_partition(
    db: Database, settings: Settings, protector: Protector, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with db.transaction() as s:
        plant_three_provinces(s, protector, faults=False)
    lake = tmp_path / "lake"
    _export(db, settings, lake)
    before = _files(lake)
    with db.transaction() as s:
        plant_three_provinces(s, protector, clean=False)  # new data: the faulty projects
    written: list[Path] = []
    real = X._write_file

    def crash_on_the_fourth_file(path: Path, data: bytes) -> None:
        written.append(path)
        if len(written) == 4:
            raise OSError("disk gone")
        real(path, data)

    monkeypatch.setattr(X, "_write_file", crash_on_the_fourth_file)
    with pytest.raises(OSError, match="disk gone"):
        _export(db, settings, lake)
    assert _files(lake) == before
    monkeypatch.undo()
    _export(db, settings, lake)
    assert read_partition(lake, "430000", "2026-09").projects.height == 2


def test_a_partition_whose_files_disagree_with_its_manifest_is_refused(
    db: Database, settings: Settings, protector: Protector, tmp_path: Path
) -> None:
    with db.transaction() as s:
        plant_three_provinces(s, protector)
    lake = tmp_path / "lake"
    _export(db, settings, lake)
    part = L.partition_dir(lake, "worker_months", "510000", "2026-09") / L.PART_FILE
    pl.read_parquet(part).head(1).write_parquet(part)
    with pytest.raises(Conflict, match="incomplete"):
        read_partition(lake, "510000", "2026-09")
