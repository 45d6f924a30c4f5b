"""schemathesis against the app's own OpenAPI document, in process, on both databases.

On PostgreSQL too (the ``database_url`` fixture runs every case on SQLite and on
PostgreSQL): a text PostgreSQL cannot store (a NUL byte) was a 500 there and stored on
SQLite. Every text field's schema states the clean-text rule as a ``pattern``
(:mod:`pennywise_core.text`), so the negative cases send control characters, and no
response may be a 5xx on either database.

Every operation gets generated requests (schemathesis's examples, coverage and fuzzing
phases; bounded and derandomized, so a run is repeatable) and schemathesis's default checks
on every response: no 5xx, the status is one the operation declares, the body and the
headers match their declared schemas, schema-invalid input is refused, authentication is
really enforced, an unexpected method is a 405 with ``Allow``.

One configured exception: "schema-valid input is accepted" also allows **412** (any
generated ``If-Match`` names a version that is not current) and **422** (rules a JSON
schema cannot state: a common password, an ISO 4217 code that does not exist, an email with
no account, a cursor this server never handed out, more decimals than the currency has).

The calls are authenticated and reach past the 404s. Each operation runs in a world of its
own (a user who owns a group with two placeholder members, a transaction and an API token);
generated ``group_id``/``member_id``/``transaction_id``/``token_id`` values in the path, the
query and the body become the world's real ids (only when they were generated as valid ids,
so a case meant to be refused stays one); and every request carries a freshly minted access
token, so an operation that ends the caller's sessions (``logout-all``) locks nobody out.

schemathesis calls the app on its own event loop (one thread, shared by its ASGI
transport), so the app gets an engine of its own: ``NullPool``, so no connection ever moves
from one event loop to another.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import secrets
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from apitools import API
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from schemathesis import Case
from schemathesis.config import SchemathesisConfig
from schemathesis.core.parameters import ParameterLocation
from schemathesis.python import asgi
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.pool import NullPool

from pennywise_api.app import create_app
from pennywise_core import tokens
from pennywise_core.db import create_engine, session_factory
from pennywise_core.services import users
from pennywise_core.settings import Settings
from tests.environment import SUITE_FIELDS

MAX_EXAMPLES = 15
"""Fuzzing examples per operation (the coverage phase adds its own, fixed set)."""

POSITIVE_DATA_STATUSES = ["2xx", "3xx", "401", "403", "404", "409", "412", "422", "429", "5xx"]
"""schemathesis's defaults plus 412 and 422 (see above). 5xx stays, so that a server error
is reported once, as a server error."""

CONFIG = SchemathesisConfig.from_dict(
    {"checks": {"positive_data_acceptance": {"expected-statuses": POSITIVE_DATA_STATUSES}}}
)

APP = create_app(
    Settings(environment="test", **SUITE_FIELDS), engine=create_engine("sqlite+aiosqlite://")
)
"""The app under test, built at import: schemathesis collects one test per operation from
its schema, which does not depend on the database. Given an engine, its lifespan opens
nothing; that engine (never connected) is swapped for the run's in ``fuzz_database``.

(Not ``schemathesis.pytest.from_fixture``: with schemathesis 4.32 on pytest 9.2 it fails
on ``Node._nodeid``, which pytest no longer has.)"""

schema = schemathesis.openapi.from_asgi("/openapi.json", APP, config=CONFIG)


# --- aiming generated cases at real data ---------------------------------------------------

CURRENCIES = ("EUR", "USD", "JPY", "BHD", "GBP")
"""Currencies that exist (2, 0 and 3 decimals): the schema only says "three letters", and
the coverage phase's "AAA" would stop every transaction at "unknown currency"."""

_POSITIVE_DECIMAL = re.compile(r"0*[1-9][0-9]{0,8}(\.[0-9]{1,2})?")


def _seed(*parts: object) -> int:
    """A number derived from generated values only, so that runs stay repeatable."""
    return hashlib.sha256(repr(parts).encode()).digest()[0]


@dataclass
class FuzzWorld:
    """One operation's playground: the caller and the ids to aim at."""

    user_id: uuid.UUID
    group_id: uuid.UUID
    member_ids: list[uuid.UUID]
    transaction_id: uuid.UUID
    token_id: uuid.UUID

    def headers(self) -> dict[str, str]:
        token, _ = tokens.create_access_token(self.user_id)
        return {"Authorization": f"Bearer {token}"}

    def aim(self, case: Case) -> None:
        """Make the case (in place) reach this world's data and get past rules no schema
        states; only values generated as valid are replaced, and by valid ones."""
        meta = case.meta
        if case.headers and not (meta and meta.is_negative_at(ParameterLocation.HEADER)):
            _plausible_headers(case.headers, case.body)
        if isinstance(case.body, dict) and not (
            meta and meta.is_negative_at(ParameterLocation.BODY)
        ):
            _plausible_money(case.body)
        for params in (case.path_parameters, case.query):
            for name in list(params or {}):
                params[name] = self._real_id(name, params[name])
        self._aim_body(case.body)

    def _real_id(self, name: str, generated: Any) -> Any:
        if not _is_uuid(generated):
            return generated  # not a valid id: generated to be refused, keep it
        match name:
            case "group_id":
                return str(self.group_id)
            case "member_id":
                # Deterministic but varied: the generated id picks the member.
                return str(self.member_ids[uuid.UUID(generated).int % len(self.member_ids)])
            case "transaction_id":
                return str(self.transaction_id)
            case "token_id":
                return str(self.token_id)
        return generated

    def _aim_body(self, body: Any) -> None:
        if isinstance(body, dict):
            for name, value in body.items():
                if isinstance(value, dict | list):
                    self._aim_body(value)
                else:
                    body[name] = self._real_id(name, value)
        elif isinstance(body, list):
            for item in body:
                self._aim_body(item)


