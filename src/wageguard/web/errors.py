"""The one place domain errors become HTTP responses (JSON for the API)."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from wageguard.errors import (
    Conflict,
    Forbidden,
    ImportRejected,
    NotFound,
    Unauthenticated,
    ValidationFailed,
    WageGuardError,
)

STATUS: dict[type[WageGuardError], int] = {
    NotFound: 404,
    Forbidden: 403,
    Unauthenticated: 401,
    Conflict: 409,
    ValidationFailed: 422,
    ImportRejected: 422,
}


def _status_of(exc: WageGuardError) -> int:
    for cls in type(exc).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 400


async def handle_domain_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, WageGuardError)
    body: dict[str, object] = {"error": type(exc).__name__, "message": str(exc), "message_zh": exc.message_zh}
    if isinstance(exc, ValidationFailed):
        body["problems"] = [p.as_dict() for p in exc.problems]
    if isinstance(exc, ImportRejected):
        body["report"] = exc.report
    headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, Unauthenticated) else None
    return JSONResponse(body, status_code=_status_of(exc), headers=headers)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(WageGuardError, handle_domain_error)
