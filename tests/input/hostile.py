"""Hostile and broken files for the boundary tests (registry, attendance, pay sheets), and what to check after
a rejection: nothing stored, an import record and its audit entry, a bilingual report."""

from __future__ import annotations

import io
import random
import struct
import zipfile
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from sqlalchemy import func, select

from wageguard.audit.models import AuditEntry
from wageguard.db import Database
from wageguard.ingest.models import ImportBatch
from wageguard.models import Base

RECORDS = {"import_batches", "audit_log"}
"""Tables a rejected import may write to (its own record)."""


def table_counts(db: Database) -> dict[str, int]:
    """Rows per table, the import's own record tables left out: equal before and after = nothing stored."""
    with db.sessions() as s:
        return {
            t.name: int(s.scalar(select(func.count()).select_from(t)) or 0)
            for t in Base.metadata.sorted_tables
            if t.name not in RECORDS
        }


def batches(db: Database) -> list[ImportBatch]:
    with db.sessions() as s:
        return list(s.scalars(select(ImportBatch).order_by(ImportBatch.id)))


def import_audits(db: Database) -> list[AuditEntry]:
    with db.sessions() as s:
        return list(
            s.scalars(select(AuditEntry).where(AuditEntry.action == "import").order_by(AuditEntry.id))
        )


def assert_rejected_record(db: Database, object_name: str, codes: set[str]) -> ImportBatch:
    """The last import record is this object's rejection, with an audit entry and the expected codes."""
    batch = batches(db)[-1]
    assert (batch.object_name, batch.status) == (object_name, "rejected")
    assert batch.error_count >= 1 and batch.summary is not None
    found = {e["code"] for e in batch.summary["errors"]}
    assert codes <= found, found
    assert all(e["message_zh"] and e["message_en"] for e in batch.summary["errors"])
    audit = import_audits(db)[-1]
    assert audit.subject_type == "import_batch" and audit.subject_id == str(batch.id)
    assert audit.detail is not None and audit.detail["status"] == "rejected"
    return batch


def codes_of(report: dict[str, Any]) -> list[tuple[Any, str, str]]:
    return [(p["row"], p["field"], p["code"]) for p in report["errors"]]


def assert_bilingual(problems: list[dict[str, Any]]) -> None:
    assert problems
    for p in problems:
        assert p["message_zh"] and p["message_en"] and p["message_zh"] != p["message_en"], p
        assert "Traceback" not in p["message_en"]


# -- files ---------------------------------------------------------------------------------------------


def csv_text(header: list[str], rows: list[list[str]]) -> str:
    """A CSV with every field quoted (as Excel does for text with commas)."""
    lines = [",".join(header)] + [",".join(f'"{c}"' for c in row) for row in rows]
    return "\r\n".join(lines) + "\r\n"


def truncated_inside_quotes(text: str, marker: str) -> str:
    """``text`` cut just after the opening quote of the field that starts with ``marker``."""
    at = text.index(f'"{marker}')
    return text[: at + 1 + len(marker) // 2]


def xlsx_bytes(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _replace_part(data: bytes, name: str, content_chunks: Any) -> bytes:
    """The workbook ``data`` with part ``name`` replaced by the streamed ``content_chunks``."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename == name:
                with dst.open(name, "w") as part:
                    for chunk in content_chunks:
                        part.write(chunk)
            else:
                dst.writestr(info, src.read(info.filename))
    return out.getvalue()


SHEET = "xl/worksheets/sheet1.xml"
_SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    b'<row r="1"><c r="A1" t="inlineStr"><is><t>'
)
_SHEET_TAIL = b"</t></is></c></row></sheetData></worksheet>"


def zip_bomb_xlsx(megabytes: int = 100) -> bytes:
    """A real workbook whose sheet is ``megabytes`` MB of one repeated byte: ~1000:1, a few hundred KB."""
    block = b"A" * (1 << 20)
    chunks = [_SHEET_HEAD, *([block] * megabytes), _SHEET_TAIL]
    return _replace_part(xlsx_bytes([["x"]]), SHEET, chunks)


def huge_cell_xlsx(megabytes: int, seed: int = 7) -> bytes:
    """A workbook with one cell of ``megabytes`` MB of random letters (compresses only ~1.6:1)."""
    rng = random.Random(seed)
    letters = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
    chunks = [_SHEET_HEAD]
    for _ in range(megabytes):
        chunks.append(bytes(rng.choices(letters, k=1 << 20)))
    chunks.append(_SHEET_TAIL)
    return _replace_part(xlsx_bytes([["x"]]), SHEET, chunks)


def lying_xlsx(megabytes: int = 64) -> bytes:
    """A zip bomb whose sheet part declares a tiny uncompressed size, so declared sizes and ratios pass."""
    data = bytearray(zip_bomb_xlsx(megabytes))
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo(SHEET)
    small = info.compress_size * 2
    struct.pack_into("<I", data, info.header_offset + 22, small)  # local header: uncompressed size
    pos = data.find(b"PK\x01\x02")
    while pos != -1:  # central directory entries: uncompressed size at +24, name at +46
        name_len = struct.unpack_from("<H", data, pos + 28)[0]
        if data[pos + 46 : pos + 46 + name_len] == SHEET.encode():
            struct.pack_into("<I", data, pos + 24, small)
        pos = data.find(b"PK\x01\x02", pos + 4)
    return bytes(data)


def corrupt_xlsx() -> bytes:
    """The first half of a real workbook (the zip's central directory is gone)."""
    whole = xlsx_bytes([["projectCode", "idCardNumber"], ["P1", "X"]])
    return whole[: len(whole) // 2]


def garbage_xlsx() -> bytes:
    return b"PK\x03\x04" + bytes(random.Random(3).randbytes(4000))


def deep_json(depth: int) -> str:
    return "[" * depth + "]" * depth


def write(path: Path, data: bytes | str, encoding: str = "utf-8") -> Path:
    if isinstance(data, str):
        path.write_text(data, encoding=encoding, newline="")
    else:
        path.write_bytes(data)
    return path
