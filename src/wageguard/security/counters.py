"""The shared counter store: fixed-window counters with expiry, seen alike by every worker and restart.

Login throttles and the complaint form's rate limits count here. With ``redis_url`` set the counters live
in Redis (one hash per key, updated by a Lua script, so a hit is one atomic round trip); without it (the
embedded demo) they live in the database's ``counters`` table (one upsert per hit).

When Redis cannot be reached the Redis store counts in the database instead (a warning is logged): a login
or a complaint is never refused, nor let through unthrottled, because the shared store is down. Counts
made during the outage stay in the database and are not merged back.

Time is always passed in (``now``, naive UTC) rather than read here: expiry is decided against the caller's
clock, so tests drive it by hand. Redis's own key expiry only collects what is over.
"""

from __future__ import annotations

import itertools
import logging
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar, cast

import redis
from sqlalchemy import case, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect

from wageguard.config import Settings
from wageguard.db import Database
from wageguard.security.models import Counter

EPOCH = datetime(1970, 1, 1)
KEY_MAX = 200
PURGE_EVERY = 1000  # database store: delete expired rows once every this many hits
T = TypeVar("T")
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Count:
    """A counter's value in its current window, and when that window ends."""

    count: int
    expires_at: datetime


class CounterStore(ABC):
    """Counters shared by every process of one installation."""

    @abstractmethod
    def hit(self, key: str, *, window: timedelta, now: datetime) -> Count:
        """Add one to ``key``; a key that is absent or over starts a new window of ``window`` at 1."""

    @abstractmethod
    def peek(self, key: str, *, now: datetime) -> Count | None:
        """The counter at ``key``, or ``None`` when absent or over."""

    @abstractmethod
    def hold(self, key: str, value: int, *, duration: timedelta, now: datetime) -> None:
        """Set ``key`` to ``value`` for ``duration`` from ``now`` (a lock, a wait), replacing any value."""

    @abstractmethod
    def clear(self, *keys: str) -> None:
        """Remove ``keys`` (absent keys are ignored)."""


def _check_key(key: str) -> str:
    if not key or len(key) > KEY_MAX:
        raise ValueError(f"counter keys are 1..{KEY_MAX} characters")
    return key


def _ms(moment: datetime) -> int:
    return (moment - EPOCH) // timedelta(milliseconds=1)


def _from_ms(ms: int) -> datetime:
    return EPOCH + timedelta(milliseconds=ms)


class DatabaseCounterStore(CounterStore):
    """Counters in the ``counters`` table: each hit is one ``INSERT … ON CONFLICT DO UPDATE … RETURNING``."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._hits = itertools.count(1)

    def _insert(self, dialect: Dialect) -> Any:
        return postgresql.insert(Counter) if dialect.name == "postgresql" else sqlite.insert(Counter)

    def hit(self, key: str, *, window: timedelta, now: datetime) -> Count:
        table = Counter.__table__.c
        over = table.expires_at <= now
        stmt = self._insert(self.db.engine.dialect).values(
            key=_check_key(key), count=1, expires_at=now + window
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=[table.key],
            set_={
                "count": case((over, 1), else_=table.count + 1),
                "expires_at": case((over, now + window), else_=table.expires_at),
            },
        ).returning(table.count, table.expires_at)
        with self.db.transaction() as session:
            count, expires_at = session.execute(stmt).one()
        if next(self._hits) % PURGE_EVERY == 0:
            self.purge(now=now)
        return Count(int(count), expires_at)

    def peek(self, key: str, *, now: datetime) -> Count | None:
        with self.db.sessions() as session:
            row = session.execute(
                select(Counter.count, Counter.expires_at).where(Counter.key == key, Counter.expires_at > now)
            ).first()
        return None if row is None else Count(int(row[0]), row[1])

    def hold(self, key: str, value: int, *, duration: timedelta, now: datetime) -> None:
        table = Counter.__table__.c
        expires = now + duration
        stmt = self._insert(self.db.engine.dialect).values(
            key=_check_key(key), count=value, expires_at=expires
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=[table.key], set_={"count": value, "expires_at": expires}
        )
        with self.db.transaction() as session:
            session.execute(stmt)

    def clear(self, *keys: str) -> None:
        if keys:
            with self.db.transaction() as session:
                session.execute(delete(Counter).where(Counter.key.in_(keys)))

    def purge(self, *, now: datetime) -> int:
        """Delete the counters that are over; how many."""
        with self.db.transaction() as session:
            result = session.execute(delete(Counter).where(Counter.expires_at <= now))
        return int(cast(Any, result).rowcount or 0)


# KEYS[1]: the counter; ARGV: now (ms), window (ms). Returns {count, expires (ms)}.
_HIT = """
local now, window = tonumber(ARGV[1]), tonumber(ARGV[2])
local expires = tonumber(redis.call('HGET', KEYS[1], 'e'))
if expires == nil or expires <= now then
  expires = now + window
  redis.call('HSET', KEYS[1], 'n', 1, 'e', expires)
  redis.call('PEXPIRE', KEYS[1], window)
  return {1, expires}
