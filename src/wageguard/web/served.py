"""What each ``wageguard serve`` process runs beside the web app, and the app factory of ``--workers N``.

Every process: live screen events configured (through Redis where ``redis_url`` is set, so every
process's screens see every process's writes), its import announcements relayed to Redis, its device and
complaint intake drainers (cross-process safe: one drainer at a time per intake file, and drains are
idempotent), and a ``SchedulerLeader`` competing for the scheduler lease — so the scheduler and the engine
run in exactly one process of the deployment, taken over when that process dies. Nothing any of them
needs lives only in one process's memory: sessions and counters are in the database or Redis.

``create_served_app`` is the factory uvicorn imports in each worker process (``--workers N``): the app from
the environment's settings, with these services started and stopped by its lifespan.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from fastapi import FastAPI

from wageguard.config import Settings, get_settings
from wageguard.events import listen_imports
from wageguard.monitoring.leader import SchedulerLeader, start_leader
from wageguard.monitoring.scheduler import ListenFn


@dataclass
class Services:
    """The running services of one process, stopped in reverse order."""

    leader: SchedulerLeader | None = None
    stops: list[Callable[[], None]] = field(default_factory=list)

    def stop(self) -> None:
        for stop in reversed(self.stops):
            stop()
        self.stops.clear()


def import_listener(settings: Settings, services: Services) -> ListenFn:
    """Where the scheduler hears imports: every process's through Redis when configured (and this
    process's relayed there), else this process's own."""
    if not settings.redis_url:
        return listen_imports
    from wageguard.relay import listen_everywhere, relay_imports

    services.stops.append(relay_imports(settings.redis_url, settings.redis_key_prefix))
    return listen_everywhere(settings.redis_url, settings.redis_key_prefix)


def start_leader_for(web: FastAPI, settings: Settings, services: Services, listen: ListenFn) -> None:
    """Compete for the scheduler; the daily run first re-scores every enterprise (W21 reads the day's)."""
    from wageguard.risk.service import score_every_enterprise

    db = web.state.db

    def rescore(day: date) -> None:
        score_every_enterprise(db=db, settings=settings, as_of=day)

    services.leader = start_leader(db, settings, before_daily=[rescore], listen=listen)
    if services.leader is not None:
        services.stops.append(services.leader.stop)


def start_drainers(web: FastAPI, settings: Settings, services: Services) -> None:
    """Device calls and queued complaints move from their durable intakes into the database."""
    from wageguard.attendance.intake import IntakeDrainer
    from wageguard.complaints.drainer import ComplaintDrainer
    from wageguard.web.deps import counter_store_of
    from wageguard.web.iclock import intake_of, options_of
    from wageguard.web.public import complaint_intake_of

    drainer = IntakeDrainer(db=web.state.db, intake=intake_of(web), options=options_of(web)).start()
    complaints = ComplaintDrainer(
        db=web.state.db,
        protector=web.state.protector,
        settings=settings,
        intake=complaint_intake_of(web),
        counters=counter_store_of(web),
    ).start()
    services.stops += [drainer.stop, complaints.stop]


def start_services(web: FastAPI, settings: Settings) -> Services:
    """Everything one worker process of ``--workers N`` runs beside the app."""
    from wageguard.tallies.live import configure_live

    configure_live(settings.redis_url, settings.redis_key_prefix)
    services = Services()
    start_drainers(web, settings, services)
    start_leader_for(web, settings, services, import_listener(settings, services))
    return services


def create_served_app() -> FastAPI:
    """The app of one worker process, its services tied to its lifespan (uvicorn ``factory=True``)."""
    from wageguard.web.app import create_app

    settings = get_settings()
    web = create_app(settings)
    inner = web.router.lifespan_context

    @asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[Any]:
        services = start_services(web, settings)
        try:
            async with inner(app) as state:
                yield state
        finally:
            services.stop()
            web.state.db.dispose()

    web.router.lifespan_context = lifespan
    return web
