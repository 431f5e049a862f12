"""Write use cases of the registry, in bulk: used by the importer (and anything else saving registry rows).

Every function takes an open ``Connection`` (the caller's transaction) and lists of plain row dicts, and uses
SQLAlchemy Core ``insert()``/``update()`` with executemany: no ORM objects per row. A value of ``None`` in a
row means "not given": it is stored on insert but never overwrites a stored value on update, so re-importing
a file with blank optional cells changes nothing. Phones and addresses arrive in clear under their prefix
(``phone``, ``leader_phone``) and are stored sealed (``registry/personal.py``): ``upsert(sealed=...)``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Boolean, LargeBinary, Table, bindparam, func, insert, select, update
from sqlalchemy.engine import Connection

from wageguard.db import utcnow
from wageguard.registry.models import (
    BankCard,
    Enterprise,
    LabourContract,
    Project,
    ProjectParticipant,
    ProjectWorker,
    Team,
    Worker,
    WorkerEntryExit,
)
from wageguard.registry.personal import Sealer

INSERTED, UPDATED, UNCHANGED = "inserted", "updated", "unchanged"
Row = dict[str, Any]
Extra = Callable[[Row, dict[str, Any] | None], dict[str, Any]]
Key = tuple[Any, ...]


@dataclass(frozen=True)
class Saved:
    """The stored id of a row and what happened to it."""

    id: int
    outcome: str


def _key(row: Row, key_cols: Sequence[str]) -> tuple[Any, ...]:
    return tuple(row[c] for c in key_cols)


def _existing(
    conn: Connection, table: Table, key_cols: Sequence[str], cols: set[str], keys: list[Any]
) -> dict[Key, Any]:
    """Stored rows whose first key column is among the first values of ``keys``, by full key."""
    wanted = set(keys)
    columns = [table.c.id, *(table.c[c] for c in sorted(cols | set(key_cols)))]
    firsts = list({k[0] for k in keys})
    found: dict[tuple[Any, ...], Any] = {}
    for start in range(0, len(firsts), 5000):
        stmt = select(*columns).where(table.c[key_cols[0]].in_(firsts[start : start + 5000]))
        for rec in conn.execute(stmt).mappings():
            key = tuple(rec[c] for c in key_cols)
            if key in wanted:
                found[key] = rec
    return found


def _apply_updates(conn: Connection, table: Table, changes: list[tuple[int, dict[str, Any]]]) -> None:
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row_id, diff in changes:
        cols = tuple(sorted(diff))
        groups.setdefault(cols, []).append({"_id": row_id, **{f"_{c}": diff[c] for c in cols}})
    for cols, params in groups.items():
        stmt = (
            update(table).where(table.c.id == bindparam("_id")).values({c: bindparam(f"_{c}") for c in cols})
        )
        conn.execute(stmt, params)


def bulk_insert(conn: Connection, table: Table, rows: list[Row]) -> None:
    """Insert many rows at once; on SQLite straight through the driver's ``executemany`` (the hot path)."""
    if not rows:
        return
    columns = list(dict.fromkeys(c for row in rows for c in row))
    if conn.dialect.name != "sqlite":
        conn.execute(insert(table), [{c: row.get(c) for c in columns} for row in rows])
        return
    procs = [table.c[c].type._cached_bind_processor(conn.dialect) for c in columns]
    active = [(i, p) for i, p in enumerate(procs) if p is not None]
    data = []
    for row in rows:
        values = [row.get(c) for c in columns]
        for i, proc in active:
            if values[i] is not None:
                values[i] = proc(values[i])
        data.append(tuple(values))
    names = ", ".join(f'"{c}"' for c in columns)
    marks = ", ".join("?" for _ in columns)
    conn.exec_driver_sql(f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})', data)


