"""Import announcements across processes, through Redis.

``events.announce_import`` reaches the listeners of its own process only. Where several ``wageguard serve``
processes share a database (``--workers N``, several hosts), an import committed by one must still wake
the scheduler that another one runs: ``relay_imports`` publishes every announcement of this process on the
channel ``<prefix>imports``, and ``listen_everywhere`` is a ``ListenFn`` for the scheduler that hears every
process's announcements from that channel (its own included, so it subscribes to nothing locally).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from wageguard.events import ImportListener, listen_imports

log = logging.getLogger("wageguard.events")


def channel(prefix: str) -> str:
    return f"{prefix}imports"


def relay_imports(url: str, prefix: str) -> Callable[[], None]:
    """Publish this process's import announcements on Redis; returns the function that stops it."""
    import redis

    client = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)

    def publish(kind: str) -> None:
        client.publish(channel(prefix), kind)

    return listen_imports(publish)


class RedisImportListener:
    """One subscriber thread calling ``listener(kind)`` for every announcement on the channel."""

    def __init__(self, url: str, prefix: str, listener: ImportListener) -> None:
        import redis

        self._redis = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)
        self._channel, self._listener = channel(prefix), listener
        self._stop = threading.Event()
        self.ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="wageguard-import-relay", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                pubsub = self._redis.pubsub(ignore_subscribe_messages=True)  # type: ignore[no-untyped-call]
                pubsub.subscribe(self._channel)
                self.ready.set()
                while not self._stop.is_set():
                    message = pubsub.get_message(timeout=1.0)
                    if message and message.get("type") == "message":
                        data = message["data"]
                        self._listener(data.decode() if isinstance(data, bytes) else str(data))
                pubsub.close()
            except Exception:  # Redis away: resubscribe after a pause
                self.ready.clear()
                log.exception("import relay lost Redis; resubscribing")
                self._stop.wait(2.0)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5.0)


def listen_everywhere(url: str, prefix: str) -> Callable[[ImportListener], Callable[[], None]]:
    """A ``ListenFn`` hearing every process's import announcements through Redis."""

    def listen(listener: ImportListener) -> Callable[[], None]:
        return RedisImportListener(url, prefix, listener).stop

    return listen
