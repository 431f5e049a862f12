"""Control characters refused at the HTTP edge, before any route sees the request.

NUL and the other C0/C1 control characters (tab, CR and LF excepted) never belong in a code, a name or a
note: PostgreSQL cannot store NUL at all, XLSX cannot hold the others, and a lookup by such a value used to
reach the database and fail there (a 500). ``check_request_text`` runs as an app dependency, after routing
and after FastAPI has read the body, and answers 422 with the bilingual ``text.control`` problem when a
path parameter, a query parameter (name or value), a JSON body or an urlencoded form holds one.

Multipart uploads and the device protocols (their query strings too) are left to their readers, which
check each field themselves (``ingest/boundary.py``, ``attendance/protocols``): a file may quote anything.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from fastapi import Request

from wageguard.errors import Problem, ValidationFailed
from wageguard.validation.schema import locate
from wageguard.validation.values import has_control

DEVICE_PREFIXES = ("/iclock/", "/isapi/", "/ISAPI/")
"""Gate protocols answer in their own terms (a terminal resends forever on an error it does not expect):
their readers check every field and acknowledge what they refuse (``web/iclock.py``, ``web/isapi.py``)."""
JSON_TYPE = "application/json"
FORM_TYPE = "application/x-www-form-urlencoded"


Loc = tuple[str | int, ...]


def _problem(loc: Loc) -> Problem:
    """Located like every other validation problem (``validation/schema.py``): row and field."""
    row, field = locate(loc)
    return Problem(
        field=field,
        code="text.control",
        message_zh="含有控制字符（如 NUL），请删除后重新提交",
        message_en="contains a control character (such as NUL); remove it and send again",
        row=row,
    )


def _json_strings(document: object) -> Iterator[tuple[Loc, str]]:
    """(location, text) for every key and string in a parsed JSON document, walked without recursion."""
    stack: list[tuple[Loc, object]] = [(("body",), document)]
    while stack:
        loc, node = stack.pop()
        if isinstance(node, str):
            yield loc, node
        elif isinstance(node, dict):
            for key, value in node.items():
                yield loc, str(key)
                stack.append(((*loc, str(key)), value))
        elif isinstance(node, list):
            stack.extend(((*loc, i), value) for i, value in enumerate(node))


async def _body_strings(request: Request) -> Iterator[tuple[Loc, str]]:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if request.method not in {"POST", "PUT", "PATCH", "DELETE"}:
        return iter(())
    if content_type == JSON_TYPE:
        raw = await request.body()  # already read (and size-limited) by the app; cached on the request
        try:
            document = json.loads(raw) if raw else None
        except (ValueError, RecursionError):
            return iter(())  # malformed JSON is the route's own 4xx
        return _json_strings(document)
    if content_type == FORM_TYPE:
        form = await request.form()
        return ((("form", k), v) for k, v in form.multi_items() if isinstance(v, str))
    return iter(())


async def check_request_text(request: Request) -> None:
    """Refuse (422) a request whose parameters or structured body hold a control character."""
    if request.url.path.startswith(DEVICE_PREFIXES):
        return
    fields: list[Loc] = []
    for name, value in request.path_params.items():
        if isinstance(value, str) and has_control(value):
            fields.append(("path", name))
    for name, value in request.query_params.multi_items():
        if has_control(name) or has_control(value):
            fields.append(("query", name) if not has_control(name) else ("query", "(query)"))
    for loc, text in await _body_strings(request):
        if has_control(text):
            fields.append(loc)
    if fields:
        raise ValidationFailed(
            "the request holds a control character (such as NUL); nothing was stored",
            [_problem(loc) for loc in dict.fromkeys(fields)],
            message_zh="请求中含有控制字符（如 NUL），未保存任何数据",
        )