end
return {redis.call('HINCRBY', KEYS[1], 'n', 1), expires}
"""
# KEYS[1]: the counter; ARGV: value, now (ms), duration (ms).
_HOLD = """
redis.call('HSET', KEYS[1], 'n', ARGV[1], 'e', tonumber(ARGV[2]) + tonumber(ARGV[3]))
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
"""


class RedisCounterStore(CounterStore):
    """Counters in Redis under ``prefix``: a hash ``{n: count, e: window end in ms}`` per key; while Redis
    cannot be reached, in ``fallback`` (when given)."""

    def __init__(
        self,
        url: str,
        *,
        prefix: str = "wageguard:",
        timeout_s: float = 2.0,
        fallback: CounterStore | None = None,
    ) -> None:
        self.prefix = prefix
        self.fallback = fallback
        self._redis = redis.Redis.from_url(url, socket_timeout=timeout_s, socket_connect_timeout=timeout_s)
        self._hit = self._redis.register_script(_HIT)
        self._hold = self._redis.register_script(_HOLD)

    def _key(self, key: str) -> str:
        return self.prefix + _check_key(key)

    def _either(self, in_redis: Callable[[], T], in_fallback: Callable[[CounterStore], T]) -> T:
        try:
            return in_redis()
        except redis.RedisError as exc:
            if self.fallback is None:
                raise
            log.warning("Redis counter store unreachable (%s); counting in the database", type(exc).__name__)
            return in_fallback(self.fallback)

    def ping(self) -> None:
        """Raise when Redis cannot be reached."""
        self._redis.ping()

    def hit(self, key: str, *, window: timedelta, now: datetime) -> Count:
        def in_redis() -> Count:
            window_ms = max(1, window // timedelta(milliseconds=1))
            count, expires = cast(list[int], self._hit(keys=[self._key(key)], args=[_ms(now), window_ms]))
            return Count(int(count), _from_ms(int(expires)))

        return self._either(in_redis, lambda store: store.hit(key, window=window, now=now))

    def peek(self, key: str, *, now: datetime) -> Count | None:
        def in_redis() -> Count | None:
            count, expires = cast(list[bytes | None], self._redis.hmget(self._key(key), ["n", "e"]))
            if count is None or expires is None or int(expires) <= _ms(now):
                return None
            return Count(int(count), _from_ms(int(expires)))

        return self._either(in_redis, lambda store: store.peek(key, now=now))

    def hold(self, key: str, value: int, *, duration: timedelta, now: datetime) -> None:
        def in_redis() -> None:
            duration_ms = max(1, duration // timedelta(milliseconds=1))
            self._hold(keys=[self._key(key)], args=[value, _ms(now), duration_ms])

        self._either(in_redis, lambda store: store.hold(key, value, duration=duration, now=now))

    def clear(self, *keys: str) -> None:
        if keys:
            self._either(
                lambda: self._redis.delete(*(self._key(k) for k in keys)), lambda store: store.clear(*keys)
            )

    def clear_prefix(self) -> int:
        """Delete every key under this store's prefix (tests, or wiping an installation's counters)."""
        names = list(self._redis.scan_iter(match=self.prefix.replace("*", r"\*") + "*", count=500))
        if names:
            self._redis.delete(*names)
        return len(names)


def counter_store_for(settings: Settings, db: Database) -> CounterStore:
    """Redis when ``redis_url`` is set (the database while Redis is unreachable), else the database."""
    if settings.redis_url:
        return RedisCounterStore(
            settings.redis_url, prefix=settings.redis_key_prefix, fallback=DatabaseCounterStore(db)
        )
    return DatabaseCounterStore(db)