def ids_by(conn: Connection, table: Table, column: str, values: Iterable[Any]) -> dict[Any, int]:
    """Ids of the stored rows whose ``column`` (a unique one) is among ``values``, by that value.

    On SQLite the statement goes straight to the driver (no expanding-IN compilation per batch).
    """
    wanted = list(set(values))
    found: dict[Any, int] = {}
    for start in range(0, len(wanted), 5000):
        part = wanted[start : start + 5000]
        if conn.dialect.name == "sqlite":
            marks = ", ".join("?" * len(part))
            sql = f'SELECT "{column}", id FROM "{table.name}" WHERE "{column}" IN ({marks})'
            result = conn.exec_driver_sql(sql, tuple(part))
        else:
            result = conn.execute(select(table.c[column], table.c.id).where(table.c[column].in_(part)))
        found.update((key, row_id) for key, row_id in result)
    return found


def insert_tuples(
    conn: Connection,
    table: Table,
    columns: Sequence[str],
    data: list[tuple[Any, ...]],
    *,
    constants: dict[str, Any] | None = None,
) -> None:
    """Insert rows given as tuples in ``columns`` order, each followed by ``constants`` (same on every row).

    The fastest way in for brand-new rows (no dict per row). On SQLite the tuples go straight to the
    driver's ``executemany``: the constants are converted once, date/time cells per row, while booleans and
    bytes need no conversion. Other databases get a Core ``insert()`` executemany.
    """
    if not data:
        return
    const = constants or {}
    names = [*columns, *const]
    if conn.dialect.name != "sqlite":
        tail = tuple(const.values())
        conn.execute(insert(table), [dict(zip(names, (*row, *tail), strict=True)) for row in data])
        return
    tail = tuple(_bind(table, c, conn, v) for c, v in const.items())
    procs = [(i, _processor(table, c, conn)) for i, c in enumerate(columns)]
    active = [(i, p) for i, p in procs if p is not None]
    if active or tail:
        data = [_converted(row, active) + tail for row in data]
    quoted = ", ".join(f'"{c}"' for c in names)
    marks = ", ".join("?" for _ in names)
    conn.exec_driver_sql(f'INSERT INTO "{table.name}" ({quoted}) VALUES ({marks})', data)


def insert_new_ids(
    conn: Connection,
    table: Table,
    columns: Sequence[str],
    data: list[tuple[Any, ...]],
    *,
    key: str,
    constants: dict[str, Any] | None = None,
) -> list[int]:
    """``insert_tuples``, then the id each row got, in ``data`` order (``key`` is a unique column).

    On SQLite rows inserted by one executemany get consecutive ids after the largest stored one, and the
    transaction holds the write lock from the insert on: when the largest id grew by exactly the number of
    rows, the ids are that range. Otherwise (another writer got in first, an AUTOINCREMENT gap, another
    database) they are looked up by ``key``.
    """
    sqlite = conn.dialect.name == "sqlite"
    top = f'SELECT max(id) FROM "{table.name}"'
    before = (conn.exec_driver_sql(top).scalar() or 0) if sqlite else None
    insert_tuples(conn, table, columns, data, constants=constants)
    if sqlite and before is not None:
        after = conn.exec_driver_sql(top).scalar() or 0
        if after - before == len(data):
            return list(range(before + 1, after + 1))
    at = list(columns).index(key)
    found = ids_by(conn, table, key, (row[at] for row in data))
    return [found[row[at]] for row in data]


def _processor(table: Table, column: str, conn: Connection) -> Callable[[Any], Any] | None:
    """The driver-side conversion of a column, ``None`` where sqlite3 takes the Python value as it is."""
    kind = table.c[column].type
    if isinstance(kind, Boolean | LargeBinary):
        return None
    return kind._cached_bind_processor(conn.dialect)


def _bind(table: Table, column: str, conn: Connection, value: Any) -> Any:
    proc = _processor(table, column, conn)
    return value if proc is None or value is None else proc(value)


