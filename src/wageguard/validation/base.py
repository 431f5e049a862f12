"""The shape of a validation outcome: ``Invalid`` (an error) and ``Notice`` (error or warning text)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from wageguard.errors import Problem

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Notice:
    """A stable code with a bilingual message; becomes a ``Problem`` once a row and field are known."""

    code: str
    message_zh: str
    message_en: str
    severity: str = ERROR

    def problem(self, *, field: str, row: int | str | None = None, value: str | None = None) -> Problem:
        return Problem(
            field=field,
            code=self.code,
            message_zh=self.message_zh,
            message_en=self.message_en,
            row=row,
            value=value,
            severity=self.severity,
        )


class Invalid(ValueError):
    """Raised by a validator when a value cannot be accepted."""

    def __init__(self, code: str, message_zh: str, message_en: str) -> None:
        super().__init__(message_en)
        self.notice = Notice(code, message_zh, message_en)

    def problem(self, *, field: str, row: int | str | None = None, value: str | None = None) -> Problem:
        return self.notice.problem(field=field, row=row, value=value)


def text_of(value: Any) -> str:
    """A cell or JSON value as stripped text; integral floats (from spreadsheets) lose their ``.0``."""
    if value.__class__ is str:  # the common case (every CSV cell): no isinstance chain
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())
