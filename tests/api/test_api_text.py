"""Clean text at the API: control characters in any text input are a 422 naming the field,
with nothing stored, on both databases; and the schema says exactly what is accepted.

PostgreSQL cannot store NUL (a 500 before), SQLite stored it (and its export then could not
be imported into PostgreSQL); an ESC sequence stored as a description ran in the terminal of
whoever listed it. The rule is :mod:`pennywise_core.text`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import structlog
from apitools import API, World, assert_problem, unique_email
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from pennywise_core.models import Base

BAD = {
    "nul": "\x00",
    "esc": "\x1b[2J\x1b[31m",
    "bel": "\x07",
    "del": "\x7f",
    "c1-csi": "\x9b",
}
"""Refused in every text."""
NOT_IN_A_LINE = {"line-feed": "\n", "tab": "\t", "carriage-return": "\r", "line-sep": "\u2028"}
"""Refused in one-line texts (names, descriptions, categories), taken in notes."""
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class TextInput:
    """One text input of the API: how to send a value in it, and where the error points."""

    name: str
    method: str
    path: str
    where: str
    """``json``, ``form`` or ``query``."""
    build: Callable[[World, str], dict[str, Any]]
    loc: list[str]
    multiline: bool = False

    def url(self, world: World) -> str:
        return API + self.path.format(
            group_id=world.group_id,
            member_id=world.spare_placeholder_id,
            transaction_id=world.transaction_id,
        )


def tx_body(world: World, **fields: str) -> dict[str, Any]:
    return {"group_id": str(world.group_id), "description": "Taxi", "amount": "12.00", **fields}


INPUTS = [
    TextInput(
        "register.display_name",
        "POST",
        "/auth/register",
        "json",
        lambda w, v: {
            "email": unique_email("text"),
            "password": "a long enough passphrase",
            "display_name": v,
        },
        ["display_name"],
    ),
    TextInput(
        "token.username",
        "POST",
        "/auth/token",
        "form",
        lambda w, v: {"username": f"ann{v}@example.org", "password": "whatever1"},
        ["username"],
    ),
    TextInput(
        "api_token.name",
        "POST",
        "/auth/api-tokens",
        "json",
        lambda w, v: {"name": v},
        ["name"],
    ),
    TextInput("group.name", "POST", "/groups", "json", lambda w, v: {"name": v}, ["name"]),
    TextInput(
        "group.rename", "PATCH", "/groups/{group_id}", "json", lambda w, v: {"name": v}, ["name"]
    ),
    TextInput(
        "member.display_name",
        "POST",
        "/groups/{group_id}/members",
        "json",
        lambda w, v: {"display_name": v},
        ["display_name"],
    ),
    TextInput(
        "member.rename",
        "PATCH",
        "/groups/{group_id}/members/{member_id}",
        "json",
        lambda w, v: {"display_name": v},
        ["display_name"],
    ),
    TextInput(
        "tx.description",
        "POST",
        "/transactions",
        "json",
        lambda w, v: tx_body(w, description=v),
        ["description"],
    ),
    TextInput(
        "tx.category",
        "POST",
        "/transactions",
        "json",
        lambda w, v: tx_body(w, category=v),
        ["category"],
    ),
    TextInput(
        "tx.notes",
        "POST",
        "/transactions",
        "json",
        lambda w, v: tx_body(w, notes=v),
        ["notes"],
        multiline=True,
    ),
    TextInput(
        "tx.import_key",
        "POST",
        "/transactions",
        "json",
        lambda w, v: tx_body(w, import_key=v),
        ["import_key"],
    ),
    TextInput(
        "tx_edit.description",
        "PATCH",
        "/transactions/{transaction_id}",
        "json",
        lambda w, v: {"description": v},
        ["description"],
    ),
    TextInput(
        "tx_edit.category",
        "PATCH",
        "/transactions/{transaction_id}",
        "json",
        lambda w, v: {"category": v},
        ["category"],
    ),
    TextInput(
        "tx_edit.notes",
        "PATCH",
        "/transactions/{transaction_id}",
        "json",
        lambda w, v: {"notes": v},
        ["notes"],
        multiline=True,
    ),
    TextInput(
        "invite.token",
        "POST",
        "/invites/accept",
        "json",
        lambda w, v: {"token": f"pwi_{v}"},
        ["token"],
    ),
    TextInput(
        "list.category",
        "GET",
        "/transactions",
        "query",
        lambda w, v: {"category": v},
        ["query", "category"],
    ),
    TextInput(
        "list.text", "GET", "/transactions", "query", lambda w, v: {"text": v}, ["query", "text"]
    ),
]


def bad_values(field: TextInput) -> dict[str, str]:
    """Every refused character, in the middle of a text (leading and trailing whitespace is
    stripped from names before they are checked)."""
    chars = {**BAD, **({} if field.multiline else NOT_IN_A_LINE)}
    return {name: f"Bad{char}text" for name, char in chars.items()}


async def row_counts(engine: AsyncEngine) -> dict[str, int]:
    async with engine.connect() as connection:
        return {
            table.name: (await connection.execute(select(func.count()).select_from(table)))
            .scalars()
            .one()
            for table in Base.metadata.sorted_tables
        }


async def snapshot(client: httpx.AsyncClient, world: World) -> list[Any]:
    """What the owner sees of the world: the group, its members, the transaction, tokens."""
    h = world.owner.headers
    paths = [
        f"/groups/{world.group_id}",
        f"/groups/{world.group_id}/members",
        f"/transactions/{world.transaction_id}",
        "/auth/api-tokens",
    ]
    seen = []
    for path in paths:
        response = await client.get(API + path, headers=h)
        assert response.status_code == 200, response.text
        seen.append(response.json())
    return seen


async def send(client: httpx.AsyncClient, field: TextInput, world: World, value: str) -> Any:
    payload = field.build(world, value)
    headers = {} if field.path.startswith("/auth/register") else world.owner.headers
    if field.path == "/auth/token":
        headers = {}
    kwargs: dict[str, Any] = {"headers": headers}
    if field.where == "json":
        kwargs["json"] = payload
    elif field.where == "form":
        kwargs["data"] = payload
    else:
        kwargs["params"] = payload
    return await client.request(field.method, field.url(world), **kwargs)


class TestControlCharacters:
    @pytest.mark.parametrize("field", INPUTS, ids=[f.name for f in INPUTS])
    async def test_refused_naming_the_field_and_nothing_stored(
        self, client: httpx.AsyncClient, world: World, engine: AsyncEngine, field: TextInput
    ) -> None:
        counts, seen = await row_counts(engine), await snapshot(client, world)
        for name, value in bad_values(field).items():
            response = await send(client, field, world, value)
            assert response.status_code == 422, (name, response.text)
            body = assert_problem(response, 422)
            assert [e["loc"] for e in body["errors"]] == [field.loc], name
            assert "control characters" in body["errors"][0]["msg"], name
        assert await row_counts(engine) == counts
        assert await snapshot(client, world) == seen

    async def test_a_lone_surrogate_is_refused(
        self, client: httpx.AsyncClient, world: World, engine: AsyncEngine
    ) -> None:
        counts = await row_counts(engine)
        response = await client.post(
            f"{API}/groups",
            headers={**world.owner.headers, "Content-Type": "application/json"},
            content=b'{"name": "a\\ud800b"}',
        )
        body = assert_problem(response, 422)
        assert [e["loc"] for e in body["errors"]] == [["name"]]
        assert await row_counts(engine) == counts

    async def test_the_message_says_what_and_where(
        self, client: httpx.AsyncClient, world: World
    ) -> None:
        response = await client.post(
            f"{API}/groups", headers=world.owner.headers, json={"name": "Trip\x00"}
        )
        body = assert_problem(response, 422)
        assert body["errors"] == [
            {
                "loc": ["name"],
                "msg": "must not contain control characters (found NUL, U+0000 at character 5)",
            }
        ]

    async def test_notes_take_tabs_and_line_breaks(
        self, client: httpx.AsyncClient, world: World
    ) -> None:
        notes = "Receipt:\r\n\tdinner 50.00\n\ttaxi 10.00"
        response = await client.post(
            f"{API}/transactions", headers=world.owner.headers, json=tx_body(world, notes=notes)
        )
        assert response.status_code == 201, response.text
        assert response.json()["notes"] == notes

    async def test_text_outside_ascii_is_taken(
        self, client: httpx.AsyncClient, world: World
    ) -> None:
        name = "Zoë’s trip 🏔️ — مرحبا"
        response = await client.post(
            f"{API}/groups", headers=world.owner.headers, json={"name": name}
        )
        assert response.status_code == 201, response.text
        assert response.json()["name"] == name


class TestLogs:
    async def test_log_lines_carry_no_raw_control_characters(
        self, client: httpx.AsyncClient, world: World
    ) -> None:
        """What the access log writes of a request (its path) is user input: the JSON lines
        escape it (``\\u001b``), so a log viewer never gets a raw escape sequence."""
        with structlog.testing.capture_logs() as events:
            await client.get(f"{API}/groups/%1B%5B2J%1B%5B31mPWNED%00", headers=world.owner.headers)
        assert any("\x1b[2J" in str(e.get("path")) for e in events)  # logged as received
        processors = structlog.get_config()["processors"]
        for event in events:
            line: Any = dict(event)
            for processor in processors:
                line = processor(None, "info", line)
            assert isinstance(line, str)
            assert not CONTROL.search(line), line
            if event["event"] == "request":
                assert "\\u001b[2J" in line
