"""Signed, time-limited session tokens (Bearer header for the API, cookie for pages)."""

from __future__ import annotations

from itsdangerous import BadSignature, URLSafeTimedSerializer

COOKIE_NAME = "wg_session"
MAX_AGE_S = 12 * 3600


def _serializer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt="wageguard-session")


def issue_token(secret: str, user_id: int) -> str:
    return _serializer(secret).dumps({"uid": user_id})


def read_token(secret: str, token: str) -> int | None:
    """The user id inside a valid, unexpired token, else ``None``."""
    try:
        data = _serializer(secret).loads(token, max_age=MAX_AGE_S)
    except BadSignature:
        return None
    uid = data.get("uid") if isinstance(data, dict) else None
    return uid if isinstance(uid, int) else None
