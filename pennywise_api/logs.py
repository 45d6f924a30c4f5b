"""Structured logs: JSON lines through structlog, with secrets redacted.

:func:`configure_logging` sets structlog up only when nothing else has (a program that
embeds the app, or the test suite, keeps its own configuration). The access log writes one
line per request from :mod:`pennywise_api.middleware`; nothing there ever holds a header,
a body or a query string, and :func:`redact_secrets` masks any key that looks secret in
case a future call site forgets.
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


def redact_secrets(
    _logger: Any, _method: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """A structlog processor: mask the value of every key that names a secret."""
    for key in list(event_dict):
        if key != "event" and _SECRET_KEY.search(key):
            event_dict[key] = REDACTED
    return event_dict


def configure_logging(level: int = logging.INFO) -> None:
    if structlog.is_configured():
        return
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            redact_secrets,
            # A plain traceback string: dict tracebacks may include local variables,
            # and locals may hold a password.
            structlog.processors.format_exc_info,
            structlog.processors.JSONRenderer(),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(level),
        logger_factory=structlog.PrintLoggerFactory(sys.stderr),
        # Not cached: structlog.testing.capture_logs() must be able to see every line.
        cache_logger_on_first_use=False,
    )


def get_logger(name: str = "pennywise.api") -> Any:
    return structlog.get_logger(name)
