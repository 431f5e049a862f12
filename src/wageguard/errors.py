"""One exception tree for the domain, mapped to HTTP in ``web/errors.py``.

::

    WageGuardError
    ├── NotFound            subject does not exist (or is outside the caller's scope)  -> 404
    ├── Forbidden           authenticated but not allowed                                -> 403
    ├── Unauthenticated     no or bad credentials                                        -> 401
    ├── Conflict            state does not allow the action                              -> 409
    ├── TooManyAttempts     refused for now (login throttle); carries retry_after_s      -> 429
    ├── TooLarge            request body over its size limit; carries limit_bytes        -> 413
    ├── Busy                the database could not take the write now (a lock held longer
    │                       than the caller may wait); nothing stored; retry_after_s      -> 503
    └── ValidationFailed    input rejected; carries a list of Problem rows               -> 422
        └── ImportRejected  a whole file rejected; carries the import report             -> 422
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Problem:
    """One reason an input was rejected (or warned about), bilingual."""

    field: str
    code: str
    message_zh: str
    message_en: str
    row: int | str | None = None
    value: str | None = None
    severity: str = "error"

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "field": self.field,
            "value": self.value,
            "code": self.code,
            "severity": self.severity,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
        }


class WageGuardError(Exception):
    """Base of every domain error."""

    message_zh: str = "操作失败"

    def __init__(self, message: str = "", *, message_zh: str | None = None) -> None:
        super().__init__(message)
        if message_zh is not None:
            self.message_zh = message_zh


class NotFound(WageGuardError):
    message_zh = "未找到"


class Forbidden(WageGuardError):
    message_zh = "无权访问"


class Unauthenticated(WageGuardError):
    message_zh = "请先登录"


class Conflict(WageGuardError):
    message_zh = "状态冲突"


class TooManyAttempts(WageGuardError):
    """Refused for now; the caller may try again after ``retry_after_s`` seconds (``Retry-After``)."""

    message_zh = "尝试过于频繁，请稍后再试"

    def __init__(self, message: str, *, retry_after_s: int, message_zh: str | None = None) -> None:
        super().__init__(message, message_zh=message_zh)
        self.retry_after_s = retry_after_s


class TooLarge(WageGuardError):
    """A request body over its limit, found while it streamed in; nothing was stored."""

    def __init__(self, limit_bytes: int) -> None:
        size = f"{limit_bytes / 1e6:g} MB" if limit_bytes >= 1_000_000 else f"{limit_bytes / 1e3:g} KB"
        super().__init__(
            f"the request is larger than the {size} limit; nothing was stored",
            message_zh=f"提交内容超过 {size} 上限，未保存任何数据",
        )
        self.limit_bytes = limit_bytes


class Busy(WageGuardError):
    """The write could not be made now (another writer holds the lock it needs longer than this caller may
    wait, or the database does not answer); nothing was stored, try again after ``retry_after_s``."""

    message_zh = "系统繁忙，请稍后再试"

    def __init__(self, message: str = "busy, try again", *, retry_after_s: int = 30) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class ValidationFailed(WageGuardError):
    message_zh = "输入有误"

    def __init__(self, message: str, problems: list[Problem] | None = None, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.problems = problems or []


class ImportRejected(ValidationFailed):
    message_zh = "文件被拒绝，未保存任何数据"

    def __init__(self, message: str, report: dict[str, Any], problems: list[Problem]) -> None:
        super().__init__(message, problems)
        self.report = report
