"""W16 — gate device silent (blind spot), judged on the gate's punches by work day."""

from __future__ import annotations

from datetime import date

import polars as pl

from wageguard.monitoring.calendar import add_months, month_key
from wageguard.monitoring.choices import Level, SubjectType
from wageguard.monitoring.rules import register
from wageguard.monitoring.rules.base import Rule, RuleInput, findings

HISTORY_DAYS = 30  # gate facts are read from this many days (and one) before the first judged month
KEY = ["project_id", "source", "channel"]


def gate_rows(frame: pl.DataFrame, devices: pl.DataFrame) -> pl.DataFrame:
    """``frame`` (keyed by project, source, channel) with the ``device_id`` each row counts for: a device's
    own punches (source = its serial); batch punches naming a device's serial or gate name in ``channel``;
    batch punches naming no registered gate, for the project's gate when it has exactly one."""
    own = frame.join(devices.select(pl.col("serial").alias("source"), "device_id"), on="source")
    batch = frame.filter(pl.col("source").str.starts_with("batch:"))
    names = pl.concat(
        [
            devices.select("project_id", pl.col("serial").alias("channel"), "device_id"),
            devices.filter(pl.col("gate") != "").select(
                "project_id", pl.col("gate").alias("channel"), "device_id"
            ),
        ]
    ).unique()
    named = batch.join(names, on=["project_id", "channel"])
    single = devices.group_by("project_id").agg(pl.col("device_id").first(), pl.len().alias("gates"))
    unnamed = batch.join(names, on=["project_id", "channel"], how="anti").join(
        single.filter(pl.col("gates") == 1).select("project_id", "device_id"), on="project_id"
    )
    cols = [*frame.columns, "device_id"]
    return pl.concat([own.select(cols), named.select(cols), unnamed.select(cols)])


def punch_days(months: pl.DataFrame) -> pl.DataFrame:
    """(device_id, day) for every day a gate-month's ``day_mask`` marks as having punches."""
    first = (pl.col("month") + "-01").str.to_date("%Y-%m-%d")
    bits = pl.DataFrame({"dom": list(range(1, 32)), "bit": [1 << d for d in range(1, 32)]}).cast(pl.Int64)
    return (
        months.select("device_id", first.alias("first"), "day_mask")
        .join(bits, how="cross")
        .filter((pl.col("day_mask") & pl.col("bit")) != 0)
        .select("device_id", (pl.col("first") + pl.duration(days=pl.col("dom") - 1)).alias("day"))
    )


def judged_days(inp: RuleInput) -> pl.DataFrame:
    """The Chinese working days W16 judges: of its months (``gate_periods``, else the facts' month), those
    wholly before ``as_of``, with the month key as ``period``."""
    months = inp.facts.gate_periods or (inp.facts.month,)
    spans = [(m, min(add_months(m, 1), inp.as_of)) for m in months]
    day = pl.col("day")
    inside = pl.any_horizontal([(day >= lo) & (day < hi) for lo, hi in spans]) if spans else pl.lit(False)
    return inp.calendar.filter(pl.col("is_working") & inside).select(
        day, day.dt.strftime("%Y-%m").alias("period")
    )


