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


_KIND_OF_TYPE: dict[type, Kind] = {dt.date: "date", dt.datetime: "datetime", uuid.UUID: "uuid"}


class Keyset:
    """One list's order as a keyset: ``columns``, all ascending or all descending, the last
    of them unique. Everything a paged query needs from it — the ``ORDER BY``, the rows after
    a cursor, the cursor of a row — so the order, the condition and the cursor's shape
    cannot drift apart.

    The rows after a cursor are one row-value comparison, ``(a, b, c) < (x, y, z)``:
    PostgreSQL and SQLite both start an index scan at it, where an OR of ``a < x``,
    ``a = x AND b < y``… is a filter they read every earlier row through (page 100 of 200
    rows read 20,000 rows first).
    """

    def __init__(self, *columns: QueryableAttribute[Any], descending: bool) -> None:
        self.columns = columns
        self.descending = descending
        # What each value is in a cursor, from the column's type.
        self._kinds = [_KIND_OF_TYPE[c.expression.type.python_type] for c in columns]

    def order_by(self) -> list[ColumnElement[Any]]:
        return [c.desc() if self.descending else c.asc() for c in self.columns]

    def after(self, values: Sequence[Any]) -> ColumnElement[bool]:
        """The rows after the one whose key is ``values``, in this order."""
        row = tuple_(*self.columns)
        bound = tuple_(
            *(literal(v, c.expression.type) for c, v in zip(self.columns, values, strict=True))
        )
        return row < bound if self.descending else row > bound

    def after_cursor(self, cursor: str) -> ColumnElement[bool]:
        """The rows after the cursor (a clear 422 for one this order did not hand out)."""
        return self.after(decode_cursor(cursor, *self._kinds))

    def key(self, row: Any) -> tuple[Any, ...]:
        return tuple(getattr(row, c.key) for c in self.columns)

    def cursor(self, row: Any) -> str:
        """The cursor that continues after ``row``."""
        return encode_cursor(*self.key(row))


def check_limit(limit: int) -> int:
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationError.at("limit", f"must be between 1 and {MAX_LIMIT}")
    return limit
