"""Security headers on every response (pages, API, static files, errors) and the CSRF cookie.

- ``Content-Security-Policy``: scripts only from this site (no inline script, no ``eval``), nothing may
  frame a page (``frame-ancestors 'none'``), no plugins, forms post only here. Styles may be inline
  (ECharts and htmx set style attributes). A response that brings its own policy keeps it (none does now:
  even the API docs page's Swagger UI is served from this site).
- ``X-Frame-Options: DENY`` for browsers without ``frame-ancestors``; ``X-Content-Type-Options: nosniff``;
  ``Referrer-Policy: strict-origin-when-cross-origin`` (``no-referrer`` on the public complaint pages).
- ``Strict-Transport-Security`` when the request came over HTTPS: the scheme uvicorn saw, or
  ``X-Forwarded-Proto: https`` from a peer listed in ``trusted_proxies``.
- The ``wg_csrf`` cookie, when a page handed out a CSRF token (``web/csrf.token_for``).
"""

from __future__ import annotations

import ipaddress
import time
from functools import lru_cache

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from wageguard.config import Settings
from wageguard.web.csrf import issued_cookie_header

CSP = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
HSTS = "max-age=31536000; includeSubDomains"
STATIC_HEADERS = (
    ("content-security-policy", CSP),
    ("x-frame-options", "DENY"),
    ("x-content-type-options", "nosniff"),
)


@lru_cache(maxsize=16)
def _networks(entries: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def _trusted_peer(scope: Scope, settings: Settings) -> bool:
    client = scope.get("client")
    if not client or not settings.trusted_proxies:
        return False
    try:
        peer = ipaddress.ip_address(client[0])
    except ValueError:
        return False
    return any(peer in net for net in _networks(tuple(settings.trusted_proxies)))


def over_https(scope: Scope, settings: Settings) -> bool:
    """Whether the browser reached us over HTTPS (directly, or through a trusted proxy that says so)."""
    if scope.get("scheme") == "https":
        return True
    proto = Headers(scope=scope).get("x-forwarded-proto", "").split(",")[0].strip().lower()
    return proto == "https" and _trusted_peer(scope, settings)


class SecurityHeaders:
    """Add the security headers (and an issued CSRF cookie) to every HTTP response, and a ``Server-Timing``
    header with the milliseconds the app took until the response started."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        https = over_https(scope, self.settings)
        referrer = "no-referrer" if scope["path"].startswith("/c/") else "strict-origin-when-cross-origin"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                # server time until the answer starts (what bench_pages records; browsers show it too)
                headers["server-timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.1f}"
                for name, value in STATIC_HEADERS:
                    headers.setdefault(name, value)
                headers.setdefault("referrer-policy", referrer)
                if https:
                    headers.setdefault("strict-transport-security", HSTS)
                secure = https or self.settings.environment == "production"
                if (cookie := issued_cookie_header(scope, secure)) is not None:
                    headers.append(cookie[0].decode(), cookie[1].decode("latin-1"))
            await send(message)

        await self.app(scope, receive, send_with_headers)
