"""Reconciliation: attended days vs declared pay vs money received, per worker-month, project and region.

Pure functions over Polars frames (no I/O). Definitions:

- **declared pay** (应发 basis for comparison): the net (实发) of the worker's current pay-sheet lines for the
  month; where there is no pay-sheet line, the labour contract: daily rate × attended days, or the monthly
  rate × min(1, attended days / full-month days); piece-rate contracts without a sheet have no declared
  figure (``declared_source`` tells which one was used: ``sheet``, ``contract_daily``, ``contract_monthly``).
- **paid**: successful payments attributed to the month, to the worker's own card (``received_fen``) or to
  another card (``other_card_fen``); failed and returned transfers count for nothing.
- **shortfall**: declared − paid, never below zero; null where nothing is declared.
- **deadline**: the project's pay day in the next month (clamped to the month's length) + grace days; the
  month is **due** once ``as_of`` is after the deadline.
- **status**: ``paid_without_attendance`` (paid, 0 days) › ``paid_other_card`` › ``unpaid`` / ``not_due``
  (nothing paid) › ``partly_paid`` (shortfall above tolerance) › ``paid_late`` (last payment after the
  deadline) › ``paid``.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from wageguard.monitoring.calendar import add_months
from wageguard.monitoring.choices import PayStatus


def project_deadlines(
    projects: pl.DataFrame, thresholds: pl.DataFrame, month: date, as_of: date
) -> pl.DataFrame:
    """Per project: ``deadline`` for paying month ``month``, ``due`` (as_of past it), ``red_phase``."""
    nxt = add_months(month, 1)
    last_day = (add_months(nxt, 1) - nxt).days
    frame = projects.select("project_id", "region_code", "pay_day", "grace_days").join(
        thresholds.select(
            "region_code", pl.col("pay_day").alias("pay_day_d"), pl.col("grace_days").alias("grace_d")
        ),
        on="region_code",
        how="left",
    )
    day = pl.coalesce("pay_day", "pay_day_d", pl.lit(15)).clip(1, last_day)
    grace = pl.coalesce("grace_days", "grace_d", pl.lit(4))
    deadline = pl.date(nxt.year, nxt.month, day) + pl.duration(days=grace)
    return frame.select(
        "project_id",
        deadline.alias("deadline"),
        (pl.lit(as_of) > deadline).alias("due"),
        pl.lit(as_of >= add_months(month, 2)).alias("red_phase"),
    )


def declared_pay(full_month_days: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """Expressions for (declared_fen, declared_source) of a worker-month frame."""
    has_sheet = pl.col("sheet_lines") > 0
    daily = pl.col("contract_basis") == "daily"
    monthly = pl.col("contract_basis") == "monthly"
    share = (pl.col("attended_days").cast(pl.Float64) / full_month_days).clip(0.0, 1.0)
    fen = (
        pl.when(has_sheet)
        .then(pl.col("sheet_net_fen"))
        .when(daily & pl.col("contract_rate_fen").is_not_null())
        .then(pl.col("contract_rate_fen") * pl.col("attended_days"))
        .when(monthly & pl.col("contract_rate_fen").is_not_null())
        .then((pl.col("contract_rate_fen").cast(pl.Float64) * share).round(0).cast(pl.Int64))
        .otherwise(None)
    )
    source = (
        pl.when(has_sheet)
        .then(pl.lit("sheet"))
        .when(daily & pl.col("contract_rate_fen").is_not_null())
        .then(pl.lit("contract_daily"))
        .when(monthly & pl.col("contract_rate_fen").is_not_null())
        .then(pl.lit("contract_monthly"))
        .otherwise(None)
    )
    return fen, source


def _status() -> pl.Expr:
    paid = pl.col("paid_fen")
    short = pl.col("shortfall_fen").fill_null(0) > pl.col("underpay_tolerance_fen")
    return (
        pl.when((pl.col("attended_days") == 0) & (paid > 0))
        .then(pl.lit(PayStatus.PAID_WITHOUT_ATTENDANCE.value))
        .when(pl.col("other_card_fen") > 0)
        .then(pl.lit(PayStatus.PAID_OTHER_CARD.value))
        .when((paid == 0) & pl.col("due"))
        .then(pl.lit(PayStatus.UNPAID.value))
        .when(paid == 0)
        .then(pl.lit(PayStatus.NOT_DUE.value))
        .when(short)
        .then(pl.lit(PayStatus.PARTLY_PAID.value))
        .when(pl.col("last_paid_on") > pl.col("deadline"))
        .then(pl.lit(PayStatus.PAID_LATE.value))
        .otherwise(pl.lit(PayStatus.PAID.value))
    )


def reconcile_worker_months(
    worker_months: pl.DataFrame, deadlines: pl.DataFrame, thresholds: pl.DataFrame
) -> pl.DataFrame:
    """Worker-month facts + declared, paid, shortfall, deadline, due, late and status columns."""
    frame = worker_months.join(deadlines, on="project_id", how="left").join(
        thresholds.select("region_code", "underpay_tolerance_fen", "full_month_days", "min_wage_fen"),
        on="region_code",
        how="left",
    )
    frame = frame.with_columns(pl.col("due").fill_null(False), pl.col("red_phase").fill_null(False))
    fen, source = declared_pay(pl.col("full_month_days"))
    frame = frame.with_columns(
        fen.alias("declared_fen"),
        source.alias("declared_source"),
        (pl.col("received_fen") + pl.col("other_card_fen")).alias("paid_fen"),
    )
    frame = frame.with_columns(
        (pl.col("declared_fen") - pl.col("paid_fen")).clip(lower_bound=0).alias("shortfall_fen"),
        (pl.col("last_paid_on") > pl.col("deadline")).fill_null(False).alias("late"),
    )
    return frame.with_columns(_status().alias("status"))


def project_month_rollup(recon: pl.DataFrame) -> pl.DataFrame:
    """Per project: attended workers and days, declared, paid, unpaid workers and the amount owed."""
    attended = pl.col("attended_days") > 0
    unpaid = attended & (pl.col("paid_fen") == 0) & pl.col("due")
    owed = pl.when(pl.col("due")).then(pl.col("shortfall_fen").fill_null(0)).otherwise(0)
    return recon.group_by("project_id").agg(
        pl.col("region_code").first(),
        attended.sum().alias("attended_workers"),
        pl.col("attended_days").sum().alias("attended_days"),
        pl.col("declared_fen").sum().alias("declared_fen"),
        pl.col("paid_fen").sum().alias("paid_fen"),
        (attended & (pl.col("paid_fen") > 0)).sum().alias("paid_attended_workers"),
        (pl.col("paid_fen") > 0).sum().alias("paid_workers"),
        unpaid.sum().alias("unpaid_workers"),
        owed.sum().alias("owed_fen"),
        (pl.col("sheet_lines") > 0).sum().alias("sheet_workers"),
        pl.col("due").any().alias("due"),
        pl.col("red_phase").any().alias("red_phase"),
        pl.col("deadline").max().alias("deadline"),
    )


def region_month_rollup(project_month: pl.DataFrame) -> pl.DataFrame:
    """Per county: the project-month roll-up summed, plus how many projects owe wages."""
    return (
        project_month.group_by("region_code")
        .agg(
            pl.len().alias("projects"),
            (pl.col("unpaid_workers") > 0).sum().alias("projects_owing"),
            *[
                pl.col(c).sum()
                for c in (
                    "attended_workers",
                    "attended_days",
                    "declared_fen",
                    "paid_fen",
                    "unpaid_workers",
                    "owed_fen",
                )
            ],
        )
        .sort("region_code")
    )
