"""Every router of the app, in one list; each slice adds its routers here."""

from __future__ import annotations

from fastapi import FastAPI

from wageguard.web import api_docs, health, iclock, isapi
from wageguard.web import public as public_pages
from wageguard.web.api import alerts as alerts_api
from wageguard.web.api import attendance as attendance_api
from wageguard.web.api import auth as auth_api
from wageguard.web.api import cases as cases_api
from wageguard.web.api import imports as imports_api
from wageguard.web.api import money as money_api
from wageguard.web.api import registry as registry_api
from wageguard.web.api import risk as risk_api
from wageguard.web.api import screen as screen_api
from wageguard.web.pages import alerts as alert_pages
from wageguard.web.pages import attendance as attendance_pages
from wageguard.web.pages import auth as auth_pages
from wageguard.web.pages import cases as case_pages
from wageguard.web.pages import home as home_pages
from wageguard.web.pages import imports as import_pages
from wageguard.web.pages import inbox as inbox_pages
from wageguard.web.pages import money as money_pages
from wageguard.web.pages import owed as owed_pages
from wageguard.web.pages import projects as project_pages
from wageguard.web.pages import risk as risk_pages
from wageguard.web.pages import screen as screen_pages


def include_routers(app: FastAPI) -> None:
    app.include_router(api_docs.router)
    app.include_router(alerts_api.router, prefix="/api/v1")
    app.include_router(attendance_api.router, prefix="/api/v1")
    app.include_router(auth_api.router, prefix="/api/v1")
    app.include_router(cases_api.router, prefix="/api/v1")
    app.include_router(imports_api.router, prefix="/api/v1")
    app.include_router(money_api.router, prefix="/api/v1")
    app.include_router(registry_api.router, prefix="/api/v1")
    app.include_router(risk_api.router, prefix="/api/v1")
    app.include_router(screen_api.router, prefix="/api/v1")
    app.include_router(public_pages.router)
    app.include_router(home_pages.router)
    app.include_router(auth_pages.router)
    app.include_router(project_pages.router)
    app.include_router(owed_pages.router)
    app.include_router(case_pages.router)
    app.include_router(money_pages.router)
    app.include_router(import_pages.router)
    app.include_router(attendance_pages.router)
    app.include_router(inbox_pages.router)
    app.include_router(alert_pages.router)
    app.include_router(screen_pages.router)
    app.include_router(risk_pages.router)
    app.include_router(iclock.router)
    app.include_router(isapi.router)
    app.include_router(health.router)
