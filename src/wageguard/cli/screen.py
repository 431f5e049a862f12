"""``wageguard screen``: the command screen's aggregates."""

from __future__ import annotations

import typer

from wageguard.cli.context import database, settings

app = typer.Typer(help="大屏 / command screen", no_args_is_help=True)


@app.command("rebuild")
def rebuild() -> None:
    """Recompute every tally of the command screen from the facts (they are otherwise kept at ingest)."""
    from wageguard.db import utcnow
    from wageguard.screen.queries import work_day
    from wageguard.screen.rebuild import rebuild_tallies

    today = work_day(settings(), utcnow())
    with database().transaction() as session:
        rows = rebuild_tallies(session, today=today)
    typer.echo(f"tallies rebuilt: {rows} rows / 已重建汇总 {rows} 行")
