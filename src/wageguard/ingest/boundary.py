"""The one input boundary of file imports: CSV, XLSX and JSON are read here, under limits from Settings.

Every reader of an uploaded or imported file (registry, attendance, pay sheets, bank files) goes through this
module, so the same limits hold everywhere and every way a file can be broken ends the same way: a
``BadInput`` (an ``Invalid`` with the row and field it concerns) that the caller turns into a rejection
report (row, field, reason in Chinese and English), exit 2 / HTTP 422 and an import record.

- Size: the file's bytes (``import_max_bytes``) are checked before anything is read.
- Format (``guess_format``): as declared, else by content (a zip is XLSX, ``{``/``[`` first is JSON), else
  by the file extension, else CSV.
- CSV: encoding detected honestly (UTF-8 with or without BOM, UTF-16/32 with BOM, GB18030/GBK, Big5 when
  the text says so); an undecidable file is refused, naming ``--encoding``. Quoting must close, a record's
  fields may not exceed ``import_max_field_chars`` (also below Python's 128 KiB csv limit), no control
  characters (NUL …), at most ``import_max_rows`` records.
- XLSX: the zip's central directory and every part's real inflated size are checked against
  ``import_max_xlsx_unzipped_bytes`` and ``import_max_xlsx_ratio`` BEFORE calamine opens the workbook
  (zip bombs, parts that lie about their size); a corrupt workbook is refused cleanly.
- JSON: UTF-8 only, nesting at most ``import_max_json_depth`` (checked before parsing), no NaN/Infinity.
- Tables (``open_table``): header row 1, no duplicate column names, every CSV record as wide as the header,
  at least one data row.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass
from functools import partial
from itertools import accumulate
from typing import IO, Any

from wageguard.ingest.encodings import detect_encoding, undecidable_encoding
from wageguard.ingest.limits import (
    CONTROL,
    FILE,
    ROW,
    BadInput,
    Limits,
    control_character,
    empty_file,
    field_too_long,
    has_control,
    too_large,
    too_many_rows,
)
from wageguard.ingest.xlsx_guard import check_xlsx, read_xlsx_records

Cells = list[Any]
Record = tuple[int, Cells]
Row = tuple[int | str, dict[str, Any]]
TableRow = tuple[int, dict[str, Any]]

_CHUNK = 1 << 20
_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_BRACKET_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


@dataclass
class Source:
    """A seekable binary input with its name."""

    stream: IO[bytes]
    filename: str


@dataclass
class Sheet:
    """The raw records of a CSV file or an XLSX workbook's first sheet, numbered from 1."""

    file_format: str
    encoding: str | None
    records: Iterator[Record]


@dataclass
class Table:
    """Header (row 1) and data rows of a CSV/XLSX file, as column name → cell."""

    file_format: str
    encoding: str | None
    header: list[str]
    rows: Iterator[TableRow]


def check_size(stream: IO[bytes], limits: Limits) -> int:
    """The stream's size in bytes; ``BadInput`` (``file.too_large``) beyond ``limits.max_bytes``."""
    stream.seek(0, io.SEEK_END)
    size = stream.tell()
    stream.seek(0)
    if size > limits.max_bytes:
        raise too_large(limits)
    return size


def copy_bounded(source: IO[bytes], target: IO[bytes], limits: Limits) -> int:
    """Copy an upload to ``target``, refusing (``file.too_large``) as soon as it passes the byte limit."""
    copied = 0
    while block := source.read(_CHUNK):
        copied += len(block)
        if copied > limits.max_bytes:
            raise too_large(limits)
        target.write(block)
    return copied


def _csv_fault(exc: csv.Error, limits: Limits, row: int) -> BadInput:
    text = str(exc)
    if "field limit" in text:
        return field_too_long(limits, row=row)
    if "end of data" in text:
        return BadInput(
            "csv.quote",
            "引号未闭合（文件可能被截断），整个文件未导入",
            "a quoted field is not closed (truncated file?); nothing imported",
            row=row,
        )
    return BadInput(
        "csv.quote",
        "引号使用错误（引号内的引号须写成两个）",
        f'bad quoting (a quote inside a quoted field must be doubled ""): {text[:80]}',
        row=row,
    )