def _is_uuid(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _plausible_headers(headers: dict[str, Any], body: Any) -> None:
    """``Idempotency-Key``: the generated key plus a digest of the body, so that the same
    body replays and another body does not reuse the key (a 422 by design). ``If-Match``: a
    generated tag never names the current version (412); two in three become ``*`` or go."""
    key = headers.get("Idempotency-Key")
    if isinstance(key, str) and key:
        digest = hashlib.sha256(repr(body).encode()).hexdigest()[:16]
        headers["Idempotency-Key"] = f"{key[:200]}-{digest}"
    tag = headers.get("If-Match")
    if isinstance(tag, str):
        choice = _seed(tag, body) % 3
        if choice == 1:
            headers["If-Match"] = "*"
        elif choice == 2:
            del headers["If-Match"]


def _plausible_money(body: dict[str, Any]) -> None:
    """A currency that exists, and mostly an amount the parser takes (one in four keeps its
    generated spelling, for the parser to refuse)."""
    currency = body.get("currency")
    if isinstance(currency, str) and len(currency) == 3 and currency.isalpha():
        body["currency"] = CURRENCIES[_seed(currency) % len(CURRENCIES)]
    amount = body.get("amount")
    if isinstance(amount, str) and not _POSITIVE_DECIMAL.fullmatch(amount.strip()):
        seed = _seed(amount)
        if seed % 4:
            body["amount"] = f"{seed + 1}.{seed % 100:02d}"


# --- the world of each operation -----------------------------------------------------------


def _new_user(database_url: str) -> uuid.UUID:
    """A user made with the core (no password: no Argon2 per operation), on a loop and an
    engine of its own, in a thread of its own (the test's thread belongs to pytest-asyncio)."""

    async def create() -> uuid.UUID:
        engine = create_engine(database_url, poolclass=NullPool)
        try:
            async with session_factory(engine)() as session, session.begin():
                user = await users.create_local(
                    session,
                    display_name="Fuzz",
                    email=f"fuzz-{secrets.token_hex(6)}@example.org",
                )
                return user.id
        finally:
            await engine.dispose()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, create()).result()


def make_world(app: FastAPI, user_id: uuid.UUID) -> FuzzWorld:
    """The user's group, members, transaction and API token, made through the API."""
    token, _ = tokens.create_access_token(user_id)
    headers = {"Authorization": f"Bearer {token}"}
    with asgi.get_client(app) as client:

        def post(path: str, body: dict[str, Any]) -> dict[str, Any]:
            response = client.post(f"{API}{path}", headers=headers, json=body)
            assert response.status_code == 201, response.text
            created: dict[str, Any] = response.json()
            return created

        group = post("/groups", {"name": "Fuzz", "default_currency": "EUR"})
        gid = group["id"]
        bob = post(f"/groups/{gid}/members", {"display_name": "Bob"})
        carl = post(f"/groups/{gid}/members", {"display_name": "Carl"})
        tx = post(
            "/transactions",
            {
                "group_id": gid,
                "description": "Dinner",
                "amount": "90.00",
                "category": "food",
                "split": {
                    "mode": "shares",
                    "entries": [
                        {"member_id": group["my_member_id"], "shares": "2"},
                        {"member_id": bob["id"], "shares": "1"},
                    ],
                },
            },
        )
        api_token = post("/auth/api-tokens", {"name": "fuzz", "scope": "read"})
    return FuzzWorld(
        user_id=user_id,
        group_id=uuid.UUID(gid),
        member_ids=[uuid.UUID(m) for m in (group["my_member_id"], bob["id"], carl["id"])],
        transaction_id=uuid.UUID(tx["id"]),
        token_id=uuid.UUID(api_token["id"]),
    )


@pytest.fixture(scope="module")
def fuzz_database(database_url: str, engine: AsyncEngine) -> Iterator[str]:
    """Point the app at this run's database, through an engine of its own (NullPool)."""
    # ``engine`` only for its side effect: the database is migrated to head.
    own = create_engine(database_url, poolclass=NullPool)
    APP.state.engine = own
    APP.state.session_maker = session_factory(own)
    yield database_url
    APP.state.engine = None
    APP.state.session_maker = None


@pytest.fixture
def world(fuzz_database: str) -> FuzzWorld:
    return make_world(APP, _new_user(fuzz_database))


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_api(case: Case, world: FuzzWorld) -> None:
    world.aim(case)
    response = case.call_and_validate(headers=world.headers())
    assert response.status_code < 500, f"{case.method} {case.path}: {response.status_code}"
