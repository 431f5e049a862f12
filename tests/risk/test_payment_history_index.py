"""The features' payment history (per project and pay month of the window) is read from the covering index
of migration 0003e, never from the payments' rows: the planner of either database is asked about the
statement ``risk.features.payments`` itself runs (caught on its way to ``read_frame``; on PostgreSQL it
travels through ADBC, past SQLAlchemy's events)."""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from wageguard.db import Database
from wageguard.risk import features


def test_the_payment_history_read_is_served_by_the_covering_index(
    db: Database, backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    statements: list[str] = []
    read = features.read_frame

    def spy(engine: Engine, sql: str, schema: dict[str, Any]) -> pl.DataFrame:
        statements.append(sql)
        return read(engine, sql, schema)

    monkeypatch.setattr(features, "read_frame", spy)
    features.payments(db.engine, date(2026, 12, 25), 12)
    assert len(statements) == 1 and "bank_payments" in statements[0]
    with db.engine.connect() as conn:
        if backend == "sqlite":
            plan = " ".join(str(row) for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statements[0]))
            assert "COVERING INDEX ix_bank_payments_month_history" in plan, plan
        else:
            conn.execute(text("SET enable_seqscan = off"))  # an empty table: ask whether the index can serve
            plan = " ".join(str(row) for row in conn.exec_driver_sql("EXPLAIN " + statements[0]))
            assert "Index Only Scan using ix_bank_payments_month_history" in plan, plan
