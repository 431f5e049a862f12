"""FastAPI dependencies: the database session, the caller, role checks, the clock, the shared counters,
the login throttle and the client address."""

from __future__ import annotations

import ipaddress
import threading
from collections.abc import Callable, Iterator
from datetime import datetime
from functools import lru_cache

from fastapi import Depends, FastAPI, Request
from sqlalchemy.orm import Session

from wageguard.auth.scope import Principal
from wageguard.auth.service import principal_for_token
from wageguard.auth.throttle import Clock, LoginThrottle
from wageguard.config import Settings
from wageguard.db import Database, utcnow
from wageguard.errors import Forbidden, Unauthenticated
from wageguard.registry.choices import Role
from wageguard.security.counters import CounterStore, counter_store_for
from wageguard.security.crypto import Protector
from wageguard.web.tokens import token_of

_STORE_LOCK = threading.Lock()
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


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


def get_clock(request: Request) -> Clock:
    """The app's clock (``app.state.clock``, tests set one), else the wall clock in naive UTC."""
    clock: Clock = getattr(request.app.state, "clock", utcnow)
    return clock


def get_now(clock: Clock = Depends(get_clock)) -> datetime:
    return clock()


def counter_store_of(app: FastAPI) -> CounterStore:
    """The app's shared counter store (Redis when configured, else the database), made on first use."""
    store: CounterStore | None = getattr(app.state, "counters", None)
    if store is None:
        with _STORE_LOCK:
            store = getattr(app.state, "counters", None)
            if store is None:
                store = counter_store_for(app.state.settings, app.state.db)
                app.state.counters = store
    return store


def get_counters(request: Request) -> CounterStore:
    return counter_store_of(request.app)


def get_login_throttle(
    request: Request,
    counters: CounterStore = Depends(get_counters),
    clock: Clock = Depends(get_clock),
) -> LoginThrottle:
    return LoginThrottle(counters, request.app.state.settings, clock)


def _ip(text: str) -> IPAddress | None:
    try:
        ip = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    return ip.ipv4_mapped or ip if isinstance(ip, ipaddress.IPv6Address) else ip


@lru_cache(maxsize=16)
def _networks(entries: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def client_address(request: Request, settings: Settings) -> str:
    """The address of the client: the peer, unless the peer is one of ``trusted_proxies``; then the
    right-most ``X-Forwarded-For`` hop that is not a trusted proxy (hops to its left are the client's own
    claims and are ignored). The one place that decides this (rate limits, login throttles, devices)."""
    peer_text = request.client.host if request.client else ""
    peer = _ip(peer_text)
    networks = _networks(tuple(settings.trusted_proxies))
    if peer is None or not any(peer in net for net in networks):
        return str(peer) if peer is not None else peer_text or "unknown"
    address: IPAddress = peer
    hops = [hop for value in request.headers.getlist("x-forwarded-for") for hop in value.split(",")]
    for hop in reversed(hops):
        ip = _ip(hop)
        if ip is None:
            break
        address = ip
        if not any(ip in net for net in networks):
            break
    return str(address)


def optional_principal(
    request: Request, db: Database = Depends(get_database), now: datetime = Depends(get_now)
) -> Principal | None:
    token = token_of(request)
    if not token:
        return None
    return principal_for_token(db=db, settings=request.app.state.settings, token=token, now=now)


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
