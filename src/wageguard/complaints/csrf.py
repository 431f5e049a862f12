"""CSRF protection for HTML forms: a random value in a cookie, its signature in the form (double submit).

A cross-site page cannot read the cookie, so it cannot produce the matching signed field.
"""

from __future__ import annotations

import secrets

from itsdangerous import BadSignature, URLSafeTimedSerializer

CSRF_COOKIE = "wg_csrf"
MAX_AGE_S = 24 * 3600


def _signer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt="wageguard-csrf")


def new_cookie_value() -> str:
    return secrets.token_urlsafe(24)


def form_token(secret: str, cookie_value: str) -> str:
    """The hidden-field value that matches ``cookie_value``."""
    return _signer(secret).dumps(cookie_value)


def check(secret: str, cookie_value: str | None, token: str | None) -> bool:
    """Whether the form's token was issued for this browser's cookie (and is not expired)."""
    if not cookie_value or not token:
        return False
    try:
        value = _signer(secret).loads(token, max_age=MAX_AGE_S)
    except BadSignature:
        return False
    return isinstance(value, str) and secrets.compare_digest(value, cookie_value)
