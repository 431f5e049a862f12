"""Cross-province checks on Spark (N01–N03): the planted faults are found, in every province concerned,
and nothing on clean data or on faults that stay inside one province."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from pyspark.sql import SparkSession
from tests.lake.fixture import plant_cross_province_faults, plant_three_provinces
from tests.monitoring.seed import AS_OF

from wageguard.config import Settings
from wageguard.db import Database
from wageguard.lake.cross import run_cross_province
from wageguard.lake.export import export_month
from wageguard.monitoring.calendar import parse_month
from wageguard.security.crypto import Protector

SEPT = parse_month("2026-09")


def _cross(db: Database, settings: Settings, spark: SparkSession, lake: Path) -> pl.DataFrame:
    export_month(db=db, settings=settings, month=SEPT, as_of=AS_OF, out=lake)
    return run_cross_province(spark=spark, lake=lake, month="2026-09")


def test_planted_cross_province_faults_are_found_in_each_province_concerned(
    db: Database, settings: Settings, protector: Protector, spark: SparkSession, tmp_path: Path
) -> None:
    with db.transaction() as s:
        planted = plant_three_provinces(s, protector)
        plant_cross_province_faults(s, protector, planted)
    found = _cross(db, settings, spark, tmp_path / "lake")
    got = {(r["rule_code"], r["province"], r["worker_id"]) for r in found.iter_rows(named=True)}
    c = planted.cross
    assert got == {
        ("N01", "520000", c["N01-52"]),
        ("N01", "430000", c["N01-43"]),
        ("N02", "520000", c["N02"]),
        ("N02", "510000", c["N02"]),
        ("N03", "510000", c["N03"]),
    }
    n01 = found.filter(pl.col("rule_code") == "N01")
    assert n01["subject_key"].str.starts_with("card:").all() and n01["amount_fen"].to_list() == [600_000] * 2
    assert set(n01["other_provinces"]) == {"430000", "520000"}
    n02 = found.filter(pl.col("rule_code") == "N02")
    assert n02["days"].to_list() == [1, 1]
    assert set(n02["evidence"].str.json_path_match("$.clash_dates[0]")) == {"2026-09-08"}
    n03 = found.filter(pl.col("rule_code") == "N03").row(0, named=True)
    assert n03["other_provinces"] == "430000" and n03["amount_fen"] == 600_000
    assert n03["region_code"] == "510104" and n03["period"] == "2026-09"


def test_no_cross_province_finding_on_clean_data_or_faults_inside_one_province(
    db: Database, settings: Settings, protector: Protector, spark: SparkSession, tmp_path: Path
) -> None:
    with db.transaction() as s:
        plant_three_provinces(s, protector, faults=False)
    assert _cross(db, settings, spark, tmp_path / "clean").height == 0
    with db.transaction() as s:
        plant_three_provinces(s, protector, clean=False)  # W06–W12 faults, each inside its province
    assert _cross(db, settings, spark, tmp_path / "faulty").height == 0
