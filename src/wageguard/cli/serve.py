"""``wageguard serve``: run the web server (``--demo-gates N`` keeps N demo gates live while it runs)."""

from __future__ import annotations

import typer
import uvicorn

from wageguard.cli.context import settings
from wageguard.security.files import private_dir

app = typer.Typer(help="服务 / server")


def _connect_host(host: str) -> str:
    """The address a local client reaches a server bound to ``host`` on."""
    if host in {"0.0.0.0", "::", ""}:
        return "127.0.0.1"
    return f"[{host}]" if ":" in host else host


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
) -> None:
    """Serve the web app and API."""
    s = settings()
    private_dir(s.var_dir)  # keys, uploads and demo files: readable by the service's user only
    from wageguard.attendance.intake import IntakeDrainer
    from wageguard.attendance.live import start_live_gates
    from wageguard.monitoring.scheduler import start_scheduler
    from wageguard.web.app import create_app
    from wageguard.web.iclock import intake_of, options_of

    web = create_app(s)
    start_scheduler(web.state.db, s)
    # Device calls are acknowledged once durable in the intake; this thread stores them (see intake.py).
    drainer = IntakeDrainer(db=web.state.db, intake=intake_of(web), options=options_of(web)).start()
    bind_host, bind_port = host or s.host, port or s.port
    gates = start_live_gates(
        db=web.state.db,
        base_url=f"http://{_connect_host(bind_host)}:{bind_port}",
        count=demo_gates,
        truth_path=s.var_dir / "demo" / "truth.json",
        interval=gate_interval,
    )
    try:
        # proxy_headers off: X-Forwarded-For is read only by web.deps.client_address, from trusted_proxies
        uvicorn.run(web, host=bind_host, port=bind_port, log_level="info", proxy_headers=False)
    finally:
        if gates is not None:
            gates.stop()
        drainer.stop()
