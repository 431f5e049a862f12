"""Pausing Python's cyclic garbage collector while a file is imported.

An import allocates a few containers per row (cell dicts, parsed values, row tuples) and frees them by
reference counting; none of them form cycles. The cyclic collector would still rescan the chunk in flight,
and in full collections the whole heap, thousands of times: about a tenth of the import's CPU. So imports
pause it. Nested and concurrent imports share one pause; the collector is switched back on when the last of
them ends, and only if it was on before the first began.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class _Pause:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.holders = 0
        self.resume = False

    def enter(self) -> None:
        with self.lock:
            if self.holders == 0:
                self.resume = gc.isenabled()
                gc.disable()
            self.holders += 1

    def leave(self) -> None:
        with self.lock:
            self.holders -= 1
            if self.holders == 0 and self.resume:
                gc.enable()


_PAUSE = _Pause()


@contextmanager
def collector_paused() -> Iterator[None]:
    """Run the body with automatic cyclic garbage collection off (reference counting still frees rows)."""
    _PAUSE.enter()
    try:
        yield
    finally:
        _PAUSE.leave()
