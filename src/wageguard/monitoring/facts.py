"""Load one month's facts once (SQL → Arrow → Polars); every rule then works on these columns.

Sources (other slices' tables, read only): ``projects``, ``project_workers``, ``labour_contracts``
(registry); ``worker_months``, ``punches`` (unknown persons only), ``devices`` (attendance);
``wage_accounts``, ``project_money_terms``, ``labour_cost_inflows``, ``wage_deposits``,
``wage_deposit_movements``, ``pay_sheets``/``pay_sheet_lines``, ``bank_payments`` (money).
``complaints`` (complaints slice: tracking code and date only, for W20). ``risk_scores`` (risk slice:
the red-band enterprises of the latest scoring by the as-of date, for W21).
Each query aggregates in the database and returns one row per key; the worker-month frame is the outer
join of attendance, current pay-sheet lines and payments attributed to the month.

**Event time.** A run as of D reads what had *happened* by D, whenever it arrived: punches by work day
(attendance, unknown persons; W16's gate days before D), payments and inflows by value date, accounts,
agreements and deposits by their dates, contracts by start date, exits by exit date, complaints by the
China date received. Pay sheets carry no event date: the current sheet for a month is that month's
declaration. Arrival times (``created_at``, ``received_at``, a device's last contact) are never read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

import polars as pl
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from wageguard.complaints.models import Complaint
from wageguard.monitoring.arrow_io import as_bigint, date_days, read_frame
from wageguard.monitoring.calendar import add_months, month_key
from wageguard.monitoring.models import Alert, AlertWorker
from wageguard.registry.models import Project
from wageguard.risk.models import RiskScore

I64, STR, DATE, F64 = pl.Int64, pl.String, pl.Date, pl.Float64

PROJECT_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "project_id": I64,
    "project_code": STR,
    "name": STR,
    "region_code": STR,
    "status": STR,
    "pay_day": I64,
    "grace_days": I64,
    "start_date": DATE,
    "contract_signed_date": DATE,
    "invest_fen": I64,
    "labour_officer_name": STR,
    "notice_board_date": DATE,
    "accounts": I64,
    "account_opened_on": DATE,
    "tripartite_on": DATE,
    "labour_cost_ratio_bp": I64,
    "deposit_ratio_bp": I64,
    "contract_value_fen": I64,
    "inflow_count": I64,
    "inflow_fen": I64,
    "progress_fen": I64,
    "progress_inflow_fen": I64,
    "deposit_fen": I64,
    "deposit_first_on": DATE,
}
WORKER_MONTH_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "project_id": I64,
    "worker_id": I64,
    "region_code": STR,
    "team_id": I64,
    "enterprise_id": I64,
    "attended_days": I64,
    "attended_minutes": I64,
    "sheet_gross_fen": I64,
    "sheet_net_fen": I64,
    "sheet_lines": I64,
    "contract_basis": STR,
    "contract_rate_fen": I64,
    "received_fen": I64,
    "other_card_fen": I64,
    "failed_fen": I64,
    "paid_count": I64,
    "last_paid_on": DATE,
    "year_paid_fen": I64,
    "entry_date": DATE,
    "exit_date": DATE,
}
OTHER_CARD_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "payment_id": I64,
    "project_id": I64,
    "worker_id": I64,
    "region_code": STR,
    "payee_name": STR,
    "payee_card_masked": STR,
    "card_holder": STR,
    "match_key": STR,
    "amount_fen": I64,
    "value_date": DATE,
}
DEVICE_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "device_id": I64,
    "serial": STR,
    "gate": STR,
    "project_id": I64,
    "region_code": STR,
}
GATE_MONTH_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "project_id": I64,
    "source": STR,
    "channel": STR,
    "month": STR,  # YYYY-MM
    "day_mask": I64,  # bit d set: punches on day d of the month
    "punches": I64,
}
GATE_FIRST_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "project_id": I64,
    "source": STR,
    "channel": STR,
    "first_day": DATE,
}
MOVEMENT_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "project_id": I64,
    "kind": STR,
    "movement_date": DATE,
    "amount_fen": I64,
}
UNKNOWN_PUNCH_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {"project_id": I64, "kind": STR, "n": I64}
COMPLAINT_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "project_id": I64,
    "region_code": STR,
    "tracking_code": STR,
    "received_date": DATE,
    "received_at": pl.Datetime("us"),
}
TOP_FACTOR = pl.Struct({"factor": STR, "value": STR, "points": I64})
RISK_SCORE_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "enterprise_id": I64,
    "region_code": STR,
    "scored_on": DATE,
    "total": I64,
    "grade": STR,
    "band": STR,
    "scorecard_version": STR,
    "top_factors": pl.List(TOP_FACTOR),
}
ATTENDANCE_COLUMNS = ("project_id", "worker_id", "region_code", "attended_days", "attended_minutes")
ROSTER_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "project_id": I64,
    "worker_id": I64,
    "team_id": I64,
    "enterprise_id": I64,
    "entry_date": DATE,
    "exit_date": DATE,
}
LINE_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "project_id": I64,
    "worker_id": I64,
    "region_code": STR,
    "sheet_id": I64,
    "gross_fen": I64,
    "net_fen": I64,
}
PAYMENT_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "project_id": I64,
    "worker_id": I64,
    "region_code": STR,
    "amount_fen": I64,
    "status": STR,
    "outcome": STR,
    "value_date": DATE,
}
ARREARS_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "project_id": I64,
    "worker_id": I64,
    "region_code": STR,
    "period": STR,
    "owed_fen": I64,
}


def empty(schema: dict[str, pl.DataType | type[pl.DataType]]) -> pl.DataFrame:
    return pl.DataFrame(schema=schema)


def conform(frame: pl.DataFrame, schema: dict[str, pl.DataType | type[pl.DataType]]) -> pl.DataFrame:
    """``frame`` with exactly ``schema``'s columns (missing ones null), cast to their types."""
    return frame.select(
        [(pl.col(n) if n in frame.columns else pl.lit(None)).cast(t).alias(n) for n, t in schema.items()]
    )


