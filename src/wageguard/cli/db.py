"""``wageguard db``: schema migrations."""

from __future__ import annotations

import typer

from wageguard.cli.context import settings
from wageguard.migrate import upgrade_database

app = typer.Typer(help="数据库 / database schema")


@app.command("upgrade")
def upgrade() -> None:
    """Apply every migration (all branch heads)."""
    upgrade_database(settings().database_url)
    typer.echo("数据库已是最新 / database is up to date")
