"""``wageguard facts export``: a month's engine facts as Parquet, one partition per province.

The frames are exactly those the engine evaluates for a one-month run (``load_facts`` with W16's gate days,
complaints and risk scores attached, and the working-day overrides), split by the province of each row's
project (else of its own region code). They carry no personal number in clear: the facts hold database ids,
names, masked card numbers and blind indexes only (``tests/lake`` checks every column).

Each province is written to ``_staging`` first, then moved in by renames and sealed by its manifest
(written last, with each file's SHA-256): a re-export replaces the partition; a crash while writing leaves
the old partition as it was; ``partition.read_partition`` refuses a partition whose files and manifest
disagree.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import uuid
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import polars as pl

from wageguard.config import Settings
from wageguard.db import Database
from wageguard.lake import layout as L
from wageguard.lake.keys import KEY_SCHEMAS, load_keys
from wageguard.monitoring import facts as F
from wageguard.monitoring.arrow_io import reading
from wageguard.monitoring.calendar import month_key
from wageguard.monitoring.engine import attach_complaints, attach_risk_scores, load_facts
from wageguard.workdays import WorkingCalendar, load_calendar


@dataclass(frozen=True)
class MonthFacts:
    """What one month's evaluation reads: the facts and the working-day calendar with its overrides."""

    facts: F.Facts
    workdays: WorkingCalendar
    keys: dict[str, pl.DataFrame] = field(default_factory=dict)  # national key frames (``keys.load_keys``)


@dataclass(frozen=True)
class ExportSummary:
    month: str
    as_of: date
    provinces: dict[str, dict[str, int]]  # province -> frame -> rows


def read_month_facts(db: Database, settings: Settings, month: date, as_of: date) -> MonthFacts:
    """The facts and calendar a one-month ``run_monitoring`` evaluates (same loads, same attachments), and
    the month's national keys."""
    facts = load_facts(db, settings, month, as_of, [month_key(month)], [month])
    facts = attach_risk_scores(db, attach_complaints(db, facts))
    with db.sessions() as session:
        workdays = load_calendar(session)
    with reading(db.engine):
        keys = load_keys(db.engine, month, as_of)
    return MonthFacts(facts, workdays, keys)