@dataclass(frozen=True)
class Facts:
    """Everything the rules read for one month (``month`` = its first day), as of ``as_of``."""

    month: date
    as_of: date
    projects: pl.DataFrame
    worker_months: pl.DataFrame
    thresholds: pl.DataFrame
    other_card_payments: pl.DataFrame = field(default_factory=lambda: empty(OTHER_CARD_SCHEMA))
    devices: pl.DataFrame = field(default_factory=lambda: empty(DEVICE_SCHEMA))
    deposit_movements: pl.DataFrame = field(default_factory=lambda: empty(MOVEMENT_SCHEMA))
    unknown_punches: pl.DataFrame = field(default_factory=lambda: empty(UNKNOWN_PUNCH_SCHEMA))
    open_arrears: pl.DataFrame = field(default_factory=lambda: empty(ARREARS_SCHEMA))
    complaints: pl.DataFrame = field(default_factory=lambda: empty(COMPLAINT_SCHEMA))
    gate_months: pl.DataFrame = field(default_factory=lambda: empty(GATE_MONTH_SCHEMA))
    gate_first: pl.DataFrame = field(default_factory=lambda: empty(GATE_FIRST_SCHEMA))
    gate_periods: tuple[date, ...] = ()  # months W16 judges (first days); empty: ``month`` alone
    risk_scores: pl.DataFrame = field(default_factory=lambda: empty(RISK_SCORE_SCHEMA))

    @property
    def period(self) -> str:
        return month_key(self.month)

    def conformed(self) -> Facts:
        """The same facts with every frame cast to its schema (for hand-built test frames)."""
        return replace(
            self,
            projects=conform(self.projects, PROJECT_SCHEMA),
            worker_months=conform(self.worker_months, WORKER_MONTH_SCHEMA),
            other_card_payments=conform(self.other_card_payments, OTHER_CARD_SCHEMA),
            devices=conform(self.devices, DEVICE_SCHEMA),
            deposit_movements=conform(self.deposit_movements, MOVEMENT_SCHEMA),
            unknown_punches=conform(self.unknown_punches, UNKNOWN_PUNCH_SCHEMA),
            open_arrears=conform(self.open_arrears, ARREARS_SCHEMA),
            complaints=conform(self.complaints, COMPLAINT_SCHEMA),
            gate_months=conform(self.gate_months, GATE_MONTH_SCHEMA),
            gate_first=conform(self.gate_first, GATE_FIRST_SCHEMA),
            risk_scores=conform(self.risk_scores, RISK_SCORE_SCHEMA),
        )


