"""Read one province-month of the lake back into the engine's ``Facts`` (pure Polars, no database)."""

from __future__ import annotations

import hashlib
import io
import json
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl

from wageguard.errors import Conflict, NotFound
from wageguard.lake import layout as L
from wageguard.monitoring.calendar import parse_month
from wageguard.monitoring.facts import Facts
from wageguard.workdays import WorkingCalendar


def read_manifest(lake: Path, province: str, month: str) -> dict[str, Any]:
    """The partition's manifest (as_of, schema version, rows and SHA-256 per frame)."""
    path = L.manifest_path(lake, province, month)
    if not path.is_file():
        raise NotFound(
            f"no lake partition province={province} month={month} in {lake}",
            message_zh=f"湖中没有 {province} 省 {month} 月的分区。",
        )
    manifest: dict[str, Any] = json.loads(path.read_text())
    if manifest.get("schema_version") != L.SCHEMA_VERSION:
        raise Conflict(
            f"lake partition {province}/{month} has schema version {manifest.get('schema_version')}",
            message_zh=f"分区 {province}/{month} 的格式版本不符，请重新导出。",
        )
    return manifest


def _frame(lake: Path, name: str, province: str, month: str, manifest: dict[str, Any]) -> pl.DataFrame:
    path = L.partition_dir(lake, name, province, month) / L.PART_FILE
    data = path.read_bytes() if path.is_file() else b""
    if hashlib.sha256(data).hexdigest() != manifest["sha256"].get(name):
        raise Conflict(
            f"lake partition {province}/{month} is incomplete ({name} differs from its manifest); re-export",
            message_zh=f"分区 {province}/{month} 不完整（{name} 与清单不符），请重新导出。",
        )
    return pl.read_parquet(io.BytesIO(data))


def read_partition(lake: Path, province: str, month: str) -> Facts:
    """The ``Facts`` of one province-month, exactly as exported (every file checked against the manifest)."""
    manifest = read_manifest(lake, province, month)
    frames = {n: _frame(lake, n, province, month, manifest) for n in L.FACT_FRAMES}
    return Facts(
        month=parse_month(month),
        as_of=date.fromisoformat(manifest["as_of"]),
        gate_periods=tuple(date.fromisoformat(d) for d in manifest["gate_periods"]),
        **frames,
    )


def read_calendar(lake: Path, province: str, month: str) -> WorkingCalendar:
    """The working-day calendar (built-in plus the exported overrides) the partition is judged with."""
    frame = _frame(lake, L.CALENDAR_FRAME, province, month, read_manifest(lake, province, month))
    return WorkingCalendar(dict(zip(frame["day"].to_list(), frame["is_working"].to_list(), strict=True)))
