"""The scorecard's factor values per enterprise as of a data date, set-based.

One grouped query per family of factors (tax years, credit records, registrations, contract payments,
alerts, complaints, bank payments, labour-cost inflows), aggregated by enterprise or by project in SQL and
rolled up to the general contractor (``projects.contractor_id``) in Polars; no per-enterprise query. Every
read is by event time: only what had happened by ``as_of`` counts (tax years up to its year, records dated
up to it, payments valued by it). The result has one row per enterprise with ``enterprise_id``,
``region_code`` and one column per factor of ``scorecard.FACTORS``.
"""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
from sqlalchemy.engine import Engine

from wageguard.monitoring.arrow_io import date_days, read_frame, reading
from wageguard.monitoring.calendar import add_months, month_key

I64, F64, STR, DATE = pl.Int64, pl.Float64, pl.String, pl.Date

FEATURE_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "enterprise_id": I64,
    "region_code": STR,
    "tax_rating": STR,
    "tax_arrears_fen": I64,
    "abnormal_listed": I64,
    "dishonest_listed": I64,
    "penalties": I64,
    "social_insurance_arrears_fen": I64,
    "legal_rep_changes": I64,
    "years_established": F64,
    "paid_in_share": F64,
    "owner_delay_days": I64,
    "owner_arrears_share": F64,
    "red_alerts": I64,
    "other_alerts": I64,
    "complaints": I64,
    "days_late": F64,
    "inflow_lag_days": F64,
    "own_card_share": F64,
}
COUNTS = ("abnormal_listed", "dishonest_listed", "penalties", "legal_rep_changes")
PLATFORM_COUNTS = ("red_alerts", "other_alerts", "complaints")
EXCLUDED_RULES = ("W21",)
"""Alerts not counted as history: W21 is raised from the score itself."""


def _lit(d: date) -> str:
    return f"'{d.isoformat()}'"


def months_before(as_of: date, months: int) -> date:
    """The day ``months`` calendar months before ``as_of`` (clamped to the month's last day)."""
    first = add_months(as_of.replace(day=1), -months)
    last_day = (add_months(first, 1) - timedelta(days=1)).day
    return first.replace(day=min(as_of.day, last_day))


def enterprises(engine: Engine) -> pl.DataFrame:
    """Every enterprise with its region: its own, else the first region of its projects; its registry
    establishment date and registered capital (the feed's, where given, win)."""
    return read_frame(
        engine,
        """
        SELECT e.id AS enterprise_id,
               COALESCE(e.region_code,
                        (SELECT MIN(p.region_code) FROM projects p WHERE p.contractor_id = e.id), '')
                 AS region_code,
               e.establish_date, e.reg_capital_fen
        FROM enterprises e""",
        {"enterprise_id": I64, "region_code": STR, "establish_date": DATE, "reg_capital_fen": I64},
    )


def projects(engine: Engine) -> pl.DataFrame:
    """Projects with a general contractor: the enterprise whose history they are, pay day and grace."""
    return read_frame(
        engine,
        "SELECT id AS project_id, contractor_id AS enterprise_id, pay_day, grace_days FROM projects "
        "WHERE contractor_id IS NOT NULL",
        {"project_id": I64, "enterprise_id": I64, "pay_day": I64, "grace_days": I64},
    )


def tax(engine: Engine, as_of: date) -> pl.DataFrame:
    """The latest tax year up to ``as_of``'s year fed by then: rating and arrears."""
    rows = read_frame(
        engine,
        f"""
        SELECT enterprise_id, tax_year, rating AS tax_rating, arrears_fen AS tax_arrears_fen
        FROM risk_tax_years
        WHERE tax_year <= {as_of.year} AND (as_of IS NULL OR as_of <= {_lit(as_of)})""",
        {"enterprise_id": I64, "tax_year": I64, "tax_rating": STR, "tax_arrears_fen": I64},
    )
    return rows.sort("enterprise_id", "tax_year").group_by("enterprise_id").last().drop("tax_year")


