"""Rate limits of the public complaint endpoints (fixed windows), counted in the shared counter store.

The store is Redis when configured, else the database, so a limit holds across every worker and across
restarts. Keys are keyed HMACs of what is counted (a client address, a phone's blind index): the store never
holds an address or a number in clear.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from datetime import datetime, timedelta

from wageguard.db import utcnow
from wageguard.security.counters import CounterStore


class RateLimiter:
    """At most ``limit`` hits per ``window`` per key, under the name ``name``."""

    def __init__(
        self,
        store: CounterStore,
        name: str,
        *,
        limit: int,
        window: timedelta,
        secret: bytes,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.store = store
        self.name = name
        self.limit = limit
        self.window = window
        self._secret = secret
        self._clock = clock

    def hit(self, key: str) -> bool:
        """Count one hit for ``key``; ``False`` when the key is over its limit in this window."""
        digest = hmac.new(self._secret, f"{self.name}\0{key}".encode(), hashlib.sha256).hexdigest()[:40]
        count = self.store.hit(f"rate:{self.name}:{digest}", window=self.window, now=self._clock()).count
        return count <= self.limit
