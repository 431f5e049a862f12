"""The thread ``wageguard serve`` runs to file the complaints waiting in the intake
(``complaints/intake.py``): it drains after each accepted complaint and every ``idle_s`` (for what other
processes accepted); while the database stays locked it tries again every ``retry_s``. Tests call
``drain_complaints`` themselves."""

from __future__ import annotations

import logging

from wageguard.background import DrainerThread
from wageguard.complaints.intake import ComplaintIntake
from wageguard.complaints.service import drain_complaints
from wageguard.config import Settings
from wageguard.db import Database
from wageguard.errors import Busy
from wageguard.security.counters import CounterStore
from wageguard.security.crypto import Protector

log = logging.getLogger("wageguard.complaints")


class ComplaintDrainer(DrainerThread):
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
        super().__init__(
            name="wageguard-complaint-drainer", arrived=intake.arrived, idle_s=idle_s, retry_s=retry_s
        )
        self.db, self.protector, self.settings, self.intake = db, protector, settings, intake
        self.counters = counters

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
