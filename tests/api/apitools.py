"""Plain helpers for the API tests (fixtures live in conftest.py)."""

from __future__ import annotations

import secrets
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
from fastapi import FastAPI
from fastapi.routing import APIRoute, RouteContext, iter_route_contexts

from pennywise_core.models import Role
from pennywise_core.settings import Settings, parse_forwarded_allow_ips

API = "/api/v1"
PROBLEM_BASE = "https://pennywise.dev/problems/"


@dataclass
class Actor:
    """A user with a way to call the API as them."""

    user_id: uuid.UUID
    email: str
    token: str
    member_id: uuid.UUID | None = None

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


HOOK_URL = "https://hooks.example.org/pennywise"
"""A webhook target that passes the address check (a public name; nothing is sent to it)."""


def unique_email(name: str) -> str:
    return f"{name}-{secrets.token_hex(4)}@example.org"


@dataclass
class World:
    """A group with one user in each role, a placeholder, an outsider and a transaction.

    The transaction (60.00 EUR) was created and paid by the owner, split equally between the
    owner and the member: the member owes the owner 30.00, the placeholders owe nothing.
    """

    owner: Actor
    admin: Actor
    member: Actor
    viewer: Actor
    outsider: Actor
    group_id: uuid.UUID
    placeholder_id: uuid.UUID
    spare_placeholder_id: uuid.UUID
    transaction_id: uuid.UUID
    api_token_id: uuid.UUID
    invite_id: uuid.UUID
    """An invite to claim the placeholder, addressed to an email none of them has."""
    rule_id: uuid.UUID
    """A recurring rule (monthly, the owner's): its occurrences are not created yet."""
    rate_id: uuid.UUID
    """The group's rate for USD: 1 USD = 0.9 EUR from the day it was made."""
    webhook_id: uuid.UUID
    """A subscription of :data:`HOOK_URL` to ``transaction.created`` (the owner's),
    disabled: the run's servers share a database, and none should try to send to it."""
    delivery_id: uuid.UUID
    """Its delivery of the transaction's creation (delivered)."""
    by_role: dict[Role, Actor] = field(default_factory=dict)


# --- the routes ----------------------------------------------------------------------------


def api_routes(app: FastAPI) -> list[tuple[str, RouteContext]]:
    """Every (method, route) the app serves under /api/v1, with their full paths.

    ``app.routes`` holds included routers as nodes of a tree (FastAPI >= 0.137):
    :func:`fastapi.routing.iter_route_contexts` flattens it.
    """
    return sorted(
        (
            (method, context)
            for context in iter_route_contexts(app.routes)
            if isinstance(context.original_route, APIRoute) and (context.path or "").startswith(API)
            for method in context.methods or ()
        ),
        key=lambda pair: (pair[1].path or "", pair[0]),
    )


def route_key(method: str, route: RouteContext) -> str:
    return f"{method} {route.path}"


def fill_path(path: str, world: World | None = None, **overrides: uuid.UUID) -> str:
    """The route's path with its ids filled in: the world's (or random ones)."""
    values: dict[str, uuid.UUID] = {}
    if world is not None:
        values = {
            "group_id": world.group_id,
            "member_id": world.spare_placeholder_id,
            "transaction_id": world.transaction_id,
            "token_id": world.api_token_id,
            "invite_id": world.invite_id,
            "rule_id": world.rule_id,
            "rate_id": world.rate_id,
            "webhook_id": world.webhook_id,
            "delivery_id": world.delivery_id,
        }
    values.update(overrides)
    names = (
        "group_id",
        "member_id",
        "transaction_id",
        "token_id",
        "invite_id",
        "rule_id",
        "rate_id",
        "webhook_id",
        "delivery_id",
    )
    for name in names:
        path = path.replace("{" + name + "}", str(values.get(name) or uuid.uuid4()))
    assert "{" not in path, f"a path parameter the tests do not know: {path}"
    return path


