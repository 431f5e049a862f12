"""Thin bulk helpers for the hot import path: ``IN (...)`` lookups and executemany inserts straight to the
driver, without per-parameter statement compilation. Plain SQL that SQLite and PostgreSQL both run."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Date, DateTime, Table


def _mark(conn: Connection) -> str:
    return "?" if conn.dialect.paramstyle == "qmark" else "%s"


def select_in(conn: Connection, sql: str, values: Sequence[Any], *, before: Sequence[Any] = ()) -> list[Any]:
    """Rows of ``sql`` with ``{in}`` replaced by one placeholder per value; ``before`` binds the marks
    written ``{p}`` earlier in the statement."""
    if not values:
        return []
    mark = _mark(conn)
    text = sql.replace("{p}", mark).replace("{in}", ", ".join([mark] * len(values)))
    return list(conn.exec_driver_sql(text, (*before, *values)).fetchall())


def _iso_datetime(value: Any) -> Any:
    return value.strftime("%Y-%m-%d %H:%M:%S.%f") if isinstance(value, datetime) else value


def _iso_date(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _sqlite_converter(column_type: Any) -> Callable[[Any], Any] | None:
    """How SQLAlchemy stores a date/datetime on SQLite (ISO text), memoised: a file repeats few dates."""
    if isinstance(column_type, DateTime):
        fmt = _iso_datetime
    elif isinstance(column_type, Date):
        fmt = _iso_date
    else:
        return None
    memo: dict[Any, Any] = {}

    def convert(value: Any) -> Any:
        if value not in memo:
            memo[value] = fmt(value)
        return memo[value]

    return convert


def insert_many(conn: Connection, table: Table, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
    """``INSERT`` ``rows`` (tuples in ``columns`` order) with one driver-level executemany."""
    if not rows:
        return
    if conn.dialect.name == "sqlite":
        converters = [(i, _sqlite_converter(table.c[name].type)) for i, name in enumerate(columns)]
        active = [(i, f) for i, f in converters if f is not None]
        if active:
            converted = []
            for row in rows:
                values = list(row)
                for i, f in active:
                    values[i] = f(values[i])
                converted.append(tuple(values))
            rows = converted
    mark = _mark(conn)
    names = ", ".join(f'"{c}"' for c in columns)
    sql = f'INSERT INTO "{table.name}" ({names}) VALUES ({", ".join([mark] * len(columns))})'
    conn.exec_driver_sql(sql, rows)
