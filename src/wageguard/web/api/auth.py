"""Login for API clients (a username and password for a Bearer token), logout, password change, and an
admin's "log out everywhere". Tokens are opaque server-side sessions (``auth/sessions.py``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends, Path, Request, Response
from pydantic import BaseModel, Field

from wageguard.auth.scope import Principal
from wageguard.auth.service import change_password, log_in, log_out, log_out_everywhere
from wageguard.auth.throttle import LoginThrottle
from wageguard.config import Settings
from wageguard.db import Database
from wageguard.web.deps import (
    client_address,
    current_principal,
    get_database,
    get_login_throttle,
    get_now,
    get_settings_dep,
)
from wageguard.web.tokens import token_of

router = APIRouter(tags=["auth"])
THROTTLED: dict[int | str, dict[str, Any]] = {
    429: {"description": "too many failed logins: try again after `Retry-After` seconds"}
}


class LoginIn(BaseModel):
    username: str = Field(max_length=64)
    password: str = Field(max_length=200)


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"
    role: str


class MeOut(BaseModel):
    username: str
    role: str
    region_code: str | None
    enterprise_id: int | None


class PasswordIn(BaseModel):
    current_password: str = Field(max_length=200)
    new_password: str = Field(max_length=200)


class LogoutAllOut(BaseModel):
    username: str
    revoked: int


@router.post("/auth/token", response_model=TokenOut, responses=THROTTLED)
def login(
    body: LoginIn,
    request: Request,
    db: Database = Depends(get_database),
    settings: Settings = Depends(get_settings_dep),
    throttle: LoginThrottle = Depends(get_login_throttle),
) -> TokenOut:
    done = log_in(
        db=db,
        settings=settings,
        throttle=throttle,
        username=body.username,
        password=body.password,
        address=client_address(request, settings),
        now=throttle.clock(),
    )
    return TokenOut(access_token=done.token, role=done.principal.role)


@router.post("/auth/logout", status_code=204)
def logout(
    request: Request,
    _principal: Principal = Depends(current_principal),
    db: Database = Depends(get_database),
    now: datetime = Depends(get_now),
) -> Response:
    """End the session of the token this request carries, at once."""
    token = token_of(request)
    assert token is not None  # current_principal found a session for it
    log_out(db=db, token=token, now=now)
    return Response(status_code=204)


@router.post("/auth/password", response_model=TokenOut, responses=THROTTLED)
def password(
    body: PasswordIn,
    request: Request,
    principal: Principal = Depends(current_principal),
    db: Database = Depends(get_database),
    settings: Settings = Depends(get_settings_dep),
    throttle: LoginThrottle = Depends(get_login_throttle),
) -> TokenOut:
    """Change your own password: every session of yours ends; the answer carries a new token."""
    token = change_password(
        db=db,
        settings=settings,
        throttle=throttle,
        principal=principal,
        current_password=body.current_password,
        new_password=body.new_password,
        address=client_address(request, settings),
        now=throttle.clock(),
    )
    return TokenOut(access_token=token, role=principal.role)


@router.post("/auth/users/{username}/logout-all", response_model=LogoutAllOut)
def logout_all(
    username: str = Path(max_length=64),
    principal: Principal = Depends(current_principal),
    db: Database = Depends(get_database),
    now: datetime = Depends(get_now),
) -> LogoutAllOut:
    """Admins: end every session of ``username`` at once."""
    revoked = log_out_everywhere(db=db, principal=principal, username=username, now=now)
    return LogoutAllOut(username=username, revoked=revoked)


@router.get("/auth/me", response_model=MeOut)
def me(principal: Principal = Depends(current_principal)) -> MeOut:
    return MeOut(
        username=principal.username,
        role=principal.role,
        region_code=principal.region_code,
        enterprise_id=principal.enterprise_id,
    )
