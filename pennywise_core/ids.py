"""Time-ordered ids (UUID version 7, RFC 9562) for rows whose order means something.

A transaction's id breaks ties between transactions of the same date in every list
(``ORDER BY date DESC, id DESC``), so ids that grow with time make same-day transactions
list newest first, as they were entered, and keep their index insertions at the right
edge of the B-tree. Python 3.11 has no ``uuid.uuid7``; this is the RFC's layout:
48 bits of Unix milliseconds, the version, 74 random bits with the variant.
"""

from __future__ import annotations

import os
import threading
import time
import uuid

_COUNTER_ROOM = 2**61
"""The top random bit is left 0, so counting up from an id (below 2**61 steps) never
carries into the variant or version bits."""

_lock = threading.Lock()
_last = 0


def uuid7_int(millis: int) -> int:
    """A version 7 UUID, as an int, for Unix time ``millis``, with fresh random bits."""
    random = int.from_bytes(os.urandom(10)) & (2**74 - 1)
    rand_a, rand_b = random >> 62, random & (_COUNTER_ROOM - 1)
    return ((millis & (2**48 - 1)) << 80) | (0x7 << 76) | (rand_a << 64) | (0b10 << 62) | rand_b


def uuid7() -> uuid.UUID:
    """A new version 7 UUID, greater than every earlier one from this process.

    Within one millisecond the random bits alone would order ids at random; here an id
    that would not exceed the last one is the last one plus one instead.
    """
    global _last
    value = uuid7_int(time.time_ns() // 1_000_000)
    with _lock:
        if value <= _last:
            value = _last + 1
        _last = value
    return uuid.UUID(int=value)
