"""Login throttling per account and per client address: growing delays, then a temporary lock.

Failures are counted in fixed windows of ``login_failure_window_minutes`` in the shared counter store, per
username (known or not, so the throttle reveals nothing) and per client address. After the free failures
each further one makes the next attempt wait 1 s, 2 s, 4 s … (at most ``login_delay_max_seconds``); the
``*_max_failures``-th locks the account or address for ``login_lock_minutes``. A waiting or locked attempt is
refused with ``TooManyAttempts`` (429 + ``Retry-After``) before any password is checked and is not counted;
nothing sleeps, so no worker thread or event loop is held. A successful login clears the account's count
(not the address's: one valid account must not reset an address that is guessing others).
"""

from __future__ import annotations

import hashlib
import hmac
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from wageguard.config import Settings
from wageguard.db import utcnow
from wageguard.errors import TooManyAttempts
from wageguard.security.counters import CounterStore

Clock = Callable[[], datetime]


@dataclass(frozen=True)
class _Subject:
    """What one counter set throttles: an account or a client address."""

    key: str
    free: int
    max_failures: int

    @property
    def failures(self) -> str:
        return f"{self.key}:failures"

    @property
    def wait(self) -> str:
        return f"{self.key}:wait"


def _wait_words(seconds: int) -> tuple[str, str]:
    if seconds < 120:
        return f"{seconds}秒", f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = math.ceil(seconds / 60)
    return f"{minutes}分钟", f"{minutes} minutes"


class LoginThrottle:
    """Decides whether a login attempt may be tried now, and records its outcome."""

    def __init__(self, store: CounterStore, settings: Settings, clock: Clock = utcnow) -> None:
        self.store = store
        self.settings = settings
        self.clock = clock

    def _digest(self, kind: str, value: str) -> str:
        mac = hmac.new(self.settings.index_key_bytes, f"{kind}\0{value}".encode(), hashlib.sha256)
        return f"login:{kind}:{mac.hexdigest()[:40]}"

    def _subjects(self, username: str, address: str) -> tuple[_Subject, _Subject]:
        s = self.settings
        account = _Subject(self._digest("account", username), s.login_free_failures, s.login_max_failures)
        client = _Subject(self._digest("address", address), s.login_ip_free_failures, s.login_ip_max_failures)
        return account, client

    def check(self, username: str, address: str) -> None:
        """Raise ``TooManyAttempts`` while the account or the address has to wait or is locked."""
        now = self.clock()
        waits = [
            w
            for subject in self._subjects(username, address)
            if (w := self.store.peek(subject.wait, now=now))
        ]
        if not waits:
            return
        remaining = max(w.expires_at for w in waits) - now
        seconds = max(1, math.ceil(remaining.total_seconds()))
        zh, en = _wait_words(seconds)
        raise TooManyAttempts(
            f"Too many login attempts; try again in {en}",
            retry_after_s=seconds,
            message_zh=f"登录尝试过于频繁，请{zh}后再试",
        )

    def _delay(self, failures: int, subject: _Subject) -> timedelta | None:
        if failures >= subject.max_failures:
            return timedelta(minutes=self.settings.login_lock_minutes)
        if failures > subject.free:
            exponent = min(failures - subject.free - 1, 30)
            return timedelta(seconds=min(2**exponent, self.settings.login_delay_max_seconds))
        return None

    def failed(self, username: str, address: str) -> None:
        """Count a failed attempt; past the free failures the next attempt has to wait."""
        now = self.clock()
        window = timedelta(minutes=self.settings.login_failure_window_minutes)
        for subject in self._subjects(username, address):
            failures = self.store.hit(subject.failures, window=window, now=now).count
            if (delay := self._delay(failures, subject)) is not None:
                self.store.hold(subject.wait, failures, duration=delay, now=now)

    def succeeded(self, username: str) -> None:
        """A right password: the account starts afresh."""
        account, _client = self._subjects(username, "")
        self.store.clear(account.failures, account.wait)

    def unlock(self, username: str) -> None:
        """An admin lifts the account's wait or lock (someone guessed at it); addresses stay counted."""
        self.succeeded(username)
