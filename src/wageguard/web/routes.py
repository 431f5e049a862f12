"""Every router of the app, in one list; each slice adds its routers here."""

from __future__ import annotations

from fastapi import FastAPI

from wageguard.web.api import auth as auth_api


def include_routers(app: FastAPI) -> None:
    app.include_router(auth_api.router, prefix="/api/v1")