def _lit(d: date) -> str:
    return f"'{d.isoformat()}'"


Projects = int | Sequence[int] | None
"""One project, a set of projects (an incremental run), or every project (None)."""


def _only(column: str, projects: Projects, glue: str = "AND") -> str:
    """SQL restricting ``column`` to ``projects`` (empty when None)."""
    if projects is None:
        return ""
    if isinstance(projects, int):
        return f" {glue} {column} = {int(projects)}"
    ids = sorted({int(p) for p in projects})
    return f" {glue} {column} IN ({', '.join(map(str, ids))})" if ids else f" {glue} 1 = 0"


def load_projects(engine: Engine, month: date, as_of: date, project_id: Projects = None) -> pl.DataFrame:
    """One row per project (or only ``project_id``: one or several) with its account, money terms, the
    month's inflows and
    its deposits."""

    def d(c: str) -> str:
        return date_days(engine, c)

    nxt, asof = _lit(add_months(month, 1)), _lit(as_of)
    one, inflow_project = project_id, "COALESCE(i.project_id, a.project_id)"
    base = read_frame(
        engine,
        f"""
        SELECT p.id AS project_id, p.project_code, p.name, p.region_code, COALESCE(p.status, '') AS status,
               p.pay_day, p.grace_days, {d("p.start_date")} AS start_date,
               {d("p.contract_signed_date")} AS contract_signed_date, p.invest_fen,
               COALESCE(p.labour_officer_name, '') AS labour_officer_name,
               {d("p.notice_board_date")} AS notice_board_date
        FROM projects p{_only("p.id", one, "WHERE")}""",
        PROJECT_SCHEMA | {},
    )
    accounts = read_frame(
        engine,
        f"""
        SELECT a.project_id, COUNT(*) AS accounts, MIN({d("a.opened_date")}) AS account_opened_on,
               MIN(CASE WHEN COALESCE(a.tripartite_date, pa.tripartite_date) <= {asof}
                        THEN {d("COALESCE(a.tripartite_date, pa.tripartite_date)")} END) AS tripartite_on
        FROM wage_accounts a LEFT JOIN wage_accounts pa ON pa.id = a.parent_account_id
        WHERE a.project_id IS NOT NULL AND (a.opened_date IS NULL OR a.opened_date <= {asof})
          AND (a.closed_date IS NULL OR a.closed_date > {asof}){_only("a.project_id", one)}
        GROUP BY a.project_id""",
        {"project_id": I64, "accounts": I64, "account_opened_on": DATE, "tripartite_on": DATE},
    )
    terms = read_frame(
        engine,
        f"""
        SELECT project_id, labour_cost_ratio_bp, deposit_ratio_bp, contract_value_fen
        FROM project_money_terms{_only("project_id", one, "WHERE")}""",
        {"project_id": I64, "labour_cost_ratio_bp": I64, "deposit_ratio_bp": I64, "contract_value_fen": I64},
    )
    inflows = read_frame(
        engine,
        f"""
        SELECT COALESCE(i.project_id, a.project_id) AS project_id, COUNT(*) AS inflow_count,
               {as_bigint(engine, "SUM(i.amount_fen)")} AS inflow_fen,
               {as_bigint(engine, "SUM(COALESCE(i.progress_amount_fen, 0))")} AS progress_fen,
               {as_bigint(engine, "SUM(CASE WHEN i.progress_amount_fen IS NOT NULL THEN i.amount_fen END)")}
                 AS progress_inflow_fen
        FROM labour_cost_inflows i JOIN wage_accounts a ON a.id = i.account_id
        WHERE i.value_date >= {_lit(month)} AND i.value_date < {nxt} AND i.value_date <= {asof}
          {_only(inflow_project, one)}
        GROUP BY COALESCE(i.project_id, a.project_id)""",
        {
            "project_id": I64,
            "inflow_count": I64,
            "inflow_fen": I64,
            "progress_fen": I64,
            "progress_inflow_fen": I64,
        },
    )
    deposits = read_frame(
        engine,
        f"""
        SELECT project_id, {as_bigint(engine, "SUM(amount_fen)")} AS deposit_fen,
               MIN({d("deposit_date")}) AS deposit_first_on
        FROM wage_deposits
        WHERE deposit_date <= {asof} AND (expiry_date IS NULL OR expiry_date >= {asof})
          {_only("project_id", one)}
        GROUP BY project_id""",
        {"project_id": I64, "deposit_fen": I64, "deposit_first_on": DATE},
    )
    frame = base.drop([c for c in base.columns if c not in _BASE_COLS])
    for extra in (accounts, terms, inflows, deposits):
        frame = frame.join(extra, on="project_id", how="left")
    frame = frame.with_columns([pl.col(c).fill_null(0) for c in ("accounts", "inflow_count", "inflow_fen")])
    return conform(frame, PROJECT_SCHEMA)


