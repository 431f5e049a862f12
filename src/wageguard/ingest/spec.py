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
ORDER = Notice("date.order", "结束日期早于开始日期", "ends before it starts")


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
    def parse(value: Any) -> str:
        if value.__class__ is str:  # a CSV cell: strip and check length and characters inline
            stripped: str = value.strip()
            if len(stripped) <= max_len and stripped.isprintable():
                return stripped
        return parse_text(value, max_len=max_len)

    return FieldSpec(name, "text", parse, required, doc, cached=cached)


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


# One field as the row parser runs it: name, parser (memoised when cached), required, default, warner,
# sensitivity, and the document-type switch (field name and parser for other document types).
Step = tuple[str, Parser, bool, Any, Warner | None, str | None, str, Parser | None]


@dataclass(frozen=True)
class ObjectSpec:
    """An importable object: its fields, the nested list that holds its rows, and its documentation."""

    name: str
    title_zh: str
    fields: tuple[FieldSpec, ...]
    list_key: str | None = None
    ignored: frozenset[str] = frozenset()
    ordered: tuple[tuple[str, str], ...] = ()
    """(start, end) field pairs: when both are given, the end may not come before the start."""
    by_name: dict[str, FieldSpec] = field(init=False, repr=False, compare=False)
    steps: tuple[Step, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_name", {f.name: f for f in self.fields})
        object.__setattr__(self, "steps", tuple(_step(f) for f in self.fields))

    def known(self, column: str) -> bool:
        return column in self.by_name or column in self.ignored or column == self.list_key


@dataclass
class ParsedRow:
    """One input row after field validation: normalised values by field name."""

    label: int | str
    values: dict[str, Any]
    raw: Mapping[str, Any]


_MEMO_MAX = 20_000


def _memoised(fs: FieldSpec) -> Parser:
    """A parser for values that repeat on many rows (parent fields, codes): parsed once per file and process.

    Only text values are memoised (CSV cells, JSON strings); other types (spreadsheet numbers, dates) are
    parsed every time, so ``1``, ``1.0`` and ``True`` never share an entry.
    """
    memo, parser = fs.memo, fs.parser

    def parse(value: Any) -> Any:
        if value.__class__ is not str:
            return parser(value)
        try:
            return memo[value]
        except KeyError:
            parsed = parser(value)
            if len(memo) >= _MEMO_MAX:
                memo.clear()
            memo[value] = parsed
            return parsed

    return parse


def _step(fs: FieldSpec) -> Step:
    parser = _memoised(fs) if fs.cached else fs.parser
    return (
        fs.name,
        parser,
        fs.required,
        fs.default,
        fs.warner,
        fs.sensitive,
        fs.switch_field or "",
        fs.other_parser,
    )


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
    get = raw.get
    for name, parser, required, default, warner, sensitive, switch, other_parser in spec.steps:
        value = get(name)
        if value is None or value == "" or (value.__class__ is str and value.isspace()):
            if required:
                problems.append(REQUIRED.problem(field=name, row=label, value=""))
                ok = False
            values[name] = default
            continue
        try:
            if other_parser is not None and values.get(switch) not in (None, "01"):
                parsed = other_parser(value)
            else:
                parsed = parser(value)
        except Invalid as exc:
            problems.append(exc.problem(field=name, row=label, value=masked(value, sensitive)))
            ok = False
            continue
        values[name] = parsed
        if warner is not None:
            for notice in warner(parsed):
                warnings.append(notice.problem(field=name, row=label, value=masked(value, sensitive)))
    for start, end in spec.ordered:
        first, last = values.get(start), values.get(end)
        if first is not None and last is not None and last < first:
            problems.append(ORDER.problem(field=end, row=label, value=f"{first} > {last}"))
            ok = False
    return ParsedRow(label, values, raw) if ok else None
