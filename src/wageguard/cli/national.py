"""``wageguard national run``: the engine's rules over every province of a lake month, on Apache Spark."""

from __future__ import annotations

import time
from pathlib import Path

import typer

app = typer.Typer(help="全国汇总 / national run on Spark", no_args_is_help=True)


@app.command("run")
def run(
    lake: Path = typer.Option(..., "--lake", help="lake folder written by `wageguard facts export`"),
    month: str = typer.Option(..., help="YYYY-MM"),
    master: str = typer.Option("local[*]", "--master", help="Spark master: local[*] or a cluster URL"),
    out: Path | None = typer.Option(None, "--out", help="alerts file: .json (JSON lines) or Parquet"),
    cross_out: Path | None = typer.Option(
        None, "--cross-out", help="cross-province findings (N01–N03) file: .json (JSON lines) or Parquet"
    ),
) -> None:
    """Evaluate every rule on each province partition (the engine's own functions) and the cross-province
    checks N01–N03 over the national keys; report both."""
    from wageguard.lake.cross import run_cross_province
    from wageguard.lake.national import run_national, spark_session, write_alerts
    from wageguard.monitoring.calendar import month_key, parse_month

    try:
        key = month_key(parse_month(month))
    except ValueError as exc:
        raise typer.BadParameter(f"月份格式错误 / bad month: {exc}") from exc
    from pyspark.sql import SparkSession

    started = time.perf_counter()
    ours = SparkSession.getActiveSession() is None  # a session already running here is left running
    spark = spark_session(master)
    try:
        alerts = run_national(spark=spark, lake=lake, month=key)
        cross = run_cross_province(spark=spark, lake=lake, month=key)
    finally:
        if ours:
            spark.stop()
    if out is not None:
        write_alerts(alerts, out)
    if cross_out is not None:
        write_alerts(cross, cross_out)
    provinces = alerts["province"].n_unique() if alerts.height else 0
    typer.echo(
        f"national {key}: {alerts.height} alerts in {provinces} provinces "
        f"({time.perf_counter() - started:.1f} s on {master})"
    )
    for code, n in alerts["rule_code"].value_counts().sort("rule_code").iter_rows():
        typer.echo(f"  {code}: {n}")
    typer.echo(f"cross-province: {cross.height} findings")
    for code, n in cross["rule_code"].value_counts().sort("rule_code").iter_rows():
        typer.echo(f"  {code}: {n}")