_BASE_COLS = [
    "project_id",
    "project_code",
    "name",
    "region_code",
    "status",
    "pay_day",
    "grace_days",
    "start_date",
    "contract_signed_date",
    "invest_fen",
    "labour_officer_name",
    "notice_board_date",
]


def load_worker_months(
    engine: Engine, month: date, project_id: Projects = None, as_of: date | None = None
) -> pl.DataFrame:
    """One row per (project, worker) with attendance, current pay-sheet lines or payments in the month
    (of every project, or only of ``project_id``), as of ``as_of`` (event time: work days, value dates,
    contract starts and exits up to that day; everything when None)."""

    def d(c: str) -> str:
        return date_days(engine, c)

    m, one = month_key(month), project_id
    valued = "" if as_of is None else f" AND value_date <= {_lit(as_of)}"

    def big(x: str) -> str:
        return as_bigint(engine, x)

    if as_of is None or as_of >= add_months(month, 1) - timedelta(days=1):
        att = read_frame(
            engine,
            f"""
            SELECT project_id, worker_id, region_code, days AS attended_days, minutes AS attended_minutes
            FROM worker_months WHERE month = '{m}'{_only("project_id", one)}""",
            {k: WORKER_MONTH_SCHEMA[k] for k in ATTENDANCE_COLUMNS},
        )
    else:
        att = attendance_until(engine, month, as_of, project_id)
    roster = read_frame(
        engine,
        f"""
        SELECT project_id, worker_id, team_id, enterprise_id, {d("entry_date")} AS entry_date,
               {d("exit_date")} AS exit_date
        FROM project_workers{_only("project_id", one, "WHERE")}""",
        ROSTER_SCHEMA,
    )
    lines = read_frame(
        engine,
        f"""
        SELECT l.project_id, l.worker_id, l.region_code, l.sheet_id, l.gross_fen, l.net_fen
        FROM pay_sheet_lines l WHERE l.pay_month = '{m}'{_only("l.project_id", one)}""",
        LINE_SCHEMA,
    )
    sheets = read_frame(
        engine,
        f"SELECT id AS sheet_id, team_id FROM pay_sheets WHERE pay_month = '{m}' AND is_current = TRUE",
        {"sheet_id": I64, "team_id": I64},
    )
    pays = read_frame(
        engine,
        f"""
        SELECT project_id, worker_id, region_code, amount_fen, status, outcome,
               {d("value_date")} AS value_date
        FROM bank_payments
        WHERE pay_month = '{m}' AND worker_id IS NOT NULL AND project_id IS NOT NULL{valued}
          {_only("project_id", one)}""",
        PAYMENT_SCHEMA,
    )
    year = read_frame(
        engine,
        f"""
        SELECT worker_id, {big("SUM(amount_fen)")} AS year_paid_fen FROM bank_payments
        WHERE pay_month >= '{month.year:04d}-01' AND pay_month <= '{m}' AND status = 'success'
          AND outcome IN ('matched', 'other_card') AND worker_id IS NOT NULL{valued}{_workers_of(one)}
        GROUP BY worker_id""",
        {"worker_id": I64, "year_paid_fen": I64},
    )
    contracts = read_frame(
        engine,
        f"""
        SELECT project_id, worker_id, COALESCE(wage_basis, '') AS contract_basis,
               rate_fen AS contract_rate_fen,
               {d("start_date")} AS start_date
        FROM labour_contracts
        WHERE start_date < {_lit(add_months(month, 1))}
          AND (end_date IS NULL OR end_date >= {_lit(month)}){_only("project_id", one)}
          {"" if as_of is None else f"AND start_date <= {_lit(as_of)}"}""",
        {
            "project_id": I64,
            "worker_id": I64,
            "contract_basis": STR,
            "contract_rate_fen": I64,
            "start_date": DATE,
        },
    )
    return combine_month(att, roster, lines, sheets, pays, year, contracts, as_of)


