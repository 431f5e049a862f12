"""FastAPI dependencies: the database session, the caller, role checks."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from wageguard.auth.scope import Principal
from wageguard.auth.service import load_principal
from wageguard.config import Settings
from wageguard.db import Database
from wageguard.errors import Forbidden, Unauthenticated
from wageguard.registry.choices import Role
from wageguard.security.crypto import Protector
from wageguard.web.tokens import COOKIE_NAME, read_token


def get_database(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_protector(request: Request) -> Protector:
    protector: Protector = request.app.state.protector
    return protector


def get_session(db: Database = Depends(get_database)) -> Iterator[Session]:
    """A session for reads; write use cases open their own transaction with ``db.transaction()``."""
    with db.sessions() as session:
        yield session


def _token_of(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return request.cookies.get(COOKIE_NAME)


def optional_principal(request: Request, db: Database = Depends(get_database)) -> Principal | None:
    token = _token_of(request)
    if not token:
        return None
    uid = read_token(request.app.state.settings.session_secret, token)
    if uid is None:
        return None
    with db.sessions() as session:
        try:
            return load_principal(session=session, user_id=uid)
        except Unauthenticated:
            return None


def current_principal(principal: Principal | None = Depends(optional_principal)) -> Principal:
    if principal is None:
        raise Unauthenticated("login required")
    return principal


def require_roles(*roles: Role) -> Callable[[Principal], Principal]:
    """Dependency allowing only the given roles (admins always pass)."""

    def check(principal: Principal = Depends(current_principal)) -> Principal:
        if principal.role is not Role.ADMIN and principal.role not in roles:
            raise Forbidden(f"role {principal.role} may not do this")
        return principal

    return check