def read_csv_records(stream: IO[bytes], encoding: str, limits: Limits) -> Iterator[Record]:
    """Records of a CSV stream (numbered from 1, blank lines included), strictly parsed under ``limits``.

    Lines are read at most ``limits.max_line_chars`` at a time (a longer line breaks into records of the
    wrong width, which tables refuse); every field is measured and checked for control characters.
    """
    stream.seek(0)
    if csv.field_size_limit() < limits.max_line_chars:
        # process-wide, raised once: fields are measured below (naming the column), lines bounded above
        csv.field_size_limit(limits.max_line_chars)
    text = io.TextIOWrapper(stream, encoding=encoding, errors="strict", newline="")
    reader = csv.reader(iter(partial(text.readline, limits.max_line_chars), ""), strict=True)
    longest, most = limits.max_field_chars, limits.max_rows + 1
    number = 0
    try:
        for cells in reader:
            number += 1
            if number > most:
                raise too_many_rows(limits, number)
            if cells:
                if max(map(len, cells)) > longest:
                    column = next(i for i, c in enumerate(cells) if len(c) > longest)
                    raise field_too_long(limits, row=number, field=f"#{column + 1}")
                if not all(map(str.isprintable, cells)):
                    for column, cell in enumerate(cells):
                        if CONTROL.search(cell):
                            raise control_character(row=number, field=f"#{column + 1}")
            yield number, cells
    except csv.Error as exc:
        raise _csv_fault(exc, limits, number + 1) from None
    except UnicodeDecodeError:
        raise undecidable_encoding().at(row=number + 1) from None
    finally:
        with suppress(ValueError):  # the stream may be closed already when an unfinished reader is dropped
            text.detach()


# -- sheets and tables -----------------------------------------------------------------------------------

FORMATS = ("json", "csv", "xlsx")


def guess_format(source: Source, declared: str | None, formats: tuple[str, ...] = FORMATS) -> str:
    """The declared format, else what the content shows (a zip is a workbook; ``{`` or ``[`` first, after
    a BOM and white space, is JSON), else the file extension, else CSV.

    The content wins over the name: integrations send ``upload.dat``, or JSON saved as ``.csv``."""
    if declared:
        fmt = declared.lower().lstrip(".")
        if fmt not in formats:
            names = "、".join(f.upper() for f in formats)
            raise BadInput(
                "file.format", f"不支持的文件格式（仅 {names}）", f"unsupported format ({', '.join(formats)})"
            )
        return fmt
    head = source.stream.read(64)
    source.stream.seek(0)
    if head.startswith(b"PK\x03\x04") and "xlsx" in formats:
        return "xlsx"
    if head.lstrip(b"\xef\xbb\xbf \r\n\t")[:1] in (b"{", b"[") and "json" in formats:
        return "json"
    ext = source.filename.rsplit(".", 1)[-1].lower() if "." in source.filename else ""
    if ext in formats or (ext == "xlsm" and "xlsx" in formats):
        return "xlsx" if ext == "xlsm" else ext
    return "csv"


def open_sheet(
    source: Source, limits: Limits, *, file_format: str | None = None, encoding: str | None = None
) -> Sheet:
    """The raw records of a CSV or XLSX file, size, encoding and (XLSX) zip checked before any row is read.

    For readers that locate their own header (bank statements with title rows); ``open_table`` for the rest.
    """
    check_size(source.stream, limits)
    fmt = guess_format(source, file_format, ("csv", "xlsx"))
    if fmt == "xlsx":
        return Sheet("xlsx", None, read_xlsx_records(source.stream, limits))
    found = detect_encoding(source.stream, encoding)
    return Sheet("csv", found, read_csv_records(source.stream, found, limits))


def is_blank_cell(value: Any) -> bool:
    return value is None or (value.__class__ is str and (not value or value.isspace()))


def header_names(cells: Cells, row: int = 1) -> list[str]:
    """Column names of a header record, stripped; ``BadInput`` (``header.duplicate``) on a repeated name."""
    names = ["" if is_blank_cell(c) else str(c).strip() for c in cells]
    seen: set[str] = set()
    for name in names:
        if name and name in seen:
            raise BadInput(
                "header.duplicate",
                f"列名 {name[:60]} 重复出现",
                f"column {name[:60]!r} appears twice in the header",
                row=row,
                field=name[:60],
            )
        seen.add(name)
    return names


def _name_column(fault: BadInput, names: list[str]) -> None:
    """A fault located at column ``#3`` names the header's third column instead."""
    column = fault.field[1:] if fault.field.startswith("#") else ""
    if column.isdigit() and 0 < int(column) <= len(names) and names[int(column) - 1]:
        fault.field = names[int(column) - 1]


def _row_of(names: list[str], cells: Cells) -> dict[str, Any]:
    return {h: v for h, v in zip(names, cells, strict=False) if h}


