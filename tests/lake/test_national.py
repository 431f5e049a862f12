"""``wageguard national run``: the engine's own rules on Spark over a three-province lake give, row by row,
the alerts of the single-machine engine on the same month; clean data gives none."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from pyspark.sql import SparkSession
from tests.lake.fixture import PROVINCES, plant_cross_province_faults, plant_three_provinces
from tests.monitoring.seed import AS_OF
from typer.testing import CliRunner

from wageguard.cli.main import app
from wageguard.config import Settings
from wageguard.db import Database
from wageguard.lake.export import export_month, read_month_facts
from wageguard.lake.national import ALERT_ORDER, alerts_of, run_national
from wageguard.monitoring.calendar import parse_month
from wageguard.monitoring.engine import evaluate
from wageguard.security.crypto import Protector

SEPT = parse_month("2026-09")


def _single_machine(db: Database, settings: Settings) -> pl.DataFrame:
    """The engine's alerts for the month over the whole database, with each alert's province."""
    whole = read_month_facts(db, settings, SEPT, AS_OF)
    found = evaluate([whole.facts], workdays=whole.workdays)
    province = (pl.col("region_code").str.slice(0, 2) + "0000").alias("province")
    return alerts_of(found, "").with_columns(province).sort(ALERT_ORDER)


def test_spark_gives_the_single_machine_alerts_row_by_row(
    db: Database, settings: Settings, protector: Protector, spark: SparkSession, tmp_path: Path
) -> None:
    with db.transaction() as s:
        planted = plant_three_provinces(s, protector)
    export_month(db=db, settings=settings, month=SEPT, as_of=AS_OF, out=tmp_path / "lake")
    national = run_national(spark=spark, lake=tmp_path / "lake", month="2026-09")
    expected = _single_machine(db, settings)
    assert national.height == expected.height
    assert national.to_dicts() == expected.to_dicts()
    assert set(national["province"]) == set(PROVINCES)
    per_province = {p: set(national.filter(pl.col("province") == p)["rule_code"]) for p in PROVINCES}
    assert all(codes >= {"W06", "W07", "W08", "W11", "W12"} for codes in per_province.values())
    assert set(national.filter(pl.col("period") == "2026-09")["project_id"]) == set(planted.faulty.values())


def test_clean_data_gives_no_alert(
    db: Database, settings: Settings, protector: Protector, spark: SparkSession, tmp_path: Path
) -> None:
    with db.transaction() as s:
        plant_three_provinces(s, protector, faults=False)
    export_month(db=db, settings=settings, month=SEPT, as_of=AS_OF, out=tmp_path / "lake")
    national = run_national(spark=spark, lake=tmp_path / "lake", month="2026-09")
    assert national.height == 0
    assert _single_machine(db, settings).height == 0


def test_the_cli_runs_the_lake_month_and_writes_the_alerts_and_cross_province_findings(
    db: Database, protector: Protector, cli: CliRunner, spark: SparkSession, tmp_path: Path
) -> None:
    with db.transaction() as s:
        plant_cross_province_faults(s, protector, plant_three_provinces(s, protector))
    lake, out, cross = tmp_path / "lake", tmp_path / "alerts.json", tmp_path / "cross.parquet"
    args = ["facts", "export", "--month", "2026-09", "--out", str(lake), "--as-of", AS_OF.isoformat()]
    assert cli.invoke(app, args).exit_code == 0
    result = cli.invoke(
        app,
        [
            "national",
            "run",
            "--lake",
            str(lake),
            "--month",
            "2026-09",
            "--master",
            "local[2]",
            "--out",
            str(out),
            "--cross-out",
            str(cross),
        ],
    )
    assert result.exit_code == 0, result.output
    written = pl.read_ndjson(out)
    assert "in 3 provinces" in result.output
    assert set(written["province"]) == set(PROVINCES)
    for code, n in written["rule_code"].value_counts().iter_rows():
        assert f"  {code}: {n}\n" in result.output
    assert "cross-province: 5 findings" in result.output and "N03: 1" in result.output
    assert pl.read_parquet(cross).height == 5
