"""The fact journal: which projects' facts changed since the engine last looked.

Triggers on every table the engine reads per project (migration ``0004d``) append a row per
(table, period, project) to ``fact_changes`` inside the writing transaction, so a committed import is
journaled whatever path wrote it, and a rolled-back one is not. A run reads the journal first
(``pending``), reads the facts after that, and deletes exactly what it read in its own final transaction
(``consume``): on SQLite every row up to the largest id read (writers are serialised, so ids follow commit
order); on PostgreSQL the ids read (ids of concurrent transactions may commit out of order).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from wageguard.db import Database
from wageguard.monitoring.models import FactChange

CHANGE_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "tbl": pl.String,
    "period": pl.String,
    "project_id": pl.Int64,
}
CHUNK = 5000


@dataclass(frozen=True)
class Changes:
    """The journal as read by one run: distinct (table, period, project) rows and what to delete later."""

    upto: int | None
    ids: tuple[int, ...] | None  # PostgreSQL: exactly the ids read; SQLite: None (everything up to ``upto``)
    rows: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=CHANGE_SCHEMA))

    @property
    def empty(self) -> bool:
        return self.upto is None

    def projects(self) -> set[int]:
        """Every project whose facts changed (a payment without a project names none)."""
        return set(self.rows["project_id"].drop_nulls().to_list())

    def touched(self, table: str, period: str | None) -> list[int | None]:
        """Projects (None: rows without a project) changed in ``table`` for ``period`` (None: any)."""
        rows = self.rows.filter(pl.col("tbl") == table)
        if period is not None:
            rows = rows.filter(pl.col("period").is_null() | (pl.col("period") == period))
        return list(rows["project_id"].unique().to_list())

    def periods(self, table: str) -> set[str | None]:
        return set(self.rows.filter(pl.col("tbl") == table)["period"].to_list())


def pending(db: Database) -> Changes:
    """The journal now (committed rows only)."""
    with db.sessions() as session:
        upto = session.scalar(select(func.max(FactChange.id)))
        if upto is None:
            return Changes(None, None)
        cols = (FactChange.tbl, FactChange.period, FactChange.project_id)
        if db.engine.dialect.name == "sqlite":
            rows = session.execute(select(*cols).where(FactChange.id <= upto).distinct()).all()
            return Changes(upto, None, _frame([tuple(r) for r in rows]))
        listed = session.execute(select(FactChange.id, *cols).where(FactChange.id <= upto)).all()
        ids = tuple(r[0] for r in listed)
        return Changes(upto, ids, _frame(list({tuple(r[1:]) for r in listed})))


def _frame(rows: list[tuple[object, ...]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=CHANGE_SCHEMA, orient="row")


def consume(session: Session, changes: Changes) -> None:
    """Delete what ``pending`` read (inside the run's final transaction)."""
    if changes.upto is None:
        return
    if changes.ids is None:
        session.execute(delete(FactChange).where(FactChange.id <= changes.upto))
        return
    for i in range(0, len(changes.ids), CHUNK):
        session.execute(delete(FactChange).where(FactChange.id.in_(changes.ids[i : i + CHUNK])))
