"""The application factory. Each slice contributes routers listed in ``web/routes.py``."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from wageguard import __version__
from wageguard.config import Settings, get_settings
from wageguard.db import Database
from wageguard.monitoring.complaint_link import install as link_complaints_to_alerts
from wageguard.security.crypto import Protector
from wageguard.security.logs import install_log_scrubbing
from wageguard.web.errors import install_error_handlers
from wageguard.web.routes import include_routers

STATIC_DIR = Path(__file__).parent / "static"


def create_app(settings: Settings | None = None, db: Database | None = None) -> FastAPI:
    """Build the ASGI app for ``settings`` (default: from the environment)."""
    settings = settings or get_settings()
    install_log_scrubbing([settings.session_secret, settings.data_key, settings.index_key])
    app = FastAPI(
        title="WageGuard 薪盾",
        version=__version__,
        openapi_url="/api/v1/openapi.json",
        docs_url="/api/v1/docs",
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.db = db or Database(settings.database_url)
    app.state.protector = Protector(settings.data_key_bytes, settings.index_key_bytes)
    install_error_handlers(app)
    link_complaints_to_alerts(settings)
    STATIC_DIR.mkdir(parents=True, exist_ok=True)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    include_routers(app)
    return app
