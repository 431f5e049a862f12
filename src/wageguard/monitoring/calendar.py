"""Months, deadlines and the Polars working-day calendar built from the shared ``wageguard.workdays``."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl

from wageguard.workdays import DEFAULT_CALENDAR, WorkingCalendar


def parse_month(text: str) -> date:
    """``YYYY-MM`` → first day of that month."""
    year, month = text.split("-")
    return date(int(year), int(month), 1)


def month_key(first: date) -> str:
    return f"{first.year:04d}-{first.month:02d}"


def add_months(first: date, n: int) -> date:
    index = first.year * 12 + first.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def months_back(as_of: date, count: int) -> list[date]:
    """The ``count`` whole months before the month of ``as_of``, oldest first."""
    this = as_of.replace(day=1)
    return [add_months(this, -k) for k in range(count, 0, -1)]


def working_day_calendar(start: date, end: date, workdays: WorkingCalendar | None = None) -> pl.DataFrame:
    """One row per day in [start, end]: ``day``, ``is_working``, ``wd_index`` (working days up to it).
    ``workdays`` carries the database overrides (``load_calendar``); the built-in calendar when omitted."""
    cal = workdays or DEFAULT_CALENDAR
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    working = [cal.is_working_day(d) for d in days]
    return pl.DataFrame({"day": days, "is_working": working}).with_columns(
        pl.col("is_working").cast(pl.Int64).cum_sum().alias("wd_index")
    )


def join_working_days(frame: pl.DataFrame, calendar: pl.DataFrame, column: str, alias: str) -> pl.DataFrame:
    """Add ``alias`` = working-day index of the date in ``column`` (null where the date is null)."""
    lo: date = calendar["day"].min()  # type: ignore[assignment]
    hi: date = calendar["day"].max()  # type: ignore[assignment]
    lookup = calendar.select(pl.col("day").alias("__day"), pl.col("wd_index").alias(alias))
    clipped = frame.with_columns(pl.col(column).clip(lo, hi).alias("__day"))
    return clipped.join(lookup, on="__day", how="left").drop("__day")