def evaluate(inp: RuleInput) -> pl.DataFrame:
    """A gate device of an active project (在建, on or after its start date) recorded no punch on one or
    more Chinese working days of month M, although it had punches on an earlier day: silent for those days.
    Its punches are counted by work day (event time), whenever they arrived, and only days wholly before
    ``as_of``; punches sent in the national WorkerAttendance batch count for the gate they name in
    ``channel`` (serial or gate name; a batch naming none, for a project's only gate). One alert per gate
    and month: the days, how many, the gate's usual daily punches (per punch day, over that month and the
    one before) and its last punch day before them. The months are the run's and
    the as-of month so far. Weekends and holidays never count; a gate never used is not judged (the live
    device list shows it).

    Basis: data quality (a silent gate hides attendance, so arrears cannot be proven).
    """
    f = inp.facts
    p = f.projects.select(
        "project_id", "project_code", "status", "start_date", pl.col("region_code").alias("project_region")
    )
    devices = f.devices.join(p, on="project_id", how="inner").filter(pl.col("status") == "003")
    days = judged_days(inp)
    if devices.is_empty() or days.is_empty():
        return findings(
            devices.head(0).with_columns(pl.lit(None, pl.String).alias("period")),
            "W16",
            level=Level.YELLOW,
            subject_type=SubjectType.DEVICE,
            subject_id="device_id",
            period=pl.col("period"),
            evidence=[],
        )
    ids = devices.select("project_id", "serial", "gate", "device_id")
    months = (
        gate_rows(f.gate_months, ids)
        .group_by("device_id", "month")
        .agg(pl.col("day_mask").bitwise_or(), pl.col("punches").sum())
    )
    per_day = punch_days(months)
    first = gate_rows(f.gate_first, ids).group_by("device_id").agg(pl.col("first_day").min())
    grid = (
        devices.join(first, on="device_id", how="inner")
        .join(days, how="cross")
        .filter(
            (pl.col("day") > pl.col("first_day"))
            & (pl.col("start_date").is_null() | (pl.col("day") >= pl.col("start_date")))
        )
    )
    silent = grid.join(per_day, on=["device_id", "day"], how="anti")
    hit = silent.group_by("device_id", "period").agg(
        pl.col("serial", "gate", "project_id", "project_code", "region_code", "project_region").first(),
        pl.col("day").sort().alias("days"),
    )
    hit = hit.with_columns(pl.col("days").list.first().alias("first_silent"))
    flagged = hit.select("device_id", "period", "first_silent")
    last = (
        per_day.join(flagged, on="device_id")
        .filter(pl.col("day") < pl.col("first_silent"))
        .group_by("device_id", "period")
        .agg(pl.col("day").max().alias("last_punch_day"))
    )
    prior = (pl.col("period") + "-01").str.to_date("%Y-%m-%d").dt.offset_by("-1mo").dt.strftime("%Y-%m")
    volume = (
        months.join(flagged.with_columns(prior.alias("prior")), on="device_id")
        .filter((pl.col("month") == pl.col("period")) | (pl.col("month") == pl.col("prior")))
        .group_by("device_id", "period")
        .agg(
            (pl.col("punches").sum() / pl.col("day_mask").bitwise_count_ones().sum())
            .round(0)
            .cast(pl.Int64)
            .alias("usual_daily_punches")
        )
    )
    hit = hit.join(last, on=["device_id", "period"], how="left").join(
        volume, on=["device_id", "period"], how="left"
    )
    hit = hit.with_columns(pl.coalesce("region_code", "project_region").alias("region_code"))
    return findings(
        hit.sort("device_id", "period"),
        "W16",
        level=Level.YELLOW,
        subject_type=SubjectType.DEVICE,
        subject_id="device_id",
        period=pl.col("period"),
        evidence=[
            pl.col("serial"),
            pl.col("gate"),
            pl.col("project_code"),
            pl.col("days").list.eval(pl.element().dt.strftime("%Y-%m-%d")).alias("silent_days"),
            pl.col("days").list.len().cast(pl.Int64).alias("working_days_silent"),
            pl.col("usual_daily_punches"),
            pl.col("last_punch_day").dt.strftime("%Y-%m-%d"),
        ],
    )


def gate_periods(months: list[date], as_of: date) -> tuple[date, ...]:
    """The months W16 judges in a run: the run's months and, when later than all of them, ``as_of``'s."""
    current = as_of.replace(day=1)
    extra = [current] if months and current > max(months) else []
    return tuple(sorted(set(months))) + tuple(extra)


def period_keys(months: list[date], as_of: date) -> list[str]:
    """The alert periods W16 owns in a run: its months, and '' (alerts of the rule's former, period-less
    form are cleared by data)."""
    return [month_key(m) for m in gate_periods(months, as_of)] + [""]


RULE = register(
    Rule(
        "W16",
        Level.YELLOW,
        SubjectType.DEVICE,
        False,
        "考勤设备长时间无数据",
        "gate device silent",
        "《保障农民工工资支付条例》第二十八条（用工实名登记与考勤管理）",
        evaluate,
        month_to_date=True,
        basis_en=(
            "Regulations on Ensuring the Payment of Wages to Migrant Workers, Art. 28 "
            "(real-name registration and attendance)"
        ),
    )
)