def credit(engine: Engine, as_of: date, penalty_months: int, history_months: int) -> pl.DataFrame:
    """Per enterprise: listings in force on ``as_of`` (abnormal operation, dishonest debtor), penalties in
    the last ``penalty_months`` and legal-representative changes in the last ``history_months``."""
    d = _lit(as_of)
    in_force = f"event_date <= {d} AND (end_date IS NULL OR end_date > {d})"
    since_pen, since_rep = (
        _lit(months_before(as_of, penalty_months)),
        _lit(months_before(as_of, history_months)),
    )
    return read_frame(
        engine,
        f"""
        SELECT enterprise_id,
          SUM(CASE WHEN kind = 'abnormal' AND {in_force} THEN 1 ELSE 0 END) AS abnormal_listed,
          SUM(CASE WHEN kind = 'dishonest' AND {in_force} THEN 1 ELSE 0 END) AS dishonest_listed,
          SUM(CASE WHEN kind = 'penalty' AND event_date > {since_pen} AND event_date <= {d}
                   THEN 1 ELSE 0 END) AS penalties,
          SUM(CASE WHEN kind = 'legal_rep' AND event_date > {since_rep} AND event_date <= {d}
                   THEN 1 ELSE 0 END) AS legal_rep_changes
        FROM risk_credit_events
        WHERE kind IN ('abnormal', 'dishonest', 'penalty', 'legal_rep')
        GROUP BY enterprise_id""",
        {"enterprise_id": I64, **dict.fromkeys(COUNTS, I64)},
    )


def social_insurance(engine: Engine, as_of: date) -> pl.DataFrame:
    """The latest social-insurance arrears figure dated by ``as_of`` (0 once it has an end date by then)."""
    d = _lit(as_of)
    rows = read_frame(
        engine,
        f"""
        SELECT enterprise_id, event_date,
               CASE WHEN end_date IS NOT NULL AND end_date <= {d} THEN 0 ELSE COALESCE(amount_fen, 0) END
                 AS social_insurance_arrears_fen
        FROM risk_credit_events WHERE kind = 'social_insurance' AND event_date <= {d}""",
        {"enterprise_id": I64, "event_date": DATE, "social_insurance_arrears_fen": I64},
    )
    return rows.sort("enterprise_id", "event_date").group_by("enterprise_id").last().drop("event_date")


def registration(engine: Engine, as_of: date) -> pl.DataFrame:
    """The registration profile fed by ``as_of``: establishment date and capital."""
    return read_frame(
        engine,
        f"""
        SELECT enterprise_id, establish_date AS feed_established, reg_capital_fen AS feed_reg_fen,
               paid_in_capital_fen AS paid_in_fen
        FROM risk_registrations WHERE as_of IS NULL OR as_of <= {_lit(as_of)}""",
        {"enterprise_id": I64, "feed_established": DATE, "feed_reg_fen": I64, "paid_in_fen": I64},
    )


def contract_payments(engine: Engine, as_of: date) -> pl.DataFrame:
    """Per project: the longest delay of a progress payment due by ``as_of`` (paid late, or still unpaid:
    days to ``as_of``) and the amounts due and still owed on ``as_of``."""
    d = _lit(as_of)
    rows = read_frame(
        engine,
        f"""
        SELECT project_id, due_date, due_fen,
               CASE WHEN paid_date <= {d} THEN paid_date END AS paid_date,
               CASE WHEN paid_date <= {d} THEN COALESCE(paid_fen, 0) ELSE 0 END AS paid_fen
        FROM risk_contract_payments WHERE due_date <= {d}""",
        {"project_id": I64, "due_date": DATE, "due_fen": I64, "paid_date": DATE, "paid_fen": I64},
    )
    settled = pl.col("paid_date").is_not_null() & (pl.col("paid_fen") >= pl.col("due_fen"))
    until = pl.when(settled).then(pl.col("paid_date")).otherwise(pl.lit(as_of))
    return rows.group_by("project_id").agg(
        (until - pl.col("due_date")).dt.total_days().clip(lower_bound=0).max().alias("delay_days"),
        pl.col("due_fen").sum().alias("due_fen"),
        (pl.col("due_fen") - pl.col("paid_fen")).clip(lower_bound=0).sum().alias("owed_fen"),
    )


