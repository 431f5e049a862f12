"""``wageguard user``: manage platform users (create, set a password, log out everywhere, unlock a login)."""

from __future__ import annotations

import typer

from wageguard.auth.scope import SYSTEM
from wageguard.auth.service import create_user, log_out_everywhere, set_password, unlock_login
from wageguard.auth.throttle import LoginThrottle
from wageguard.cli.context import database, settings
from wageguard.errors import WageGuardError
from wageguard.registry.choices import Role
from wageguard.security.counters import counter_store_for

app = typer.Typer(help="用户 / users")


def _fail(exc: WageGuardError) -> typer.Exit:
    typer.echo(f"{exc.message_zh} / {exc}", err=True)
    return typer.Exit(1)


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


@app.command("set-password")
def set_password_command(
    username: str,
    password: str = typer.Option(..., prompt=True, hide_input=True, confirmation_prompt=True),
) -> None:
    """Set a user's password; every session of the user ends at once."""
    try:
        ended = set_password(
            db=database(), settings=settings(), principal=SYSTEM, username=username, new_password=password
        )
    except WageGuardError as exc:
        raise _fail(exc) from None
    typer.echo(
        f"已重设 {username} 的密码，结束会话 {ended} 个 / password set for {username}, {ended} sessions ended"
    )


@app.command("logout-all")
def logout_all(username: str) -> None:
    """End every session of a user at once (a lost laptop, a leaving employee)."""
    try:
        ended = log_out_everywhere(db=database(), principal=SYSTEM, username=username)
    except WageGuardError as exc:
        raise _fail(exc) from None
    typer.echo(f"已强制 {username} 下线，结束会话 {ended} 个 / {username} logged out: {ended} sessions ended")


@app.command("unlock")
def unlock(username: str) -> None:
    """Lift a user's login wait or lock (after someone else's failed guesses locked them out)."""
    s, db = settings(), database()
    try:
        unlock_login(
            db=db, throttle=LoginThrottle(counter_store_for(s, db), s), principal=SYSTEM, username=username
        )
    except WageGuardError as exc:
        raise _fail(exc) from None
    typer.echo(f"已解除 {username} 的登录锁定 / login of {username} unlocked")
