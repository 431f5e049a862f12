"""W16 — gate device silent (blind spot)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import polars as pl

from wageguard.monitoring.calendar import join_working_days
from wageguard.monitoring.choices import Level, SubjectType
from wageguard.monitoring.rules import register
from wageguard.monitoring.rules.base import Rule, RuleInput, findings


def evaluate(inp: RuleInput) -> pl.DataFrame:
    """An active gate device of an active project sent neither punches nor a heartbeat for more than
    ``device_silence_hours`` (default 24) before the start of the ``as_of`` day, and at least one whole
    Chinese working day passed in that silence (a weekend or holiday alone does not fire it). A device
    never heard from counts from its registration.

    Basis: data quality (a silent gate hides attendance, so arrears cannot be proven).
    """
    now = datetime.combine(inp.as_of, time())
    last = pl.max_horizontal("last_seen_at", "last_punch_at").fill_null(pl.col("created_at"))
    d = inp.facts.devices.with_columns(last.alias("last_heard"), last.dt.date().alias("last_day"))
    d = join_working_days(d, inp.calendar, "last_day", "last_wd")
    prev = inp.calendar.filter(pl.col("day") == inp.as_of - timedelta(days=1))["wd_index"]
    prev_wd = int(prev[0]) if len(prev) else 0
    p = inp.projects_with("device_silence_hours").select(
        "project_id",
        "project_code",
        "status",
        pl.col("region_code").alias("project_region"),
        "device_silence_hours",
    )
    d = d.join(p, on="project_id", how="inner").with_columns(
        ((pl.lit(now) - pl.col("last_heard")).dt.total_minutes() / 60).alias("silent_hours"),
        pl.coalesce("region_code", "project_region").alias("region_code"),
    )
    hit = d.filter(
        (pl.col("status") == "003")
        & (pl.col("silent_hours") > pl.col("device_silence_hours"))
        & (pl.lit(prev_wd) - pl.col("last_wd").fill_null(0) >= 1)
    )
    return findings(
        hit,
        "W16",
        level=Level.YELLOW,
        subject_type=SubjectType.DEVICE,
        subject_id="device_id",
        period="",
        evidence=[
            pl.col("serial"),
            pl.col("project_code"),
            pl.col("last_heard"),
            pl.col("silent_hours").floor().cast(pl.Int64).alias("silent_hours"),
        ],
    )


RULE = register(
    Rule(
        "W16",
        Level.YELLOW,
        SubjectType.DEVICE,
        False,
        "考勤设备长时间无数据",
        "gate device silent",
        "data quality",
        evaluate,
    )
)