def combine_month(
    att: pl.DataFrame,
    roster: pl.DataFrame,
    lines: pl.DataFrame,
    sheets: pl.DataFrame,
    pays: pl.DataFrame,
    year: pl.DataFrame,
    contracts: pl.DataFrame,
    as_of: date | None,
) -> pl.DataFrame:
    """The worker-month frame from the month's rows, already filtered by event time (from SQL here, from
    the fact mirror in ``mirrored_facts``)."""
    if as_of is not None:  # an exit dated after ``as_of`` has not happened yet
        roster = roster.with_columns(
            pl.when(pl.col("exit_date") > pl.lit(as_of))
            .then(None)
            .otherwise(pl.col("exit_date"))
            .alias("exit_date")
        )
    joined = _paired(att).join(_paired(roster).drop("project_id", "worker_id"), on=PAIR, how="left")
    names = joined.collect_schema().names()
    wanted = [
        (pl.col(n) if n in names else pl.lit(None)).cast(t).alias(n) for n, t in WORKER_MONTH_SCHEMA.items()
    ]
    month = joined.select(PAIR, *wanted)
    return combine_worker_months(month, _sheet_totals(lines, sheets), _payment_totals(pays), year, contracts)


def attendance_until(engine: Engine, month: date, as_of: date, project_id: Projects) -> pl.DataFrame:
    """Attended days and minutes of the month's worker-days up to ``as_of`` (a run inside the month)."""
    days = read_frame(
        engine,
        f"""
        SELECT project_id, worker_id, region_code, minutes FROM worker_days
        WHERE work_date >= {_lit(month)} AND work_date <= {_lit(as_of)}{_only("project_id", project_id)}""",
        {"project_id": I64, "worker_id": I64, "region_code": STR, "minutes": I64},
    )
    return days.group_by("project_id", "worker_id").agg(
        pl.col("region_code").first(),
        pl.len().cast(I64).alias("attended_days"),
        pl.col("minutes").sum().cast(I64).alias("attended_minutes"),
    )


PAIR = "__pair"
"""One Int64 key for (project, worker): joins and groups on one integer column instead of two."""


def _paired(frame: pl.DataFrame | pl.LazyFrame) -> pl.LazyFrame:
    pair = (pl.col("project_id").cast(I64) * (1 << 32) + pl.col("worker_id").cast(I64)).alias(PAIR)
    return frame.lazy().with_columns(pair)


def _sheet_totals(lines: pl.DataFrame, sheets: pl.DataFrame) -> pl.LazyFrame:
    current = _paired(lines).join(sheets.lazy(), on="sheet_id", how="inner")
    return current.group_by(PAIR).agg(
        pl.col("project_id").first(),
        pl.col("worker_id").first(),
        pl.col("region_code").min(),
        pl.col("team_id").min(),
        pl.col("gross_fen").sum().alias("sheet_gross_fen"),
        pl.col("net_fen").sum().alias("sheet_net_fen"),
        pl.len().cast(pl.Int64).alias("sheet_lines"),
    )


