"""``wageguard user``: manage platform users."""

from __future__ import annotations

import typer

from wageguard.auth.service import create_user
from wageguard.cli.context import database
from wageguard.registry.choices import Role

app = typer.Typer(help="用户 / users")


@app.command("create")
def create(
    username: str,
    role: Role = typer.Option(..., help="admin, inspector, enterprise, bank, device"),
    password: str = typer.Option(..., prompt=True, hide_input=True),
    region: str | None = typer.Option(None, help="GB/T 2260 code (inspectors)"),
    enterprise_id: int | None = typer.Option(None, help="enterprise id (enterprise users)"),
    display_name: str | None = typer.Option(None),
) -> None:
    """Create a user."""
    with database().transaction() as session:
        create_user(
            session=session,
            username=username,
            password=password,
            role=role,
            region_code=region,
            enterprise_id=enterprise_id,
            display_name=display_name,
        )
    typer.echo(f"已创建用户 / created user {username}")
