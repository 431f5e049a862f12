"""``wageguard facts``: the month's engine facts as a Parquet lake (one partition per province)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer

from wageguard.cli.context import database, settings
from wageguard.monitoring.calendar import parse_month

app = typer.Typer(help="事实数据湖 / facts lake", no_args_is_help=True)


@app.command("export")
def export(
    month: str = typer.Option(..., help="YYYY-MM"),
    out: Path = typer.Option(..., "--out", help="lake folder (created if missing)"),
    as_of: str | None = typer.Option(None, "--as-of", help="YYYY-MM-DD; default: today"),
) -> None:
    """Write the month's facts as Parquet by province and month; a re-export replaces the partitions."""
    from wageguard.lake.export import export_month

    try:
        first = parse_month(month)
        day = date.fromisoformat(as_of) if as_of else date.today()
    except ValueError as exc:
        raise typer.BadParameter(f"日期格式错误 / bad date: {exc}") from exc
    summary = export_month(db=database(), settings=settings(), month=first, as_of=day, out=out)
    typer.echo(f"exported {summary.month} as of {summary.as_of} to {out}: {len(summary.provinces)} provinces")
    for province, rows in summary.provinces.items():
        typer.echo(f"  {province}: {rows['projects']} projects, {rows['worker_months']} worker-months")