def alerts(engine: Engine, as_of: date, history_months: int) -> pl.DataFrame:
    """Per project: red and other alerts that held at some time in the last ``history_months`` (raised by
    ``as_of``, not cleared before the window), W21 excluded."""
    d, since = _lit(as_of), _lit(months_before(as_of, history_months))
    excluded = ", ".join(f"'{c}'" for c in EXCLUDED_RULES)
    return read_frame(
        engine,
        f"""
        SELECT project_id,
               SUM(CASE WHEN level = 'red' THEN 1 ELSE 0 END) AS red_alerts,
               SUM(CASE WHEN level <> 'red' THEN 1 ELSE 0 END) AS other_alerts
        FROM alerts
        WHERE project_id IS NOT NULL AND rule_code NOT IN ({excluded}) AND first_seen_on <= {d}
          AND (cleared_on IS NULL OR cleared_on > {since})
        GROUP BY project_id""",
        {"project_id": I64, "red_alerts": I64, "other_alerts": I64},
    )


def complaints(engine: Engine, as_of: date, history_months: int) -> pl.DataFrame:
    """Per project: complaints received (China date) in the last ``history_months``."""
    d, since = _lit(as_of), _lit(months_before(as_of, history_months))
    return read_frame(
        engine,
        f"""
        SELECT project_id, COUNT(*) AS complaints FROM complaints
        WHERE project_id IS NOT NULL AND received_date > {since} AND received_date <= {d}
        GROUP BY project_id""",
        {"project_id": I64, "complaints": I64},
    )


def payments(engine: Engine, as_of: date, history_months: int) -> pl.DataFrame:
    """Per project and pay month of the last ``history_months``: the first successful payment's value
    date (by ``as_of``), and how many successful payments went to the worker's own card (``matched``).
    Grouped in the order of ``ix_bank_payments_month_history`` (0003e), which holds every column read: one
    range of that index, no table rows and no sort, on either database."""
    d = _lit(as_of)
    first = month_key(add_months(as_of.replace(day=1), -history_months))
    return read_frame(
        engine,
        f"""
        SELECT project_id, pay_month, MIN({date_days(engine, "value_date")}) AS first_paid,
               COUNT(*) AS payments, SUM(CASE WHEN outcome = 'matched' THEN 1 ELSE 0 END) AS own_card
        FROM bank_payments
        WHERE status = 'success' AND project_id IS NOT NULL AND value_date <= {d}
          AND pay_month >= '{first}' AND pay_month < '{month_key(as_of.replace(day=1))}'
        GROUP BY pay_month, project_id""",
        {"project_id": I64, "pay_month": STR, "first_paid": DATE, "payments": I64, "own_card": I64},
    )


def inflows(engine: Engine, as_of: date, history_months: int) -> pl.DataFrame:
    """Per project: labour-cost inflows valued in the last ``history_months`` (count, first, last) and
    its payment cycle (``project_money_terms``, default 30 days)."""
    d, since = _lit(as_of), _lit(months_before(as_of, history_months))
    days = date_days(engine, "i.value_date")
    return read_frame(
        engine,
        f"""
        SELECT i.project_id, COUNT(*) AS inflows, MIN({days}) AS first_inflow, MAX({days}) AS last_inflow,
               COALESCE(MIN(t.payment_cycle_days), 30) AS cycle_days
        FROM labour_cost_inflows i LEFT JOIN project_money_terms t ON t.project_id = i.project_id
        WHERE i.project_id IS NOT NULL AND i.value_date > {since} AND i.value_date <= {d}
        GROUP BY i.project_id""",
        {"project_id": I64, "inflows": I64, "first_inflow": DATE, "last_inflow": DATE, "cycle_days": I64},
    )


