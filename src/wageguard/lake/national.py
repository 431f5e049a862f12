"""``wageguard national run``: every province partition of a lake month evaluated on Apache Spark.

There is one definition of every rule: each province's evaluation is the engine's own pure ``evaluate``
over that province's facts (``partition.read_partition``), run inside a grouped Arrow UDF
(``groupBy("province").applyInArrow``), one group per province, so Spark spreads the provinces over its
executors. Findings are folded into alerts as the provinces' own runs fold them (``upsert.group_workers``,
``upsert.keyed``): the national alert set is row for row what each province's engine holds.

Spark needs Java 17 and ``pyspark`` (the ``national`` extra). On a cluster the executors need this package
installed and the lake on storage they all read (the lake path is handed to them as text).
"""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl
import pyarrow as pa  # type: ignore[import-untyped]

from wageguard.lake import layout as L
from wageguard.lake.partition import read_calendar, read_partition
from wageguard.monitoring.engine import evaluate
from wageguard.monitoring.upsert import group_workers, keyed

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

ALERT_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "province": pl.String,
    "rule_code": pl.String,
    "subject_key": pl.String,
    "period": pl.String,
    "level": pl.String,
    "subject_type": pl.String,
    "subject_id": pl.Int64,
    "project_id": pl.Int64,
    "worker_id": pl.Int64,
    "region_code": pl.String,
    "amount_fen": pl.Int64,
    "workers": pl.Int64,
    "referral": pl.Boolean,
    "evidence": pl.String,
    "evidence_hash": pl.String,
}
_ARROW = {pl.String: pa.string(), pl.Int64: pa.int64(), pl.Boolean: pa.bool_()}
_SPARK = {pl.String: "string", pl.Int64: "bigint", pl.Boolean: "boolean"}
ARROW_SCHEMA = pa.schema([(n, _ARROW[t]) for n, t in ALERT_SCHEMA.items()])  # type: ignore[index]
SPARK_DDL = ", ".join(f"{n} {_SPARK[t]}" for n, t in ALERT_SCHEMA.items())  # type: ignore[index]
ALERT_ORDER = ["province", "rule_code", "subject_key", "period"]


def alerts_of(findings: pl.DataFrame, province: str) -> pl.DataFrame:
    """The alerts a province's run keeps for ``findings``: worker findings grouped per project, keyed and
    hashed as ``apply_findings`` does, in ``ALERT_SCHEMA`` and key order."""
    grouped, _lines = group_workers(findings)
    frame = keyed(grouped).with_columns(pl.lit(province).alias("province"))
    return frame.select(list(ALERT_SCHEMA)).cast(ALERT_SCHEMA).sort(ALERT_ORDER)  # type: ignore[arg-type]


def evaluate_partition(lake: Path, province: str, month: str) -> pl.DataFrame:
    """The alerts of one province-month of the lake, by the engine's own ``evaluate``."""
    facts = read_partition(lake, province, month)
    found = evaluate([facts], workdays=read_calendar(lake, province, month))
    return alerts_of(found, province)


def _evaluate_group(table: pa.Table) -> pa.Table:
    """Spark's grouped Arrow UDF: the group's rows name (lake, province, month); one province each."""
    out = [
        evaluate_partition(Path(lake), province, month).to_arrow()
        for lake, province, month in zip(
            *(table.column(c).to_pylist() for c in ("lake", "province", "month")), strict=True
        )
    ]
    if not out:
        return ARROW_SCHEMA.empty_table()
    return pa.concat_tables([t.cast(ARROW_SCHEMA) for t in out])


@contextmanager
def quiet_pandas_check() -> Iterator[None]:
    """PySpark checks the pandas version on the Arrow paths though none passes pandas; with pandas 3 it
    warns (FutureWarning) that it does not fully support it. Nothing here uses pandas."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "PySpark does not yet fully support pandas", FutureWarning)
        yield


def spark_session(
    master: str = "local[*]", *, shuffle_partitions: int = 4, memory: str = "1g"
) -> SparkSession:
    """A Spark session for the national run (no UI; Python workers on this interpreter)."""
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    return (
        SparkSession.builder.master(master)
        .appName("wageguard-national")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", str(shuffle_partitions))
        .config("spark.driver.memory", memory)
        .config("spark.executor.memory", memory)
        .config("spark.pyspark.python", sys.executable)
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.sources.partitionColumnTypeInference.enabled", "false")  # province codes as text
        # No broadcast joins planned from file sizes: zstd Parquet of the keys is so small on disk that Spark
        # broadcast a 1.2 GB hash table at 10 provinces × 300 k workers (a task died of heap, then retried).
        # Adaptive execution still broadcasts what a shuffle measured small.
        .config("spark.sql.autoBroadcastJoinThreshold", "-1")
        .config("spark.sql.adaptive.autoBroadcastJoinThreshold", "10m")
        .getOrCreate()
    )


def run_national(*, spark: SparkSession, lake: Path, month: str) -> pl.DataFrame:
    """Every province partition of ``month`` in the lake, evaluated on ``spark``: the national alerts."""
    provinces = L.provinces_in(lake, month)
    if not provinces:
        return pl.DataFrame(schema=ALERT_SCHEMA)
    rows = [(str(lake.resolve()), p, month) for p in provinces]
    with quiet_pandas_check():
        work = spark.createDataFrame(rows, "lake string, province string, month string")
        work = work.repartition(min(len(provinces), 64), "province")
        alerts = work.groupBy("province").applyInArrow(_evaluate_group, SPARK_DDL)
        frame = pl.from_arrow(alerts.toArrow())
    assert isinstance(frame, pl.DataFrame)
    return frame.cast(ALERT_SCHEMA).sort(ALERT_ORDER)  # type: ignore[arg-type]


def write_alerts(alerts: pl.DataFrame, out: Path) -> None:
    """Write the national alerts to ``out``: JSON lines when it ends in ``.json``/``.jsonl``, else Parquet."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    if out.suffix in (".json", ".jsonl"):
        alerts.write_ndjson(tmp)
    else:
        alerts.write_parquet(tmp, compression="zstd")
    os.replace(tmp, out)
