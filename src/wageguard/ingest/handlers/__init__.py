"""The importable objects of the exchange format, by name (matched case-insensitively)."""

from __future__ import annotations

from wageguard.ingest.handlers.base import Handler
from wageguard.ingest.handlers.org import CorpHandler, ProjectHandler, SubContractorHandler, TeamHandler
from wageguard.ingest.handlers.workers import ContractHandler, EntryExitHandler, ProjectWorkerHandler

HANDLERS: dict[str, Handler] = {
    h.spec.name: h
    for h in (
        CorpHandler(),
        ProjectHandler(),
        SubContractorHandler(),
        TeamHandler(),
        ProjectWorkerHandler(),
        EntryExitHandler(),
        ContractHandler(),
    )
}
"""Every importable object in dependency order (import Corp before Project, Project before Team ...)."""


def handler_for(object_name: str) -> Handler | None:
    """The handler of an object name, case-insensitive (``projectworker`` -> ``ProjectWorker``)."""
    wanted = object_name.strip().lower()
    return next((h for name, h in HANDLERS.items() if name.lower() == wanted), None)


__all__ = ["HANDLERS", "Handler", "handler_for"]
