"""``POST /api/v1/imports/{object}`` (multipart file or JSON body) and ``GET /api/v1/imports``."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from wageguard.auth.scope import Principal
from wageguard.bounds import Offset
from wageguard.config import Settings
from wageguard.db import Database
from wageguard.errors import ValidationFailed
from wageguard.ingest.queries import list_batches
from wageguard.ingest.report import ImportReport
from wageguard.ingest.service import import_bytes, import_file
from wageguard.security.crypto import Protector
from wageguard.web.deps import current_principal, get_database, get_protector, get_session, get_settings_dep
from wageguard.web.uploads import saved_upload

router = APIRouter(tags=["imports"])


@router.post("/imports/{object_name}")
async def create_import(
    object_name: str,
    request: Request,
    file_format: str | None = Query(None, alias="format", description="json, csv, xlsx"),
    encoding: str | None = Query(None, description="CSV encoding; default detected (UTF-8 or GBK)"),
    principal: Principal = Depends(current_principal),
    db: Database = Depends(get_database),
    protector: Protector = Depends(get_protector),
    settings: Settings = Depends(get_settings_dep),
) -> dict[str, Any]:
    """Import one file: multipart field ``file`` (and ``encoding`` to name a CSV encoding detection cannot
    tell: ``gb18030``, ``big5``, ``utf-16`` ...), or the JSON document as the request body.

    200 with the report when accepted; 422 with the full report (``report.errors``) when rejected.
    """
    common: dict[str, Any] = {
        "db": db,
        "protector": protector,
        "object_name": object_name,
        "actor": principal,
        "encoding": encoding,
        "settings": settings,
    }
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        async with request.form() as form:
            upload = form.get("file")
            named = form.get("encoding")
            if isinstance(named, str) and named.strip():
                common["encoding"] = named.strip()[:40]
            if not isinstance(upload, UploadFile):
                raise ValidationFailed(
                    "multipart field 'file' is required", message_zh="缺少上传文件（字段 file）"
                )

            def run() -> ImportReport:
                with saved_upload(upload) as path:
                    return import_file(path=path, file_format=file_format, **common)

            report = await run_in_threadpool(run)
    else:
        body = await request.body()
        name = f"{object_name}.json"
        report = await run_in_threadpool(
            lambda: import_bytes(data=body, filename=name, file_format=file_format or "json", **common)
        )
    return report.as_dict()


@router.get("/imports")
def get_imports(
    limit: int = Query(50, ge=1, le=500),
    offset: Offset = 0,
    principal: Principal = Depends(current_principal),
    session: Session = Depends(get_session),
) -> dict[str, Any]:
    """Import batches, newest first (admins: all; others: their own)."""
    return list_batches(session=session, principal=principal, limit=limit, offset=offset)
