"""``POST /api/v1/risk/feeds/{feed}``: import a contracting, tax or registration-and-credit file (admins)."""

from __future__ import annotations

import io
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from wageguard.auth.scope import Principal
from wageguard.config import Settings
from wageguard.db import Database
from wageguard.errors import ValidationFailed
from wageguard.ingest.report import ImportReport
from wageguard.risk.choices import Feed
from wageguard.risk.service import check_feed_importer, import_feed, import_feed_file
from wageguard.web.deps import current_principal, get_database, get_settings_dep
from wageguard.web.uploads import saved_upload

router = APIRouter(tags=["risk"])


@router.post("/risk/feeds/{feed}")
async def create_feed_import(
    feed: Feed,
    request: Request,
    file_format: str | None = Query(None, alias="format", description="json, csv, xlsx"),
    encoding: str | None = Query(None, description="CSV encoding; default detected"),
    principal: Principal = Depends(current_principal),
    db: Database = Depends(get_database),
    settings: Settings = Depends(get_settings_dep),
) -> dict[str, Any]:
    """Import one feed file (docs/formats.md, "Risk feeds"): multipart field ``file``, or the JSON
    document as the request body. Admins only. 200 with the report when accepted; 422 with the full
    report (``report.errors``) when rejected, nothing stored."""
    check_feed_importer(principal)
    common: dict[str, Any] = {
        "db": db,
        "feed": feed,
        "actor": principal,
        "encoding": encoding,
        "settings": settings,
        "file_format": file_format,
    }
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        async with request.form() as form:
            upload = form.get("file")
            if not isinstance(upload, UploadFile):
                raise ValidationFailed(
                    "multipart field 'file' is required", message_zh="缺少上传文件（字段 file）"
                )

            def run() -> ImportReport:
                with saved_upload(upload) as path:
                    return import_feed_file(path=path, **common)

            report = await run_in_threadpool(run)
    else:
        body = await request.body()
        common["file_format"] = file_format or "json"
        report = await run_in_threadpool(
            lambda: import_feed(stream=io.BytesIO(body), filename=f"{feed.value}.json", **common)
        )
    return report.as_dict()