def _with_province(frame: pl.DataFrame, projects: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with a ``__province`` column: its project's province, else its own region's."""
    own = L.province_of(pl.col("region_code")) if "region_code" in frame.columns else pl.lit(None)
    if "project_id" in frame.columns:
        by_project = projects.select("project_id", L.province_of(pl.col("region_code")).alias("__pp"))
        frame = frame.join(by_project, on="project_id", how="left", maintain_order="left")
        return frame.with_columns(
            pl.coalesce(pl.col("__pp"), own, pl.lit(L.NO_PROVINCE)).alias("__province")
        ).drop("__pp")
    return frame.with_columns(pl.coalesce(own, pl.lit(L.NO_PROVINCE)).alias("__province"))


def split_by_province(month: MonthFacts) -> dict[str, MonthFacts]:
    """One ``MonthFacts`` per province present in any frame (each frame filtered to that province's rows)."""
    f = month.facts
    named = {n: getattr(f, n) for n in L.FACT_FRAMES} | month.keys
    tagged = {n: _with_province(frame, f.projects) for n, frame in named.items()}
    provinces = sorted(set().union(*(set(t["__province"].to_list()) for t in tagged.values())))
    out = {}
    for p in provinces:
        parts = {n: t.filter(pl.col("__province") == p).drop("__province") for n, t in tagged.items()}
        facts = replace(f, **{n: parts[n] for n in L.FACT_FRAMES})  # type: ignore[arg-type]
        out[p] = MonthFacts(facts, month.workdays, {n: parts[n] for n in month.keys})
    return out


def calendar_frame(workdays: WorkingCalendar) -> pl.DataFrame:
    """The working-day overrides as a frame (``day``, ``is_working``), by day."""
    rows = sorted(workdays.overrides.items())
    return pl.DataFrame(rows, schema=L.CALENDAR_SCHEMA, orient="row")


def _canonical(frame: pl.DataFrame) -> pl.DataFrame:
    """Rows in a fixed order (every sortable column), so an unchanged month gives identical files."""
    keys = [c for c, t in frame.schema.items() if not isinstance(t, pl.List | pl.Struct)]
    return frame.sort(keys, nulls_last=True) if keys and frame.height else frame


def _parquet_bytes(frame: pl.DataFrame) -> bytes:
    buf = io.BytesIO()
    _canonical(frame).write_parquet(buf, compression="zstd", statistics=True)
    return buf.getvalue()


def _write_file(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def _stage(stage: Path, frames: dict[str, pl.DataFrame], manifest: dict[str, object]) -> dict[str, object]:
    """Write every frame under ``stage``; the manifest (returned, with rows and SHA-256s) goes in last."""
    rows: dict[str, int] = {}
    sha: dict[str, str] = {}
    for name, frame in frames.items():
        data = _parquet_bytes(frame)
        _write_file(stage / name / L.PART_FILE, data)
        rows[name], sha[name] = frame.height, hashlib.sha256(data).hexdigest()
    sealed = {**manifest, "rows": rows, "sha256": sha}
    _write_file(stage / "manifest.json", json.dumps(sealed, indent=2, sort_keys=True).encode())
    return sealed


def _commit(lake: Path, stage: Path, province: str, month: str) -> None:
    """Move the staged frames in (each replacing its old partition folder), then the manifest."""
    trash = lake / L.STAGING_DIR / f"old-{uuid.uuid4().hex}"
    for name in L.FRAMES:
        final = L.partition_dir(lake, name, province, month)
        final.parent.mkdir(parents=True, exist_ok=True)
        if final.exists():
            trash.mkdir(parents=True, exist_ok=True)
            os.rename(final, trash / name)
        os.rename(stage / name, final)
    target = L.manifest_path(lake, province, month)
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(stage / "manifest.json", target)
    shutil.rmtree(trash, ignore_errors=True)


def write_partition(lake: Path, province: str, month: MonthFacts) -> dict[str, int]:
    """Write one province-month (replacing any earlier export of it); returns rows per frame."""
    f = month.facts
    frames = {n: getattr(f, n) for n in L.FACT_FRAMES} | {L.CALENDAR_FRAME: calendar_frame(month.workdays)}
    frames |= {
        n: F.conform(month.keys[n], KEY_SCHEMAS[n]) if n in month.keys else F.empty(KEY_SCHEMAS[n])
        for n in L.KEY_FRAMES
    }
    manifest: dict[str, object] = {
        "schema_version": L.SCHEMA_VERSION,
        "province": province,
        "month": f.period,
        "as_of": f.as_of.isoformat(),
        "gate_periods": [d.isoformat() for d in f.gate_periods],
    }
    for stale in (lake / L.STAGING_DIR).glob(f"{province}-{f.period}-*"):  # left by a killed export
        shutil.rmtree(stale, ignore_errors=True)
    stage = lake / L.STAGING_DIR / f"{province}-{f.period}-{uuid.uuid4().hex}"
    try:
        sealed = _stage(stage, frames, manifest)
        _commit(lake, stage, province, f.period)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    rows = sealed["rows"]
    assert isinstance(rows, dict)
    return rows


def export_month(*, db: Database, settings: Settings, month: date, as_of: date, out: Path) -> ExportSummary:
    """Export ``month``'s facts as of ``as_of`` to the lake at ``out``, one partition per province."""
    whole = read_month_facts(db, settings, month, as_of)
    out.mkdir(parents=True, exist_ok=True)
    written = {p: write_partition(out, p, part) for p, part in split_by_province(whole).items()}
    return ExportSummary(month_key(month), as_of, written)
