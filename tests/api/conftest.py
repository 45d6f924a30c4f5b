"""Fixtures for the API tests: the app on the run's database, clients, users and a group.

The app is built with the test ``engine`` injected (``httpx.ASGITransport`` does not run
the lifespan), so every test runs on SQLite and on PostgreSQL. Requests commit for real;
tests stay independent because every user (and so every group) is new to each test.

Users for the sweeps are made with the core directly and get an access token minted for
them, which skips Argon2 (slow on purpose); the end-to-end flow signs up through the API.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import pytest_asyncio
from apitools import HOOK_URL, Actor, World, unique_email
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from pennywise_api.app import create_app
from pennywise_core import tokens
from pennywise_core.auth_schemas import ApiTokenCreate
from pennywise_core.db import session_factory
from pennywise_core.models import Event, Member, Role, WebhookDelivery
from pennywise_core.recurring_schemas import RecurringRuleCreate
from pennywise_core.schemas import (
    GroupCreate,
    MemberCreate,
    RateSet,
    SplitEntryIn,
    SplitIn,
    TransactionCreate,
)
from pennywise_core.services import (
    auth,
    groups,
    invites,
    members,
    rates,
    recurring,
    transactions,
    users,
    webhooks,
)
from pennywise_core.settings import Settings
from pennywise_core.webhook_schemas import WebhookCreate, WebhookUpdate
from tests.ledger import join_by_invite


@pytest.fixture
def app(engine: AsyncEngine) -> FastAPI:
    return create_app(Settings(environment="test"), engine=engine)


@pytest_asyncio.fixture(loop_scope="session")
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
        yield c


@pytest_asyncio.fixture(loop_scope="session")
async def make_actor(engine: AsyncEngine) -> Any:
    """``await make_actor("ann")``: a new user (no password) with a fresh access token."""
    maker = session_factory(engine)

    async def make(name: str = "user") -> Actor:
        async with maker() as session, session.begin():
            user = await users.create_local(
                session,
                display_name=f"{name.title()} {secrets.token_hex(2)}",
                email=unique_email(name),
            )
        token, _ = tokens.create_access_token(user.id)
        return Actor(user_id=user.id, email=user.email, token=token)

    return make


@pytest_asyncio.fixture(loop_scope="session")
async def api_token_for(engine: AsyncEngine) -> Any:
    """``await api_token_for(actor, "read")``: a personal API token of that scope."""
    maker = session_factory(engine)

    async def make(actor: Actor, scope: str) -> str:
        async with maker() as session, session.begin():
            user = await users.get(session, actor.user_id)
            created = await auth.create_api_token(
                session,
                auth.Principal.person(user),
                ApiTokenCreate(name=f"{scope} token", scope=scope),  # type: ignore[arg-type]
            )
        return created.token

    return make


@pytest_asyncio.fixture(loop_scope="session")
async def make_world(engine: AsyncEngine, make_actor: Any) -> Any:
    maker = session_factory(engine)

    async def make() -> World:
        people = {role: await make_actor(role.value) for role in Role}
        outsider = await make_actor("outsider")
        async with maker() as session, session.begin():
            owner = await users.get(session, people[Role.OWNER].user_id)
            group = await groups.create(
                session, owner, GroupCreate(name="Trip", default_currency="EUR")
            )
            people[Role.OWNER].member_id = group.my_member_id
            for role in (Role.ADMIN, Role.MEMBER, Role.VIEWER):
                user = await users.get(session, people[role].user_id)
                added = await join_by_invite(session, owner, group.id, user, role=role)
                people[role].member_id = added.id
            placeholder = await members.add(
                session, owner, group.id, MemberCreate(display_name="Bob")
            )
            spare = await members.add(session, owner, group.id, MemberCreate(display_name="Carl"))
            tx = await transactions.create(
                session,
                owner,
                TransactionCreate(
                    group_id=group.id,
                    description="Dinner",
                    amount="60.00",
                    category="food",
                    split=SplitIn(
                        entries=[
                            SplitEntryIn(member_id=group.my_member_id),
                            SplitEntryIn(member_id=people[Role.MEMBER].member_id),
                        ]
                    ),
                ),
            )
            invite = invites.invite_email(
                session, owner, await session.get_one(Member, placeholder.id), unique_email("inv")
            )
            api_token = await auth.create_api_token(
                session, auth.Principal.person(owner), ApiTokenCreate(name="script", scope="write")
            )
            rule = await recurring.create(
                session,
                owner,
                group.id,
                RecurringRuleCreate.model_validate(
                    {
                        "transaction": {"description": "Rent", "amount": "900.00"},
                        "schedule": {"every": "monthly", "start": "2099-01-01"},
                    }
                ),
            )
            rate = await rates.set_rate(
                session, owner, group.id, RateSet(currency="USD", rate="0.9")
            )
            hook = await webhooks.subscribe(
                session,
                owner,
                group.id,
                WebhookCreate(url=HOOK_URL, events=["transaction.created"]),
                settings=Settings(),
            )
            await webhooks.update_subscription(  # so no server of the run sends anything to it
                session, owner, group.id, hook.id, WebhookUpdate(enabled=False), settings=Settings()
            )
            event_id = await session.scalar(select(Event.id).where(Event.target_id == tx.id))
            delivery = WebhookDelivery(
                id=uuid.uuid4(), subscription_id=hook.id, event_id=event_id, status="delivered"
            )
            session.add(delivery)
        return World(
            owner=people[Role.OWNER],
            admin=people[Role.ADMIN],
            member=people[Role.MEMBER],
            viewer=people[Role.VIEWER],
            outsider=outsider,
            group_id=group.id,
            placeholder_id=placeholder.id,
            spare_placeholder_id=spare.id,
            transaction_id=tx.id,
            api_token_id=api_token.id,
            invite_id=invite.id,
            rule_id=rule.id,
            rate_id=rate.id,
            webhook_id=hook.id,
            delivery_id=delivery.id,
            by_role=people,
        )

    return make


@pytest_asyncio.fixture(loop_scope="session")
async def world(make_world: Any) -> World:
    return await make_world()
