"""Live events for the command screen: noted inside a transaction, published once it commits.

- ``note_tally_changes`` / ``note_event``: called by writers inside their transaction; the events wait in
  ``session.info`` and are published by the session's ``after_commit`` hook (a rollback drops them), so a
  screen never shows what the database does not hold. One transaction's tally changes go out as ONE event.
- The bus: ``LocalBus`` delivers to this process's subscribers; ``RedisBus`` (``Settings.redis_url`` set)
  publishes on a Redis channel and a listener thread delivers every process's events to its own subscribers,
  so every server process (and a CLI import) reaches every open screen.
- ``Hub``: the subscribers of this process, each an ``asyncio.Queue`` on its event loop, fed thread-safely.
  A subscriber that falls behind (queue full) is told to refetch (``overflow``) rather than fed stale deltas.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy import event
from sqlalchemy.orm import Session

log = logging.getLogger("wageguard.live")

Event = dict[str, Any]
PENDING = "wageguard.live.pending"
TALLIES = "wageguard.live.tallies"
MAX_CHANGES = 2000  # a bigger transaction (a province-wide file) is announced as "refresh"
QUEUE_SIZE = 1000


def note_tally_changes(session: Session, changes: list[tuple[str, str, int, str, int]]) -> None:
    pending: list[list[Any]] = session.info.setdefault(TALLIES, [])
    if len(pending) <= MAX_CHANGES:
        pending.extend([list(c) for c in changes])


def note_event(session: Session, item: Event) -> None:
    """Publish ``item`` (a feed item, a refresh) once the session's transaction commits."""
    session.info.setdefault(PENDING, []).append(item)


def events_of(info: dict[str, Any]) -> list[Event]:
    """The events a committed transaction publishes (and forgets)."""
    out: list[Event] = []
    changes = info.pop(TALLIES, None)
    if changes:
        too_many = len(changes) > MAX_CHANGES
        out.append({"type": "refresh"} if too_many else {"type": "tally", "changes": changes})
    out.extend(info.pop(PENDING, None) or [])
    return out


@event.listens_for(Session, "after_commit")
def _publish_committed(session: Session) -> None:
    for item in events_of(session.info):
        try:
            current_bus().publish(item)
        except Exception:  # the screen is a view: a lost event never fails a committed write
            log.exception("live event not published")


@event.listens_for(Session, "after_rollback")
def _drop_rolled_back(session: Session) -> None:
    session.info.pop(TALLIES, None)
    session.info.pop(PENDING, None)


@dataclass
class Subscription:
    """One open screen's queue; ``overflow`` is set when events were dropped (refetch everything)."""

    loop: asyncio.AbstractEventLoop
    queue: asyncio.Queue[Event]
    hub: Hub
    overflow: bool = False

    def offer(self, item: Event) -> None:  # on the subscriber's loop
        try:
            self.queue.put_nowait(item)
        except asyncio.QueueFull:
            self.overflow = True

    def close(self) -> None:
        self.hub.remove(self)


@dataclass
class Hub:
    """This process's subscribers."""

    subscribers: list[Subscription] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def subscribe(self) -> Subscription:
        """A new subscription on the running event loop."""
        sub = Subscription(asyncio.get_running_loop(), asyncio.Queue(QUEUE_SIZE), self)
        with self.lock:
            self.subscribers.append(sub)
        return sub

    def remove(self, sub: Subscription) -> None:
        with self.lock:
            if sub in self.subscribers:
                self.subscribers.remove(sub)

    def deliver(self, item: Event) -> int:
        """Hand ``item`` to every subscriber (from any thread): one hand-off per event loop, which then
        offers it to each of its subscribers; returns how many got it."""
        with self.lock:
            subs = list(self.subscribers)
        by_loop: dict[asyncio.AbstractEventLoop, list[Subscription]] = {}
        for sub in subs:
            by_loop.setdefault(sub.loop, []).append(sub)
        for loop, group in by_loop.items():
            try:
                loop.call_soon_threadsafe(_offer_all, group, item)
            except RuntimeError:  # that loop has closed
                for sub in group:
                    self.remove(sub)
        return len(subs)


def _offer_all(group: list[Subscription], item: Event) -> None:
    for sub in group:
        sub.offer(item)


class Bus(Protocol):
    hub: Hub

    def publish(self, item: Event) -> None: ...

    def close(self) -> None: ...


class LocalBus:
    """Events stay in this process (the embedded deployment: one server process)."""

    def __init__(self, hub: Hub | None = None) -> None:
        self.hub = hub or Hub()

    def publish(self, item: Event) -> None:
        self.hub.deliver(item)

    def close(self) -> None:
        return None


class RedisBus:
    """Events go through a Redis channel, so every process's screens see every process's writes."""

    def __init__(self, url: str, channel: str, *, listen: bool = True, hub: Hub | None = None) -> None:
        import redis

        self.hub = hub or Hub()
        self.channel = channel
        self._redis = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._thread: threading.Thread | None = None
        if listen:
            self._thread = threading.Thread(target=self._listen, name="wageguard-live", daemon=True)
            self._thread.start()

    def wait_ready(self, timeout: float) -> bool:
        """Whether the listener has subscribed (tests wait on it before publishing)."""
        return self._ready.wait(timeout)

    def publish(self, item: Event) -> None:
        self._redis.publish(self.channel, json.dumps(item, ensure_ascii=False, separators=(",", ":")))

    def _listen(self) -> None:
        while not self._stop.is_set():
            try:
                pubsub = self._redis.pubsub(ignore_subscribe_messages=True)  # type: ignore[no-untyped-call]
                pubsub.subscribe(self.channel)
                self._ready.set()
                while not self._stop.is_set():
                    message = pubsub.get_message(timeout=1.0)
                    if message and message.get("type") == "message":
                        self.hub.deliver(json.loads(message["data"]))
                pubsub.close()
            except Exception:  # Redis restarted: subscribe again (screens refetch on their reconnect)
                log.warning("live listener lost Redis; subscribing again", exc_info=True)
                self._stop.wait(1.0)

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)


_bus: Bus = LocalBus()
_bus_lock = threading.Lock()


def current_bus() -> Bus:
    return _bus


def configure_live(redis_url: str, key_prefix: str, *, listen: bool = True) -> Bus:
    """Use Redis when ``redis_url`` is set (every process shares the events), else this process only."""
    global _bus
    with _bus_lock:
        old = _bus
        if redis_url:
            _bus = RedisBus(redis_url, f"{key_prefix}live", listen=listen, hub=old.hub)
        else:
            _bus = LocalBus(old.hub)
        old.close()
    return _bus


def use_bus(bus: Bus) -> Callable[[], None]:
    """Install ``bus`` (tests); returns a function that puts the previous one back."""
    global _bus
    with _bus_lock:
        old, _bus = _bus, bus

    def restore() -> None:
        global _bus
        with _bus_lock:
            _bus = old

    return restore
