"""The engine's per-worker facts from the fact mirror (``mirror.py``): the same frames the SQL loaders in
``facts.py`` return, with their event-time filters applied in Polars instead of SQL."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl

from wageguard.monitoring import facts as F
from wageguard.monitoring.calendar import add_months, month_key
from wageguard.monitoring.mirror import Refresh

NO_PERIOD = ""


def _months(first: date, last: date) -> list[str]:
    """Month keys from ``first``'s month to ``last``'s, inclusive."""
    out, m = [], first.replace(day=1)
    while m <= last:
        out.append(month_key(m))
        m = add_months(m, 1)
    return out


def whole_month(month: date, as_of: date) -> bool:
    """Whether a run as of ``as_of`` reads ``month``'s attendance as a whole month (else day by day)."""
    return as_of >= add_months(month, 1) - timedelta(days=1)


def needed(months: list[date], as_of: date, gate_start: date | None) -> list[tuple[str, str]]:
    """Every (mirror, period) a full run over ``months`` as of ``as_of`` loads."""
    out = {("roster", NO_PERIOD), ("contracts", NO_PERIOD)}
    for month in months:
        m = month_key(month)
        if whole_month(month, as_of):
            out.add(("attendance", m))
        out |= {("lines", m), ("sheets", m)}
        out |= {("payments", k) for k in _months(month.replace(month=1), month)}
    if gate_start is not None:
        out |= {("gates", k) for k in _months(gate_start, as_of)}
    return sorted(out)


def worker_months(loaded: Refresh, month: date, as_of: date, attendance: pl.DataFrame | None) -> pl.DataFrame:
    """``facts.load_worker_months(engine, month, as_of=as_of)`` from the mirror; ``attendance`` is the
    month-to-date attendance (``facts.attendance_until``) when the month is not yet whole."""
    m = month_key(month)
    att = loaded.frame("attendance", m) if attendance is None else attendance
    roster = loaded.frame("roster", NO_PERIOD)
    sheets = (
        loaded.frame("sheets", m)
        .filter(pl.col("is_current") == 1)
        .select("sheet_id", "team_id")
        .unique("sheet_id")
    )
    by_as_of = pl.col("value_date") <= pl.lit(as_of)
    pays = loaded.frame("payments", m).filter(pl.col("project_id").is_not_null() & by_as_of)
    year_frames = [loaded.frame("payments", k) for k in _months(month.replace(month=1), month)]
    year = (
        pl.concat(year_frames)
        .filter(
            (pl.col("status") == "success")
            & pl.col("outcome").is_in(["matched", "other_card"])
            & pl.col("worker_id").is_not_null()
            & by_as_of
        )
        .group_by("worker_id")
        .agg(pl.col("amount_fen").sum().cast(pl.Int64).alias("year_paid_fen"))
    )
    nxt = add_months(month, 1)
    contracts = (
        loaded.frame("contracts", NO_PERIOD)
        .filter(
            (pl.col("start_date") < pl.lit(nxt))
            & (pl.col("end_date").is_null() | (pl.col("end_date") >= pl.lit(month)))
            & (pl.col("start_date") <= pl.lit(as_of))
        )
        .drop("end_date")
    )
    return F.combine_month(att, roster, loaded.frame("lines", m), sheets, pays, year, contracts, as_of)


def gate_months(loaded: Refresh, start: date, as_of: date) -> pl.DataFrame:
    """``facts.load_gate_months(engine, start, as_of)`` from the mirror."""
    days = pl.concat([loaded.frame("gates", k) for k in _months(start, as_of)]).filter(
        (pl.col("work_date") >= pl.lit(start)) & (pl.col("work_date") < pl.lit(as_of))
    )
    out = days.group_by(
        "project_id", "source", "channel", pl.col("work_date").dt.strftime("%Y-%m").alias("month")
    ).agg(
        pl.lit(2, pl.Int64).pow(pl.col("work_date").dt.day().cast(pl.Int64)).sum().alias("day_mask"),
        pl.col("punches").sum().cast(pl.Int64).alias("punches"),
    )
    return F.conform(out, F.GATE_MONTH_SCHEMA)
