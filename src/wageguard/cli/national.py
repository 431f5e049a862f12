"""``wageguard national run``: the engine's rules over every province of a lake month, on Apache Spark, and
the cross-province findings written back per province; ``wageguard national import``: a province takes
its file into its alerts."""

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
    checks N01–N03 over the national keys; report both, and write each province's national findings into
    the lake (national-alerts/province=P/month=M/findings.jsonl, for `wageguard national import`)."""
    from wageguard.lake.cross import run_cross_province
    from wageguard.lake.national import run_national, spark_session, write_alerts
    from wageguard.lake.outbound import write_national_findings
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
    files = write_national_findings(lake=lake, month=key, cross=cross)
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
    typer.echo(f"national findings files for {len(files)} provinces under {lake / 'national-alerts'}:")
    for province, n in files.items():
        typer.echo(f"  {province}: {n}")


@app.command("import")
def import_findings(
    file: Path = typer.Option(..., "--file", help="national-alerts/province=P/month=M/findings.jsonl"),
    province: str = typer.Option(..., "--province", help="this database's province, e.g. 520000"),
    as_of: str | None = typer.Option(None, "--as-of", help="YYYY-MM-DD the alerts are dated; default today"),
) -> None:
    """Take the national findings (N01–N03) about this province's projects into its alerts: the file is
    accepted whole or rejected whole; re-importing it changes nothing."""
    from datetime import date

    from wageguard.cli.context import database
    from wageguard.errors import ImportRejected, ValidationFailed
    from wageguard.lake.inbound import import_national_findings

    try:
        day = date.fromisoformat(as_of) if as_of else date.today()
    except ValueError as exc:
        raise typer.BadParameter(f"日期格式错误 / bad date: {exc}") from exc
    try:
        report = import_national_findings(db=database(), path=file, province=province, as_of=day)
    except ImportRejected as exc:
        typer.echo(f"{exc.report['message_zh']}\n{exc.report['message_en']}")
        for p in exc.report["errors"]:
            where = f"第 {p['row']} 行 / line {p['row']}" if p["row"] is not None else ""
            typer.echo(f"  {where} {p['field']}: {p['message_zh']} / {p['message_en']}")
        raise typer.Exit(2) from None
    except ValidationFailed as exc:
        typer.echo(f"{exc.message_zh} / {exc}")
        raise typer.Exit(2) from None
    data = report.as_dict()
    typer.echo(f"{data['message_zh']}\n{data['message_en']}")
    details = data.get("details", {})
    typer.echo(
        f"  cleared 已消除: {details.get('cleared', 0)}; per rule 各规则: {details.get('per_rule', {})}"
    )
