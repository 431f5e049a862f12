"""Uploads: every request body is counted while it streams in, and an upload is saved under a safe name.

``BodyLimit`` (ASGI middleware) refuses a body over its limit as soon as the declared ``Content-Length``
or the bytes received so far pass it (a chunked body without ``Content-Length`` is counted the same way),
so an oversized body is never read whole and no route sees it complete: nothing is stored. The limit is
``complaint_photos_max × complaint_photo_max_bytes + 256 KiB`` for the public complaint pages (``/c/``),
the device protocols' own caps for gates (``/iclock/`` 4 MiB; ``/isapi/`` 1 MiB for a JSON event, 8 MiB for
a multipart one with its pictures) and ``upload_max_bytes`` for everything else (imports, bank and pay-sheet
files, JSON batches).
Reading past the limit raises ``TooLarge`` (413, bilingual); a route that turns it into another answer (or
a framework layer that reports it as a bad body) is overruled with the 413.

``saved_upload`` writes an ``UploadFile`` to a private temporary folder under a sanitised name (``..``,
paths, control characters and over-long names cannot escape the folder or fail the write).
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from fastapi import Request
from starlette.datastructures import Headers, UploadFile
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from wageguard.config import Settings
from wageguard.errors import TooLarge
from wageguard.web import iclock, isapi
from wageguard.web.errors import handle_domain_error

COMPLAINT_TEXT_ALLOWANCE = 256 * 1024
COPY_CHUNK = 1024 * 1024
NAME_MAX_BYTES = 120
_SUFFIX = re.compile(r"\.[A-Za-z0-9]{1,8}")
_UNSAFE_CHARS = re.compile(r'[\x00-\x1f\x7f<>:"|?*]')


def complaint_body_limit(settings: Settings) -> int:
    return settings.complaint_photos_max * settings.complaint_photo_max_bytes + COMPLAINT_TEXT_ALLOWANCE


def body_limit(path: str, settings: Settings, content_type: str = "") -> int:
    """The most bytes a request body to ``path`` (of ``content_type``) may carry."""
    if path.startswith("/c/"):
        return complaint_body_limit(settings)
    if path.startswith("/isapi/"):  # a JSON event, or the event with its pictures
        multipart = content_type.startswith("multipart/")
        return isapi.BODY_MAX_BYTES if multipart else isapi.EVENT_MAX_BYTES
    if path.startswith("/iclock/"):
        return iclock.BODY_MAX_BYTES
    return settings.upload_max_bytes


def _declared_length(scope: Scope) -> int | None:
    value = Headers(scope=scope).get("content-length")
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


class BodyLimit:
    """Count each request body against ``body_limit`` while it arrives (see the module docstring)."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        content_type = Headers(scope=scope).get("content-type", "").lower()
        limit = body_limit(scope["path"], self.settings, content_type)
        declared = _declared_length(scope)
        received = 0
        exceeded = False
        overruled = False

        async def counted_receive() -> Message:
            nonlocal received, exceeded
            if declared is not None and declared > limit:
                exceeded = True
                raise TooLarge(limit)
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    exceeded = True
                    raise TooLarge(limit)
            return message

        async def checked_send(message: Message) -> None:
            nonlocal overruled
            if overruled:
                return
            if exceeded and message["type"] == "http.response.start" and message["status"] != 413:
                overruled = True
                await _too_large_response(scope, receive, send, limit)
                return
            await send(message)

        await self.app(scope, counted_receive, checked_send)


async def _too_large_response(scope: Scope, receive: Receive, send: Send, limit: int) -> None:
    response = await handle_domain_error(Request(scope, receive), TooLarge(limit))
    await response(scope, receive, send)


def safe_filename(name: str | None, *, default_suffix: str = "") -> str:
    """A file name that stays inside its folder: the last path part, without control or reserved
    characters, at most ``NAME_MAX_BYTES`` bytes of UTF-8, keeping a short alphanumeric suffix; ``upload``
    (plus ``default_suffix``) when nothing usable is left."""
    base = _UNSAFE_CHARS.sub("", (name or "").replace("\\", "/").rsplit("/", 1)[-1]).strip()
    stem, dot, tail = base.rpartition(".")
    suffix = f".{tail}" if dot and stem and _SUFFIX.fullmatch(f".{tail}") else ""
    stem = stem if suffix else base
    stem = stem.encode()[:NAME_MAX_BYTES].decode(errors="ignore").strip(". ")
    return (stem or "upload") + (suffix.lower() or default_suffix)


@contextmanager
def saved_upload(
    upload: UploadFile, folder: Path | None = None, *, default_suffix: str = ""
) -> Iterator[Path]:
    """The upload copied to a private temporary folder (inside ``folder`` when given) under its sanitised
    name; the folder and file are removed afterwards."""
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    with tempfile.TemporaryDirectory(dir=folder, prefix="upload-") as private:
        path = Path(private) / safe_filename(upload.filename, default_suffix=default_suffix)
        upload.file.seek(0)
        with open(path, "wb") as out:
            shutil.copyfileobj(upload.file, out, COPY_CHUNK)
        yield path
