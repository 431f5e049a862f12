"""The ``wageguard`` command: every area's sub-commands, assembled."""

from __future__ import annotations

import typer

from wageguard.cli import db, serve, users

app = typer.Typer(help="薪盾 WageGuard", no_args_is_help=True, pretty_exceptions_enable=False)
app.add_typer(db.app, name="db")
app.add_typer(users.app, name="user")
app.add_typer(serve.app, name="serve")

if __name__ == "__main__":
    app()
