"""``wageguard serve``: run the web server (``--demo-gates N`` keeps N demo gates live while it runs).

In production it refuses to start, with a message naming each problem, while a secret is weak (``Settings``
validation: short, equal or low-entropy keys, a short session secret) or a demo user still has its demo
password.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NoReturn

import typer
import uvicorn
from pydantic import ValidationError

from wageguard.cli.context import settings
from wageguard.config import Settings
from wageguard.db import Database
from wageguard.security.files import private_dir

if TYPE_CHECKING:
    from wageguard.attendance.live import LiveGates

app = typer.Typer(help="服务 / server")


def _connect_host(host: str) -> str:
    """The address a local client reaches a server bound to ``host`` on."""
    if host in {"0.0.0.0", "::", ""}:
        return "127.0.0.1"
    return f"[{host}]" if ":" in host else host


def _stop(title: str, problems: list[str]) -> NoReturn:
    typer.echo(title, err=True)
    for problem in problems:
        typer.echo(f"  - {problem}", err=True)
    raise typer.Exit(code=2)


def _checked_settings() -> Settings:
    """The settings, or a stop naming every problem (production refuses weak secrets)."""
    try:
        return settings()
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            where = ".".join(str(part) for part in error["loc"])
            message = str(error["msg"]).removeprefix("Value error, ")
            problems.append(f"{where}: {message}" if where else message)
        _stop(
            "配置不安全或有误（生产环境不接受弱密钥），拒绝启动 / "
            "unsafe or invalid settings (production refuses weak secrets), serve refuses to start:",
            problems,
        )


def _refuse_demo_passwords(db: Database) -> None:
    from wageguard.security.production import demo_logins_in_use

    with db.sessions() as session:
        names = demo_logins_in_use(session)
    if names:
        db.dispose()
        _stop(
            "生产环境仍有演示账号使用公开的演示密码，拒绝启动；请修改密码或停用这些账号 / "
            "demo users still have their published demo passwords; change them or deactivate the users:",
            names,
        )


class DemoBuild:
    """``--build-demo``: the registry stage ran before the server starts; the other stages run in a thread."""

    def __init__(self, projects: int, workers: int, host: str | None, port: int | None) -> None:
        from wageguard.cli.demo import begin_demo, print_logins
        from wageguard.demo.progress import run_stages
        from wageguard.demo.stages import all_stages

        self.settings, self.ctx, self.progress = begin_demo(reset=True, projects=projects, workers=workers)
        self.stages = all_stages()
        run_stages(self.ctx, self.stages[:1], self.progress)
        self.url = f"http://{_connect_host(host or self.settings.host)}:{port or self.settings.port}"
        print_logins(self.ctx, self.settings, self.url)
        typer.echo(
            "其余演示数据正在后台加载，进度见终端和首页 / the rest of the demo loads in the background: "
            "progress here and on the landing page"
        )
        self.thread: Any = None

    def start_rest(self, then: Callable[[], None]) -> None:
        from wageguard.cli.demo import print_logins
        from wageguard.demo.progress import BackgroundBuild

        def done() -> None:
            then()
            print_logins(self.ctx, self.settings, self.url)

        self.thread = BackgroundBuild(self.ctx, self.stages[1:], self.progress, done)
        self.thread.start()

    def close(self) -> None:
        if self.thread is not None:
            self.thread.finished.wait(timeout=1)
        self.ctx.db.dispose()


@app.callback(invoke_without_command=True)
def serve(
    host: str | None = None,
    port: int | None = None,
    demo_gates: int = typer.Option(
        0, "--demo-gates", min=0, help="保持 N 个演示闸机在线 / keep N demo gates live (0: none)"
    ),
    gate_interval: float = typer.Option(
        5.0, "--gate-interval", min=0.5, help="闸机会话间隔秒数 / seconds between gate conversations"
    ),
    build_demo: bool = typer.Option(
        False,
        "--build-demo",
        help="先重建演示城市：登记数据就绪即开始服务，其余在后台加载 / rebuild the demo city: serve once the "
        "registry is in, load the rest in the background",
    ),
    demo_projects: int = typer.Option(200, min=1, help="与 --build-demo 同用：项目数 / projects to build"),
    demo_workers: int = typer.Option(58_000, min=1, help="与 --build-demo 同用：工人数 / workers to build"),
    workers: int = typer.Option(
        1,
        "--workers",
        min=1,
        max=64,
        help="服务进程数（>1 需 PostgreSQL 与 Redis）/ server processes (>1 needs PostgreSQL and Redis)",
    ),
) -> None:
    """Serve the web app and API."""
    if workers > 1:
        _serve_workers(workers, host, port, build_demo or demo_gates > 0)
        return
    # A build first: on a fresh clone it writes the demo's keys, which the settings then read.
    build = DemoBuild(demo_projects, demo_workers, host, port) if build_demo else None
    s = _checked_settings()
    private_dir(s.var_dir)  # keys, uploads and demo files: readable by the service's user only
    from wageguard.attendance.live import start_live_gates
    from wageguard.complaints.noticeboard import warm_up as warm_up_notice_board
    from wageguard.screen.rebuild import ensure_tallies
    from wageguard.tallies.live import configure_live
    from wageguard.web.app import create_app
    from wageguard.web.served import Services, import_listener, start_drainers, start_leader_for

    web = create_app(s)
    configure_live(s.redis_url, s.redis_key_prefix)  # live screen events: this process, or all via Redis
    if s.environment == "production":
        _refuse_demo_passwords(web.state.db)
    # WeasyPrint and its fonts loaded while the server starts, so the first notice board prints in < 1 s
    threading.Thread(target=warm_up_notice_board, name="notice-board-warm-up", daemon=True).start()
    bind_host, bind_port = host or s.host, port or s.port
    base_url = f"http://{_connect_host(bind_host)}:{bind_port}"
    live: list[LiveGates] = []
    services = Services()
    listen = import_listener(s, services)

    def start_the_rest() -> None:
        """The scheduler and the demo gates, once the demo's data is in (at once without a build)."""
        ensure_tallies(web.state.db, s)  # a database from before the command screen: fill its aggregates
        start_leader_for(web, s, services, listen)  # the one scheduler of the deployment, by lease
        gates = start_live_gates(
            db=web.state.db,
            base_url=base_url,
            count=demo_gates,
            truth_path=s.var_dir / "demo" / "truth.json",
            interval=gate_interval,
        )
        if gates is not None:
            live.append(gates)

    if build is None:
        start_the_rest()
    else:
        build.start_rest(start_the_rest)
    # Device calls are acknowledged once durable in the intake, and complaints the database could not take
    # at once wait durably; two threads move them into the database (intake.py, complaints/drainer.py).
    start_drainers(web, s, services)
    try:
        # proxy_headers off: X-Forwarded-For is read only by web.deps.client_address, from trusted_proxies
        uvicorn.run(web, host=bind_host, port=bind_port, log_level="info", proxy_headers=False)
    finally:
        for gates in live:
            gates.stop()
        if build is not None:
            build.close()
        services.stop()
        web.state.db.dispose()