def _converted(row: tuple[Any, ...], active: list[tuple[int, Callable[[Any], Any]]]) -> tuple[Any, ...]:
    if not active:
        return row
    values = list(row)
    for i, proc in active:
        if values[i] is not None:
            values[i] = proc(values[i])
    return tuple(values)


def upsert(
    conn: Connection,
    table: Table,
    key_cols: Sequence[str],
    rows: Iterable[Row],
    *,
    extra: Extra | None = None,
    assume_new: Callable[[tuple[Any, ...]], bool] | None = None,
    want_ids: bool = True,
    sealed: Mapping[str, Sealer] | None = None,
) -> dict[Key, Saved]:
    """Insert new rows, update changed ones (non-``None`` values only), leave equal ones alone.

    ``extra(row, diff)`` adds columns that are not compared (ciphertexts, timestamps): ``diff`` is ``None``
    for an insert and the changed columns for an update. Rows with the same key are merged, later wins.
    Keys for which ``assume_new`` is true are not looked up (their parent was just inserted); with
    ``want_ids=False`` inserted rows are reported with id 0 (saves a query). ``sealed`` maps a prefix to
    its sealer: the row's clear value under that prefix is compared with the decrypted ``<prefix>_enc``
    and, when new or changed, stored as ``<prefix>_enc`` + ``<prefix>_masked`` (never in clear).
    """
    seals = sealed or {}
    merged: dict[tuple[Any, ...], Row] = {}
    for row in rows:
        key = _key(row, key_cols)
        previous = merged.get(key)
        merged[key] = (
            row if previous is None else {**previous, **{k: v for k, v in row.items() if v is not None}}
        )
    if not merged:
        return {}
    compare = {c for row in merged.values() for c in row} - set(key_cols) - set(seals)
    compare |= {f"{prefix}_enc" for prefix in seals}
    lookup = [k for k in merged if assume_new is None or not assume_new(k)]
    stored = _existing(conn, table, key_cols, compare, lookup) if lookup else {}
    result: dict[tuple[Any, ...], Saved] = {}
    inserts: list[Row] = []
    changes: list[tuple[int, dict[str, Any]]] = []
    for key, merged_row in merged.items():
        row = {c: v for c, v in merged_row.items() if c not in seals}
        clear = {p: merged_row[p] for p in seals if merged_row.get(p) is not None}
        old = stored.get(key)
        if old is None:
            for prefix, value in clear.items():
                row.update(seals[prefix].seal(prefix, value))
            inserts.append({**row, **(extra(row, None) if extra else {})})
            continue
        diff = {c: v for c, v in row.items() if v is not None and c not in key_cols and old[c] != v}
        for prefix, value in clear.items():
            if not seals[prefix].same(old[f"{prefix}_enc"], value):
                diff.update(seals[prefix].seal(prefix, value))
        if diff:
            changes.append((old["id"], {**diff, **(extra(row, diff) if extra else {})}))
        result[key] = Saved(old["id"], UPDATED if diff else UNCHANGED)
    _apply_updates(conn, table, changes)
    bulk_insert(conn, table, inserts)
    new_keys = [_key(row, key_cols) for row in inserts]
    if inserts and want_ids:
        for key, rec in _existing(conn, table, key_cols, set(), new_keys).items():
            result[key] = Saved(rec["id"], INSERTED)
    elif inserts:
        result.update((key, Saved(0, INSERTED)) for key in new_keys)
    return result


def _stamped(row: Row, diff: dict[str, Any] | None) -> dict[str, Any]:
    now = utcnow()
    return {"updated_at": now} if diff is not None else {"created_at": now, "updated_at": now}


def save_enterprises(conn: Connection, rows: list[Row]) -> dict[Key, Saved]:
    """Enterprises by unified social credit code (``corp_code``)."""
    return upsert(conn, Enterprise.__table__, ("corp_code",), rows, extra=_stamped)  # type: ignore[arg-type]


