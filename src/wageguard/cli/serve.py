"""``wageguard serve``: run the web server."""

from __future__ import annotations

import typer
import uvicorn

from wageguard.cli.context import settings

app = typer.Typer(help="服务 / server")


@app.callback(invoke_without_command=True)
def serve(host: str | None = None, port: int | None = None) -> None:
    """Serve the web app and API."""
    s = settings()
    from wageguard.monitoring.scheduler import start_scheduler
    from wageguard.web.app import create_app

    web = create_app(s)
    start_scheduler(web.state.db, s)
    uvicorn.run(web, host=host or s.host, port=port or s.port, log_level="info")
