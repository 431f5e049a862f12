"""Field and object specifications of the exchange format, and the generic row parser."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from wageguard.errors import Problem
from wageguard.security.crypto import mask, mask_phone
from wageguard.validation import (
    IdNumber,
    Invalid,
    Notice,
    id_number_warnings,
    parse_code,
    parse_id_number,
    parse_text,
    text_of,
)

Parser = Callable[[Any], Any]
Warner = Callable[[Any], list[Notice]]

REQUIRED = Notice("required", "必填字段缺失", "required field is missing")


def masked(value: Any, sensitive: str | None) -> str:
    """The value as shown in reports: ID and card numbers masked, phones masked."""
    text = text_of(value)
    if sensitive == "id" and text:
        return mask(text)
    if sensitive == "phone" and text:
        return mask_phone(text)
    return text


@dataclass(frozen=True)
class FieldSpec:
    """One field (JSON key / CSV column): how it is parsed, whether required, how it is documented."""

    name: str
    kind: str
    parser: Parser
    required: bool = False
    doc: str = ""
    warner: Warner | None = None
    sensitive: str | None = None
    default: Any = None
    switch_field: str | None = None
    other_parser: Parser | None = None
    cached: bool = False
    memo: dict[Any, Any] = field(default_factory=dict, repr=False, compare=False)


def text(
    name: str, doc: str, *, required: bool = False, max_len: int = 200, cached: bool = False
) -> FieldSpec:
    return FieldSpec(name, "text", lambda v: parse_text(v, max_len=max_len), required, doc, cached=cached)


def code(name: str, doc: str, table: Mapping[str, str], table_name: str, **kw: Any) -> FieldSpec:
    def parse(value: Any) -> str:
        return parse_code(value, table, table_name=table_name)

    return FieldSpec(name, f"code:{table_name}", parse, doc=doc, cached=True, **kw)


def _id_warnings(value: Any) -> list[Notice]:
    return id_number_warnings(value) if isinstance(value, IdNumber) else []


def _other_id(value: Any) -> str:
    return parse_text(value, max_len=32).upper()


def id_field(name: str, doc: str, *, required: bool = False, type_field: str | None = None) -> FieldSpec:
    """A person's ID number: resident ID (type 01) checked fully; other document types as text."""
    return FieldSpec(
        name,
        "id_number",
        parse_id_number,
        required,
        doc,
        warner=_id_warnings,
        sensitive="id",
        switch_field=type_field,
        other_parser=_other_id if type_field else None,
    )


def id_text(value: Any) -> str:
    """The normalised number of a parsed ID field."""
    return value.number if isinstance(value, IdNumber) else str(value)


@dataclass(frozen=True)
class ObjectSpec:
    """An importable object: its fields, the nested list that holds its rows, and its documentation."""

    name: str
    title_zh: str
    fields: tuple[FieldSpec, ...]
    list_key: str | None = None
    ignored: frozenset[str] = frozenset()
    by_name: dict[str, FieldSpec] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_name", {f.name: f for f in self.fields})

    def known(self, column: str) -> bool:
        return column in self.by_name or column in self.ignored or column == self.list_key


@dataclass
class ParsedRow:
    """One input row after field validation: normalised values by field name."""

    label: int | str
    values: dict[str, Any]
    raw: Mapping[str, Any]


_MEMO_MAX = 20_000


def _memo_parse(fs: FieldSpec, value: Any) -> Any:
    """Parse a value that repeats on many rows (parent fields, codes) once per file and process."""
    if not isinstance(value, str | int):
        return fs.parser(value)
    try:
        return fs.memo[value]
    except KeyError:
        parsed = fs.parser(value)
        if len(fs.memo) >= _MEMO_MAX:
            fs.memo.clear()
        fs.memo[value] = parsed
        return parsed


def parse_row(
    spec: ObjectSpec,
    label: int | str,
    raw: Mapping[str, Any],
    problems: list[Problem],
    warnings: list[Problem],
) -> ParsedRow | None:
    """Validate every field of one row; errors go to ``problems``, warnings to ``warnings``."""
    values: dict[str, Any] = {}
    ok = True
    for fs in spec.fields:
        value = raw.get(fs.name)
        if value is None or value == "" or (value.__class__ is str and value.isspace()):
            if fs.required:
                problems.append(REQUIRED.problem(field=fs.name, row=label, value=""))
                ok = False
            values[fs.name] = fs.default
            continue
        try:
            if fs.cached:
                parsed = _memo_parse(fs, value)
            elif fs.other_parser is not None and values.get(fs.switch_field or "") not in (None, "01"):
                parsed = fs.other_parser(value)
            else:
                parsed = fs.parser(value)
        except Invalid as exc:
            problems.append(exc.problem(field=fs.name, row=label, value=masked(value, fs.sensitive)))
            ok = False
            continue
        values[fs.name] = parsed
        if fs.warner is not None:
            for notice in fs.warner(parsed):
                warnings.append(notice.problem(field=fs.name, row=label, value=masked(value, fs.sensitive)))
    return ParsedRow(label, values, raw) if ok else None
