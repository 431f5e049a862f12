"""In-process scheduling: a daily run (started by ``wageguard serve``) and ``after_import()``.

Other slices call ``after_import(db=..., settings=...)`` after committing an import (pay sheets, bank files,
attendance batches): it asks the scheduler thread to run the engine soon, debounced, so a burst of imports
causes one run. Without a started scheduler (CLI, tests) it runs nothing and returns False.
"""

from __future__ import annotations

import logging
import threading
from datetime import date, datetime, timedelta

from wageguard.config import Settings
from wageguard.db import Database

log = logging.getLogger("wageguard.monitor")
_current: MonitorScheduler | None = None


class MonitorScheduler:
    """A daemon thread: runs the engine daily at ``monitor_daily_hour`` and shortly after imports."""

    def __init__(self, db: Database, settings: Settings, debounce_s: float = 30.0) -> None:
        self.db, self.settings, self.debounce_s = db, settings, debounce_s
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._pending = False
        self._thread = threading.Thread(target=self._loop, name="wageguard-monitor", daemon=True)

    def start(self) -> None:
        global _current
        _current = self
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()

    def request_run(self) -> None:
        self._pending = True
        self._wake.set()

    def _next_daily(self, now: datetime) -> datetime:
        at = now.replace(hour=self.settings.monitor_daily_hour, minute=0, second=0, microsecond=0)
        return at if at > now else at + timedelta(days=1)

    def _loop(self) -> None:
        while not self._stop.is_set():
            now = datetime.now()
            wait = (self._next_daily(now) - now).total_seconds()
            woke = self._wake.wait(timeout=wait)
            self._wake.clear()
            if self._stop.is_set():
                return
            if woke and self._pending:
                self._stop.wait(self.debounce_s)
            self._pending = False
            self.run_once("import" if woke else "daily")

    def run_once(self, trigger: str) -> None:
        from wageguard.monitoring.engine import run_monitoring
        from wageguard.monitoring.notifications import dispatch_outbox, notifier_for

        try:
            run_monitoring(db=self.db, settings=self.settings, as_of=date.today(), trigger=trigger)
            dispatch_outbox(db=self.db, notifier=notifier_for(self.settings))
        except Exception:  # the scheduler must survive a failed run; the run row records the error
            log.exception("monitoring run failed")


def after_import() -> bool:
    """Ask the running scheduler (if any) for a monitoring run soon; True when one was requested."""
    if _current is None:
        return False
    _current.request_run()
    return True


def start_scheduler(db: Database, settings: Settings) -> MonitorScheduler | None:
    """Start the daily scheduler when ``monitor_scheduler_enabled``; used by ``wageguard serve``."""
    if not settings.monitor_scheduler_enabled:
        return None
    scheduler = MonitorScheduler(db, settings)
    scheduler.start()
    return scheduler