def days_late(pays: pl.DataFrame, projs: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """Per project-month: days the first payment came after the deadline (the project's pay day of the
    next month + grace days; 0 when on time), for months whose deadline had passed by ``as_of``."""
    month = pl.col("pay_month").str.to_date("%Y-%m")
    next_month = month.dt.offset_by("1mo")
    last_day = next_month.dt.month_end().dt.day()
    pay_day = pl.min_horizontal(pl.col("pay_day").fill_null(15), last_day)
    deadline = next_month + pl.duration(days=pay_day - 1 + pl.col("grace_days").fill_null(4))
    frame = pays.join(projs, on="project_id", how="inner").with_columns(deadline.alias("deadline"))
    frame = frame.filter(pl.col("deadline") <= pl.lit(as_of))
    late = (pl.col("first_paid") - pl.col("deadline")).dt.total_days().clip(lower_bound=0)
    return frame.select("enterprise_id", late.alias("late"))


def inflow_lag(flows: pl.DataFrame) -> pl.DataFrame:
    """Per project with two or more inflows: the mean interval between them beyond the payment cycle."""
    span = (pl.col("last_inflow") - pl.col("first_inflow")).dt.total_days()
    lag = (span / (pl.col("inflows") - 1) - pl.col("cycle_days")).clip(lower_bound=0)
    return flows.filter(pl.col("inflows") >= 2).select("project_id", lag.alias("lag"))


def load_features(engine: Engine, as_of: date, params: dict[str, int]) -> pl.DataFrame:
    """Every enterprise's factor values as of ``as_of`` (``FEATURE_SCHEMA``), from one grouped read per
    family; ``params``: ``history_months`` (platform history, legal-representative changes) and
    ``penalty_months``."""
    months = int(params.get("history_months", 12))
    with reading(engine):
        base = enterprises(engine)
        projs = projects(engine)
        parts = [
            tax(engine, as_of),
            credit(engine, as_of, int(params.get("penalty_months", 24)), months),
            social_insurance(engine, as_of),
        ]
        reg = registration(engine, as_of)
        owner = contract_payments(engine, as_of)
        per_project = [alerts(engine, as_of, months), complaints(engine, as_of, months)]
        pays = payments(engine, as_of, months)
        flows = inflows(engine, as_of, months)
    return assemble(base, projs, parts, reg, owner, per_project, pays, flows, as_of)


def _by_enterprise(frame: pl.DataFrame, projs: pl.DataFrame, *aggs: pl.Expr) -> pl.DataFrame:
    return (
        frame.join(projs.select("project_id", "enterprise_id"), on="project_id")
        .group_by("enterprise_id")
        .agg(*aggs)
    )


def assemble(
    base: pl.DataFrame,
    projs: pl.DataFrame,
    parts: list[pl.DataFrame],
    reg: pl.DataFrame,
    owner: pl.DataFrame,
    per_project: list[pl.DataFrame],
    pays: pl.DataFrame,
    flows: pl.DataFrame,
    as_of: date,
) -> pl.DataFrame:
    """Join the families onto the enterprises and derive the factor values (pure)."""
    out = base.join(reg, on="enterprise_id", how="left")
    established = pl.coalesce("feed_established", "establish_date")
    registered = pl.coalesce("feed_reg_fen", "reg_capital_fen")
    out = out.with_columns(
        ((pl.lit(as_of) - established).dt.total_days() / 365.25).round(1).alias("years_established"),
        pl.when(registered > 0).then(pl.col("paid_in_fen") / registered).alias("paid_in_share"),
    )
    for part in parts:
        out = out.join(part, on="enterprise_id", how="left")
    owned = _by_enterprise(
        owner,
        projs,
        pl.col("delay_days").max().alias("owner_delay_days"),
        (pl.col("owed_fen").sum() / pl.col("due_fen").sum()).alias("owner_arrears_share"),
    )
    history = [
        _by_enterprise(f, projs, *(pl.col(c).sum() for c in f.columns if c != "project_id"))
        for f in per_project
    ]
    late = (
        days_late(pays, projs, as_of).group_by("enterprise_id").agg(pl.col("late").mean().alias("days_late"))
    )
    cards = _by_enterprise(
        pays, projs, (pl.col("own_card").sum() / pl.col("payments").sum()).alias("own_card_share")
    )
    lag = _by_enterprise(inflow_lag(flows), projs, pl.col("lag").mean().alias("inflow_lag_days"))
    for frame in (owned, *history, late, cards, lag):
        out = out.join(frame, on="enterprise_id", how="left")
    zero = [pl.col(c).fill_null(0) for c in (*COUNTS, *PLATFORM_COUNTS, "tax_arrears_fen")]
    zero.append(pl.col("social_insurance_arrears_fen").fill_null(0))
    out = out.with_columns(zero)
    return out.select([pl.col(n).cast(t) for n, t in FEATURE_SCHEMA.items()]).sort("enterprise_id")