def valid_body(key: str, world: World) -> dict[str, Any] | None:
    """A body that passes validation for the route, so that what it tests is the answer."""
    bodies: dict[str, Any] = {
        f"PATCH {API}/groups/{{group_id}}": {"name": "Renamed"},
        f"POST {API}/groups/{{group_id}}/members": {"display_name": f"Zed {secrets.token_hex(2)}"},
        f"PATCH {API}/groups/{{group_id}}/members/{{member_id}}": {"weight": "2"},
        f"POST {API}/groups/{{group_id}}/invites": {"member_id": str(world.placeholder_id)},
        f"POST {API}/groups/{{group_id}}/settle-up": {},
        f"POST {API}/groups/{{group_id}}/rates": {"currency": "USD", "rate": "0.92"},
        f"POST {API}/transactions": {
            "group_id": str(world.group_id),
            "description": "Taxi",
            "amount": "12.00",
        },
        f"PATCH {API}/transactions/{{transaction_id}}": {"description": "Late dinner"},
        f"POST {API}/groups": {"name": "New group"},
        f"POST {API}/auth/api-tokens": {"name": "script"},
        f"POST {API}/auth/password": {
            "current_password": "x",
            "new_password": "another long passphrase",
        },
        f"POST {API}/invites/accept": {"token": "pwi_unknown"},
        f"POST {API}/groups/{{group_id}}/recurring": {
            "transaction": {"description": "Rent", "amount": "900.00"},
            "schedule": {"every": "monthly", "start": "2024-01-31"},
        },
        f"PATCH {API}/groups/{{group_id}}/recurring/{{rule_id}}": {
            "transaction": {"amount": "950.00"}
        },
        f"POST {API}/groups/{{group_id}}/webhooks": {
            "url": HOOK_URL,
            "events": ["transaction.created"],
        },
        f"PATCH {API}/groups/{{group_id}}/webhooks/{{webhook_id}}": {"description": "Home"},
    }
    return bodies.get(key)


IMPORT_CSV = (
    b"Date,Description,Category,Cost,Currency,Bob,Carl\n"
    b"2024-03-01,Taxi,Transport,10.00,EUR,5.00,-5.00\n"
    b"2024-03-02,Museum,Fun,30.00,EUR,-15.00,15.00\n"
)
"""A Splitwise CSV between the world's two placeholders: any member may import it (it needs
no new people). It leaves Bob at −10.00 EUR and Carl at +10.00 EUR."""

QUERIES: dict[str, dict[str, str]] = {
    f"GET {API}/groups/{{group_id}}/balances/converted": {"in": "EUR"},
}
"""Routes with a required query parameter: a valid one."""

UPLOADS: dict[str, dict[str, Any]] = {
    f"POST {API}/groups/{{group_id}}/imports": {
        "files": {"file": ("splitwise.csv", IMPORT_CSV, "text/csv")},
    },
}
"""Routes that take a multipart upload instead of JSON: what they are sent (``httpx``
keyword arguments)."""


def valid_request(key: str, world: World) -> dict[str, Any]:
    """``httpx`` keyword arguments for a request that passes validation: the JSON body of
    :func:`valid_body`, or a valid upload."""
    if key in UPLOADS:
        return UPLOADS[key]
    return {"json": valid_body(key, world), "params": QUERIES.get(key)}


def assert_problem(response: httpx.Response, status: int) -> dict[str, Any]:
    """The response is an RFC 9457 problem with this status and the request's id."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status
    assert body["type"].startswith(PROBLEM_BASE)
    assert isinstance(body["title"], str)
    assert body["title"]
    assert isinstance(body["detail"], str)
    assert body["detail"]
    assert body["request_id"] == response.headers["x-request-id"]
    return body


@contextmanager
def in_a_thread(settings: Settings, *, forwarded_allow_ips: str = "") -> Iterator[httpx.Client]:
    """The app built with ``settings``, served by a real uvicorn configured exactly as
    ``pennywise serve`` configures it, on a loopback port, in a thread (its own event
    loop and engine): a client of ``/api/v1`` on it."""
    import uvicorn

    from pennywise_api.app import create_app
    from pennywise_cli.commands.serve import uvicorn_options

    options = uvicorn_options(forwarded_allow_ips=parse_forwarded_allow_ips(forwarded_allow_ips))
    server = uvicorn.Server(uvicorn.Config(create_app(settings), **options))
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        for _ in range(200):  # at most 10 s for start-up
            if server.started or not thread.is_alive():
                break
            time.sleep(0.05)
        assert server.started, "uvicorn did not start"
        with httpx.Client(base_url=f"http://127.0.0.1:{port}{API}", timeout=30) as client:
            yield client
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        sock.close()