def sheet_totals(lines: pl.DataFrame, sheets: pl.DataFrame) -> pl.DataFrame:
    """Per (project, worker): the month's lines on current pay sheets, summed."""
    return _sheet_totals(lines, sheets).drop(PAIR).collect()


def _payment_totals(pays: pl.DataFrame) -> pl.LazyFrame:
    ok = pl.col("status") == "success"
    amount = pl.col("amount_fen")

    def only(cond: pl.Expr, name: str) -> pl.Expr:  # summed per group below: no filter per group
        return pl.when(cond).then(amount).otherwise(0).alias(name)

    per_row = _paired(pays).with_columns(
        only(ok & (pl.col("outcome") == "matched"), "received_fen"),
        only(ok & (pl.col("outcome") == "other_card"), "other_card_fen"),
        only(pl.col("status").is_in(["failed", "returned"]), "failed_fen"),
        ok.cast(pl.Int64).alias("paid_count"),
        pl.when(ok).then(pl.col("value_date")).alias("last_paid_on"),
    )
    return per_row.group_by(PAIR).agg(
        pl.col("project_id").first(),
        pl.col("worker_id").first(),
        pl.col("region_code").min(),
        *(pl.col(c).sum() for c in ("received_fen", "other_card_fen", "failed_fen", "paid_count")),
        pl.col("last_paid_on").max(),
    )


def payment_totals(pays: pl.DataFrame) -> pl.DataFrame:
    """Per (project, worker): money received (own card), to other cards, failed, count, last value date."""
    return _payment_totals(pays).drop(PAIR).collect()


def _workers_of(projects: Projects) -> str:
    """SQL restricting ``worker_id`` to the workers engaged on ``projects`` (empty when None)."""
    if projects is None:
        return ""
    engaged = _only("project_id", projects, "WHERE")
    return f" AND worker_id IN (SELECT worker_id FROM project_workers{engaged})"


def combine_worker_months(
    att: pl.DataFrame | pl.LazyFrame,
    sheets: pl.DataFrame | pl.LazyFrame,
    pays: pl.DataFrame | pl.LazyFrame,
    year: pl.DataFrame,
    contracts: pl.DataFrame,
) -> pl.DataFrame:
    """Outer-join the month's attendance, pay-sheet and payment rows on (project, worker)."""
    frame = _paired(att) if PAIR not in att.collect_schema().names() else att.lazy()
    for other, cols in (
        (sheets, ["region_code", "team_id", "sheet_gross_fen", "sheet_net_fen", "sheet_lines"]),
        (pays, ["region_code", "received_fen", "other_card_fen", "failed_fen", "paid_count", "last_paid_on"]),
    ):
        right = other.lazy() if PAIR in other.collect_schema().names() else _paired(other)
        right = right.select(PAIR, "project_id", "worker_id", *cols).rename(
            {c: f"{c}__r" for c in ["project_id", "worker_id", *cols]}
        )
        frame = frame.join(right, on=PAIR, how="full", coalesce=True)
        both = ["project_id", "worker_id", *cols]
        frame = frame.with_columns([pl.coalesce(c, f"{c}__r").alias(c) for c in both]).drop(
            [f"{c}__r" for c in both]
        )
    latest = _paired(contracts.sort("start_date").unique(subset=["project_id", "worker_id"], keep="last"))
    frame = frame.drop(["contract_basis", "contract_rate_fen", "year_paid_fen"]).join(
        latest.select(PAIR, "contract_basis", "contract_rate_fen"), on=PAIR, how="left"
    )
    frame = frame.join(year.lazy(), on="worker_id", how="left")
    zero = ["attended_days", "attended_minutes", "received_fen", "other_card_fen", "failed_fen", "paid_count"]
    frame = frame.with_columns([pl.col(c).fill_null(0) for c in [*zero, "sheet_lines", "year_paid_fen"]])
    return conform(frame.collect(), WORKER_MONTH_SCHEMA)