def _serve_workers(workers: int, host: str | None, port: int | None, demo: bool) -> None:
    """``--workers N``: N uvicorn worker processes over one PostgreSQL database and one Redis, each with its
    own services (``web/served.py``); one of them at a time holds the scheduler lease."""
    s = _checked_settings()
    problems = []
    if s.is_sqlite:
        problems.append(
            "多进程服务需要 PostgreSQL（WAGEGUARD_DATABASE_URL） / "
            "--workers > 1 needs PostgreSQL: SQLite has one writer"
        )
    if not s.redis_url:
        problems.append(
            "多进程服务需要 Redis（WAGEGUARD_REDIS_URL），以便各进程共享实时事件与导入通知 / "
            "--workers > 1 needs Redis (WAGEGUARD_REDIS_URL) so every process hears live events and imports"
        )
    if demo:
        problems.append(
            "演示城市的构建与演示闸机只在单进程下运行 / "
            "--build-demo and --demo-gates run with one process only"
        )
    if problems:
        _stop("无法启动多进程服务 / cannot serve with several processes", problems)
    private_dir(s.var_dir)
    from wageguard.db import Database
    from wageguard.screen.rebuild import ensure_tallies

    db = Database(s.database_url)
    try:
        ensure_tallies(db, s)  # once, before the workers start
    finally:
        db.dispose()
    uvicorn.run(
        "wageguard.web.served:create_served_app",
        factory=True,
        host=host or s.host,
        port=port or s.port,
        workers=workers,
        log_level="info",
        proxy_headers=False,
    )
