"""``pw.events.stream``: the SSE parser by the standard's own examples, and the SDK against
a real uvicorn whose streams end every half second (it reconnects, misses nothing, and
tells nothing twice), on SQLite and on PostgreSQL."""

from __future__ import annotations

import secrets
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from pennywise_client import AuthenticationError, NotFoundError, Pennywise
from pennywise_client._sse import Frame, Parser
from pennywise_core.settings import Settings
from tests.api.apitools import in_a_thread


def _frames(text: str) -> tuple[list[Frame], Parser]:
    parser = Parser()
    got = [f for line in text.split("\n") if (f := parser.feed(line)) is not None]
    return got, parser


class TestParser:
    def test_data_lines_join_and_a_blank_line_dispatches(self) -> None:
        got, _ = _frames("data: YHOO\ndata: +2\ndata: 10\n\n")
        assert got == [Frame(event="message", data="YHOO\n+2\n10", last_id=None)]

    def test_comments_retry_and_an_id_without_data(self) -> None:
        got, parser = _frames(": keep-alive\nretry: 2000\nid: 7-1\n\nevent: a\ndata:x\n\n")
        assert got == [Frame(event="a", data="x", last_id="7-1")]
        assert (parser.retry_ms, parser.last_id) == (2000, "7-1")

    def test_only_one_space_after_the_colon_is_dropped_and_no_colon_is_a_field(self) -> None:
        got, _ = _frames("data:  two spaces\n\ndata\n\n")
        assert [f.data for f in got] == [" two spaces", ""]

    def test_an_unfinished_frame_is_not_dispatched(self) -> None:
        got, _ = _frames("data: half")
        assert got == []


def _stream_settings(database_url: str) -> Settings:
    return Settings(
        environment="test",
        database_url=database_url,
        events_poll_seconds=0.05,
        events_stream_seconds=0.5,
    )


@contextmanager
def _signed_in(database_url: str) -> Iterator[tuple[Pennywise, str]]:
    """A real server, and the SDK on it as a new user; and the server's root URL."""
    with in_a_thread(_stream_settings(database_url)) as http:
        base = str(http.base_url).removesuffix("/").removesuffix("/api/v1")
        with Pennywise(base) as pw:
            email = f"ann-{secrets.token_hex(4)}@example.org"
            pw.auth.register(email, "a sturdy passphrase 42", "Ann")
            pw.auth.login(email, "a sturdy passphrase 42")
            yield pw, base


def test_the_stream_reconnects_without_missing_or_repeating(
    engine: AsyncEngine, database_url: str
) -> None:
    with _signed_in(database_url) as (pw, _):
        group = pw.groups.create("Flat")
        coffee = pw.transactions.create(group.id, "Coffee", "2.40")
        stream = pw.events.stream(group.id, after="0-0")
        seen = []
        for event in stream:  # the history first
            seen.append(event)
            if event.target_id == coffee.id:
                break
        pw.transactions.create(group.id, "Bread", "3.10")
        time.sleep(1.2)  # two streams end meanwhile
        pw.transactions.create(group.id, "Milk", "1.20")
        for event in stream:
            seen.append(event)
            if event.data.get("description") == "Milk":
                break
    ids = [tuple(map(int, e.id.split("-"))) for e in seen]
    assert ids == sorted(set(ids))  # in order, none twice
    told = [e.data["description"] for e in seen if e.type == "transaction.created"]
    assert told == ["Coffee", "Bread", "Milk"]
    assert seen[-1].group_id == group.id


def test_without_reconnect_it_ends_with_the_stream_and_refusals_raise(
    engine: AsyncEngine, database_url: str
) -> None:
    with _signed_in(database_url) as (pw, base):
        group = pw.groups.create("Flat")
        started = time.monotonic()
        assert list(pw.events.stream(group.id, reconnect=False)) == []
        assert time.monotonic() - started < 10
        with Pennywise(base, token="not-a-token") as stranger, pytest.raises(AuthenticationError):
            next(iter(stranger.events.stream(group.id)))
        with pytest.raises(NotFoundError):
            next(iter(pw.events.stream(uuid.uuid4())))