def save_projects(
    conn: Connection,
    rows: list[Row],
    *,
    defaults: dict[str, Any] | None = None,
    sealed: Mapping[str, Sealer] | None = None,
) -> dict[Key, Saved]:
    """Projects by ``project_code``; ``defaults`` fill columns left blank when a project is inserted;
    ``link_phone`` and ``labour_officer_phone`` are sealed."""

    def extra(row: Row, diff: dict[str, Any] | None) -> dict[str, Any]:
        if diff is not None:
            return _stamped(row, diff)
        filled = {k: v for k, v in (defaults or {}).items() if row.get(k) is None}
        return {**_stamped(row, diff), **filled}

    table: Table = Project.__table__  # type: ignore[assignment]
    return upsert(conn, table, ("project_code",), rows, extra=extra, sealed=sealed)


def save_participants(
    conn: Connection,
    rows: list[Row],
    *,
    extra: Extra | None = None,
    sealed: Mapping[str, Sealer] | None = None,
) -> dict[Key, Saved]:
    """Project participants by (project, enterprise, corpType); ``pm_phone`` sealed."""
    table: Table = ProjectParticipant.__table__  # type: ignore[assignment]
    return upsert(conn, table, ("project_id", "enterprise_id", "corp_type"), rows, extra=extra, sealed=sealed)


def save_teams(
    conn: Connection,
    rows: list[Row],
    *,
    extra: Extra | None = None,
    sealed: Mapping[str, Sealer] | None = None,
) -> dict[Key, Saved]:
    """Teams by ``team_sys_no``; ``leader_phone`` sealed."""
    table: Table = Team.__table__  # type: ignore[assignment]
    return upsert(conn, table, ("team_sys_no",), rows, extra=extra, sealed=sealed)


def save_workers(conn: Connection, rows: list[Row], *, extra: Extra) -> dict[Key, Saved]:
    """Workers (identity fields) by blind index of the ID number; ``extra`` supplies ciphertext, masked
    form and ``registered_by`` on insert. Callers pass only rows whose identity the actor may change."""
    return upsert(conn, Worker.__table__, ("id_bidx",), rows, extra=extra)  # type: ignore[arg-type]


def save_project_workers(
    conn: Connection,
    rows: list[Row],
    *,
    new_workers: set[int] | frozenset[int] = frozenset(),
    sealed: Mapping[str, Sealer] | None = None,
) -> dict[Key, Saved]:
    """Project workers by (worker, project); workers in ``new_workers`` were just inserted (no lookup);
    ``phone`` and ``address`` sealed."""
    table: Table = ProjectWorker.__table__  # type: ignore[assignment]
    return upsert(
        conn,
        table,
        ("worker_id", "project_id"),
        rows,
        assume_new=lambda k: k[0] in new_workers,
        want_ids=False,
        sealed=sealed,
    )


def save_contracts(conn: Connection, rows: list[Row]) -> dict[Key, Saved]:
    """Labour contracts by (worker, project, enterprise, start date)."""
    table: Table = LabourContract.__table__  # type: ignore[assignment]
    return upsert(conn, table, ("worker_id", "project_id", "enterprise_id", "start_date"), rows)


def save_entry_exits(conn: Connection, rows: list[Row]) -> dict[Key, Saved]:
    """Entry/exit events by (project worker, date, type)."""
    table: Table = WorkerEntryExit.__table__  # type: ignore[assignment]
    return upsert(conn, table, ("project_worker_id", "date", "type"), rows)


