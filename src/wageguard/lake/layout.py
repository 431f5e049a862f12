"""Where a province-month lives in the lake, and which province a region belongs to.

::

    DIR/<frame>/province=<PPPPPP>/month=<YYYY-MM>/part-0.parquet   one file per Facts frame
    DIR/calendar_overrides/province=.../month=.../part-0.parquet    the working-day overrides used
    DIR/card_payments/..., DIR/person_days/...                       national keys (blind indexes only)
    DIR/_manifest/province=<PPPPPP>/month=<YYYY-MM>/manifest.json    as_of, rows and SHA-256 per frame

The manifest is written last: a partition is whole when every file's SHA-256 matches it.
"""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import polars as pl

from wageguard.monitoring.facts import Facts

SCHEMA_VERSION = 1
PART_FILE = "part-0.parquet"
MANIFEST_DIR = "_manifest"
STAGING_DIR = "_staging"
CALENDAR_FRAME = "calendar_overrides"
NO_PROVINCE = "000000"  # rows with neither a project nor a region (none expected)
FACT_FRAMES: tuple[str, ...] = tuple(
    f.name for f in fields(Facts) if f.name not in ("month", "as_of", "gate_periods")
)
KEY_FRAMES = ("card_payments", "person_days")  # blind-indexed keys for the cross-province checks (keys.py)
FRAMES: tuple[str, ...] = (*FACT_FRAMES, CALENDAR_FRAME, *KEY_FRAMES)
CALENDAR_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {"day": pl.Date, "is_working": pl.Boolean}


def partition_dir(lake: Path, frame: str, province: str, month: str) -> Path:
    """The folder of one frame's province-month partition."""
    return lake / frame / f"province={province}" / f"month={month}"


def manifest_path(lake: Path, province: str, month: str) -> Path:
    return lake / MANIFEST_DIR / f"province={province}" / f"month={month}" / "manifest.json"


def province_of(region: pl.Expr) -> pl.Expr:
    """The 6-digit province code of a GB/T 2260 region code (first two digits + ``0000``)."""
    return pl.when(region.str.len_chars() >= 2).then(region.str.slice(0, 2) + "0000").otherwise(None)


def provinces_in(lake: Path, month: str) -> list[str]:
    """The provinces with a manifest for ``month``, sorted."""
    root = lake / MANIFEST_DIR
    found = root.glob(f"province=*/month={month}/manifest.json") if root.is_dir() else []
    return sorted(p.parent.parent.name.removeprefix("province=") for p in found)


NATIONAL_ALERTS_DIR = "national-alerts"  # N01–N03 findings back to each province (``outbound``)
FINDINGS_FILE = "findings.jsonl"


def national_alerts_path(lake: Path, province: str, month: str) -> Path:
    """The file of one province's national findings for ``month`` (``wageguard national import``)."""
    return lake / NATIONAL_ALERTS_DIR / f"province={province}" / f"month={month}" / FINDINGS_FILE
