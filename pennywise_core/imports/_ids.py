"""The ids of imported transactions: increasing along the file, recognised without a list."""

from __future__ import annotations

import hashlib
import secrets
import uuid


class IdBlock:
    """The import's transaction ids: UUIDs (version 4 layout) that go up along the file
    from a random start, recognised later without being kept (memory does not grow with
    the file).

    Of row ``k``'s id, the first 32 bits — the 8 hex digits the CLI names a transaction by
    (``tx show 3f2a9c1e``) — are ``p + 257·k (mod 2**32)``, from a random ``p`` below
    ``2**31``:

    * they differ for every row (257 is odd: for the first ``2**32`` rows);
    * they go up (for at least the first 8.3 million rows; past ``2**32`` they start again
      from 0 and go up again), so every index keyed by the id (the transactions' and the
      entries' primary keys) takes each row next to the one before: appends, where ids all
      over the key space would touch pages all over indexes that outgrow the cache (at 1M
      rows that cost the SQLite import a third of its speed and the PostgreSQL one a fifth);
    * until they wrap, no two of them are one mistyped or two neighbouring swapped hex
      digits apart: those change the number by ``d·16**i`` or ``d·15·16**i`` with
      ``0 < |d| < 16``, never a multiple of 257 (a prime). (Digits swapped four places
      apart can be: ``16**4 ≡ 1 (mod 257)``.) Their first few digits, though, are shared
      by the rows around them, which is why the CLI takes all 8.

    The other 90 bits are a keyed hash of ``k`` (BLAKE2b, a random key per import), so the
    rest of the id looks random, and :meth:`__contains__` recognises an id by computing it
    again for the ``k`` its first 32 bits give.
    """

    _STEP = 257
    _STEP_INV = pow(_STEP, -1, 1 << 32)
    _TAIL_BITS = 90

    def __init__(self) -> None:
        self.prefix = secrets.randbits(31)
        self._key = secrets.token_bytes(16)
        self.count = 0

    @staticmethod
    def _spread(x: int) -> int:
        """122 bits → a UUID: version 4 at bits 76..79, the RFC 9562 variant at 62..63."""
        high, middle, low = x >> 74, (x >> 62) & 0xFFF, x & ((1 << 62) - 1)
        return (high << 80) | (0x4 << 76) | (middle << 64) | (0b10 << 62) | low

    @staticmethod
    def _gather(u: int) -> int:
        return ((u >> 80) << 74) | (((u >> 64) & 0xFFF) << 62) | (u & ((1 << 62) - 1))

    def _x(self, k: int) -> int:
        """Row ``k``'s 122 free bits."""
        digest = hashlib.blake2b(k.to_bytes(8, "big"), key=self._key, digest_size=12).digest()
        tail = int.from_bytes(digest, "big") >> (96 - self._TAIL_BITS)
        return (((self.prefix + k * self._STEP) & 0xFFFFFFFF) << self._TAIL_BITS) | tail

    def take(self, n: int) -> list[str]:
        """The next ``n`` ids, as 32 hex digits."""
        first = self.count
        self.count += n
        x, spread = self._x, self._spread
        return [f"{spread(x(k)):032x}" for k in range(first, first + n)]

    def __contains__(self, value: uuid.UUID) -> bool:
        x = self._gather(value.int)
        k = (((x >> self._TAIL_BITS) - self.prefix) * self._STEP_INV) & 0xFFFFFFFF
        return k < self.count and value.version == 4 and self._x(k) == x
