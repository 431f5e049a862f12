"""Domain events, so that slices can react to each other without importing each other.

One event for now: ``announce_import(kind)``, called once an import's transaction has committed (registry
files, pay sheets, bank files and pushes, attendance batches). The monitoring scheduler of ``wageguard serve``
listens to it and runs the engine soon after (debounced); with no listener it does nothing.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger("wageguard.events")

ImportListener = Callable[[str], None]
_listeners: list[ImportListener] = []
_lock = threading.Lock()


def listen_imports(listener: ImportListener) -> Callable[[], None]:
    """Register ``listener(kind)``; returns a function that unregisters it."""
    with _lock:
        _listeners.append(listener)

    def unsubscribe() -> None:
        with _lock:
            if listener in _listeners:
                _listeners.remove(listener)

    return unsubscribe


def announce_import(kind: str) -> None:
    """Tell every listener that data of ``kind`` was committed; a failing listener never fails the import."""
    with _lock:
        listeners = list(_listeners)
    for listener in listeners:
        try:
            listener(kind)
        except Exception:
            log.exception("import listener failed for %s", kind)
