"""The bank's failed and returned payments are read along a partial index (0003d), not by scanning every
payment: the planner of either database is asked about the landing page's own statement."""

from __future__ import annotations

from sqlalchemy import event, text

from wageguard.auth.scope import Principal
from wageguard.db import Database
from wageguard.monitoring.overview import failed_payments
from wageguard.registry.choices import Role


def test_the_failed_payments_read_uses_the_partial_index(db: Database, backend: str) -> None:
    statements: list[tuple[str, object]] = []

    def capture(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if "bank_payments" in statement and "ORDER BY" in statement:
            statements.append((statement, parameters))

    bank = Principal(user_id=1, username="bank", role=Role.BANK, bank_code="ICBC")
    event.listen(db.engine, "before_cursor_execute", capture)
    try:
        with db.sessions() as session:
            failed_payments(session=session, principal=bank)
    finally:
        event.remove(db.engine, "before_cursor_execute", capture)
    assert statements, "the read was not seen"
    sql, params = statements[0]
    with db.engine.connect() as conn:
        if backend == "sqlite":
            plan = " ".join(str(row) for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params))  # type: ignore[arg-type]
        else:
            conn.execute(text("SET enable_seqscan = off"))  # an empty table: ask whether the index can serve
            plan = " ".join(str(row) for row in conn.exec_driver_sql("EXPLAIN " + sql, params))  # type: ignore[arg-type]
    assert "ix_bank_payments_failed" in plan, plan
