"""Configuration, read from the environment (prefix ``PENNYWISE_``) on first use.

Nothing is read at import time: call :func:`get_settings` (cached) where a value is needed,
and ``get_settings.cache_clear()`` in tests that change the environment. An application
built with its own :class:`Settings` (``create_app(settings)``) installs them with
:func:`use_settings` for everything it runs, so the core's services see them too.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path
from typing import Literal

import platformdirs
from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

APP_NAME = "pennywise"
DATABASE_FILENAME = "pennywise.sqlite3"


def data_dir() -> Path:
    """Where Pennywise keeps its data: ``$PENNYWISE_HOME`` if set, else the user data dir."""
    home = os.environ.get("PENNYWISE_HOME")
    if home:
        return Path(home).expanduser()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def parse_forwarded_allow_ips(value: str) -> list[str]:
    """The proxies whose ``X-Forwarded-For`` is believed: a comma list of IP addresses and
    networks (``10.0.0.5, 10.1.0.0/16, ::1``), ``*`` for every peer, or nothing (empty).

    Raises ``ValueError`` naming an entry that is neither (uvicorn would quietly take it as a
    host name that no peer ever has, and the operator would never know).
    """
    entries = [item.strip() for item in value.split(",") if item.strip()]
    if entries == ["*"]:
        return entries
    for entry in entries:
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError:
            raise ValueError(
                f"{entry!r} is not an IP address or network (give e.g. 10.0.0.5 or "
                "10.0.0.0/8, or * to trust every peer)"
            ) from None
    return entries


def default_database_url() -> str:
    """The embedded default: one SQLite file in :func:`data_dir`."""
    return f"sqlite+aiosqlite:///{data_dir() / DATABASE_FILENAME}"


class Settings(BaseSettings):
    """Every setting Pennywise reads. Each is ``PENNYWISE_<NAME>`` in the environment."""

    model_config = SettingsConfigDict(env_prefix="PENNYWISE_", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    database_url: str = Field(default_factory=default_database_url)
    database_echo: bool = False
    # ``transaction``: PostgreSQL is reached through a transaction-mode pooler (PgBouncer,
    # Supabase's Supavisor on port 6543), which may hand each transaction another server
    # connection, so no prepared statement may outlive one: asyncpg's statement cache and
    # SQLAlchemy's are switched off (see db.create_engine).
    database_pooler: Literal["none", "transaction"] = "none"
    # Each process's own pool (PostgreSQL): connections kept open, and how many more it may
    # open under load. One deployment uses up to instances × workers × (size + overflow).
    database_pool_size: int = Field(default=5, ge=1)
    database_max_overflow: int = Field(default=10, ge=0)

    # Authentication (used by the API).
    jwt_secret: SecretStr = SecretStr("")
    jwt_issuer: str = "pennywise"
    jwt_audience: str = "pennywise-api"
    access_token_minutes: int = Field(default=15, ge=1, le=24 * 60)
    refresh_token_days: int = Field(default=30, ge=1, le=365)
    google_client_ids: list[str] = Field(default_factory=list)
    cors_origins: list[str] = Field(default_factory=list)
    # Argon2id's cost (RFC 9106): memory in KiB, passes, lanes. The defaults are passlib's
    # (64 MiB, 3, 4); OWASP's floor is 19 MiB, 2, 1. A hash made at other costs is made
    # again at these on its owner's next sign-in, so raising them upgrades every account.
    password_hash_memory_kib: int = Field(default=65536, ge=8)
    password_hash_time_cost: int = Field(default=3, ge=1)
    password_hash_parallelism: int = Field(default=4, ge=1)
    login_attempts_per_account: int = Field(default=10, ge=1)
    login_attempts_per_address: int = Field(default=50, ge=1)
    login_window_seconds: int = Field(default=15 * 60, ge=1)
    # Proxies trusted to say who the client is (X-Forwarded-For); see parse_forwarded_allow_ips.
    # None by default: otherwise whoever reaches the API from a trusted address (any local
    # process, under uvicorn's own default of 127.0.0.1) picks the address it is throttled as.
    forwarded_allow_ips: str = ""

    # Rate limits on every API route but /healthz, /readyz and /metrics: requests per window
    # per principal (a user's sign-in, or one API token) and per client address (IPv6: /64),
    # counted in the database, or in Redis when ``redis_url`` is set, shared by all processes.
    rate_limit_enabled: bool = True
    rate_limit_per_principal: int = Field(default=300, ge=1)
    rate_limit_per_address: int = Field(default=1200, ge=1)
    rate_limit_window_seconds: int = Field(default=60, ge=1, le=24 * 60 * 60)
    redis_url: str = ""
    redis_key_prefix: str = "pennywise"

    # ``GET /metrics`` (Prometheus text format): off (404) unless enabled; with a token, only
    # ``Authorization: Bearer <token>`` may read it.
    metrics_enabled: bool = False
    metrics_token: SecretStr = SecretStr("")

    # The API server creates due recurring transactions every this many seconds, one process
    # at a time (a PostgreSQL advisory lock); 0 turns it off (``pennywise recurring run``
    # from cron then does it).
    recurring_interval_seconds: int = Field(default=300, ge=0)

    # ``GET /groups/{id}/events``: how often an open stream looks for new events, in seconds
    # (one short read per listener each time).
    events_poll_seconds: float = Field(default=0.5, gt=0, le=60)
    # ... and how long one stream lasts before the server ends it (the client reconnects
    # with ``Last-Event-ID`` and misses nothing): connections move between workers, and no
    # proxy's idle limit is reached.
    events_stream_seconds: float = Field(default=300, gt=0)
    # The events outbox keeps this many days of events (and webhook delivery logs); older
    # ones are deleted by the API server's scheduler rounds once nothing still needs them
    # (an enabled webhook that has not read them, a delivery still pending). 0: keep all.
    events_retention_days: int = Field(default=30, ge=0)

    # Webhooks: the API server's delivery worker looks for events to send every this many
    # seconds (0: off; ``pennywise webhooks deliver`` then does it), any number of processes
    # sharing the work. An attempt waits ``webhooks_timeout_seconds`` for an answer; a failed
    # one is tried again after about ``webhooks_retry_base_seconds`` × 4^(failures - 1) (at
    # most ``webhooks_retry_max_seconds``, jittered), ``webhooks_max_attempts`` times in all;
    # a subscription is disabled after ``webhooks_disable_after`` deliveries in a row gave up.
    # Targets must be public https URLs unless ``webhooks_allow_private`` (development, tests).
    webhooks_interval_seconds: float = Field(default=1.0, ge=0, le=3600)
    webhooks_timeout_seconds: float = Field(default=10.0, gt=0, le=120)
    webhooks_max_attempts: int = Field(default=8, ge=1, le=50)
    webhooks_retry_base_seconds: float = Field(default=10.0, gt=0)
    webhooks_retry_max_seconds: float = Field(default=6 * 60 * 60, gt=0)
    webhooks_disable_after: int = Field(default=5, ge=1)
    webhooks_allow_private: bool = False
    # After a secret rotation, how long deliveries are signed with the old secret too.
    webhooks_rotation_overlap_hours: int = Field(default=24, ge=0, le=24 * 30)

    # ``pennywise serve``: on SIGTERM, how long in-flight requests may take to finish.
    graceful_shutdown_seconds: int = Field(default=8, ge=0)

    # Imports through the API (``POST /groups/{id}/imports``): the largest upload, in bytes.
    # Larger files are imported locally with the CLI (``pennywise import``, no server).
    max_import_bytes: int = Field(default=50 * 1024 * 1024, ge=1)

    @field_validator("forwarded_allow_ips")
    @classmethod
    def _forwarded_allow_ips(cls, value: str) -> str:
        return ",".join(parse_forwarded_allow_ips(value))


@lru_cache(maxsize=1)
def _from_environment() -> Settings:
    return Settings()


_in_use: ContextVar[Settings | None] = ContextVar("pennywise_settings", default=None)


class _SettingsSource:
    """:func:`get_settings`: what :func:`use_settings` installed, else the environment's."""

    def __call__(self) -> Settings:
        return _in_use.get() or _from_environment()

    def cache_clear(self) -> None:
        """Read the environment again on the next call (for tests that change it)."""
        _from_environment.cache_clear()


get_settings = _SettingsSource()
"""The settings in effect: those installed by :func:`use_settings` in this context (an
application built with its own :class:`Settings`), else the process's, read once from
the environment."""


@contextmanager
def use_settings(settings: Settings) -> Iterator[Settings]:
    """Make ``settings`` what :func:`get_settings` returns in this context (and in tasks
    and threads started from it), so code deep in the core sees the settings an
    application was built with rather than the environment's."""
    token = _in_use.set(settings)
    try:
        yield settings
    finally:
        _in_use.reset(token)
