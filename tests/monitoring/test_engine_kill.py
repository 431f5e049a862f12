"""A kill of the engine's process mid-run (issue 14) leaves no half-written alerts, and the next run
completes with the alerts an undisturbed run gives.

The engine runs in a child process whose ``refresh_alert_tallies`` — called inside the run's write
transaction, after every alert and alert line has been written — reports how many alerts its own
transaction sees and then blocks; the parent SIGKILLs it right there. The pause is the test's, in the child
only: nothing in the engine knows about it."""

from __future__ import annotations

import select
import subprocess
import sys

from sqlalchemy import func
from sqlalchemy import select as sql_select
from tests.monitoring.seed import AS_OF, plant

from wageguard.config import Settings
from wageguard.db import Database
from wageguard.monitoring.calendar import parse_month
from wageguard.monitoring.engine import run_monitoring
from wageguard.monitoring.models import Alert, AlertEvent, AlertWorker, MonitorRun
from wageguard.security.crypto import Protector

DEADLINE_S = 120.0
CHILD = """
import sys
from datetime import date
from pathlib import Path
from sqlalchemy import func, select
from wageguard.config import Settings
from wageguard.db import Database
from wageguard.monitoring import engine
from wageguard.monitoring.calendar import parse_month
from wageguard.monitoring.models import Alert

def paused(session):
    session.flush()
    seen = session.scalar(select(func.count()).select_from(Alert))
    print(f"mid-write {seen}", flush=True)
    sys.stdin.read()  # until killed

engine.refresh_alert_tallies = paused
url, var, as_of = sys.argv[1], sys.argv[2], date.fromisoformat(sys.argv[3])
settings = Settings(environment="test", database_url=url, var_dir=Path(var))
engine.run_monitoring(db=Database(url), settings=settings, as_of=as_of, months=[parse_month("2026-09")])
"""


def _counts(db: Database) -> tuple[int, int, int]:
    with db.sessions() as s:
        return tuple(  # type: ignore[return-value]
            int(s.scalar(sql_select(func.count()).select_from(m)) or 0)
            for m in (Alert, AlertWorker, AlertEvent)
        )


def test_a_killed_run_writes_nothing_and_the_next_run_completes(
    db: Database, settings: Settings, protector: Protector
) -> None:
    with db.transaction() as s:
        plant(s, protector)
    with subprocess.Popen(
        [sys.executable, "-c", CHILD, settings.database_url, str(settings.var_dir), AS_OF.isoformat()],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as child:
        try:
            ready, _, _ = select.select([child.stdout], [], [], DEADLINE_S)
            assert ready, "the engine did not reach its write"
            assert child.stdout is not None
            line = child.stdout.readline().split()
            assert line[0] == "mid-write" and int(line[1]) >= 5  # its transaction holds the new alerts
            assert _counts(db) == (0, 0, 0)  # ...which nobody else sees
            child.kill()
            child.wait(DEADLINE_S)
        finally:
            if child.poll() is None:
                child.kill()
                child.wait(DEADLINE_S)
    assert _counts(db) == (0, 0, 0)  # nothing half-written survives the kill
    with db.sessions() as s:
        killed = s.scalars(sql_select(MonitorRun)).one()
    assert killed.status != "done" and killed.finished_at is None
    summary = run_monitoring(db=db, settings=settings, as_of=AS_OF, months=[parse_month("2026-09")])
    alerts, lines, events = _counts(db)
    assert summary.raised == alerts >= 5 and lines > 0 and events >= alerts
    with db.sessions() as s:
        statuses = list(s.scalars(sql_select(MonitorRun.status).order_by(MonitorRun.id)))
    assert statuses[-1] == "done"
