"""The national keys a province exports beside its facts, for the cross-province checks (``cross``).

A person is known across provinces only by the blind index of their ID number (``workers.id_bidx``) and a
card by that of its number (``bank_payments.payee_card_bidx``): HMAC-SHA-256 under the index key, never the
number. Matching across provinces needs every province to index under the same (national) index key.
"""

from __future__ import annotations

from datetime import date

import polars as pl
from sqlalchemy.engine import Engine

from wageguard.monitoring.arrow_io import date_days, read_frame
from wageguard.monitoring.calendar import add_months, month_key

I64, STR, DATE = pl.Int64, pl.String, pl.Date
CARD_PAYMENT_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "project_id": I64,
    "worker_id": I64,
    "region_code": STR,
    "person_bidx": STR,
    "card_bidx": STR,
    "amount_fen": I64,
    "payments": I64,
}
PERSON_DAY_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "project_id": I64,
    "worker_id": I64,
    "region_code": STR,
    "person_bidx": STR,
    "work_date": DATE,
}
KEY_SCHEMAS = {"card_payments": CARD_PAYMENT_SCHEMA, "person_days": PERSON_DAY_SCHEMA}


def load_card_payments(engine: Engine, month: date, as_of: date) -> pl.DataFrame:
    """Per (project, worker, card): the month's wages paid successfully to a card (value date by
    ``as_of``), with the worker's person key and the card's key."""
    return read_frame(
        engine,
        f"""
        SELECT p.project_id, p.worker_id, MIN(p.region_code) AS region_code, w.id_bidx AS person_bidx,
               p.payee_card_bidx AS card_bidx, CAST(SUM(p.amount_fen) AS BIGINT) AS amount_fen,
               COUNT(*) AS payments
        FROM bank_payments p JOIN workers w ON w.id = p.worker_id
        WHERE p.pay_month = '{month_key(month)}' AND p.status = 'success'
          AND p.outcome IN ('matched', 'other_card') AND p.project_id IS NOT NULL
          AND p.payee_card_bidx IS NOT NULL AND p.value_date <= '{as_of.isoformat()}'
        GROUP BY p.project_id, p.worker_id, w.id_bidx, p.payee_card_bidx""",
        CARD_PAYMENT_SCHEMA,
    )


def load_person_days(engine: Engine, month: date, as_of: date) -> pl.DataFrame:
    """Every worker-day of the month up to ``as_of`` (work day), with the worker's person key."""
    return read_frame(
        engine,
        f"""
        SELECT d.project_id, d.worker_id, d.region_code, w.id_bidx AS person_bidx,
               {date_days(engine, "d.work_date")} AS work_date
        FROM worker_days d JOIN workers w ON w.id = d.worker_id
        WHERE d.work_date >= '{month.isoformat()}' AND d.work_date < '{add_months(month, 1).isoformat()}'
          AND d.work_date <= '{as_of.isoformat()}'""",
        PERSON_DAY_SCHEMA,
    )


def load_keys(engine: Engine, month: date, as_of: date) -> dict[str, pl.DataFrame]:
    """The month's national key frames, by name (``layout.KEY_FRAMES``)."""
    return {
        "card_payments": load_card_payments(engine, month, as_of),
        "person_days": load_person_days(engine, month, as_of),
    }
