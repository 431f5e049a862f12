"""The one translation of pydantic's validation errors into ``Problem`` rows (row, field, reason zh/en).

Whatever layer finds a malformed object — FastAPI reading a JSON body, a JSON file read for an import, a
CLI building its input — the errors come out as the same bilingual row/field/reason report the file imports
give: ``loc`` ``(0, "detailList", 2, "actualAmount")`` becomes row ``1.3`` (list positions, 1-based, joined
by dots; one position is a plain number), field ``actualAmount``; the reason is this module's Chinese text
for the error type and pydantic's English one. Values are not echoed for fields that carry personal numbers
(ID, card, account, phone), nor anything that is not a short scalar.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from pydantic import ValidationError

from wageguard.errors import Problem, ValidationFailed

RowLabel = int | str | None
RowOf = Callable[[Sequence[int]], RowLabel]

# Parts of a FastAPI ``loc`` that name where a parameter came from, not a field.
_SOURCES = frozenset({"body", "query", "path", "header", "cookie", "form"})
# Fields whose values are never echoed (a refused body may carry ID, card, account or phone numbers, an
# address or a secret).
_SECRET_WORDS = (
    "card",
    "idcard",
    "id_number",
    "idnumber",
    "account",
    "phone",
    "mobile",
    "address",
    "password",
    "secret",
)
_DIGITS = re.compile(r"\d{6}")
MAX_PROBLEMS = 100

# Chinese reasons by pydantic error type; ``{…}`` are filled from the error's ``ctx``.
_ZH: dict[str, str] = {
    "missing": "缺少必填字段",
    "extra_forbidden": "不允许的字段",
    "string_type": "应为文本",
    "string_too_short": "至少 {min_length} 个字符",
    "string_too_long": "最多 {max_length} 个字符",
    "string_pattern_mismatch": "格式不符合要求",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数（不能有小数）",
    "float_type": "应为数字",
    "float_parsing": "应为数字",
    "finite_number": "应为有限数字",
    "decimal_parsing": "应为数字",
    "bool_type": "应为是/否（true/false、1/0）",
    "bool_parsing": "应为是/否（true/false、1/0）",
    "list_type": "应为数组（列表）",
    "tuple_type": "应为数组（列表）",
    "dict_type": "应为对象",
    "model_type": "应为对象",
    "model_attributes_type": "应为对象",
    "too_short": "至少需要 {min_length} 项",
    "too_long": "最多 {max_length} 项",
    "greater_than": "应大于 {gt}",
    "greater_than_equal": "应不小于 {ge}",
    "less_than": "应小于 {lt}",
    "less_than_equal": "应不大于 {le}",
    "multiple_of": "应为 {multiple_of} 的倍数",
    "date_type": "应为日期（yyyy-MM-dd）",
    "date_parsing": "应为日期（yyyy-MM-dd）",
    "date_from_datetime_parsing": "应为日期（yyyy-MM-dd）",
    "date_from_datetime_inexact": "应为日期（不含时间）",
    "datetime_type": "应为日期时间",
    "datetime_parsing": "应为日期时间",
    "datetime_from_date_parsing": "应为日期时间",
    "time_parsing": "应为时间（HH:mm:ss）",
    "enum": "应为以下之一：{expected}",
    "literal_error": "应为以下之一：{expected}",
    "json_invalid": "JSON 无法解析",
    "json_type": "应为 JSON 文本",
    "url_parsing": "应为网址",
    "uuid_parsing": "应为 UUID",
    "value_error": "值不符合要求",
    "assertion_error": "值不符合要求",
}
_ZH_DEFAULT = "值不符合要求"


def default_row(positions: Sequence[int]) -> RowLabel:
    """List positions as a row label: none → ``None``; one → its number from 1; more → ``1.3``."""
    if not positions:
        return None
    if len(positions) == 1:
        return positions[0] + 1
    return ".".join(str(p + 1) for p in positions)


def _reason_zh(kind: str, ctx: Mapping[str, Any]) -> str:
    template = _ZH.get(kind, _ZH_DEFAULT)
    try:
        return template.format(**{k: str(v)[:80] for k, v in ctx.items()})
    except (KeyError, IndexError, ValueError):
        return template.split("{", 1)[0].rstrip("：（ ") or _ZH_DEFAULT


def _secret(field: str) -> bool:
    name = field.lower()
    return any(word in name for word in _SECRET_WORDS)


def _shown(field: str, value: Any) -> str | None:
    """A short scalar as given; nothing for a personal-number field or text holding a long digit run (an
    ID, card or phone number in the wrong field)."""
    if _secret(field) or isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    text = str(value)[:40]
    return None if _DIGITS.search(text) else text


def locate(loc: Sequence[Any], row_of: RowOf = default_row) -> tuple[RowLabel, str]:
    """Row label and field of a location: ``("body", 0, "detailList", 2, "actualAmount")`` is row ``1.3``,
    field ``actualAmount``; ``("query", "limit")`` is field ``limit``; a list item that is no object,
    ``("dataList", 4)``, is row 5, field ``dataList``. A leading source (``body``, ``query`` …) is dropped."""
    parts = list(loc[1:] if loc and loc[0] in _SOURCES else loc)
    positions = [part for part in parts if isinstance(part, int)]
    last = max((i for i, part in enumerate(parts) if isinstance(part, int)), default=-1)
    names = [str(part) for part in parts[last + 1 :]]
    before = [str(part) for part in parts[:last] if not isinstance(part, int)]
    field = ".".join(names) or (before[-1] if before else "(body)")
    return row_of(positions), field


def problem_of(error: Mapping[str, Any], row_of: RowOf = default_row) -> Problem:
    """One pydantic error (``ValidationError.errors()`` item, FastAPI's too) as a ``Problem``."""
    row, field = locate(tuple(error.get("loc", ())), row_of)
    kind = str(error.get("type", "value_error"))
    ctx = dict(error.get("ctx") or {})
    message_en = str(error.get("msg", "invalid value"))[:200]
    return Problem(
        field=field,
        code=kind,
        message_zh=_reason_zh(kind, ctx),
        message_en=message_en,
        row=row,
        value=_shown(field, error.get("input")) if "input" in error and kind != "missing" else None,
    )


def schema_problems(
    errors: Iterable[Mapping[str, Any]], row_of: RowOf = default_row, *, limit: int = MAX_PROBLEMS
) -> list[Problem]:
    """Every error as a ``Problem`` (at most ``limit``), in pydantic's order."""
    problems: list[Problem] = []
    for error in errors:
        if len(problems) >= limit:
            break
        problems.append(problem_of(error, row_of))
    return problems


def schema_rejected(
    exc: ValidationError, *, what_zh: str, what_en: str, row_of: RowOf = default_row
) -> ValidationFailed:
    """The ``ValidationFailed`` (422) for a refused object: ``what`` names it (``工资单`` / ``pay sheet``)."""
    problems = schema_problems(exc.errors(include_url=False), row_of)
    n = exc.error_count()
    return ValidationFailed(
        f"{what_en} rejected: {n} problem(s), nothing stored",
        problems,
        message_zh=f"{what_zh}有 {n} 处错误，未保存任何数据",
    )
