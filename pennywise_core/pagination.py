"""Opaque keyset cursors: the sort key of the last row seen, as URL-safe base64 JSON.

Keyset pagination stays stable while rows are inserted between pages, and a page costs the
same at row ten million as at row ten.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import uuid
from collections.abc import Callable, Sequence
from typing import Any, Literal

from sqlalchemy import ColumnElement, literal, tuple_
from sqlalchemy.orm import QueryableAttribute

from pennywise_core.errors import ValidationError

MAX_LIMIT = 200

Kind = Literal["date", "datetime", "uuid"]


def encode_cursor(*values: dt.date | uuid.UUID) -> str:
    raw = json.dumps([v.isoformat() if isinstance(v, dt.date) else str(v) for v in values])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, *kinds: Kind) -> list[Any]:
    """Decode a cursor made by :func:`encode_cursor`; anything else is a clear 422."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if not isinstance(values, list) or len(values) != len(kinds):
            raise ValueError
        return [_PARSE[kind](value) for kind, value in zip(kinds, values, strict=True)]
    except (ValueError, TypeError, OverflowError, binascii.Error, UnicodeDecodeError):
        raise ValidationError.at(
            "cursor", "not a cursor this server handed out; start again without one"
        ) from None


def _aware(text: str) -> dt.datetime:
    """An aware timestamp in UTC (a naive one, or one out of range there, is no cursor)."""
    value = dt.datetime.fromisoformat(text)
    if value.tzinfo is None:
        raise ValueError("naive timestamp")
    return value.astimezone(dt.UTC)


_PARSE: dict[str, Callable[[str], Any]] = {
    "date": dt.date.fromisoformat,
    "datetime": _aware,
    "uuid": uuid.UUID,
}


def after_cursor(
    columns: Sequence[QueryableAttribute[Any]],
    values: Sequence[Any],
    *,
    descending: bool,
) -> ColumnElement[bool]:
    """The rows after the cursor's ``values`` in an order by ``columns`` (all ascending or
    all descending): one row-value comparison, ``(a, b, c) < (x, y, z)``. PostgreSQL and
    SQLite both start an index scan at it, where an OR of ``a < x``, ``a = x AND b < y``…
    is a filter they read every earlier row through (page 100 of 200 rows read 20,000
    rows first)."""
    row = tuple_(*columns)
    bound = tuple_(*(literal(v, c.expression.type) for c, v in zip(columns, values, strict=True)))
    return row < bound if descending else row > bound


def check_limit(limit: int) -> int:
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationError.at("limit", f"must be between 1 and {MAX_LIMIT}")
    return limit
