"""The OpenAPI document (``/api/v1/openapi.json``) and its Swagger UI page (``/api/v1/docs``).

Open to anyone in development and test; in production only to a logged-in principal (the document maps
every write the platform accepts). The page has no inline script (``static/js/api-docs.js`` starts Swagger
UI) and brings its own Content-Security-Policy allowing Swagger UI's CDN.
"""

from __future__ import annotations

from html import escape
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from wageguard.auth.scope import Principal
from wageguard.config import Settings
from wageguard.errors import Unauthenticated
from wageguard.web.deps import get_settings_dep, optional_principal
from wageguard.web.middleware import CSP
from wageguard.web.pages.render import login_redirect

OPENAPI_URL = "/api/v1/openapi.json"
DOCS_URL = "/api/v1/docs"
SWAGGER = "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5"
DOCS_CSP = (
    CSP.replace("script-src 'self'", "script-src 'self' https://cdn.jsdelivr.net")
    .replace("style-src 'self'", "style-src 'self' https://cdn.jsdelivr.net")
    .replace("img-src 'self' data:", "img-src 'self' data: https://fastapi.tiangolo.com")
)

router = APIRouter(include_in_schema=False)
MaybeCaller = Annotated[Principal | None, Depends(optional_principal)]
AppSettings = Annotated[Settings, Depends(get_settings_dep)]


def _allowed(settings: Settings, principal: Principal | None) -> bool:
    return settings.environment != "production" or principal is not None


@router.get(OPENAPI_URL)
def openapi_document(request: Request, principal: MaybeCaller, settings: AppSettings) -> Response:
    if not _allowed(settings, principal):
        raise Unauthenticated("login required for the API description in production")
    document: dict[str, Any] = request.app.openapi()
    return JSONResponse(document)


@router.get(DOCS_URL)
def docs_page(request: Request, principal: MaybeCaller, settings: AppSettings) -> Response:
    if not _allowed(settings, principal):
        return login_redirect(request)
    title = escape(f"{request.app.title} API")
    html = f"""<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="stylesheet" href="{SWAGGER}/swagger-ui.css">
<link rel="icon" href="https://fastapi.tiangolo.com/img/favicon.png">
</head>
<body>
<div id="swagger-ui" data-openapi-url="{OPENAPI_URL}"></div>
<script src="{SWAGGER}/swagger-ui-bundle.js"></script>
<script src="/static/js/api-docs.js"></script>
</body>
</html>
"""
    return HTMLResponse(html, headers={"Content-Security-Policy": DOCS_CSP})
