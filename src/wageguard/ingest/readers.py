"""Rows of an exchange-format file (JSON, CSV, XLSX) with their labels, read through the input boundary.

Every byte is read by ``ingest/boundary.py`` under the limits from Settings; this module only shapes what
it reads into the registry importer's rows. CSV/XLSX: header row 1, rows numbered as in a spreadsheet.
JSON: one object or an array; a nested list (``workerList`` ...) is flattened, the parent's fields repeated
on each row, labelled like ``[0].workerList[3]``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from wageguard.ingest.boundary import (
    FORMATS,
    BadInput,
    Limits,
    Row,
    Source,
    empty_file,
    guess_format,
    open_table,
    read_json_document,
    too_many_rows,
)

__all__ = ["FORMATS", "Row", "Rows", "Source", "guess_format", "read_json", "read_rows"]


@dataclass
class Rows:
    """What the importer iterates: the columns seen, the labelled rows, the CSV encoding found."""

    columns: list[str]
    rows: Iterator[Row]
    encoding: str | None = None


def read_rows(
    source: Source, file_format: str, *, list_key: str | None, encoding: str | None, limits: Limits
) -> Rows:
    """The rows of a JSON, CSV or XLSX file (CSV/XLSX: header row 1, rows numbered as in a spreadsheet)."""
    if file_format == "json":
        columns, rows = read_json(source, list_key, limits)
        return Rows(columns, rows)
    table = open_table(source, limits, file_format=file_format, encoding=encoding)
    return Rows(table.header, table.rows, table.encoding)


def _not_object() -> BadInput:
    return BadInput("json.shape", "JSON 元素应为对象", "each JSON element must be an object")


def _flatten(item: Any, label: str, list_key: str | None) -> Iterator[Row]:
    if not isinstance(item, dict):
        raise _not_object().at(row=label or "$")
    children = item.get(list_key) if list_key else None
    parent = {k: v for k, v in item.items() if k != list_key}
    if not isinstance(children, list):
        yield label or "$", parent
        return
    for j, child in enumerate(children):
        where = f"{label}.{list_key}[{j}]" if label else f"{list_key}[{j}]"
        if not isinstance(child, dict):
            raise _not_object().at(row=where)
        yield where, {**parent, **child}


def read_json(source: Source, list_key: str | None, limits: Limits) -> tuple[list[str], Iterator[Row]]:
    """Rows of a JSON document: one object or an array of objects, nested ``list_key`` lists flattened."""
    document = read_json_document(source, limits)
    items = document if isinstance(document, list) else [document]
    if not items:
        raise empty_file()
    columns: list[str] = []
    for item in items:
        if isinstance(item, dict):
            columns.extend(k for k in item if k not in columns)
            for child in item.get(list_key, []) if list_key and isinstance(item.get(list_key), list) else []:
                if isinstance(child, dict):
                    columns.extend(k for k in child if k not in columns)

    def rows() -> Iterator[Row]:
        count = 0
        for i, item in enumerate(items):
            for row in _flatten(item, f"[{i}]" if isinstance(document, list) else "", list_key):
                count += 1
                if count > limits.max_rows:
                    raise too_many_rows(limits, row[0])
                yield row

    return columns, rows()
