"""Fixtures for the CLI tests: an isolated home, and ``cli`` in both modes on both databases.

Every scenario that takes ``cli`` runs four times: local and remote mode, each on SQLite and
on PostgreSQL (the ``database_server`` parameters of tests/conftest.py). Each test gets a
database of its own, already at head (``migrated_database_url``, a copy of one migrated
once per run; the CLI creating the schema on first use is test_cli_local's):

* local: ``PENNYWISE_DATABASE_URL`` points at it; the local user is "Ann" (``LOGNAME``);
* remote: the real API app serves it in-process (``httpx.ASGITransport``, through the
  ``make_transport`` hook of the remote backend, under the SDK's ``AsyncPennywise``), and the
  CLI is signed in as a user "Ann" with ``PENNYWISE_TOKEN``. The client's retries stay on,
  without their waits (``make_backoff``).

CliRunner is synchronous and each command runs its own event loop, so the app's engine uses
a ``NullPool``: every connection is made in the loop that uses it.
"""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from clitools import Cli
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.pool import NullPool

from pennywise_cli.backends import remote
from pennywise_core import db, tokens
from pennywise_core.settings import Settings, get_settings
from tests.environment import SUITE_SETTINGS

API_URL = "http://pennywise.test"


@pytest.fixture(autouse=True)
def cli_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A home of the test's own, no colour, a fixed width, and no stray PENNYWISE_* setting
    (but the suite's own, tests/conftest.py's ``SUITE_SETTINGS``)."""
    for name in list(os.environ):
        if name.startswith("PENNYWISE_") and not name.startswith("PENNYWISE_TEST_"):
            monkeypatch.delenv(name)
    for name, value in SUITE_SETTINGS.items():
        monkeypatch.setenv(name, value)
    home = tmp_path / "home"
    monkeypatch.setenv("PENNYWISE_HOME", str(home))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("LOGNAME", "Ann")  # the local user's name (getpass reads LOGNAME first)
    get_settings.cache_clear()
    yield home
    get_settings.cache_clear()


@pytest.fixture(autouse=True)
def instant_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """The client keeps its retries (connection errors, 429, 5xx) but never sleeps."""
    from pennywise_client import Backoff

    monkeypatch.setattr(
        remote, "make_backoff", lambda: Backoff(initial=0.0, maximum=0.0, max_retry_after=0.0)
    )


def make_user(engine: AsyncEngine, name: str, *, password: str | None = None) -> Any:
    """A user (with a password when given) made with the core directly."""
    from pennywise_core.schemas import UserCreate
    from pennywise_core.services import users

    async def make() -> Any:
        async with db.session_factory(engine)() as session, session.begin():
            email = f"{name.lower()}-{secrets.token_hex(4)}@example.org"
            if password is None:
                return await users.create_local(session, display_name=name, email=email)
            return await users.create(
                session, UserCreate(email=email, password=password, display_name=name)
            )

    return asyncio.run(make())


class RemoteServer:
    """The API app on a database, served in-process to the CLI's HTTP client."""

    def __init__(self, database_url: str) -> None:
        from pennywise_api.app import create_app

        self.engine = db.create_engine(database_url, poolclass=NullPool)
        asyncio.run(db.upgrade(self.engine))
        self.app = create_app(Settings(environment="test"), engine=self.engine)

    def transport(self) -> httpx.AsyncBaseTransport:
        return httpx.ASGITransport(app=self.app)

    def token_for(self, user: Any) -> str:
        return tokens.create_access_token(user.id)[0]

    def close(self) -> None:
        asyncio.run(self.engine.dispose())


@pytest.fixture
def server(migrated_database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[RemoteServer]:
    """The API in-process, with the CLI pointed at it (not yet signed in)."""
    served = RemoteServer(migrated_database_url)
    monkeypatch.setattr(remote, "make_transport", served.transport)
    monkeypatch.setenv("PENNYWISE_API_URL", API_URL)
    try:
        yield served
    finally:
        served.close()


@pytest.fixture(params=["local", "remote"])
def cli(
    request: pytest.FixtureRequest, migrated_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> Cli:
    """``pennywise`` as "Ann", in local and in remote mode, on a new database."""
    if request.param == "local":
        monkeypatch.setenv("PENNYWISE_DATABASE_URL", migrated_database_url)
    else:
        served: RemoteServer = request.getfixturevalue("server")
        monkeypatch.setenv("PENNYWISE_TOKEN", served.token_for(make_user(served.engine, "Ann")))
    return Cli(mode=request.param)
