"""The database goes away and comes back: 503s with ``Retry-After``, then service again.

A private PostgreSQL server (:mod:`tests.pgserver`, never the shared one, which other tests
use meanwhile) is stopped under the running app and started again; the app is not
restarted. While it is down every request that needs the database is a 503 problem with
``Retry-After`` and ``/readyz`` says not ready; once it is back both work without anything
else happening. A connection lost in the middle of a request (the server ends it) is a
503 too, and the next request gets a new connection.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
import pytest_asyncio
from apitools import API, PROBLEM_BASE
from sqlalchemy import text

from pennywise_api.app import create_app
from pennywise_core import db, tokens
from pennywise_core.services import users
from pennywise_core.settings import Settings
from tests.pgserver import PrivatePostgres, missing_reason

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def private_postgres() -> Iterator[PrivatePostgres]:
    reason = missing_reason()
    if reason is not None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI must run the outage tests: {reason}")
        pytest.skip(reason)
    with PrivatePostgres.started() as server:
        yield server


@pytest_asyncio.fixture(loop_scope="session")
async def client(private_postgres: PrivatePostgres) -> AsyncIterator[httpx.AsyncClient]:
    """The app on the private server (through :func:`pennywise_core.db.open_database`, as
    ``pennywise serve`` opens it), signed in as a new user."""
    engine = await db.open_database(private_postgres.url())
    async with db.session_factory(engine)() as session, session.begin():
        user = await users.create_local(
            session, display_name="Ann", email=f"ann-{secrets.token_hex(4)}@example.org"
        )
    token, _ = tokens.create_access_token(user.id)
    app = create_app(Settings(environment="test"), engine=engine)
    transport = httpx.ASGITransport(app=app)
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(transport=transport, base_url="http://test", headers=headers) as c:
        yield c
    await engine.dispose()


def _assert_unavailable(response: httpx.Response) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["Retry-After"] == str(db.RETRY_AFTER_SECONDS)
    assert response.json()["type"] == PROBLEM_BASE + "service-unavailable"


async def _names(client: httpx.AsyncClient) -> list[str]:
    found = await client.get(f"{API}/groups")
    assert found.status_code == 200, found.text
    return sorted(g["name"] for g in found.json())


async def test_a_stopped_server_is_503_until_it_is_back(
    client: httpx.AsyncClient, private_postgres: PrivatePostgres
) -> None:
    assert (await client.post(f"{API}/groups", json={"name": "Before"})).status_code == 201
    assert (await client.get("/readyz")).status_code == 200

    private_postgres.stop()  # every pooled connection is lost; new ones are refused
    try:
        _assert_unavailable(await client.post(f"{API}/groups", json={"name": "During"}))
        _assert_unavailable(await client.get(f"{API}/groups"))
        not_ready = await client.get("/readyz")
        assert not_ready.status_code == 503
        assert not_ready.headers["Retry-After"] == str(db.RETRY_AFTER_SECONDS)
    finally:
        private_postgres.start()

    assert (await client.get("/readyz")).status_code == 200
    assert (await client.post(f"{API}/groups", json={"name": "After"})).status_code == 201
    assert await _names(client) == ["After", "Before"]


async def test_a_connection_lost_during_a_request_is_503(
    client: httpx.AsyncClient, private_postgres: PrivatePostgres
) -> None:
    # The server ends the request's own connection in the middle of its INSERT.
    tag = secrets.token_hex(4)
    engine = db.create_engine(private_postgres.url())
    try:
        async with engine.begin() as connection:
            await connection.execute(
                text(
                    f"""
                    CREATE FUNCTION vanish_{tag}() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN
                      IF NEW.name = 'Vanish {tag}' THEN
                        PERFORM pg_terminate_backend(pg_backend_pid());
                      END IF;
                      RETURN NEW;
                    END $$
                    """
                )
            )
            await connection.execute(
                text(
                    f"CREATE TRIGGER vanish_{tag} BEFORE INSERT ON groups "
                    f"FOR EACH ROW EXECUTE FUNCTION vanish_{tag}()"
                )
            )
        _assert_unavailable(await client.post(f"{API}/groups", json={"name": f"Vanish {tag}"}))
        created = await client.post(f"{API}/groups", json={"name": f"Stays {tag}"})
        assert created.status_code == 201, created.text
        assert f"Vanish {tag}" not in await _names(client)
    finally:
        async with engine.begin() as connection:
            await connection.execute(text(f"DROP TRIGGER IF EXISTS vanish_{tag} ON groups"))
            await connection.execute(text(f"DROP FUNCTION IF EXISTS vanish_{tag}()"))
        await engine.dispose()