def refresh_entry_exit_dates(conn: Connection, project_worker_ids: set[int]) -> None:
    """Set each project worker's entry date to its latest entry and exit date to a later-or-equal exit."""
    ids = sorted(project_worker_ids)
    t = WorkerEntryExit.__table__
    pw = ProjectWorker.__table__
    for start in range(0, len(ids), 5000):
        part = ids[start : start + 5000]
        latest: dict[int, dict[str, date]] = {i: {} for i in part}
        stmt = (
            select(t.c.project_worker_id, t.c.type, func.max(t.c.date))
            .where(t.c.project_worker_id.in_(part))
            .group_by(t.c.project_worker_id, t.c.type)
        )
        for pw_id, kind, day in conn.execute(stmt):
            latest[pw_id][kind] = day
        current = {
            r.id: r
            for r in conn.execute(select(pw.c.id, pw.c.entry_date, pw.c.exit_date).where(pw.c.id.in_(part)))
        }
        changes = []
        for pw_id, days in latest.items():
            entry, leave = days.get("1"), days.get("0")
            if entry is not None and leave is not None and leave < entry:
                leave = None
            old = current[pw_id]
            if (old.entry_date, old.exit_date) != (entry, leave):
                changes.append((pw_id, {"entry_date": entry, "exit_date": leave}))
        _apply_updates(conn, pw, changes)  # type: ignore[arg-type]


def save_cards(
    conn: Connection,
    cards: list[Row],
    *,
    encrypt: Callable[[str], dict[str, Any]],
    new_workers: set[int] | frozenset[int] = frozenset(),
) -> set[int]:
    """Register the given cards (inserting new ones) and move the current card where the row may.

    Each card is a dict of ``worker_id``, ``card_bidx``, ``card`` (clear, used only for a new card via
    ``encrypt``), ``bank_name``, ``top_bank_code`` and ``current``: with ``current`` true (an admin's or the
    owner's row) the card becomes the worker's current one (older cards kept non-current) and its bank
    details are updated; otherwise (another enterprise's engagement) a new card is added non-current and
    no stored card is touched. The last current card given for a worker wins. Returns the worker ids whose
    cards changed.
    """
    t = BankCard.__table__
    stored: dict[int, list[Any]] = {}
    ids = list({c["worker_id"] for c in cards if c["worker_id"] not in new_workers})
    for start in range(0, len(ids), 5000):
        stmt = select(t.c.id, t.c.worker_id, t.c.card_bidx, t.c.is_current, t.c.bank_name, t.c.top_bank_code)
        for rec in conn.execute(stmt.where(t.c.worker_id.in_(ids[start : start + 5000]))):
            stored.setdefault(rec.worker_id, []).append(rec)
    wanted: dict[tuple[int, str], Row] = {}
    current: dict[int, str] = {}
    for card in cards:
        key = (card["worker_id"], card["card_bidx"])
        wanted[key] = {**wanted.get(key, {}), **{k: v for k, v in card.items() if v is not None}}
        if card["current"]:
            current[card["worker_id"]] = card["card_bidx"]
    changed: set[int] = set()
    inserts: list[Row] = []
    changes: list[tuple[int, dict[str, Any]]] = []
    now = utcnow()
    for (worker_id, bidx), card in wanted.items():
        mine = stored.get(worker_id, [])
        same = next((c for c in mine if c.card_bidx == bidx), None)
        is_current = current.get(worker_id) == bidx
        if same is None:
            inserts.append(
                {
                    "worker_id": worker_id,
                    "card_bidx": bidx,
                    "is_current": is_current,
                    "bank_name": card.get("bank_name"),
                    "top_bank_code": card.get("top_bank_code"),
                    "created_at": now,
                    **encrypt(card["card"]),
                }
            )
            changed.add(worker_id)
            continue
        if not is_current:
            continue
        diff = {
            k: card[k]
            for k in ("bank_name", "top_bank_code")
            if card.get(k) is not None and getattr(same, k) != card[k]
        }
        if not same.is_current:
            diff["is_current"] = True
        if diff:
            changes.append((same.id, diff))
            changed.add(worker_id)
    for worker_id, bidx in current.items():
        for other in stored.get(worker_id, []):
            if other.card_bidx != bidx and other.is_current:
                changes.append((other.id, {"is_current": False}))
                changed.add(worker_id)
    _apply_updates(conn, t, changes)  # type: ignore[arg-type]
    bulk_insert(conn, t, inserts)  # type: ignore[arg-type]
    return changed