def load_other_card_payments(
    engine: Engine, month: date, as_of: date, projects: Projects = None
) -> pl.DataFrame:
    """Successful payments of the month valued by ``as_of`` that went to a card not the worker's own (W11
    evidence), with whose card it is where the card is registered (another worker first: e.g. the team
    leader)."""
    holder = (
        "(SELECT MIN(w.name) FROM bank_cards c JOIN workers w ON w.id = c.worker_id"
        " WHERE c.card_bidx = p.payee_card_bidx{other})"
    )
    return read_frame(
        engine,
        f"""
        SELECT id AS payment_id, project_id, worker_id, region_code, payee_name, payee_card_masked,
               COALESCE({holder.format(other=" AND c.worker_id <> p.worker_id")}, {holder.format(other="")})
                 AS card_holder,
               match_key, amount_fen, {date_days(engine, "value_date")} AS value_date
        FROM bank_payments p
        WHERE pay_month = '{month_key(month)}' AND status = 'success' AND outcome = 'other_card'
          AND project_id IS NOT NULL AND value_date <= {_lit(as_of)}{_only("p.project_id", projects)}""",
        OTHER_CARD_SCHEMA,
    )


def load_devices(engine: Engine, projects: Projects = None) -> pl.DataFrame:
    """Active gate devices: serial, gate name, project (no contact times: W16 reads punches)."""
    return read_frame(
        engine,
        "SELECT id AS device_id, serial, COALESCE(gate, '') AS gate, project_id, region_code "
        f"FROM devices WHERE active = TRUE{_only('project_id', projects)}",
        DEVICE_SCHEMA,
    )


def load_gate_months(engine: Engine, start: date, as_of: date, projects: Projects = None) -> pl.DataFrame:
    """Per (project, source, channel) and month, from ``start`` to the day before ``as_of``: which days had
    punches (a bit per day of the month) and how many punches (one row per gate-month, not per day)."""
    if engine.dialect.name == "sqlite":
        month, day = "substr(work_date, 1, 7)", "CAST(substr(work_date, 9, 2) AS INTEGER)"
    else:
        month, day = "to_char(work_date, 'YYYY-MM')", "CAST(EXTRACT(DAY FROM work_date) AS INTEGER)"
    return read_frame(
        engine,
        f"""
        SELECT project_id, source, channel, {month} AS month,
               {as_bigint(engine, f"SUM(CAST(1 AS BIGINT) << {day})")} AS day_mask,
               {as_bigint(engine, "SUM(punches)")} AS punches
        FROM gate_days WHERE work_date >= {_lit(start)} AND work_date < {_lit(as_of)}
          {_only("project_id", projects)}
        GROUP BY project_id, source, channel, {month}""",
        GATE_MONTH_SCHEMA,
    )


def load_gate_first(engine: Engine, as_of: date, projects: Projects = None) -> pl.DataFrame:
    """Each (project, source, channel)'s first work day with punches before ``as_of``."""
    return read_frame(
        engine,
        f"""
        SELECT project_id, source, channel, MIN({date_days(engine, "work_date")}) AS first_day
        FROM gate_days WHERE work_date < {_lit(as_of)}{_only("project_id", projects)}
        GROUP BY project_id, source, channel""",
        GATE_FIRST_SCHEMA,
    )


def load_deposit_movements(engine: Engine, as_of: date, projects: Projects = None) -> pl.DataFrame:
    return read_frame(
        engine,
        f"""
        SELECT d.project_id, m.kind, {date_days(engine, "m.movement_date")} AS movement_date, m.amount_fen
        FROM wage_deposit_movements m JOIN wage_deposits d ON d.id = m.deposit_id
        WHERE m.movement_date <= {_lit(as_of)}{_only("d.project_id", projects)}""",
        MOVEMENT_SCHEMA,
    )


