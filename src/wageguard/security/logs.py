"""Log scrubbing: no ID, card, account or phone number and no secret reaches any log handler.

``install_log_scrubbing()`` wraps the process's log-record factory, so every record of every logger
(uvicorn's access log included) is cleaned when it is created, before any handler or formatter sees it:

- the values of sensitive query or form parameters (``id_number=``, ``phone=``, ``key=``, ``token=`` ...)
  become ``***``, as does a bearer token;
- any run of 11 or more digits (phones, ID, card and account numbers, optionally ending in ``X``), and
  numbers written in groups (``6217 0000 0000 0012 345``, ``139-1234-5678``), are replaced by their masked
  form (``5222**********0190``, ``139****5678``), so a line stays useful without exposing the number;
- the configured secrets (session secret, data and index keys) are replaced wherever they occur;
- an exception's traceback text is rendered and cleaned too.

Message arguments keep their shape (uvicorn's access formatter unpacks them), strings are cleaned in place.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable, Mapping
from typing import Any

from wageguard.security.crypto import mask, mask_phone

REDACTED = "***"
SENSITIVE_PARAMS = (
    "id_number",
    "idnumber",
    "idcardnumber",
    "id_card",
    "phone",
    "mobile",
    "cellphone",
    "card",
    "bank_card",
    "card_number",
    "cardno",
    "account_no",
    "accountno",
    "key",
    "api_key",
    "secret",
    "token",
    "access_token",
    "password",
    "passwd",
    "csrf",
)
_SENSITIVE = frozenset(SENSITIVE_PARAMS)
_PARAM = re.compile(r"([A-Za-z_]+)=([^&\s\"'<>;,]+)")
_BEARER = re.compile(r"\b([Bb][Ee][Aa][Rr][Ee][Rr])\s+[A-Za-z0-9._~+/=-]{8,}")
_GROUPED = re.compile(  # a phone as 139-1234-5678, a card or account as 6217 0000 0000 0012 345
    r"(?<![0-9])(?:1[3-9][0-9][ -][0-9]{4}[ -][0-9]{4}"
    r"|[0-9]{4}(?:[ -][0-9]{4}){2,4}(?:[ -][0-9]{1,4})?)(?![0-9])"
)
_DIGITS = re.compile(r"[0-9]{11,}[Xx]?")  # greedy: a run is always matched from its first digit
_SECRETS: set[str] = set()
_LOCK = threading.Lock()
_INSTALLED = False
_SMALL = 10**10  # numeric arguments below this cannot be a phone, ID or card number


def _mask_number(found: re.Match[str]) -> str:
    digits = re.sub(r"[ -]", "", found.group(0))
    if len(digits) == 11 and digits.startswith("1"):
        return mask_phone(digits)
    return mask(digits)


def _redact_param(found: re.Match[str]) -> str:
    name = found.group(1)
    return f"{name}={REDACTED}" if name.lower() in _SENSITIVE else found.group(0)


def scrub(text: str) -> str:
    """``text`` with every sensitive value masked or redacted (see the module docstring)."""
    for secret in _SECRETS:
        if secret in text:
            text = text.replace(secret, REDACTED)
    if "=" in text:
        text = _PARAM.sub(_redact_param, text)
    if "earer" in text or "EARER" in text:
        text = _BEARER.sub(lambda m: f"{m.group(1)} {REDACTED}", text)
    if " " in text or "-" in text:
        text = _GROUPED.sub(_mask_number, text)
    return _DIGITS.sub(_mask_number, text)


def _plain(value: object) -> bool:
    """Arguments that cannot hide a number once strings are cleaned: small numbers, booleans, None."""
    if value is None or isinstance(value, bool):
        return True
    return isinstance(value, int | float) and abs(value) < _SMALL


def scrub_record(record: logging.LogRecord) -> None:
    """Clean one record in place: message, arguments, traceback and stack text."""
    if isinstance(record.msg, str):
        record.msg = scrub(record.msg)
    args: Any = record.args
    values: Iterable[object] = ()
    if isinstance(args, tuple):
        record.args = tuple(scrub(a) if isinstance(a, str) else a for a in args)
        values = record.args
    elif isinstance(args, Mapping):
        record.args = {k: scrub(v) if isinstance(v, str) else v for k, v in args.items()}
        values = record.args.values()
    if not all(isinstance(v, str) or _plain(v) for v in values):
        # an object argument (a dict, an exception, a large int) may still render a number: render it now
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a malformed call: leave it for logging's own error report
            message = None
        if message is not None and (clean := scrub(message)) != message and record.name != "uvicorn.access":
            record.msg, record.args = clean, None
    if record.exc_info and not record.exc_text:
        record.exc_text = scrub(logging.Formatter().formatException(record.exc_info))
    if record.stack_info:
        record.stack_info = scrub(record.stack_info)


def register_secrets(values: Iterable[str | None]) -> None:
    """Values (keys, session secrets) that must never appear in a log line."""
    with _LOCK:
        _SECRETS.update(v for v in values if v and len(v) >= 8)


def install_log_scrubbing(secrets: Iterable[str | None] = ()) -> None:
    """Clean every log record of this process from now on (idempotent); ``secrets`` are redacted too."""
    global _INSTALLED
    register_secrets(secrets)
    with _LOCK:
        if _INSTALLED:
            return
        make = logging.getLogRecordFactory()

        def scrubbed(*args: Any, **kwargs: Any) -> logging.LogRecord:
            record = make(*args, **kwargs)
            scrub_record(record)
            return record

        logging.setLogRecordFactory(scrubbed)
        _INSTALLED = True
