"""The one place domain errors become HTTP responses: JSON for the API (``/api/...``) and for clients that
do not ask for HTML; the site's own page (Chinese by default, with the language switch) for a browser."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from wageguard.errors import (
    Busy,
    Conflict,
    Forbidden,
    ImportRejected,
    NotFound,
    TooLarge,
    TooManyAttempts,
    Unauthenticated,
    ValidationFailed,
    WageGuardError,
)
from wageguard.validation.schema import schema_problems
from wageguard.web.pages.render import domain_error_page, status_page

log = logging.getLogger(__name__)

STATUS: dict[type[WageGuardError], int] = {
    NotFound: 404,
    Forbidden: 403,
    Unauthenticated: 401,
    Conflict: 409,
    TooManyAttempts: 429,
    TooLarge: 413,
    Busy: 503,
    ValidationFailed: 422,
    ImportRejected: 422,
}


HTTP_PROBLEMS: dict[int, tuple[str, str]] = {
    404: ("NotFound", "未找到该地址"),
    405: ("MethodNotAllowed", "该地址不支持此请求方法"),
}


def _status_of(exc: WageGuardError) -> int:
    for cls in type(exc).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 400


def wants_html(request: Request) -> bool:
    """A browser asking for a page (the API always answers JSON)."""
    return not request.url.path.startswith("/api/") and "text/html" in request.headers.get("accept", "")


async def handle_domain_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, WageGuardError)
    if wants_html(request):
        return domain_error_page(request, exc, _status_of(exc))
    body: dict[str, object] = {"error": type(exc).__name__, "message": str(exc), "message_zh": exc.message_zh}
    if isinstance(exc, ValidationFailed):
        body["problems"] = [p.as_dict() for p in exc.problems]
    if isinstance(exc, ImportRejected):
        body["report"] = exc.report
    headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, Unauthenticated) else None
    if isinstance(exc, TooManyAttempts | Busy):
        headers = {"Retry-After": str(exc.retry_after_s)}
    return JSONResponse(body, status_code=_status_of(exc), headers=headers)


async def handle_request_validation(request: Request, exc: Exception) -> JSONResponse:
    """FastAPI's own parameter/body validation, answered in the same bilingual shape as domain errors: the
    row/field/reason problems of ``validation/schema.py`` (the standard ``detail`` list is kept for clients
    that read it, without the ``input`` it would echo: a refused body may carry ID, card or phone numbers)."""
    assert isinstance(exc, RequestValidationError)
    problems = schema_problems(exc.errors())
    errors = [{k: v for k, v in e.items() if k != "input"} for e in exc.errors()]
    body = {
        "error": "ValidationFailed",
        "message": "request validation failed",
        "message_zh": ValidationFailed.message_zh,
        "problems": [p.as_dict() for p in problems],
        "detail": jsonable_encoder(errors),
    }
    return JSONResponse(body, status_code=422)


async def handle_http_error(request: Request, exc: Exception) -> Response:
    """Starlette's own errors (no such route, method not allowed): a page for a browser, else JSON."""
    assert isinstance(exc, StarletteHTTPException)
    if wants_html(request) and exc.status_code in (403, 404, 405):
        return status_page(request, exc.status_code)
    if exc.status_code in HTTP_PROBLEMS:  # the domain errors' JSON shape; ``detail`` kept for old clients
        error, message_zh = HTTP_PROBLEMS[exc.status_code]
        body = {"error": error, "message": str(exc.detail), "message_zh": message_zh, "detail": exc.detail}
        return JSONResponse(body, status_code=exc.status_code, headers=getattr(exc, "headers", None))
    return await http_exception_handler(request, exc)


async def handle_database_unavailable(request: Request, exc: Exception) -> Response:
    """The database refused for now: a lock held by a long writer past the wait (SQLite "database is
    locked", PostgreSQL ``lock_timeout``) or a connection it would not give. The transaction was rolled
    back, nothing was stored: 503 with ``Retry-After``, never a 500."""
    assert isinstance(exc, OperationalError)
    log.warning(
        "database unavailable for %s %s: %s", request.method, request.url.path, type(exc.orig).__name__
    )
    return await handle_domain_error(request, Busy("the database is busy; nothing was stored, try again"))


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(WageGuardError, handle_domain_error)
    app.add_exception_handler(OperationalError, handle_database_unavailable)
    app.add_exception_handler(RequestValidationError, handle_request_validation)
    app.add_exception_handler(StarletteHTTPException, handle_http_error)