def load_unknown_punches(engine: Engine, month: date, as_of: date, projects: Projects = None) -> pl.DataFrame:
    """Punches of the month up to ``as_of`` (work day) by anyone not on the project's roster, counted per
    project and kind."""
    return read_frame(
        engine,
        f"""
        SELECT project_id, kind, COUNT(*) AS n FROM punches
        WHERE work_date >= {_lit(month)} AND work_date < {_lit(add_months(month, 1))} AND kind <> 'worker'
          AND work_date <= {_lit(as_of)}{_only("project_id", projects)}
        GROUP BY project_id, kind""",
        UNKNOWN_PUNCH_SCHEMA,
    )


def load_open_arrears(session: Session, exclude_periods: list[str]) -> pl.DataFrame:
    """Unpaid worker-months still holding from earlier runs (W06/W08 alerts' worker lines), for W18."""
    holding = (
        Alert.rule_code.in_(["W06", "W08"]),
        Alert.still_holds.is_(True),
        Alert.period.not_in(exclude_periods),
    )
    line = AlertWorker
    alone = session.execute(
        select(Alert.project_id, Alert.worker_id, Alert.region_code, Alert.period, Alert.amount_fen).where(
            *holding, Alert.worker_id.is_not(None)
        )
    ).all()
    lines = session.execute(
        select(line.project_id, line.worker_id, Alert.region_code, line.period, line.amount_fen)
        .join(Alert, Alert.id == line.alert_id)
        .where(*holding)
    ).all()
    rows = [*alone, *lines]
    data = [dict(zip(ARREARS_SCHEMA, r, strict=True)) for r in rows]
    return pl.DataFrame(data, schema=ARREARS_SCHEMA).with_columns(pl.col("owed_fen").fill_null(0))


# --- complaints (W20) -------------------------------------------------------------------------------------


def complaint_window_start(thresholds: pl.DataFrame, as_of: date) -> date:
    """First day of the longest regional W20 window (``complaints_window_days``) ending on ``as_of``."""
    longest = thresholds["complaints_window_days"].max() if thresholds.height else None
    days = int(longest) if isinstance(longest, int | float) else 30
    return as_of - timedelta(days=max(days, 1) - 1)


def load_complaints(session: Session, start: date, end: date) -> pl.DataFrame:
    """Complaints about projects received (China date) from ``start`` to ``end`` inclusive, in one query:
    the tracking code only, no personal data. The region is the project's (the alert goes to its county)."""
    rows = session.execute(
        select(
            Complaint.project_id,
            Project.region_code,
            Complaint.tracking_code,
            Complaint.received_date,
            Complaint.received_at,
        )
        .join(Project, Project.id == Complaint.project_id)
        .where(Complaint.received_date >= start, Complaint.received_date <= end)
    ).all()
    return pl.DataFrame([tuple(r) for r in rows], schema=COMPLAINT_SCHEMA, orient="row")


# --- enterprise risk scores (W21) -------------------------------------------------------------------------

TOP_FACTORS = 3


def load_risk_scores(session: Session, as_of: date) -> pl.DataFrame:
    """The red-band enterprises of the latest scoring dated by ``as_of`` (``wageguard risk score``), each
    with its first ``TOP_FACTORS`` factors that scored points (worst first, values as text); two queries."""
    latest = session.scalar(select(func.max(RiskScore.as_of)).where(RiskScore.as_of <= as_of))
    if latest is None:
        return empty(RISK_SCORE_SCHEMA)
    rows = session.execute(
        select(
            RiskScore.enterprise_id,
            RiskScore.region_code,
            RiskScore.as_of,
            RiskScore.total,
            RiskScore.grade,
            RiskScore.band,
            RiskScore.scorecard_version,
            RiskScore.factors,
        )
        .where(RiskScore.as_of == latest, RiskScore.band == "red")
        .order_by(RiskScore.enterprise_id)
    ).all()
    out = [(*r[:7], [_top(f) for f in r[7] if f["points"] > 0][:TOP_FACTORS]) for r in rows]
    return pl.DataFrame(out, schema=RISK_SCORE_SCHEMA, orient="row")


def _top(factor: dict[str, object]) -> dict[str, object]:
    value = factor["value"]
    return {
        "factor": factor["factor"],
        "value": None if value is None else str(value),
        "points": factor["points"],
    }
