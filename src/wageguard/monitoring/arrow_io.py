"""Read SQL results straight into Arrow, on SQLite and PostgreSQL alike.

The engine reads a province month (≈1.5 M rows) at a time, so it bypasses Python row objects: on
PostgreSQL the ADBC driver (``adbc-driver-postgresql``) hands back Arrow tables built in C; on SQLite the
query's rows are rendered by SQLite as one CSV text and parsed by Arrow's CSV reader (an ADBC SQLite build
beside Python's own sqlite3 read stale WAL snapshots). Dates travel as days since 1970-01-01 on PostgreSQL
and as ISO text on SQLite (``date_days``), instants as epoch seconds (``epoch_seconds``), and are cast back
in Polars.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import polars as pl
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.csv as pa_csv  # type: ignore[import-untyped]
from sqlalchemy.engine import Engine, make_url


def date_days(engine: Engine, column: str) -> str:
    """SQL for ``column`` (a DATE) as integer days since 1970-01-01."""
    if engine.dialect.name == "sqlite":
        return column  # stored as ISO text; read_frame parses it (cheaper than julianday in SQL)
    return f"({column} - DATE '1970-01-01')"


def epoch_seconds(engine: Engine, column: str) -> str:
    """SQL for ``column`` (a naive UTC TIMESTAMP) as integer seconds since the epoch."""
    if engine.dialect.name == "sqlite":
        return f"CAST(ROUND((julianday({column}) - 2440587.5) * 86400) AS INTEGER)"
    return f"CAST(EXTRACT(EPOCH FROM {column}) AS BIGINT)"


def as_bigint(engine: Engine, expr: str) -> str:
    """``expr`` cast to a 64-bit integer (PostgreSQL's SUM of BIGINT is NUMERIC)."""
    return f"CAST({expr} AS BIGINT)"


def _adbc_uri(engine: Engine) -> tuple[str, str] | None:
    url = make_url(str(engine.url.render_as_string(hide_password=False)))
    if url.get_backend_name() == "sqlite":
        # Not ADBC: a second SQLite library in the process read stale WAL snapshots in tests.
        return None
    if url.get_backend_name() == "postgresql":
        return "postgresql", url.set(drivername="postgresql").render_as_string(hide_password=False)
    return None


_SHARED: ContextVar[tuple[str, Any] | None] = ContextVar("wageguard_arrow_connection", default=None)
"""The ADBC connection opened by ``reading`` for the reads inside it: (uri, connection)."""


def _open(uri: str) -> Any:
    import adbc_driver_postgresql.dbapi as pg_dbapi  # type: ignore[import-untyped]

    return pg_dbapi.connect(uri)


@contextmanager
def reading(engine: Engine) -> Iterator[None]:
    """Every ``read_arrow`` inside shares one ADBC connection (opening one costs tens of milliseconds, and a
    month's facts take a dozen reads; an owed-wages answer for 24 months took 166). Nested use shares the
    outer one; on SQLite it does nothing."""
    target = _adbc_uri(engine)
    if target is None or _SHARED.get() is not None:
        yield
        return
    conn = _open(target[1])
    token = _SHARED.set((target[1], conn))
    try:
        yield
    finally:
        _SHARED.reset(token)
        conn.close()


@contextmanager
def _adbc_connection(kind: str, uri: str) -> Iterator[Any]:
    shared = _SHARED.get()
    if shared is not None and shared[0] == uri:
        yield shared[1]
        return
    conn = _open(uri)
    try:
        yield conn
    finally:
        conn.close()


def read_arrow(engine: Engine, sql: str, plain: frozenset[str] = frozenset()) -> pa.Table:
    """Run one SELECT (no bound parameters: callers format validated literals) and return Arrow.
    ``plain`` names columns known to hold only numbers or ISO dates (no quoting needed on SQLite)."""
    target = _adbc_uri(engine)
    if target is not None:
        with _adbc_connection(*target) as conn:
            cur = conn.cursor()
            try:
                cur.execute(sql)
                table: pa.Table = cur.fetch_arrow_table()
            finally:
                cur.close()
            return table
    return _read_sqlite_csv(engine, sql, plain)


def _cell(name: str, plain: frozenset[str]) -> str:
    if name in plain:
        return f"IFNULL(q.\"{name}\", '')"
    return f'CASE WHEN q."{name}" IS NULL THEN \'\' ELSE quote(q."{name}") END'


def _read_sqlite_csv(engine: Engine, sql: str, plain: frozenset[str]) -> pa.Table:
    """SQLite without Python row objects: SQLite itself renders the result as one CSV text (``quote()``
    makes every value a SQL literal, so strings keep commas, quotes and newlines), which Arrow's CSV reader
    parses in C. Every column arrives as a string and ``read_frame`` casts it; nulls arrive as nulls."""
    with engine.connect() as conn:
        names = list(conn.exec_driver_sql(f"SELECT * FROM ({sql}) AS q LIMIT 0").keys())
        if not names:
            return pa.table({})
        cells = " || ',' || ".join(_cell(n, plain) for n in names)
        text = conn.exec_driver_sql(f"SELECT group_concat({cells}, char(10)) FROM ({sql}) AS q").scalar()
    if not text:
        return pa.table({n: pa.array([], pa.string()) for n in names})
    return pa_csv.read_csv(
        io.BytesIO((text + "\n").encode()),  # a final newline: else a trailing empty field reads as ""
        read_options=pa_csv.ReadOptions(column_names=names, block_size=1 << 24),
        parse_options=pa_csv.ParseOptions(quote_char="'", double_quote=True, newlines_in_values=True),
        convert_options=pa_csv.ConvertOptions(
            column_types={n: pa.string() for n in names},
            null_values=[""],
            strings_can_be_null=True,
            quoted_strings_can_be_null=False,
        ),
    )


def read_frame(engine: Engine, sql: str, schema: dict[str, Any]) -> pl.DataFrame:
    """Run ``sql`` and return a Polars frame cast to ``schema`` (int-encoded dates become ``pl.Date``)."""
    plain = frozenset(n for n, t in schema.items() if t in (pl.Int64, pl.Int32, pl.Float64, pl.Date))
    table = read_arrow(engine, sql, plain)
    frame = pl.from_arrow(table) if table.num_rows else pl.DataFrame({n: [] for n in table.column_names})
    assert isinstance(frame, pl.DataFrame)
    exprs = []
    for name, dtype in schema.items():
        col = pl.col(name) if name in frame.columns else pl.lit(None)
        if dtype == pl.Date and frame.schema.get(name) == pl.String:
            exprs.append(col.str.slice(0, 10).str.to_date("%Y-%m-%d").alias(name))
        elif dtype == pl.Date:
            exprs.append(col.cast(pl.Int32).cast(pl.Date).alias(name))
        elif dtype == pl.Datetime:
            exprs.append((col.cast(pl.Int64) * 1_000_000).cast(pl.Datetime("us")).alias(name))
        else:
            exprs.append(col.cast(dtype).alias(name))
    return frame.select(exprs)
