"""Time-ordered ids: the RFC 9562 version 7 layout, and strictly increasing in a process."""

from __future__ import annotations

import itertools
import time
import uuid

from pennywise_core.ids import uuid7


def test_version_variant_and_timestamp() -> None:
    before = time.time_ns() // 1_000_000
    value = uuid7()
    after = time.time_ns() // 1_000_000
    assert value.version == 7
    assert value.variant == uuid.RFC_4122
    assert before <= value.int >> 80 <= after + 1  # +1: an id may run ahead within a ms


def test_every_id_is_greater_than_the_last() -> None:
    ids = [uuid7() for _ in range(20_000)]  # many within each millisecond
    assert all(a < b for a, b in itertools.pairwise(ids))
    assert len({i.version for i in ids}) == 1
