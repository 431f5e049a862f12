"""The OpenAPI document (``/api/v1/openapi.json``) and its Swagger UI page (``/api/v1/docs``).

Open to anyone in development and test; in production only to a logged-in principal (the document maps
every write the platform accepts). The page has no inline script (``static/js/api-docs.js`` starts Swagger
UI), and Swagger UI itself is served from this site (``static/vendor/swagger-ui/``, built by ``make assets``
from npm ``swagger-ui-dist``), so the site's own Content-Security-Policy holds: no third-party script.
Before the assets are built the page says so and links the JSON document.
"""

from __future__ import annotations

from html import escape
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from wageguard.auth.scope import Principal
from wageguard.config import Settings
from wageguard.errors import Unauthenticated
from wageguard.web.assets import available
from wageguard.web.deps import get_settings_dep, optional_principal
from wageguard.web.pages.render import login_redirect

OPENAPI_URL = "/api/v1/openapi.json"
DOCS_URL = "/api/v1/docs"
SWAGGER = "/static/vendor/swagger-ui"

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
    if available().swagger_ui:
        body = f"""<div id="swagger-ui" data-openapi-url="{OPENAPI_URL}"></div>
<script src="{SWAGGER}/swagger-ui-bundle.js"></script>
<script src="/static/js/api-docs.js"></script>"""
    else:
        body = (
            "<p>接口说明页面尚未构建（请运行 make assets）。</p>"
            "<p>The API page is not built yet (run make assets).</p>"
            f'<p><a href="{OPENAPI_URL}">{OPENAPI_URL}</a></p>'
        )
    html = f"""<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="{SWAGGER}/swagger-ui.css">
</head>
<body>
{body}
</body>
</html>
"""
    return HTMLResponse(html)
