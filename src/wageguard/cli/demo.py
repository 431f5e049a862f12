"""``wageguard demo``: build the demo city (files generated, then imported through the real paths)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import typer
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url

from wageguard.cli.context import protector, settings
from wageguard.config import Settings, get_settings
from wageguard.db import Database
from wageguard.demo.progress import ProgressFile, progress_path, run_stages
from wageguard.demo.stages import DemoContext, all_stages
from wageguard.migrate import upgrade_database
from wageguard.security.keys import LOCAL_ENV_FILE, ensure_local_keys

app = typer.Typer(help="演示城市 / demo city")

FILLED_TABLES = ("enterprises", "projects", "workers", "users")


def _reset_sqlite(url: str) -> None:
    """Delete the SQLite database file (and its WAL/SHM companions)."""
    database = make_url(url).database
    if not database or database == ":memory:":
        return
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(database + suffix).unlink(missing_ok=True)


def _is_empty(url: str) -> bool:
    """True when none of the registry's main tables holds a row (or they do not exist yet)."""
    db = Database(url)
    try:
        names = set(inspect(db.engine).get_table_names())
        with db.engine.connect() as conn:
            present = [t for t in FILLED_TABLES if t in names]
            return not any(conn.execute(text(f'SELECT 1 FROM "{t}" LIMIT 1')).first() for t in present)
    finally:
        db.dispose()


def prepare_database(s: Settings, *, reset: bool) -> None:
    """``--reset`` deletes a SQLite demo database; PostgreSQL is used only when reset and empty."""
    if s.is_sqlite:
        if reset:
            _reset_sqlite(s.database_url)
    elif not reset or not _is_empty(s.database_url):
        typer.echo(
            "拒绝在非空或未指定 --reset 的 PostgreSQL 数据库上生成演示数据 / "
            "refusing to build the demo on PostgreSQL unless --reset is given and the database is empty",
            err=True,
        )
        raise typer.Exit(2)
    upgrade_database(s.database_url)


def print_logins(ctx: DemoContext, s: Settings, url: str | None = None) -> None:
    typer.echo(f"\n演示城市已就绪 / demo city ready:  {url or f'http://{s.host}:{s.port}'}")
    typer.echo("演示账号 / demo logins (用户名 / username  密码 / password):")
    for login in ctx.truth.get("logins", []):
        who = f"{login['title_zh']} / {login['title_en']}"
        typer.echo(f"  {login['username']:<10} {login['password']:<12} {who}")


def begin_demo(
    *,
    reset: bool,
    seed: int = 7,
    projects: int = 200,
    workers: int = 58_000,
    region: str = "520600",
    out: Path | None = None,
    as_of: date | None = None,
) -> tuple[Settings, DemoContext, ProgressFile]:
    """Keys, an emptied and migrated database, the stages' context and a fresh progress file."""
    if reset and ensure_local_keys():
        get_settings.cache_clear()
        typer.echo(f"已生成本地密钥 / generated local keys: {LOCAL_ENV_FILE}")
    s = settings()
    prepare_database(s, reset=reset)
    ctx = DemoContext(
        db=Database(s.database_url),
        protector=protector(),
        settings=s,
        out_dir=out or s.var_dir / "demo",
        seed=seed,
        projects=projects,
        workers=workers,
        region_code=region,
        log=typer.echo,
    )
    if as_of is not None:
        ctx.as_of = as_of
    progress = ProgressFile(progress_path(s), [name for name, _ in all_stages()])
    return s, ctx, progress


@app.callback(invoke_without_command=True)
def demo(
    reset: bool = typer.Option(False, "--reset", help="先删除演示数据库 / delete the SQLite demo database"),
    seed: int = typer.Option(7, help="随机种子 / seed: same seed, same city"),
    projects: int = typer.Option(200, min=1, help="项目数 / number of projects"),
    workers: int = typer.Option(58_000, min=1, help="工人数 / number of workers"),
    region: str = typer.Option("520600", help="地区代码（市州或省 520000）/ prefecture or province code"),
    out: Path | None = typer.Option(None, help="生成文件目录 / where files are written (default var/demo)"),
    as_of: datetime | None = typer.Option(None, formats=["%Y-%m-%d"], help="演示“今天” / the demo's today"),
) -> None:
    """Generate the demo city and import it; print the URL and the demo logins."""
    s, ctx, progress = begin_demo(
        reset=reset,
        seed=seed,
        projects=projects,
        workers=workers,
        region=region,
        out=out,
        as_of=as_of.date() if as_of is not None else None,
    )
    try:
        run_stages(ctx, all_stages(), progress)
    finally:
        ctx.db.dispose()
    print_logins(ctx, s)
