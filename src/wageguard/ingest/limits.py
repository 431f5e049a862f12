"""Limits of one import file and ``BadInput``, the one way a file that breaks them (or cannot be read) ends.

A ``BadInput`` is an ``Invalid`` that knows the row and field it concerns; callers turn it into the rejection
report (row, field, reason in Chinese and English), exit 2 / HTTP 422 and an import record.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from wageguard.errors import Problem
from wageguard.validation.base import Invalid

if TYPE_CHECKING:
    from wageguard.config import Settings

FILE = "(file)"
ROW = "(row)"
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
"""Characters refused in any text: C0 controls but tab, CR and LF; DEL; C1 controls."""


class BadInput(Invalid):
    """A file (or one of its rows) that cannot be read as it claims: the whole file is rejected.

    ``row`` is the spreadsheet row (header = 1) or JSON location, ``field`` the column (``(file)`` when the
    file as a whole is at fault).
    """

    def __init__(
        self, code: str, message_zh: str, message_en: str, *, row: int | str | None = None, field: str = FILE
    ) -> None:
        super().__init__(code, message_zh, message_en)
        self.row = row
        self.field = field

    def problem(
        self, *, field: str | None = None, row: int | str | None = None, value: str | None = None
    ) -> Problem:
        """The ``Problem`` of this rejection; its own row and field win over the caller's defaults."""
        return self.notice.problem(
            field=self.field if self.field != FILE or field is None else field,
            row=self.row if self.row is not None else row,
            value=value,
        )

    def at(self, *, row: int | str | None = None, field: str | None = None) -> BadInput:
        """The same rejection located at ``row`` / ``field`` (kept when already set)."""
        return BadInput(
            self.notice.code,
            self.notice.message_zh,
            self.notice.message_en,
            row=self.row if self.row is not None else row,
            field=self.field if self.field not in (FILE, ROW) or field is None else field,
        )


@dataclass(frozen=True)
class Limits:
    """What one import file may hold; ``Limits.of(settings)`` reads them from Settings."""

    max_bytes: int = 1 << 30
    max_rows: int = 3_000_000
    max_field_chars: int = 32_768
    max_json_depth: int = 32
    max_xml_depth: int = 32
    max_xlsx_unzipped_bytes: int = 512 << 20
    max_xlsx_ratio: int = 200

    @classmethod
    def of(cls, settings: Settings) -> Limits:
        return cls(
            max_bytes=settings.import_max_bytes,
            max_rows=settings.import_max_rows,
            max_field_chars=settings.import_max_field_chars,
            max_json_depth=settings.import_max_json_depth,
            max_xml_depth=settings.import_max_xml_depth,
            max_xlsx_unzipped_bytes=settings.import_max_xlsx_unzipped_bytes,
            max_xlsx_ratio=settings.import_max_xlsx_ratio,
        )

    @property
    def max_line_chars(self) -> int:
        """Longest physical CSV line read at once (a record may span several lines)."""
        return 16 * self.max_field_chars


# -- size ------------------------------------------------------------------------------------------------


def megabytes(n: int) -> str:
    return f"{n / (1 << 20):.1f} MiB" if n >= 1 << 20 else f"{n} bytes"


def too_large(limits: Limits) -> BadInput:
    size = megabytes(limits.max_bytes)
    return BadInput("file.too_large", f"文件超过 {size} 的上限", f"the file is larger than the {size} limit")


def field_too_long(limits: Limits, *, row: int | str | None = None, field: str = ROW) -> BadInput:
    n = limits.max_field_chars
    return BadInput(
        "field.too_long",
        f"字段超过 {n} 个字符的上限（不会截断）",
        f"a field is longer than the {n}-character limit (never truncated)",
        row=row,
        field=field,
    )


def control_character(*, row: int | str | None = None, field: str = ROW) -> BadInput:
    return BadInput(
        "text.control",
        "含有控制字符（如 NUL），请删除后重新导入",
        "contains a control character (such as NUL); remove it and import again",
        row=row,
        field=field,
    )


def too_many_rows(limits: Limits, row: int | str) -> BadInput:
    n = limits.max_rows
    return BadInput(
        "file.too_many_rows",
        f"文件超过 {n} 行的上限，请拆分后导入",
        f"the file has more than {n} rows; split it",
        row=row,
    )


def empty_file() -> BadInput:
    return BadInput(
        "file.empty",
        "文件没有数据行（为空或只有表头），未保存任何数据",
        "the file has no data rows (empty, or a header only); nothing stored",
    )


def has_control(text: str) -> bool:
    """Whether ``text`` holds a refused control character (fast path: printable text has none)."""
    return not text.isprintable() and CONTROL.search(text) is not None
