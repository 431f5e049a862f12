"""XLSX workbooks checked as zip archives BEFORE any spreadsheet library opens them, then read as records.

An 8 MB zip bomb once drove the server to 2.6 GB for 33 s inside calamine; here the central directory's
declared sizes and ratios are checked first, then every part is inflated in bounded chunks and must inflate to
exactly its declared size (a part that lies about its size is caught too). Only then is calamine used.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Iterator
from typing import IO, Any

from wageguard.ingest.limits import (
    CONTROL,
    BadInput,
    Limits,
    control_character,
    field_too_long,
    megabytes,
    too_many_rows,
)

Cells = list[Any]
Record = tuple[int, Cells]

_XLSX_MAX_PARTS = 10_000
_XLSX_RATIO_FLOOR = 1 << 20
_LOCAL_HEADER = struct.Struct("<4s5H3I2H")


def corrupt_xlsx(detail_en: str = "") -> BadInput:
    return BadInput(
        "file.format",
        "无法读取 XLSX 文件（文件损坏或不是 XLSX）",
        f"cannot read the XLSX workbook (corrupt or not XLSX){': ' + detail_en if detail_en else ''}",
    )


def xlsx_too_large(limits: Limits) -> BadInput:
    size = megabytes(limits.max_xlsx_unzipped_bytes)
    return BadInput(
        "xlsx.too_large",
        f"XLSX 解压后超过 {size} 的上限",
        f"the XLSX workbook unzips to more than {size}",
    )


def _inflated_size(stream: IO[bytes], info: zipfile.ZipInfo, budget: int) -> int:
    """Bytes one zip part really inflates to, counting at most ``budget`` + 1 (memory stays bounded)."""
    stream.seek(info.header_offset)
    header = stream.read(_LOCAL_HEADER.size)
    if len(header) != _LOCAL_HEADER.size:
        raise corrupt_xlsx("truncated local header")
    signature, *_, name_len, extra_len = _LOCAL_HEADER.unpack(header)
    if signature != b"PK\x03\x04":
        raise corrupt_xlsx("bad local header")
    stream.seek(info.header_offset + _LOCAL_HEADER.size + name_len + extra_len)
    if info.compress_type == zipfile.ZIP_STORED:
        return info.compress_size
    if info.compress_type != zipfile.ZIP_DEFLATED:
        raise corrupt_xlsx(f"unsupported compression {info.compress_type}")
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    left, size = info.compress_size, 0
    try:
        while left > 0 and size <= budget:
            block = stream.read(min(left, 1 << 16))
            if not block:
                raise corrupt_xlsx("truncated part")
            left -= len(block)
            data = block
            while data and size <= budget:
                size += len(inflater.decompress(data, 1 << 20))
                data = inflater.unconsumed_tail
        if size <= budget:
            size += len(inflater.flush())
    except zlib.error:
        raise corrupt_xlsx("bad deflate data") from None
    return size


def check_xlsx(stream: IO[bytes], limits: Limits) -> None:
    """Refuse a zip bomb or a corrupt zip before any XLSX library opens it.

    Declared sizes (central directory) are checked first, then every part is inflated in bounded chunks and
    must inflate to exactly its declared size, so a part lying about its size is caught as well.
    """
    stream.seek(0)
    try:
        with zipfile.ZipFile(stream) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, struct.error):
        raise corrupt_xlsx() from None
    if not parts or len(parts) > _XLSX_MAX_PARTS:
        raise corrupt_xlsx(f"{len(parts)} parts")
    declared = 0
    for info in parts:
        if info.flag_bits & 0x1:
            raise corrupt_xlsx("encrypted part")
        declared += info.file_size
        if declared > limits.max_xlsx_unzipped_bytes:
            raise xlsx_too_large(limits)
        if info.file_size > _XLSX_RATIO_FLOOR and info.file_size > limits.max_xlsx_ratio * max(
            info.compress_size, 1
        ):
            ratio = limits.max_xlsx_ratio
            raise BadInput(
                "xlsx.ratio",
                f"XLSX 压缩比超过 {ratio}:1（疑似压缩炸弹），未打开",
                f"an XLSX part is compressed more than {ratio}:1 (zip bomb?); not opened",
            )
    try:
        for info in parts:
            if _inflated_size(stream, info, info.file_size) != info.file_size:
                raise corrupt_xlsx(f"part {info.filename[:60]} does not match its declared size")
    finally:
        stream.seek(0)


def _calamine_rows(stream: IO[bytes]) -> Iterator[Cells]:
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(stream)
        sheet = book.get_sheet_by_index(0)
        rows: Iterator[Cells] = iter(sheet.iter_rows())
    except BaseException as exc:  # calamine raises its own errors and, on some files, a pyo3 panic
        if isinstance(exc, KeyboardInterrupt | SystemExit | MemoryError):
            raise
        raise corrupt_xlsx(type(exc).__name__) from None
    return rows


def read_xlsx_records(stream: IO[bytes], limits: Limits) -> Iterator[Record]:
    """Records of the first sheet (numbered from 1) with typed cells, after ``check_xlsx``."""
    check_xlsx(stream, limits)
    rows = _calamine_rows(stream)

    def records() -> Iterator[Record]:
        longest = limits.max_field_chars
        for number, cells in enumerate(rows, start=1):
            if number > limits.max_rows + 1:
                raise too_many_rows(limits, number)
            for column, cell in enumerate(cells):
                if cell.__class__ is str:
                    if len(cell) > longest:
                        raise field_too_long(limits, row=number, field=f"#{column + 1}")
                    if not cell.isprintable() and CONTROL.search(cell):
                        raise control_character(row=number, field=f"#{column + 1}")
            yield number, cells

    return records()
