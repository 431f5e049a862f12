"""The application factory. Each slice contributes routers listed in ``web/routes.py``.

Around every request (outermost first): security headers and the CSRF cookie (``web/middleware.py``),
the streaming body limit (``web/uploads.py``), Starlette's error and routing layers; before every route,
the CSRF check (``web/csrf.py``) and the control-character check (``web/text_input.py``).
"""

from __future__ import annotations

from pathlib import Path

from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp

from wageguard import __version__
from wageguard.config import Settings, get_settings
from wageguard.db import Database
from wageguard.monitoring.complaint_link import install as link_complaints_to_alerts
from wageguard.security.crypto import Protector
from wageguard.security.logs import install_log_scrubbing
from wageguard.web import csrf
from wageguard.web.errors import install_error_handlers
from wageguard.web.middleware import SecurityHeaders
from wageguard.web.routes import include_routers
from wageguard.web.text_input import check_request_text
from wageguard.web.uploads import BodyLimit

STATIC_DIR = Path(__file__).parent / "static"


class WageGuardApp(FastAPI):
    """FastAPI with the security headers and the body limit wrapped around its whole stack, so even the
    answers of its outermost error layer carry the headers."""

    def build_middleware_stack(self) -> ASGIApp:
        settings: Settings = self.state.settings
        return SecurityHeaders(BodyLimit(super().build_middleware_stack(), settings), settings)


def create_app(settings: Settings | None = None, db: Database | None = None) -> FastAPI:
    """Build the ASGI app for ``settings`` (default: from the environment)."""
    settings = settings or get_settings()
    install_log_scrubbing([settings.session_secret, settings.data_key, settings.index_key])
    app = WageGuardApp(
        title="WageGuard 薪盾",
        version=__version__,
        openapi_url=None,  # served by web/api_docs.py: behind a login in production
        docs_url=None,
        redoc_url=None,
        dependencies=[Depends(csrf.check_request), Depends(check_request_text)],
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
