"""The report of one import: counts, every bad row (errors) and the warnings."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from wageguard.errors import Problem

MAX_WARNINGS = 1000
"""Warnings kept in a report (all are counted); errors are always kept in full."""


@dataclass
class ImportReport:
    """Outcome of one import; ``status`` is ``accepted`` or ``rejected`` (nothing stored)."""

    object_name: str
    filename: str
    file_format: str
    sha256: str
    encoding: str | None = None
    status: str = "accepted"
    batch_id: int | None = None
    rows: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    warning_count: int = 0
    details: dict[str, Any] = field(default_factory=dict)
    """What a non-registry import adds (punch counts by kind, pay sheets stored)."""

    @property
    def accepted(self) -> bool:
        return self.status == "accepted"

    def count(self, outcome: str) -> None:
        """Count one row as ``inserted``, ``updated`` or ``unchanged``."""
        setattr(self, outcome, getattr(self, outcome) + 1)

    def add_warnings(self, warnings: list[Problem]) -> None:
        self.warning_count += len(warnings)
        room = MAX_WARNINGS - len(self.warnings)
        if room > 0:
            self.warnings.extend(warnings[:room])

    def message_en(self) -> str:
        if self.accepted:
            return (
                f"{self.object_name}: {self.rows} rows accepted ({self.inserted} inserted, "
                f"{self.updated} updated, {self.unchanged} unchanged, {self.warning_count} warnings)"
            )
        return f"{self.object_name}: file rejected, {len(self.errors)} problems, nothing stored"

    def message_zh(self) -> str:
        if self.accepted:
            return (
                f"{self.object_name}：已接收 {self.rows} 行（新增 {self.inserted}，更新 {self.updated}，"
                f"未变 {self.unchanged}，提示 {self.warning_count}）"
            )
        return f"{self.object_name}：文件被拒绝，共 {len(self.errors)} 处错误，未保存任何数据"

    def as_dict(self, *, max_errors: int | None = None) -> dict[str, Any]:
        errors = self.errors if max_errors is None else self.errors[:max_errors]
        return {
            "batch_id": self.batch_id,
            "object": self.object_name,
            "filename": self.filename,
            "format": self.file_format,
            "encoding": self.encoding,
            "sha256": self.sha256,
            "status": self.status,
            "rows": self.rows,
            "inserted": self.inserted,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "error_count": len(self.errors),
            "warning_count": self.warning_count,
            "message_zh": self.message_zh(),
            "message_en": self.message_en(),
            "errors": [p.as_dict() for p in errors],
            "warnings": [p.as_dict() for p in self.warnings],
            **({"details": self.details} if self.details else {}),
        }
