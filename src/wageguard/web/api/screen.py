"""The command screen's JSON under ``/api/v1/screen`` and its live events (Server-Sent Events).

``GET /api/v1/screen?region=`` is everything a screen shows (``screen.queries.screen_view``); the parts have
their own paths. ``GET /api/v1/screen/live?region=`` streams ``figures`` (deltas to add), ``feed`` (an item
to prepend) and ``refresh`` (refetch) events; the scope is resolved once (in the thread pool, like every
database read) and the stream itself never touches the database.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import StreamingResponse
from sqlalchemy.orm import Session

from wageguard.auth.scope import Principal
from wageguard.config import Settings
from wageguard.screen import figures as F
from wageguard.screen import queries
from wageguard.screen.live_view import screen_message
from wageguard.screen.regions import ScreenRegion, resolve_region
from wageguard.tallies.live import Subscription, current_bus
from wageguard.web.deps import current_principal, get_clock, get_now, get_session, get_settings_dep
from wageguard.web.i18n import LANG_COOKIE, choose_lang

router = APIRouter(prefix="/screen", tags=["screen 大屏"])
PING_S = 15.0
Region = Annotated[str | None, Query(max_length=6, description="GB/T 2260 code, 2/4/6 digits")]
Caller = Annotated[Principal, Depends(current_principal)]
DbSession = Annotated[Session, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
Now = Annotated[datetime, Depends(get_now)]


def _lang(request: Request, settings: Settings) -> str:
    return choose_lang(
        request.query_params.get("lang"), request.cookies.get(LANG_COOKIE), settings.locale_default
    )


@router.get("")
def get_screen(
    request: Request,
    principal: Caller,
    session: DbSession,
    settings: SettingsDep,
    now: Now,
    region: Region = None,
) -> dict[str, Any]:
    """Everything the screen of ``region`` (default: the caller's) shows."""
    return queries.screen_view(
        session=session,
        principal=principal,
        settings=settings,
        region_code=region,
        now=now,
        lang=_lang(request, settings),
    )


def _view(
    session: Session, principal: Principal, settings: Settings, region: str | None, now: datetime
) -> Any:
    found = resolve_region(session=session, principal=principal, code=region)
    today = queries.work_day(settings, now)
    return found, queries.view_of(found, today)


@router.get("/figures")
def get_figures(
    principal: Caller, session: DbSession, settings: SettingsDep, now: Now, region: Region = None
) -> dict[str, Any]:
    found, view = _view(session, principal, settings, region, now)
    return {
        "figures": F.all_figures(session=session, view=view).as_dict(),
        "links": queries.figure_links(found),
    }


@router.get("/children")
def get_children(
    principal: Caller, session: DbSession, settings: SettingsDep, now: Now, region: Region = None
) -> dict[str, Any]:
    found, view = _view(session, principal, settings, region, now)
    return {
        "children": queries.children(session=session, region=found, today=view.today),
        "points": queries.points(session=session, region=found, today=view.today),
    }


@router.get("/trends")
def get_trends(
    principal: Caller, session: DbSession, settings: SettingsDep, now: Now, region: Region = None
) -> dict[str, Any]:
    _found, view = _view(session, principal, settings, region, now)
    return queries.trends(session=session, view=view)


@router.get("/rankings")
def get_rankings(
    principal: Caller, session: DbSession, settings: SettingsDep, now: Now, region: Region = None
) -> dict[str, Any]:
    found, view = _view(session, principal, settings, region, now)
    subregions = queries.children(session=session, region=found, today=view.today)
    return queries.rankings(session=session, view=view, subregions=subregions)


@router.get("/feed")
def get_feed(
    request: Request,
    principal: Caller,
    session: DbSession,
    settings: SettingsDep,
    now: Now,
    region: Region = None,
) -> dict[str, Any]:
    _found, view = _view(session, principal, settings, region, now)
    items = queries.feed(session=session, view=view)
    return {"feed": queries.localized_feed(items, _lang(request, settings))}


def live_scope(
    principal: Caller, session: DbSession, region: Region = None
) -> ScreenRegion:  # a plain function: FastAPI runs it in the thread pool
    return resolve_region(session=session, principal=principal, code=region)


def sse(event: str, data: Any) -> str:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False, separators=(',', ':'))}\n\n"


async def live_stream(
    sub: Subscription,
    region: ScreenRegion,
    *,
    today: Callable[[], Any],
    lang: str,
    disconnected: Callable[[], Any],
    ping_s: float = PING_S,
    open_s: float,
) -> AsyncIterator[str]:
    """The SSE text of one screen: its events as they come, a ping when idle, until the client leaves or
    ``open_s`` has passed (the browser then reconnects and refetches)."""
    loop = asyncio.get_running_loop()
    ends = loop.time() + open_s
    try:
        yield "retry: 3000\n\n"
        while not await disconnected():
            left = ends - loop.time()
            if left <= 0:
                break
            try:
                item = await asyncio.wait_for(sub.queue.get(), timeout=min(ping_s, left))
            except TimeoutError:
                yield ": ping\n\n"
                continue
            if sub.overflow:
                sub.overflow = False
                yield sse("refresh", {})
                continue
            message = screen_message(region, item, today(), lang)
            if message is not None:
                yield sse(*message)
    finally:
        sub.close()


@router.get("/live", response_class=StreamingResponse, include_in_schema=False)  # SSE: docs/screen.md
async def live_events(
    request: Request,
    region: Annotated[ScreenRegion, Depends(live_scope)],
    settings: SettingsDep,
    clock: Annotated[Callable[[], datetime], Depends(get_clock)],
) -> StreamingResponse:
    """Server-Sent Events of the screen of ``region``: ``figures``, ``feed``, ``refresh``."""
    sub = current_bus().hub.subscribe()

    def today() -> Any:
        return queries.work_day(settings, clock())

    stream = live_stream(
        sub,
        region,
        today=today,
        lang=_lang(request, settings),
        disconnected=request.is_disconnected,
        open_s=settings.screen_live_seconds,
    )
    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    return StreamingResponse(stream, media_type="text/event-stream", headers=headers)
