"""A live event as one viewer's screen sees it: only the changes inside its scope, as figure deltas.

Pure and fast (no database): the fan-out of one event to every open screen is this function per screen.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from datetime import date
from typing import Any

from wageguard.screen import figures as F
from wageguard.screen.queries import CHILD_MEASURES
from wageguard.screen.regions import ScreenRegion

WIDTH = {"country": 2, "province": 4, "city": 6}
RECENT_EVENTS = 64  # events whose messages are remembered (each screen takes an event soon after the others)
_RECENT: OrderedDict[int, tuple[dict[str, Any], dict[Any, Any]]] = OrderedDict()
_LOCK = threading.Lock()


def _inside(region: ScreenRegion, project_id: int, region_code: str) -> bool:
    if region.project_ids is not None:
        return project_id in region.project_ids
    return region_code.startswith(region.prefix or "")


def screen_message(
    region: ScreenRegion, item: dict[str, Any], today: date, lang: str
) -> tuple[str, Any] | None:
    """(SSE event name, data) of a bus event for ``region``'s screen; None when nothing of it is in scope.

    Every open screen of the same region, day and language gets the same message: it is computed once per
    event (remembered for the last events, which all of a process's screens share) however many are open."""
    key = (region.code, region.level, region.project_ids, today, lang)
    memo = _memo_of(item)
    if key not in memo:
        memo[key] = _message(region, item, today, lang)
    result: tuple[str, Any] | None = memo[key]
    return result


def _memo_of(item: dict[str, Any]) -> dict[Any, Any]:
    """The messages already made of ``item`` (the event itself is never changed: it may be sent on)."""
    with _LOCK:
        entry = _RECENT.get(id(item))
        if entry is None or entry[0] is not item:  # an id reused by a newer event
            entry = (item, {})
            _RECENT[id(item)] = entry
            while len(_RECENT) > RECENT_EVENTS:
                _RECENT.popitem(last=False)
        return entry[1]


def _message(region: ScreenRegion, item: dict[str, Any], today: date, lang: str) -> tuple[str, Any] | None:
    kind = item.get("type")
    if kind == "refresh":
        return "refresh", {}
    if kind == "feed":
        feed = item.get("item") or {}
        code = str(feed.get("region_code") or "")
        if region.project_ids is not None or not code.startswith(region.prefix or ""):
            return None  # an enterprise's screen shows no feed of others; outside the region
        shown = dict(feed)
        if "title_zh" in feed:
            shown["title"] = feed["title_en"] if lang == "en" else feed["title_zh"]
        return "feed", shown
    if kind != "tally":
        return None
    mine = [c for c in item.get("changes") or [] if _inside(region, int(c[2]), str(c[3]))]
    if not mine:
        return None
    wanted = {(m.value, p(today)): name for name, (m, p) in CHILD_MEASURES.items()}
    children: dict[str, dict[str, int]] = {}
    points: dict[str, dict[str, int]] = {}
    width = WIDTH.get(region.level)
    for measure, period, project_id, code, delta in mine:
        name = wanted.get((measure, period))
        if name is None:
            continue
        if width is not None:
            target = children.setdefault(str(code)[:width].ljust(6, "0"), {})
        elif int(project_id) > 0:
            target = points.setdefault(str(project_id), {})
        else:
            continue
        target[name] = target.get(name, 0) + int(delta)
    delta = F.live_deltas(mine, today)
    if not delta and not children and not points:
        return None
    return "figures", {"delta": delta, "children": children, "points": points}
