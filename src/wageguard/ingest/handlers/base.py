"""What every object handler provides, and the reference checks they share."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Hashable
from typing import Any, ClassVar

from wageguard.ingest.context import (
    CORP_MISSING,
    NOT_YOUR_PROJECT,
    PROJECT_MISSING,
    ImportContext,
)
from wageguard.ingest.spec import FieldSpec, ObjectSpec, ParsedRow, code, text
from wageguard.validation import (
    Invalid,
    parse_amount_fen,
    parse_bool,
    parse_date,
    parse_mobile,
    parse_phone,
    parse_uscc,
)


class Handler(ABC):
    """An importable object: its spec, its natural keys, reference checks and the bulk write."""

    spec: ClassVar[ObjectSpec]

    @abstractmethod
    def keys(self, values: dict[str, Any]) -> tuple[Hashable, ...]:
        """Natural keys of a row; two rows of one file sharing any of them are duplicates."""

    @abstractmethod
    def check(self, ctx: ImportContext, rows: list[ParsedRow]) -> list[ParsedRow]:
        """Resolve references and scope for a chunk; report bad rows, return the good ones."""

    @abstractmethod
    def write(self, ctx: ImportContext, rows: list[ParsedRow]) -> None:
        """Store a checked chunk and count each row's outcome."""


def resolve_project(ctx: ImportContext, rows: list[ParsedRow], field: str = "projectCode") -> list[ParsedRow]:
    """Attach ``_project`` (a ProjectRef) to each row; unknown projects and others' projects are bad rows."""
    refs = ctx.projects(r.values[field] for r in rows)
    good = []
    for row in rows:
        ref = refs.get(row.values[field])
        if ref is None:
            ctx.error(PROJECT_MISSING, row=row.label, field=field, value=row.values[field])
        elif not ctx.may_touch_project(ref.id):
            ctx.error(NOT_YOUR_PROJECT, row=row.label, field=field, value=row.values[field])
        else:
            row.values["_project"] = ref
            good.append(row)
    return good


def resolve_corp(
    ctx: ImportContext, rows: list[ParsedRow], field: str = "corpCode", into: str = "_corp"
) -> list[ParsedRow]:
    """Attach the enterprise id of ``field`` as ``into``; unknown enterprises are bad rows (blank is fine)."""
    refs = ctx.corps(r.values[field] for r in rows if r.values.get(field))
    good = []
    for row in rows:
        value = row.values.get(field)
        if value is None:
            row.values[into] = None
            good.append(row)
        elif refs.get(value) is None:
            ctx.error(CORP_MISSING, row=row.label, field=field, value=value)
        else:
            row.values[into] = refs[value]
            good.append(row)
    return good


def uscc(name: str, doc: str, *, required: bool = False) -> FieldSpec:
    return FieldSpec(name, "uscc", parse_uscc, required, doc, cached=True)


def day(name: str, doc: str, *, required: bool = False) -> FieldSpec:
    return FieldSpec(name, "date", parse_date, required, doc)


def money(name: str, doc: str) -> FieldSpec:
    return FieldSpec(name, "amount_yuan", parse_amount_fen, doc=doc)


def phone(name: str, doc: str, *, mobile: bool = False) -> FieldSpec:
    return FieldSpec(
        name,
        "mobile" if mobile else "phone",
        parse_mobile if mobile else parse_phone,
        doc=doc,
        sensitive="phone",
    )


def flag(name: str, doc: str, default: bool | None = None) -> FieldSpec:
    return FieldSpec(name, "bool", parse_bool, doc=doc, default=default, cached=True)


def area(name: str, doc: str, *, required: bool = False) -> FieldSpec:
    def parse(value: Any) -> str:
        code = text(name, doc).parser(value)
        if not (len(code) == 6 and code.isdigit()):
            raise Invalid("region.format", "行政区划代码应为 6 位数字", "region code must have 6 digits")
        return str(code)

    return FieldSpec(name, "region_code", parse, required, doc)


__all__ = [
    "Handler",
    "area",
    "code",
    "day",
    "flag",
    "money",
    "phone",
    "resolve_corp",
    "resolve_project",
    "text",
    "uscc",
]
