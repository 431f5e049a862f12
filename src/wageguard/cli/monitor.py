"""``wageguard monitor``: run the monitoring engine, deliver notifications."""

from __future__ import annotations

from datetime import date

import typer

from wageguard.cli.context import database, settings
from wageguard.monitoring.calendar import parse_month

app = typer.Typer(help="监测预警 / monitoring engine", no_args_is_help=True)


@app.command("run")
def run(
    month: str | None = typer.Option(None, help="YYYY-MM; default: the last whole months before --as-of"),
    as_of: str | None = typer.Option(None, "--as-of", help="YYYY-MM-DD; default: today"),
    incremental: bool = typer.Option(
        False,
        "--incremental",
        help="仅重算有变更的项目 / only the projects whose facts changed since the last run",
    ),
    rebuild: bool = typer.Option(
        False,
        "--rebuild",
        help="从数据库重读全部事实 / re-read every fact from SQL (rebuild the fact mirror)",
    ),
) -> None:
    """Reconcile and evaluate every rule, then upsert alerts (a rerun on the same data changes nothing)."""
    from wageguard.monitoring.engine import run_monitoring
    from wageguard.monitoring.notifications import dispatch_outbox, notifier_for

    try:
        day = date.fromisoformat(as_of) if as_of else date.today()
        months = [parse_month(month)] if month else None
    except ValueError as exc:
        raise typer.BadParameter(f"日期格式错误 / bad date: {exc}") from exc
    s = settings()
    summary = run_monitoring(
        db=database(),
        settings=s,
        as_of=day,
        months=months,
        trigger="cli",
        incremental=incremental,
        rebuild=rebuild,
    )
    dispatch_outbox(db=database(), notifier=notifier_for(s))
    typer.echo(
        f"run {summary.run_id} as of {summary.as_of} months {','.join(summary.months)}: "
        f"{summary.findings} findings, raised {summary.raised}, updated {summary.updated}, "
        f"cleared {summary.cleared}, reopened {summary.reopened}, escalated {summary.escalated}"
        + ("" if summary.projects is None else f"; {summary.projects} projects re-evaluated")
    )
    for code, n in summary.per_rule.items():
        typer.echo(f"  {code}: {n}")
