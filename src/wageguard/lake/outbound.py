"""The national findings (N01–N03, ``cross``) back to the provinces: one file per province and month.

``lake/national-alerts/province=<P>/month=<M>/findings.jsonl`` — JSON lines: a header line (format, schema
version, province, month, row count and the SHA-256 of the rows' bytes), then one finding per line about one
of that province's projects and one person (their ID number's blind index: the province resolves it to its
own worker on import, ``inbound``). Every province with a lake partition for the month gets its file, empty
or not, so an import also clears what is no longer found. Each file is written beside its place, fsynced and
renamed over the old one (atomic): a reader sees the old file or the new, never half of one.
"""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from pathlib import Path
from typing import Any

import polars as pl

from wageguard.lake import layout as L

FORMAT = "wageguard-national-findings"
FORMAT_VERSION = 1
# What each row carries, in this order (``inbound`` checks exactly these fields).
ROW_FIELDS = (
    "rule_code",
    "period",
    "project_id",
    "person_bidx",
    "region_code",
    "amount_fen",
    "days",
    "other_provinces",
    "evidence",
)


def _row(finding: dict[str, Any]) -> dict[str, Any]:
    others = finding["other_provinces"] or ""
    return {
        "rule_code": finding["rule_code"],
        "period": finding["period"],
        "project_id": finding["project_id"],
        "person_bidx": finding["person_bidx"],
        "region_code": finding["region_code"],
        "amount_fen": finding["amount_fen"],
        "days": finding["days"],
        "other_provinces": [p for p in others.split(",") if p],
        "evidence": json.loads(finding["evidence"]),
    }


def body_bytes(rows: list[dict[str, Any]]) -> bytes:
    """The rows as the file holds them (one compact JSON object a line, keys in ``ROW_FIELDS`` order)."""
    compact = (",", ":")
    lines = [json.dumps({k: r[k] for k in ROW_FIELDS}, ensure_ascii=False, separators=compact) for r in rows]
    return "".join(f"{line}\n" for line in lines).encode()


def header(province: str, month: str, body: bytes, rows: int) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "schema_version": FORMAT_VERSION,
        "province": province,
        "month": month,
        "rows": rows,
        "sha256": hashlib.sha256(body).hexdigest(),
    }


def findings_bytes(province: str, month: str, rows: list[dict[str, Any]]) -> bytes:
    """One province's whole file: the header line, then the rows."""
    body = body_bytes(rows)
    head = json.dumps(header(province, month, body, len(rows)), separators=(",", ":"))
    return f"{head}\n".encode() + body


def _replace(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_national_findings(*, lake: Path, month: str, cross: pl.DataFrame) -> dict[str, int]:
    """Write each province's file of ``cross`` findings (``cross.CROSS_SCHEMA``) for ``month``: every
    province with a lake partition for the month (and any other the findings name). Returns rows per
    province."""
    provinces = sorted(set(L.provinces_in(lake, month)) | set(cross["province"].to_list()))
    ordered = cross.sort(["province", "rule_code", "project_id", "person_bidx", "subject_key"])
    written: dict[str, int] = {}
    for province in provinces:
        rows = [_row(r) for r in ordered.filter(pl.col("province") == province).iter_rows(named=True)]
        _replace(L.national_alerts_path(lake, province, month), findings_bytes(province, month, rows))
        written[province] = len(rows)
    return written
