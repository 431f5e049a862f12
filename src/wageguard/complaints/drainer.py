"""The thread ``wageguard serve`` runs to file the complaints waiting in the intake
(``complaints/intake.py``): it drains after each accepted complaint and every ``idle_s`` (for what other
processes accepted); while the database stays locked it tries again every ``retry_s``. Tests call
``drain_complaints`` themselves."""

from __future__ import annotations

import logging
import threading

from wageguard.complaints.intake import ComplaintIntake
from wageguard.complaints.service import drain_complaints
from wageguard.config import Settings
from wageguard.db import Database
from wageguard.errors import Busy
from wageguard.security.counters import CounterStore
from wageguard.security.crypto import Protector

log = logging.getLogger("wageguard.complaints")


class ComplaintDrainer:
    """Files queued complaints in the background (see the module docstring)."""

    def __init__(
        self,
        *,
        db: Database,
        protector: Protector,
        settings: Settings,
        intake: ComplaintIntake,
        counters: CounterStore | None = None,
        idle_s: float = 5.0,
        retry_s: float = 2.0,
    ) -> None:
        self.db, self.protector, self.settings, self.intake = db, protector, settings, intake
        self.counters = counters
        self.idle_s, self.retry_s = idle_s, retry_s
        self._stop = threading.Event()
        self._passes = threading.Condition()
        self._count, self._idle = 0, False
        self._thread = threading.Thread(target=self._loop, name="wageguard-complaint-drainer", daemon=True)

    def start(self) -> ComplaintDrainer:
        self._thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        """End the thread after its current drain (what is left stays in the file for the next start)."""
        self._stop.set()
        self.intake.arrived.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def wait_idle(self, timeout: float) -> bool:
        """Wait until a drain that ended after this call left nothing pending."""
        with self._passes:
            start = self._count
            return self._passes.wait_for(lambda: self._count > start and self._idle, timeout)

    def _loop(self) -> None:
        self.intake.arrived.set()  # file what an earlier run left
        while not self._stop.is_set():
            self.intake.arrived.wait(self.idle_s)
            self.intake.arrived.clear()
            if self._stop.is_set():
                break
            idle = self._drain_once()
            with self._passes:
                self._count, self._idle = self._count + 1, idle
                self._passes.notify_all()
            if not idle:
                self._stop.wait(self.retry_s)

    def _drain_once(self) -> bool:
        try:
            report = drain_complaints(
                db=self.db,
                protector=self.protector,
                settings=self.settings,
                intake=self.intake,
                counters=self.counters,
            )
            if report.failed:
                log.warning(
                    "complaint intake: %d kept aside (see the intake file's error column)", report.failed
                )
            return self.intake.pending() == 0
        except Busy as exc:
            log.info("complaint intake: database busy, retrying (%s)", exc)
        except Exception:  # never let the drainer die: the complaints stay durable in the file
            log.exception("complaint intake: drain failed")
        return False
