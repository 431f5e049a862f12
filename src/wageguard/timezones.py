"""Time zones as integrations write them: an IANA name (``Asia/Shanghai``) or a fixed UTC offset.

Offsets are accepted as ``+08:00``, ``+0800``, ``+08``, ``+8``, with a ``UTC`` or ``GMT`` prefix
(``UTC+8``, ``GMT+08:00``; the sign means east of Greenwich, as people write it, not POSIX's inverse) and
``Z``; they are stored as ``±HH:MM`` (``+08:00``; zero is ``+00:00``). IANA names are stored as given,
once the zone database knows them. ``zone()`` turns either stored form into a ``tzinfo``.

No imports from the slices: settings, devices and the punch store all read zones through here.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from functools import lru_cache
from typing import Annotated
from zoneinfo import ZoneInfo

from pydantic import AfterValidator

_OFFSET = re.compile(r"(?:(?:UTC|GMT)\s*)?([+-])(\d{1,2})(?::?(\d{2}))?", re.IGNORECASE)
_CANONICAL_OFFSET = re.compile(r"[+-]\d{2}:\d{2}")
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_+\-]*(?:/[A-Za-z0-9_+\-]+)*")
MAX_OFFSET = timedelta(hours=14)  # the widest offsets in use: UTC-12:00 to UTC+14:00

EXAMPLES_ZH = "如 Asia/Shanghai、+08:00、+0800、UTC+8"
EXAMPLES_EN = "e.g. Asia/Shanghai, +08:00, +0800, UTC+8"


def canonical_zone(text: str) -> str:
    """The stored form of a zone: ``±HH:MM`` for an offset, the name for an IANA zone; ``ValueError`` for
    anything else (an offset beyond ±14:00, minutes of 60 or more, a name the zone database lacks)."""
    value = text.strip()
    if value.upper() == "Z":
        return "+00:00"
    match = _OFFSET.fullmatch(value)
    if match is not None:
        sign, hours, minutes = match[1], int(match[2]), int(match[3] or 0)
        if minutes >= 60 or timedelta(hours=hours, minutes=minutes) > MAX_OFFSET:
            raise ValueError(f"UTC offset out of range: {value!r}")
        if hours == minutes == 0:
            sign = "+"
        return f"{sign}{hours:02d}:{minutes:02d}"
    if len(value) > 64 or not _NAME.fullmatch(value):
        raise ValueError(f"not a time zone: {value[:64]!r}")
    try:
        ZoneInfo(value)
    except (KeyError, ValueError, OSError) as exc:  # ZoneInfoNotFoundError is a KeyError
        raise ValueError(f"unknown time zone: {value!r}") from exc
    return value


@lru_cache(maxsize=64)
def zone(name: str) -> tzinfo:
    """The ``tzinfo`` of a stored zone (``canonical_zone``'s output; other offset spellings work too)."""
    if _CANONICAL_OFFSET.fullmatch(name) is not None:
        delta = timedelta(hours=int(name[1:3]), minutes=int(name[4:6]))
        return timezone(-delta if name[0] == "-" else delta)
    if name.upper() == "Z" or _OFFSET.fullmatch(name.strip()) is not None:
        return zone(canonical_zone(name))
    return ZoneInfo(name)


def as_utc(value: datetime | None) -> datetime | None:
    """A stored instant marked as UTC (the database keeps naive UTC), so that JSON carries its zone."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


# An instant in API output: naive values are UTC and are written with their zone (``2026-11-30T17:05:42Z``).
UtcInstant = Annotated[datetime, AfterValidator(_aware)]
