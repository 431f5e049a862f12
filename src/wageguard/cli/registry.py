"""``wageguard registry``: read the registry from the shell, through the same queries as the API and pages.

Runs as the system (all regions) unless ``--as`` names a user, whose scope then applies.
``encrypt-personal-data`` is the one write: it seals phones and addresses left in clear by older versions.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import select
from sqlalchemy.orm import Session

from wageguard.auth.models import User
from wageguard.auth.scope import SYSTEM, Principal
from wageguard.auth.service import principal_of
from wageguard.cli.context import database, protector
from wageguard.errors import NotFound
from wageguard.registry import queries, region_queries
from wageguard.registry.personal import encrypt_personal_data
from wageguard.registry.schemas import ProjectFilters

app = typer.Typer(help="登记信息查询 / registry reads", no_args_is_help=True)

AsUser = Annotated[str | None, typer.Option("--as", help="apply this user's scope")]


def _principal(session: Session, username: str | None) -> Principal:
    if username is None:
        return SYSTEM
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"user {username} not found", message_zh=f"用户 {username} 不存在")
    return principal_of(user)


@app.command("counties")
def counties(as_user: AsUser = None) -> None:
    """区县概况: counties with project, registered-worker and on-site-worker counts."""
    with database().sessions() as session:
        rows = region_queries.county_summaries(session, _principal(session, as_user))
    table = Table("代码 code", "区县 county", "项目 projects", "登记工人 workers", "在场 on site")
    for c in rows:
        table.add_row(c.code, c.name, str(c.project_count), str(c.worker_count), str(c.active_worker_count))
    Console().print(table)


@app.command("projects")
def projects(
    region: Annotated[str | None, typer.Option(help="GB/T 2260 code or prefix")] = None,
    q: Annotated[str | None, typer.Option(help="name or code contains")] = None,
    limit: int = 50,
    offset: int = 0,
    as_user: AsUser = None,
) -> None:
    """项目列表: projects, filtered like ``GET /api/v1/projects``."""
    filters = ProjectFilters(region=region, q=q, limit=limit, offset=offset)
    with database().sessions() as session:
        page = queries.list_projects(session, _principal(session, as_user), filters)
    table = Table("id", "编号 code", "名称 name", "区县 county", "状态 status", "工人 workers")
    for p in page.items:
        table.add_row(
            str(p.id),
            p.project_code,
            p.name,
            p.region_name or p.region_code,
            p.status_name or p.status,
            str(p.worker_count),
        )
    Console().print(table)
    typer.echo(f"共 {page.total} 个项目 / {page.total} projects (offset {page.offset})")


@app.command("encrypt-personal-data")
def encrypt_personal_data_command() -> None:
    """加密旧版明文电话和住址 / encrypt phones and addresses stored in clear before revision 0001b."""
    moved = encrypt_personal_data(db=database(), protector=protector())
    for column, count in moved.items():
        typer.echo(f"{column} {count}")
    total = sum(moved.values())
    typer.echo(f"已加密 {total} 项 / {total} values encrypted, clear columns emptied")
