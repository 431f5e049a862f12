"""Cross-province checks (N01–N03, docs/rules.md) as Spark jobs over the lake's national keys.

Each runs on the ``card_payments`` and ``person_days`` partitions of every province of a month (blind
indexes only, ``keys``) and yields one finding per province, project and worker concerned, so each province
can take back the findings about its own projects (``province``, ``project_id``, ``worker_id``,
``region_code``): N01 a card paid wages by projects in more than one province in the month; N02 a person
attending sites in two provinces on the same day; N03 a person paid by a province for the month without
attending there, having attended only in other provinces.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from wageguard.lake import layout as L
from wageguard.lake.national import quiet_pandas_check

if TYPE_CHECKING:
    from pyspark.sql import Column, DataFrame, SparkSession

CROSS_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "rule_code": pl.String,
    "period": pl.String,
    "province": pl.String,
    "subject_key": pl.String,  # card:<bidx> or person:<bidx>, @p<project>
    "project_id": pl.Int64,
    "worker_id": pl.Int64,
    "person_bidx": pl.String,  # the worker's ID-number blind index (how the province finds them again)
    "region_code": pl.String,
    "amount_fen": pl.Int64,
    "days": pl.Int64,
    "other_provinces": pl.String,  # comma-separated, sorted
    "evidence": pl.String,
}
CROSS_ORDER = ["rule_code", "subject_key", "province", "worker_id"]
_WHERE = ["province", "project_id", "worker_id", "region_code"]


def read_keys(spark: SparkSession, lake: Path, frame: str, month: str) -> DataFrame | None:
    """One key frame of every province with a manifest for ``month`` (``province`` column added)."""
    from pyspark.sql import functions as sf

    provinces = L.provinces_in(lake, month)
    if not provinces:
        return None
    paths = [str(L.partition_dir(lake, frame, p, month) / L.PART_FILE) for p in provinces]
    df = spark.read.option("basePath", str(lake / frame)).parquet(*paths)
    return df.withColumn("province", sf.col("province").cast("string"))


def _others(provinces: Column) -> Column:
    from pyspark.sql import functions as sf

    return sf.array_join(sf.array_sort(sf.array_except(provinces, sf.array(sf.col("province")))), ",")


def _shape(df: DataFrame, code: str, month: str, kind: str, key: str, evidence: list[Column]) -> DataFrame:
    from pyspark.sql import functions as sf

    subject = sf.concat(sf.lit(f"{kind}:"), sf.col(key), sf.lit("@p"), sf.col("project_id").cast("string"))
    return df.select(
        sf.lit(code).alias("rule_code"),
        sf.lit(month).alias("period"),
        "province",
        subject.alias("subject_key"),
        sf.col("project_id").cast("bigint"),
        sf.col("worker_id").cast("bigint"),
        "person_bidx",
        "region_code",
        sf.col("amount_fen").cast("bigint"),
        sf.col("days").cast("bigint"),
        sf.col("other_provinces"),
        sf.to_json(sf.struct(*evidence)).alias("evidence"),
    )


def card_in_two_provinces(cards: DataFrame, month: str) -> DataFrame:
    """N01: a card (blind index) paid the month's wages by projects in more than one province."""
    from pyspark.sql import functions as sf

    per_card = cards.groupBy("card_bidx").agg(
        sf.array_sort(sf.collect_set("province")).alias("provinces"),
        sf.countDistinct("person_bidx").alias("card_persons"),
        sf.countDistinct("province", "project_id").alias("card_projects"),
        sf.sum("amount_fen").alias("card_total_fen"),
    )
    hit = cards.join(per_card.where(sf.size("provinces") > 1), "card_bidx")
    totals = ("provinces", "card_persons", "card_projects", "card_total_fen")
    rows = hit.groupBy("card_bidx", "person_bidx", *_WHERE, *totals).agg(
        sf.sum("amount_fen").alias("amount_fen"), sf.sum("payments").alias("payments_n")
    )
    rows = rows.withColumn("other_provinces", _others(sf.col("provinces"))).withColumn("days", sf.lit(None))
    evidence = [sf.col(c) for c in (*totals, "amount_fen", "payments_n")]
    return _shape(rows, "N01", month, "card", "card_bidx", evidence)


def same_day_in_two_provinces(days: DataFrame, month: str) -> DataFrame:
    """N02: a person (blind index of the ID number) with worker-days in two provinces on the same day."""
    from pyspark.sql import functions as sf

    per_day = days.groupBy("person_bidx", "work_date").agg(sf.collect_set("province").alias("day_provinces"))
    clash = per_day.where(sf.size("day_provinces") > 1)
    hit = days.join(clash, ["person_bidx", "work_date"])
    rows = hit.groupBy("person_bidx", *_WHERE).agg(
        sf.countDistinct("work_date").alias("days"),
        sf.array_sort(sf.collect_set(sf.col("work_date").cast("string"))).alias("clash_dates"),
        sf.array_distinct(sf.flatten(sf.collect_list("day_provinces"))).alias("provinces"),
    )
    rows = rows.withColumn("other_provinces", _others(sf.col("provinces"))).withColumn(
        "amount_fen", sf.lit(None)
    )
    evidence = [sf.col("clash_dates"), sf.array_sort("provinces").alias("provinces")]
    return _shape(rows, "N02", month, "person", "person_bidx", evidence)


def paid_where_not_attended(cards: DataFrame, days: DataFrame, month: str) -> DataFrame:
    """N03: a person paid the month's wages by a province's project who attended no site in that province
    that month but attended in another province."""
    from pyspark.sql import functions as sf

    attended = days.groupBy("person_bidx").agg(
        sf.array_sort(sf.collect_set("province")).alias("attended_provinces")
    )
    paid = cards.groupBy("person_bidx", *_WHERE).agg(sf.sum("amount_fen").alias("amount_fen"))
    hit = paid.join(attended, "person_bidx").where(
        ~sf.array_contains("attended_provinces", sf.col("province"))
    )
    rows = hit.withColumn("other_provinces", sf.array_join("attended_provinces", ",")).withColumn(
        "days", sf.lit(0)
    )
    evidence = [sf.col("attended_provinces"), sf.col("amount_fen")]
    return _shape(rows, "N03", month, "person", "person_bidx", evidence)


def run_cross_province(*, spark: SparkSession, lake: Path, month: str) -> pl.DataFrame:
    """N01–N03 over every province of ``month`` in the lake: one row per province, project and worker."""
    with quiet_pandas_check():
        cards = read_keys(spark, lake, "card_payments", month)
        days = read_keys(spark, lake, "person_days", month)
        if cards is None or days is None:
            return pl.DataFrame(schema=CROSS_SCHEMA)
        found = (
            card_in_two_provinces(cards, month)
            .unionByName(same_day_in_two_provinces(days, month))
            .unionByName(paid_where_not_attended(cards, days, month))
        )
        frame = pl.from_arrow(found.toArrow())
    assert isinstance(frame, pl.DataFrame)
    return frame.cast(CROSS_SCHEMA).sort(CROSS_ORDER)  # type: ignore[arg-type]
