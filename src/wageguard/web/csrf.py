"""CSRF protection (signed double submit plus an Origin/Referer check) for every browser write.

A random value lives in the ``wg_csrf`` cookie (HttpOnly); pages carry its signature, in the ``csrf`` field
of their forms and in ``<meta name="csrf-token">`` for scripts, which send it as ``X-CSRF-Token``. A
cross-site page can neither read the cookie nor produce the matching signature.

``check_request`` runs before every route (an app dependency). It guards unsafe methods sent with the
session cookie, and ``/login`` and ``/logout`` always; Bearer calls (a cross-site page cannot set that
header), the device protocols (``/iclock``, ``/isapi``: device credentials, no cookies) and the public
complaint pages (``/c/``, which check their own token) are left alone. ``/api/`` takes the header only;
pages also take the form field.
"""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from fastapi import Request
from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.responses import Response
from starlette.types import Scope

from wageguard.config import Settings
from wageguard.errors import Forbidden
from wageguard.web.tokens import COOKIE_NAME

CSRF_COOKIE = "wg_csrf"
HEADER = "x-csrf-token"
FIELD = "csrf"
MAX_AGE_S = 24 * 3600
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
EXEMPT_PREFIXES = ("/iclock/", "/isapi/", "/c/")
ALWAYS_CHECKED = frozenset({"/login", "/logout"})
FORM_TYPE = "application/x-www-form-urlencoded"  # page forms (and multipart page forms: file uploads)
MULTIPART_TYPE = "multipart/form-data"
_ISSUE_KEY = "wageguard.csrf_cookie"  # scope key: the cookie value to (re)send with this response


class CsrfRejected(Forbidden):
    """A browser write without this site's origin or without the token matching its cookie."""

    message_zh = "页面已过期或缺少跨站请求校验令牌，请刷新页面后重试。"


def _foreign_origin() -> CsrfRejected:
    return CsrfRejected(
        "cross-site request refused: its Origin/Referer is not this site",
        message_zh="拒绝跨站请求：请求来源不是本站。",
    )


def _signer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt="wageguard-csrf")


def new_cookie_value() -> str:
    return secrets.token_urlsafe(24)


def form_token(secret: str, cookie_value: str) -> str:
    """The token (form field / header value) that matches ``cookie_value``."""
    return _signer(secret).dumps(cookie_value)


def check(secret: str, cookie_value: str | None, token: str | None) -> bool:
    """Whether the token was issued for this browser's cookie (and is not expired)."""
    if not cookie_value or not token:
        return False
    try:
        value = _signer(secret).loads(token, max_age=MAX_AGE_S)
    except BadSignature:
        return False
    return isinstance(value, str) and secrets.compare_digest(value, cookie_value)


def token_for(request: Request) -> str:
    """The token for this browser's forms and scripts; the cookie it matches is (re)sent with the response
    (``set_issued_cookie``), so a first visit gets one and a returning one keeps it fresh."""
    settings: Settings = request.app.state.settings
    value = request.scope.get(_ISSUE_KEY) or request.cookies.get(CSRF_COOKIE) or new_cookie_value()
    request.scope[_ISSUE_KEY] = value
    return form_token(settings.session_secret, value)


def issued_cookie_header(scope: Scope, secure: bool) -> tuple[bytes, bytes] | None:
    """The ``Set-Cookie`` header for a token handed out while answering this request, if any."""
    value = scope.get(_ISSUE_KEY)
    if not isinstance(value, str):
        return None
    carrier = Response()
    carrier.set_cookie(CSRF_COOKIE, value, max_age=MAX_AGE_S, httponly=True, samesite="lax", secure=secure)
    return next((k, v) for k, v in carrier.raw_headers if k == b"set-cookie")


def _needs_check(request: Request) -> bool:
    path = request.url.path
    if request.method not in UNSAFE_METHODS or path.lower().startswith(EXEMPT_PREFIXES):
        return False
    if request.headers.get("authorization", "").lower().startswith("bearer "):
        return False
    return path in ALWAYS_CHECKED or COOKIE_NAME in request.cookies


def same_site(request: Request, settings: Settings) -> bool:
    """Whether the request's Origin (else Referer) is this site; a request carrying neither passes here
    (older clients) and still needs the token."""
    source = request.headers.get("origin")
    if source is None:
        source = request.headers.get("referer")
    if source is None:
        return True
    netloc = urlsplit(source).netloc.lower()
    own = {request.headers.get("host", "").lower(), urlsplit(settings.public_base_url).netloc.lower()}
    return bool(netloc) and netloc in own


async def _submitted_token(request: Request) -> str | None:
    header = request.headers.get(HEADER)
    if header or request.url.path.startswith("/api/"):
        return header
    if not request.headers.get("content-type", "").startswith((FORM_TYPE, MULTIPART_TYPE)):
        return None
    form = await request.form()  # cached: the route reads the same parsed form
    value = form.get(FIELD)
    return value if isinstance(value, str) else None


async def check_request(request: Request) -> None:
    """The app-wide dependency: refuse a browser write from another site or without the matching token."""
    if not _needs_check(request):
        return
    settings: Settings = request.app.state.settings
    if not same_site(request, settings):
        raise _foreign_origin()
    if not check(settings.session_secret, request.cookies.get(CSRF_COOKIE), await _submitted_token(request)):
        raise CsrfRejected("CSRF token missing or invalid; reload the page and try again")
