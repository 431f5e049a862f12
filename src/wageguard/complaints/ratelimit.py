"""In-process rate limiter (fixed windows) for the public endpoints, keyed per client IP.

Per-phone limits live in the database (``service._check_phone_rate``) so they hold across processes and
restarts; per-IP counts stay in memory because IP addresses are not stored.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class RateLimiter:
    """At most ``limit`` hits per ``window_s`` seconds per key; thread-safe."""

    def __init__(self, limit: int, window_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.window_s = window_s
        self._clock = clock
        self._lock = threading.Lock()
        self._counts: dict[str, tuple[int, int]] = {}  # key -> (window number, hits)

    def hit(self, key: str) -> bool:
        """Count one hit for ``key``; ``False`` when the key is over its limit in this window."""
        window = int(self._clock() // self.window_s)
        with self._lock:
            if len(self._counts) > 100_000:
                self._counts = {k: v for k, v in self._counts.items() if v[0] == window}
            seen_window, hits = self._counts.get(key, (window, 0))
            if seen_window != window:
                hits = 0
            if hits >= self.limit:
                self._counts[key] = (window, hits)
                return False
            self._counts[key] = (window, hits + 1)
            return True
