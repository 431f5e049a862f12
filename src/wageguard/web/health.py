"""``GET /healthz``: the process answers, the database answers a read, and the backlogs of the device intake
and the complaint intake (``complaints``: pending and stuck entries).

It never waits for the write lock (a read, in the thread pool, given ``READ_TIMEOUT_S``), so it answers while
an import commits. 200 when the database answers (``intake.pending`` then says how far the drainer is behind),
503 when it does not.
"""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text
from starlette.concurrency import run_in_threadpool

from wageguard.db import Database
from wageguard.errors import Busy
from wageguard.web.iclock import intake_of
from wageguard.web.public import complaint_intake_of

router = APIRouter(tags=["health"], include_in_schema=False)
READ_TIMEOUT_S = 2.0


def _probe(db: Database, app: Any) -> tuple[dict[str, int], dict[str, int] | str]:
    with db.sessions() as session:
        session.execute(text("SELECT 1"))
    intake = intake_of(app)
    waiting = complaint_intake_of(app)
    try:
        complaints: dict[str, int] | str = {"pending": waiting.pending(), "stuck": waiting.stuck()}
    except Busy:  # the site still answers; complaints are then filed directly or told to retry
        complaints = "unavailable"
    return {"pending": intake.pending(), "stuck": intake.stuck()}, complaints


@router.get("/healthz")
async def healthz(request: Request) -> JSONResponse:
    db: Database = request.app.state.db
    try:
        probe = run_in_threadpool(_probe, db, request.app)
        intake, complaints = await asyncio.wait_for(probe, READ_TIMEOUT_S)
    except Exception as exc:  # a timeout or a database that does not answer: unhealthy, said plainly
        failed = {"status": "unavailable", "database": type(exc).__name__}
        return JSONResponse(failed, status_code=503, headers={"Cache-Control": "no-store"})
    body: dict[str, object] = {"status": "ok", "database": "ok", "intake": intake, "complaints": complaints}
    return JSONResponse(body, headers={"Cache-Control": "no-store"})
