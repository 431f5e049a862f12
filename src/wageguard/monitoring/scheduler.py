"""In-process scheduling: a daily run (started by ``wageguard serve``) and a run soon after each import.

The scheduler listens to ``wageguard.events.announce_import``, which the import paths call once their
transaction has committed (registry files, pay sheets, bank files and pushes, attendance batches): it asks the
scheduler thread to run the engine soon, debounced, so a burst of imports causes one run. That run is
incremental (only the projects the fact journal names); the daily run re-reads every fact (the safety net).
Without a started scheduler (CLI, tests) nothing listens and nothing runs; ``wageguard serve`` starts one
through the scheduler lease (``leader.py``), so a deployment runs exactly one. Jobs of other slices that must
precede the daily run (``before_daily``: e.g. re-scoring every enterprise, so W21 reads today's scores) are
handed in by the caller, so this module imports none of them; each one's failure is logged and the run goes
on.

The scheduler signals what it did: ``heard`` counts the import announcements it received, ``finished`` the
runs it completed per trigger (done or failed, outbox dispatched), and ``wait_for_runs`` blocks on that
signal with a deadline (for callers that must know a run happened, e.g. tests, instead of polling the
runs table). ``stop`` waits for a run in progress to end, so nothing writes after the caller moves on.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta

from wageguard.config import Settings
from wageguard.db import Database
from wageguard.events import ImportListener, listen_imports

ListenFn = Callable[[ImportListener], Callable[[], None]]
"""Subscribe to import announcements, returning the unsubscribe: this process's (``listen_imports``), or
every process's through Redis (``relay.listen_everywhere``)."""

log = logging.getLogger("wageguard.monitor")


class MonitorScheduler:
    """A daemon thread: runs the engine daily at ``monitor_daily_hour`` and shortly after imports."""

    def __init__(
        self,
        db: Database,
        settings: Settings,
        debounce_s: float = 30.0,
        before_daily: Sequence[Callable[[date], None]] = (),
        listen: ListenFn = listen_imports,
    ) -> None:
        self.db, self.settings, self.debounce_s = db, settings, debounce_s
        self.before_daily = list(before_daily)
        self._listen = listen
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._pending = False
        self._thread = threading.Thread(target=self._loop, name="wageguard-monitor", daemon=True)
        self._unsubscribe: Callable[[], None] | None = None
        self._signal = threading.Condition()
        self.heard = 0
        self.finished: dict[str, int] = {}

    def start(self) -> None:
        self._unsubscribe = self._listen(lambda _kind: self.request_run())
        self._thread.start()

    def stop(self, timeout: float = 120.0) -> None:
        """Stop listening and end the thread, waiting up to ``timeout`` seconds for a run in progress."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        self._stop.set()
        self._wake.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout)

    def request_run(self) -> None:
        with self._signal:
            self.heard += 1
        self._pending = True
        self._wake.set()

    def wait_for_runs(self, trigger: str, count: int = 1, timeout: float = 120.0) -> bool:
        """Block until ``count`` runs started by ``trigger`` have finished; False when ``timeout`` seconds
        passed first."""
        with self._signal:
            return self._signal.wait_for(lambda: self.finished.get(trigger, 0) >= count, timeout)

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

        today = date.today()
        if trigger == "daily":
            for job in self.before_daily:
                try:
                    job(today)
                except Exception:  # a failed job must not cost the day's run
                    log.exception("job before the daily run failed")
        try:
            run_monitoring(
                db=self.db,
                settings=self.settings,
                as_of=today,
                trigger=trigger,
                incremental=trigger == "import",  # only the projects the fact journal names
                rebuild=trigger == "daily",  # the safety net: every fact re-read from SQL
            )
            dispatch_outbox(db=self.db, notifier=notifier_for(self.settings))
        except Exception:  # the scheduler must survive a failed run; the run row records the error
            log.exception("monitoring run failed")
        finally:
            with self._signal:
                self.finished[trigger] = self.finished.get(trigger, 0) + 1
                self._signal.notify_all()
