"""The one place domain errors become HTTP responses (JSON for the API)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from wageguard.errors import (
    Conflict,
    Forbidden,
    ImportRejected,
    NotFound,
    Problem,
    TooManyAttempts,
    Unauthenticated,
    ValidationFailed,
    WageGuardError,
)

STATUS: dict[type[WageGuardError], int] = {
    NotFound: 404,
    Forbidden: 403,
    Unauthenticated: 401,
    Conflict: 409,
    TooManyAttempts: 429,
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
    if isinstance(exc, TooManyAttempts):
        headers = {"Retry-After": str(exc.retry_after_s)}
    return JSONResponse(body, status_code=_status_of(exc), headers=headers)


def _problem_of(error: dict[str, Any]) -> Problem:
    parts: tuple[Any, ...] = tuple(error.get("loc", ()))
    loc = [str(part) for part in parts if part not in ("body", "query", "path", "header")]
    return Problem(
        field=".".join(loc) or "(request)",
        code=str(error.get("type", "invalid")),
        message_zh="参数不符合要求，请检查后重试",
        message_en=str(error.get("msg", "invalid value")),
    )


async def handle_request_validation(request: Request, exc: Exception) -> JSONResponse:
    """FastAPI's own parameter/body validation, answered in the same bilingual shape as domain errors
    (the standard ``detail`` list is kept for clients that read it, without the ``input`` it would echo:
    a refused body may carry ID, card or phone numbers)."""
    assert isinstance(exc, RequestValidationError)
    errors = [{k: v for k, v in e.items() if k != "input"} for e in exc.errors()]
    body = {
        "error": "ValidationFailed",
        "message": "request validation failed",
        "message_zh": ValidationFailed.message_zh,
        "problems": [_problem_of(e).as_dict() for e in errors],
        "detail": jsonable_encoder(errors),
    }
    return JSONResponse(body, status_code=422)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(WageGuardError, handle_domain_error)
    app.add_exception_handler(RequestValidationError, handle_request_validation)
