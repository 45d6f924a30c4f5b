"""Structured logs: JSON lines through structlog, with secrets redacted.

:func:`configure_logging` sets structlog up only when nothing else has (a program that
embeds the app, or the test suite, keeps its own configuration). The access log writes one
line per request from :mod:`pennywise_api.middleware`; nothing there ever holds a header,
a body or a query string, and :func:`redact_secrets` masks any key that looks secret in
case a future call site forgets.

A logged exception is text we do not write ourselves: a database error quotes its
statement (never its parameters: every engine hides them, see
:func:`pennywise_core.db.create_engine`) and PostgreSQL's ``DETAIL`` quotes the values of a
violated key (``Key (email)=(ann@example.org) already exists``). :func:`redact_text`
masks what may be secret in such text (key values, emails, password hashes, token
digests, bearer tokens and JWTs); :func:`redact_secrets` applies it to every string of a
structlog line, including the rendered traceback, and :class:`RedactingFilter` to the
records of the standard-library loggers that print tracebacks (uvicorn's).
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import MutableMapping
from typing import Any

import structlog

_SECRET_KEY = re.compile(
    r"pass(word)?|secret|token|authorization|cookie|api[_-]?key|credential|id_token",
    re.IGNORECASE,
)
REDACTED = "[redacted]"

_SECRET_TEXT = (
    # SQLAlchemy's "[parameters: …]" (an engine made elsewhere, without hide_parameters)
    (re.compile(r"\[parameters: .*?\]$", re.MULTILINE | re.DOTALL), f"[parameters: {REDACTED}]"),
    # PostgreSQL's DETAIL for a violated unique or foreign key names the values
    (
        re.compile(r"(Key \([^)]*\)=\().*?(\) (?:already exists|is not present))"),
        rf"\1{REDACTED}\2",
    ),
    (re.compile(r"\$argon2[a-z]*\$[^\s'\",)]+"), REDACTED),  # a password hash
    (re.compile(r"\bpw[a-z]_[A-Za-z0-9_-]{8,}"), REDACTED),  # an opaque token (pwt_, pwr_, pwi_)
    (re.compile(r"\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*"), REDACTED),  # a JWT
    (re.compile(r"\b[0-9a-fA-F]{64}\b"), REDACTED),  # a SHA-256 digest (token hashes)
    (re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"), REDACTED),  # an email
)


def redact_text(text: str) -> str:
    """``text`` with every value that may be a secret (see the module) masked."""
    for pattern, replacement in _SECRET_TEXT:
        text = pattern.sub(replacement, text)
    return text


def redact_secrets(
    _logger: Any, _method: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """A structlog processor: mask the value of every key that names a secret, and any
    secret-looking value inside the other strings (:func:`redact_text`). It runs after
    the traceback is rendered, so the traceback is masked too."""
    for key in list(event_dict):
        if key != "event" and _SECRET_KEY.search(key):
            event_dict[key] = REDACTED
        elif isinstance(event_dict[key], str):
            event_dict[key] = redact_text(event_dict[key])
    return event_dict


class RedactingFilter(logging.Filter):
    """A standard-library logging filter that masks a record's message and traceback with
    :func:`redact_text` (uvicorn logs an exception that escapes the app this way)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact_text(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact_text(record.exc_text)
        return True


_STDLIB_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.asgi")


def redact_stdlib_logs() -> None:
    """Put :class:`RedactingFilter` on the standard-library loggers that print tracebacks."""
    for name in _STDLIB_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactingFilter) for f in logger.filters):
            logger.addFilter(RedactingFilter())


def configure_logging(level: int = logging.INFO) -> None:
    redact_stdlib_logs()
    if structlog.is_configured():
        return
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            # A plain traceback string: dict tracebacks may include local variables,
            # and locals may hold a password. Rendered first, so that it is redacted.
            structlog.processors.format_exc_info,
            redact_secrets,
            structlog.processors.JSONRenderer(),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(level),
        logger_factory=structlog.PrintLoggerFactory(sys.stderr),
        # Not cached: structlog.testing.capture_logs() must be able to see every line.
        cache_logger_on_first_use=False,
    )


def get_logger(name: str = "pennywise.api") -> Any:
    return structlog.get_logger(name)
