"""Login for API clients: exchange a username and password for a Bearer token."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from pydantic import BaseModel

from wageguard.auth.scope import Principal
from wageguard.auth.service import authenticate
from wageguard.config import Settings
from wageguard.db import Database
from wageguard.web.deps import current_principal, get_database, get_settings_dep
from wageguard.web.tokens import issue_token

router = APIRouter(tags=["auth"])


class LoginIn(BaseModel):
    username: str
    password: str


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"
    role: str


class MeOut(BaseModel):
    username: str
    role: str
    region_code: str | None
    enterprise_id: int | None


@router.post("/auth/token", response_model=TokenOut)
def login(
    body: LoginIn, db: Database = Depends(get_database), settings: Settings = Depends(get_settings_dep)
) -> TokenOut:
    with db.sessions() as session:
        principal = authenticate(session=session, username=body.username, password=body.password)
    assert principal.user_id is not None
    return TokenOut(access_token=issue_token(settings.session_secret, principal.user_id), role=principal.role)


@router.get("/auth/me", response_model=MeOut)
def me(principal: Principal = Depends(current_principal)) -> MeOut:
    return MeOut(
        username=principal.username,
        role=principal.role,
        region_code=principal.region_code,
        enterprise_id=principal.enterprise_id,
    )
