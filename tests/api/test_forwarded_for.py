"""Who the client is, behind ``pennywise serve``: ``X-Forwarded-For`` only from trusted proxies.

A real uvicorn, configured exactly as ``pennywise serve`` configures it
(:func:`pennywise_cli.commands.serve.uvicorn_options`), serves the app on 127.0.0.1 in a
thread. What address the API saw is read from the per-address sign-in throttle: after two
failures "from" one address, a third attempt from that address is a 429, from another a 401.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest_asyncio
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncEngine
from typer.testing import CliRunner

from pennywise_cli.main import app as cli
from pennywise_core.models import LoginAttempt
from pennywise_core.settings import Settings
from tests.api.apitools import in_a_thread

A, B = "203.0.113.1", "203.0.113.2"


@contextmanager
def served(database_url: str, forwarded_allow_ips: str) -> Iterator[httpx.Client]:
    settings = Settings(environment="test", database_url=database_url, login_attempts_per_address=2)
    with in_a_thread(settings, forwarded_allow_ips=forwarded_allow_ips) as client:
        yield client


def sign_in(client: httpx.Client, forwarded_for: str | None) -> int:
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for is not None else {}
    email = f"nobody-{secrets.token_hex(4)}@example.org"  # a new account each time
    data = {"username": email, "password": "not the password", "grant_type": "password"}
    return client.post("/auth/token", data=data, headers=headers).status_code


@pytest_asyncio.fixture(loop_scope="session")
async def database_url_migrated(database_url: str, engine: AsyncEngine) -> str:
    """The run's database (``engine`` migrated it), with no failed sign-in counted yet:
    every test here signs in from 127.0.0.1."""
    async with engine.begin() as connection:
        await connection.execute(delete(LoginAttempt))
    return database_url


def test_ignored_from_a_peer_that_is_not_a_configured_proxy(database_url_migrated: str) -> None:
    # Nothing configured: not even 127.0.0.1 (uvicorn's own default) is believed.
    with served(database_url_migrated, "") as client:
        assert [sign_in(client, A), sign_in(client, A)] == [401, 401]
        assert sign_in(client, B) == 429  # still the peer, 127.0.0.1, that failed twice


def test_ignored_from_a_peer_outside_the_configured_proxies(database_url_migrated: str) -> None:
    with served(database_url_migrated, "10.0.0.0/8") as client:
        assert [sign_in(client, A), sign_in(client, A)] == [401, 401]
        assert sign_in(client, B) == 429


def test_honoured_from_a_configured_proxy(database_url_migrated: str) -> None:
    with served(database_url_migrated, "127.0.0.1") as client:
        assert [sign_in(client, A), sign_in(client, f"192.0.2.77, {A}")] == [401, 401]
        assert sign_in(client, A) == 429  # the client the proxy named failed twice
        assert sign_in(client, B) == 401  # another client behind the same proxy did not


def test_garbage_from_a_configured_proxy_is_not_an_address(database_url_migrated: str) -> None:
    # Made-up values, rotated to get a fresh counter each time, count as one client.
    with served(database_url_migrated, "127.0.0.1") as client:
        assert [sign_in(client, "garbage-1"), sign_in(client, "999.0.0.1")] == [401, 401]
        assert sign_in(client, "garbage-3") == 429
        assert sign_in(client, B) == 401


def test_serve_refuses_a_proxy_that_is_not_an_address() -> None:
    result = CliRunner().invoke(cli, ["serve", "--forwarded-allow-ips", "10.0.0.1,proxy.lan"])
    assert result.exit_code != 0
    assert "--forwarded-allow-ips" in result.output
    assert "'proxy.lan' is not an IP address or network" in result.output
