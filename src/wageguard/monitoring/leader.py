"""The one scheduler of a deployment: whichever ``wageguard serve`` process holds the ``scheduler`` lease
(``leases.py``) runs the ``MonitorScheduler`` (the daily run, the runs after imports); every other process
waits and retries, and takes over within ``retry_s`` when the holder stops or dies (its lease ends with
its connection or process). The holder checks its lease every ``retry_s`` and stops scheduling at once if
it lost it. ``leading`` and ``changed`` let callers (tests, health checks) wait on the state instead of
polling it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from datetime import date

from wageguard.config import Settings
from wageguard.db import Database
from wageguard.events import listen_imports
from wageguard.leases import Lease, lease_for
from wageguard.monitoring.scheduler import ListenFn, MonitorScheduler

log = logging.getLogger("wageguard.monitor")
LEASE = "scheduler"


class SchedulerLeader:
    """A daemon thread competing for the scheduler lease; it schedules only while it holds it."""

    def __init__(
        self,
        db: Database,
        settings: Settings,
        *,
        before_daily: Sequence[Callable[[date], None]] = (),
        listen: ListenFn = listen_imports,
        retry_s: float = 5.0,
        lease: Lease | None = None,
        debounce_s: float = 30.0,
    ) -> None:
        self.db, self.settings, self.retry_s, self.debounce_s = db, settings, retry_s, debounce_s
        self.before_daily, self.listen = list(before_daily), listen
        self.lease = lease or lease_for(db, settings, LEASE)
        self.leading = threading.Event()
        self.scheduler: MonitorScheduler | None = None
        self.terms = 0  # how many times this process took the lease
        self._stop = threading.Event()
        self._changed = threading.Condition()
        self._thread = threading.Thread(target=self._loop, name="wageguard-leader", daemon=True)

    def start(self) -> SchedulerLeader:
        self._thread.start()
        return self

    def stop(self, timeout: float = 120.0) -> None:
        """Stop scheduling (waiting for a run in progress) and give the lease up."""
        self._stop.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout)

    def wait_leading(self, timeout: float) -> bool:
        """Block until this process holds the lease; False after ``timeout`` seconds."""
        return self.leading.wait(timeout)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                got = self.lease.acquire()
            except Exception:  # the database is away: try again later
                log.exception("could not ask for the scheduler lease")
                got = False
            if got:
                self._lead()
            else:
                self._stop.wait(self.retry_s)
        self.lease.release()

    def _lead(self) -> None:
        self.terms += 1
        scheduler = MonitorScheduler(
            self.db, self.settings, self.debounce_s, before_daily=self.before_daily, listen=self.listen
        )
        scheduler.start()
        self.scheduler = scheduler
        self.leading.set()
        log.info("this process now runs the monitoring scheduler")
        try:
            while not self._stop.wait(self.retry_s):
                if not self.lease.alive():
                    log.warning("scheduler lease lost: this process stops scheduling")
                    break
        finally:
            scheduler.stop()
            self.scheduler = None
            self.leading.clear()
            self.lease.release()


def start_leader(
    db: Database,
    settings: Settings,
    *,
    before_daily: Sequence[Callable[[date], None]] = (),
    listen: ListenFn = listen_imports,
) -> SchedulerLeader | None:
    """Compete for the scheduler when ``monitor_scheduler_enabled``; used by ``wageguard serve``."""
    if not settings.monitor_scheduler_enabled:
        return None
    return SchedulerLeader(db, settings, before_daily=before_daily, listen=listen).start()
