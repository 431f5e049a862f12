"""Where a request carries its session token: the ``Authorization: Bearer`` header (API clients) or the
``wg_session`` cookie (pages). Tokens are opaque; ``auth/sessions.py`` knows what they stand for."""

from __future__ import annotations

from fastapi import Request

from wageguard.config import Settings

COOKIE_NAME = "wg_session"


def token_of(request: Request) -> str | None:
    """The Bearer token, else the session cookie, else ``None``."""
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip() or None
    return request.cookies.get(COOKIE_NAME) or None


def cookie_max_age(settings: Settings) -> int:
    """The cookie lives as long as the session can (the server ends it earlier when idle or revoked)."""
    return settings.session_absolute_hours * 3600
