"""What every test runs with (tests/conftest.py and the fixtures that reset the environment
put it in place)."""

from __future__ import annotations

from typing import Final

SUITE_SETTINGS: Final = {
    "PENNYWISE_PASSWORD_HASH_MEMORY_KIB": "1024",
    "PENNYWISE_PASSWORD_HASH_TIME_COST": "1",
    "PENNYWISE_PASSWORD_HASH_PARALLELISM": "1",
    "PENNYWISE_EVENTS_STREAM_SECONDS": "0.2",
}
"""Settings of the whole suite, and of the servers and CLIs it starts (test fixtures that
clear ``PENNYWISE_*`` put these back): passwords hashed with real Argon2id at a cheap
cost, and an event stream that ends soon, so that a test that GETs it (schemathesis, the
role matrix) gets its whole answer; the stream's own tests set their own."""

SUITE_FIELDS: Final = {
    name.removeprefix("PENNYWISE_").lower(): value for name, value in SUITE_SETTINGS.items()
}
"""The same as :class:`~pennywise_core.settings.Settings` keyword arguments, for the apps a
test builds with settings of its own (``Settings(environment="test", **SUITE_FIELDS)``),
which do not read the environment's."""
