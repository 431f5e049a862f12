"""The one shape of the background threads that empty a durable intake into the database.

``DrainerThread`` wakes when something was appended (``arrived``, an event the intake sets) or every
``idle_s`` (for what other processes appended), optionally lets a burst gather for ``gather_s`` so it is one
transaction, drains, and while the database stays locked tries again every ``retry_s``. Subclasses say only
how to drain once. Tests wait on ``wait_idle`` (a condition), never on sleeps.
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from typing import Self


class DrainerThread(ABC):
    """A daemon thread draining an intake (see the module docstring)."""

    def __init__(
        self, *, name: str, arrived: threading.Event, idle_s: float, retry_s: float, gather_s: float = 0.0
    ) -> None:
        self.arrived = arrived
        self.idle_s, self.retry_s, self.gather_s = idle_s, retry_s, gather_s
        self._stop = threading.Event()
        self._passes = threading.Condition()
        self._count, self._idle = 0, False
        self._thread = threading.Thread(target=self._loop, name=name, daemon=True)

    @abstractmethod
    def _drain_once(self) -> bool:
        """Drain what is there now; whether nothing is left pending."""

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def start(self) -> Self:
        self._thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        """End the thread after its current drain (what is left stays in the file for the next start)."""
        self._stop.set()
        self.arrived.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def wait_idle(self, timeout: float) -> bool:
        """Wait until a drain that ended after this call left nothing pending."""
        with self._passes:
            start = self._count
            return self._passes.wait_for(lambda: self._count > start and self._idle, timeout)

    def _loop(self) -> None:
        self.arrived.set()  # drain what an earlier run left
        while not self._stop.is_set():
            if self.arrived.wait(self.idle_s) and self.gather_s:
                self._stop.wait(self.gather_s)  # let a burst gather: one transaction for many calls
            self.arrived.clear()
            if self._stop.is_set():
                break
            idle = self._drain_once()
            with self._passes:
                self._count, self._idle = self._count + 1, idle
                self._passes.notify_all()
            if not idle:
                self._stop.wait(self.retry_s)