def table_of(sheet: Sheet) -> Table:
    """Header (first non-blank record) and rows of a sheet: duplicate names refused, CSV records as wide as
    the header, blank rows skipped, columns without a name dropped, ``file.empty`` when no row follows."""
    records = sheet.records
    header: list[str] | None = None
    header_row = 0
    for number, cells in records:
        if any(not is_blank_cell(c) for c in cells):
            header, header_row = header_names(cells, number), number
            break
    if header is None:
        raise empty_file()
    names = header
    width = len(names)

    def csv_rows() -> Iterator[TableRow]:
        found = False
        as_row = partial(_row_of, names) if "" in names else None
        for number, cells in records:
            if len(cells) != width:
                if not any(cells):
                    continue
                raise BadInput(
                    "csv.width",
                    f"该行有 {len(cells)} 个字段，表头（第 {header_row} 行）有 {width} 个；整个文件未导入",
                    f"the row has {len(cells)} fields, the header (row {header_row}) has {width}; "
                    "nothing imported",
                    row=number,
                )
            if any(cells):
                found = True
                yield number, as_row(cells) if as_row else dict(zip(names, cells, strict=True))
        if not found:
            raise empty_file()

    def xlsx_rows() -> Iterator[TableRow]:
        found = False
        for number, cells in records:
            if not all(is_blank_cell(c) for c in cells):
                found = True
                yield number, _row_of(names, cells)
        if not found:
            raise empty_file()

    def rows() -> Iterator[TableRow]:
        try:
            yield from csv_rows() if sheet.file_format == "csv" else xlsx_rows()
        except BadInput as fault:
            _name_column(fault, names)
            raise

    return Table(sheet.file_format, sheet.encoding, names, rows())


def open_table(
    source: Source, limits: Limits, *, file_format: str | None = None, encoding: str | None = None
) -> Table:
    """Header and rows of a CSV or XLSX file through every check of this module (see ``table_of``)."""
    return table_of(open_sheet(source, limits, file_format=file_format, encoding=encoding))


# -- JSON ------------------------------------------------------------------------------------------------


def _json_depth(text: str, limit: int) -> int:
    """Deepest nesting of arrays/objects, strings ignored (0 when plainly within ``limit``)."""
    if text.count("[") + text.count("{") <= limit:
        return 0
    brackets = _NOT_BRACKET.sub("", _JSON_STRING.sub("", text))
    return max(accumulate(map(_BRACKET_STEP.__getitem__, brackets)), default=0)


def _too_deep(limits: Limits) -> BadInput:
    n = limits.max_json_depth
    return BadInput("json.too_deep", f"JSON 嵌套超过 {n} 层", f"JSON is nested deeper than {n} levels")


def _finite(text: str) -> float:
    number = float(text)
    if number in (float("inf"), float("-inf")):
        raise BadInput(
            "json.number", f"JSON 数值超出范围：{text[:40]}", f"JSON number out of range: {text[:40]}"
        )
    return number


def _no_constant(name: str) -> Any:
    raise BadInput("json.number", f"JSON 中不允许 {name}", f"{name} is not allowed in JSON")


def read_json_document(source: Source, limits: Limits) -> Any:
    """A JSON document (UTF-8, BOM allowed), size and depth checked before it is parsed."""
    check_size(source.stream, limits)
    data = source.stream.read()
    source.stream.seek(0)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BadInput(
            "json.invalid", "JSON 无法解析（须为 UTF-8）", "JSON cannot be parsed (must be UTF-8)"
        ) from None
    del data
    if _json_depth(text, limits.max_json_depth) > limits.max_json_depth:
        raise _too_deep(limits)
    try:
        return json.loads(text, parse_float=_finite, parse_constant=_no_constant)
    except BadInput:
        raise
    except RecursionError:
        raise _too_deep(limits) from None
    except ValueError as exc:
        where = f"第 {exc.lineno} 行第 {exc.colno} 列" if isinstance(exc, json.JSONDecodeError) else ""
        at = f" at line {exc.lineno} column {exc.colno}" if isinstance(exc, json.JSONDecodeError) else ""
        raise BadInput(
            "json.invalid",
            f"JSON 无法解析{where}（须为 UTF-8）",
            f"JSON cannot be parsed{at} (must be UTF-8)",
        ) from None


# -- text ------------------------------------------------------------------------------------------------


__all__ = [
    "CONTROL",
    "FILE",
    "ROW",
    "BadInput",
    "Limits",
    "Sheet",
    "Source",
    "Table",
    "check_size",
    "check_xlsx",
    "control_character",
    "copy_bounded",
    "detect_encoding",
    "empty_file",
    "field_too_long",
    "guess_format",
    "has_control",
    "header_names",
    "open_sheet",
    "open_table",
    "read_csv_records",
    "read_json_document",
    "read_xlsx_records",
    "table_of",
    "too_large",
    "too_many_rows",
]
