"""Streaming readers of JSON, CSV and XLSX files, yielding flat rows with their labels.

CSV: UTF-8 (with or without BOM) or GB18030/GBK, detected over the whole file; header is row 1.
XLSX: first sheet, header is row 1. JSON: one object or an array; a nested list (``workerList`` ...) is
flattened, the parent's fields repeated on each row, labelled like ``[0].workerList[3]``.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from wageguard.validation import Invalid

Row = tuple[int | str, dict[str, Any]]
FORMATS = ("json", "csv", "xlsx")
_CHUNK = 1 << 20


@dataclass
class Source:
    """A seekable binary input with its name."""

    stream: IO[bytes]
    filename: str


def guess_format(source: Source, declared: str | None) -> str:
    """The declared format, else the file extension, else a sniff of the first bytes."""
    if declared:
        fmt = declared.lower().lstrip(".")
        if fmt not in FORMATS:
            raise Invalid(
                "file.format",
                "不支持的文件格式（仅 JSON、CSV、XLSX）",
                "unsupported format (JSON, CSV, XLSX)",
            )
        return fmt
    ext = source.filename.rsplit(".", 1)[-1].lower() if "." in source.filename else ""
    if ext in FORMATS:
        return ext
    head = source.stream.read(8)
    source.stream.seek(0)
    if head.startswith(b"PK"):
        return "xlsx"
    if head.lstrip(b"\xef\xbb\xbf \r\n\t")[:1] in (b"{", b"["):
        return "json"
    return "csv"


def _decodes(source: Source, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    source.stream.seek(0)
    try:
        while block := source.stream.read(_CHUNK):
            if b"\x00" in block:
                return False
            decoder.decode(block)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    finally:
        source.stream.seek(0)
    return True


def bad_encoding() -> Invalid:
    return Invalid(
        "file.encoding",
        "无法识别的文件编码（请使用 UTF-8 或 GBK/GB18030）",
        "unrecognised encoding (use UTF-8 or GBK/GB18030)",
    )


def detect_encoding(source: Source, declared: str | None) -> str:
    """``utf-8-sig`` or ``gb18030`` (a superset of GBK), checked over the whole file; else ``Invalid``."""
    head = source.stream.read(4)
    source.stream.seek(0)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise bad_encoding()
    candidates = [declared] if declared else ["utf-8-sig", "gb18030"]
    for encoding in candidates:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise bad_encoding() from None
        if _decodes(source, encoding):
            return "utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding
    raise bad_encoding()


def read_csv(source: Source, encoding: str) -> tuple[list[str], Iterator[Row]]:
    """Header and rows of a CSV file (rows numbered as in a spreadsheet: header = 1)."""
    text = io.TextIOWrapper(source.stream, encoding=encoding, newline="")
    reader = csv.reader(text)
    header = [h.strip() for h in next(reader, [])]

    def rows() -> Iterator[Row]:
        for number, cells in enumerate(reader, start=2):
            if any(cells):
                yield number, dict(zip(header, cells, strict=False))
        text.detach()

    return header, rows()


def read_xlsx(source: Source) -> tuple[list[str], Iterator[Row]]:
    """Header and rows of the first sheet of an XLSX workbook; cells keep their types (dates, numbers)."""
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(source.stream)
        sheet = book.get_sheet_by_index(0)
        cells = iter(sheet.iter_rows())
    except Exception:
        raise Invalid("file.format", "无法读取 XLSX 文件", "cannot read the XLSX workbook") from None
    header = [str(h).strip() for h in next(cells, [])]

    def rows() -> Iterator[Row]:
        for number, values in enumerate(cells, start=2):
            if any(v not in ("", None) for v in values):
                yield number, {h: v for h, v in zip(header, values, strict=False) if h}

    return header, rows()


def _flatten(item: Any, label: str, list_key: str | None) -> Iterator[Row]:
    if not isinstance(item, dict):
        raise Invalid("json.shape", "JSON 元素应为对象", "each JSON element must be an object")
    children = item.get(list_key) if list_key else None
    parent = {k: v for k, v in item.items() if k != list_key}
    if not isinstance(children, list):
        yield label or "$", parent
        return
    for j, child in enumerate(children):
        if not isinstance(child, dict):
            raise Invalid("json.shape", "JSON 元素应为对象", "each JSON element must be an object")
        yield f"{label}.{list_key}[{j}]" if label else f"{list_key}[{j}]", {**parent, **child}


def read_json(source: Source, list_key: str | None) -> tuple[list[str], Iterator[Row]]:
    """Rows of a JSON document: one object or an array of objects, nested ``list_key`` lists flattened."""
    try:
        document = json.loads(source.stream.read().decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        raise Invalid(
            "json.invalid", "JSON 无法解析（须为 UTF-8）", "JSON cannot be parsed (must be UTF-8)"
        ) from None
    items = document if isinstance(document, list) else [document]
    columns: list[str] = []
    for item in items:
        if isinstance(item, dict):
            columns.extend(k for k in item if k not in columns)
            for child in item.get(list_key, []) if list_key and isinstance(item.get(list_key), list) else []:
                if isinstance(child, dict):
                    columns.extend(k for k in child if k not in columns)

    def rows() -> Iterator[Row]:
        for i, item in enumerate(items):
            yield from _flatten(item, f"[{i}]" if isinstance(document, list) else "", list_key)

    return columns, rows()
