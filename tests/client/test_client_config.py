"""Configuration (arguments, PENNYWISE_API_URL / PENNYWISE_TOKEN), what goes on the wire
for amounts and versions, context managers, and the package's import boundary."""

from __future__ import annotations

import datetime as dt
import inspect
import json
import subprocess
import sys
import uuid
from decimal import Decimal

import httpx
import pytest

from pennywise_client import AsyncPennywise, Pennywise
from pennywise_client._generated.api.invites import invites_accept
from pennywise_client._generated.models import TransactionRead
from pennywise_client._resource import Call, _AsyncResource, _Resource, decimal_string, etag

GROUP = str(uuid.uuid4())
TX = {
    "id": str(uuid.uuid4()), "group_id": GROUP, "kind": "expense", "description": "D",
    "amount": "12.50", "currency": "EUR", "date": "2024-01-01", "category": None,
    "notes": None, "paid_by": [], "split": {"mode": "equal", "entries": []}, "entries": [],
    "version": 2, "created_by": None, "created_at": "2024-01-01T00:00:00Z",
    "updated_at": "2024-01-01T00:00:00Z", "deleted": False,
}  # fmt: skip


def recording(status: int = 201, body: object = TX) -> tuple[httpx.MockTransport, list]:
    requests: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return httpx.Response(status, json=body)

    return httpx.MockTransport(handler), requests


def test_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("PENNYWISE_API_URL", "https://pw.example/api/v1/")
    monkeypatch.setenv("PENNYWISE_TOKEN", "env-token")
    transport, requests = recording(200, [])
    with Pennywise(transport=transport) as pw:
        assert pw.base_url == "https://pw.example"
        assert pw.token == "env-token"
        assert pw.groups.list() == []
    assert str(requests[0].url) == "https://pw.example/api/v1/groups?include_archived=true"
    assert requests[0].headers["Authorization"] == "Bearer env-token"
    assert requests[0].headers["User-Agent"].startswith("pennywise-python")


def test_user_agent_puts_the_scripts_name_before_the_sdks():
    transport, requests = recording(200, [])
    with Pennywise("http://x", transport=transport, user_agent="nightly-sync/1.2") as pw:
        pw.groups.list()
    product, sdk = requests[0].headers["User-Agent"].split(" ")
    assert product == "nightly-sync/1.2"
    assert sdk.startswith("pennywise-python")


async def test_async_client_takes_a_user_agent_too():
    requests: list[httpx.Request] = []

    async def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return httpx.Response(200, json=[])

    async with AsyncPennywise(
        "http://x", transport=httpx.MockTransport(handler), user_agent="importer/3"
    ) as pw:
        await pw.groups.list()
    assert requests[0].headers["User-Agent"].startswith("importer/3 pennywise-python")


@pytest.mark.parametrize(
    "bad", ["", "  ", "two\nlines", "split\r\nheader: x", "nul\x00", "tab\tbed", "café/1"]
)
def test_user_agent_must_be_printable_ascii(bad: str):
    with pytest.raises(ValueError, match="user_agent must be printable ASCII"):
        Pennywise("http://x", user_agent=bad)


def test_models_write_utc_timestamps_with_z_as_the_api_does():
    tx = TransactionRead.from_dict(TX)
    assert tx.created_at == dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    assert tx.to_dict()["created_at"] == TX["created_at"] == "2024-01-01T00:00:00Z"
    # Another offset is kept as it is, not turned into UTC.
    other = TransactionRead.from_dict({**TX, "updated_at": "2024-01-01T09:30:00+02:00"})
    assert other.to_dict()["updated_at"] == "2024-01-01T09:30:00+02:00"


def test_arguments_win_over_the_environment(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("PENNYWISE_API_URL", "https://env.example")
    monkeypatch.setenv("PENNYWISE_TOKEN", "env-token")
    pw = Pennywise("http://arg.example", "arg-token")
    assert (pw.base_url, pw.token) == ("http://arg.example", "arg-token")
    pw.close()


def test_no_url_is_a_clear_error(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("PENNYWISE_API_URL", raising=False)
    with pytest.raises(ValueError, match="PENNYWISE_API_URL"):
        Pennywise()


def test_no_token_sends_no_authorization():
    transport, requests = recording(200, [])
    with Pennywise("http://x", transport=transport) as pw:
        pw.groups.list()
    assert "Authorization" not in requests[0].headers


def test_amounts_go_out_as_decimal_strings():
    transport, requests = recording()
    member = uuid.uuid4()
    with Pennywise("http://x", "t", transport=transport) as pw:
        tx = pw.transactions.create(
            GROUP,
            "Dinner",
            Decimal("12.50"),
            paid_by={member: 12},
            split={"mode": "shares", "entries": [{"member_id": member, "shares": Decimal("1.5")}]},
        )
    assert tx.amount == "12.50"
    body = json.loads(requests[0].content)
    assert body["amount"] == "12.50"
    assert body["paid_by"] == [{"member_id": str(member), "amount": "12"}]
    assert body["split"]["entries"] == [{"member_id": str(member), "shares": "1.5"}]
    assert requests[0].headers["Idempotency-Key"]


def test_update_sends_only_what_is_given_and_if_match():
    transport, requests = recording(200)
    with Pennywise("http://x", "t", transport=transport) as pw:
        pw.transactions.update(TX["id"], if_match=2, category=None)
        pw.transactions.update(TX["id"], description="New")
    assert json.loads(requests[0].content) == {"category": None}
    assert requests[0].headers["If-Match"] == '"2"'
    assert json.loads(requests[1].content) == {"description": "New"}
    assert "If-Match" not in requests[1].headers


@pytest.mark.parametrize(
    ("value", "expected"),
    [("12.50", "12.50"), (Decimal("1E+2"), "100"), (Decimal("0.10"), "0.10"), (7, "7")],
)
def test_decimal_string(value: object, expected: str):
    assert decimal_string(value) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize("value", [0.1, True])
def test_decimal_string_refuses_floats_and_bools(value: object):
    with pytest.raises(TypeError):
        decimal_string(value)  # type: ignore[arg-type]


def test_etag():
    assert etag(3) == '"3"'
    assert etag("3") == '"3"'
    assert etag('"3"') == '"3"'
    assert etag("*") == "*"


def test_idempotency_key_only_where_the_api_takes_one():
    transport, _ = recording(201, {})
    with (
        Pennywise("http://x", "t", transport=transport) as pw,
        pytest.raises(TypeError, match="Idempotency-Key"),
    ):
        pw._run(Call(invites_accept, {"idempotency_key": "k"}))


async def test_async_context_manager_closes():
    transport, _ = recording(200, [])

    class Async(httpx.AsyncBaseTransport):
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            return transport.handle_request(request)

    async with AsyncPennywise("http://x", "t", transport=Async()) as pw:
        assert await pw.groups.list() == []
    assert pw._http.is_closed


NAMESPACES = ["auth", "users", "groups", "members", "transactions", "balances", "rates",
              "settle_up", "activity", "tokens", "invites", "imports", "exports",
              "events", "webhooks"]  # fmt: skip


def test_sync_and_async_namespaces_match():
    """The two clients have the same namespaces, each with the same methods, and each
    method takes the same arguments in both (the async one is awaited, or ``async for``)."""
    sync, asynchronous = Pennywise("http://x"), AsyncPennywise("http://x")
    found = {n for n, v in vars(sync).items() if isinstance(v, _Resource)}
    assert found == {n for n, v in vars(asynchronous).items() if isinstance(v, _AsyncResource)}
    assert found == set(NAMESPACES)
    for name in NAMESPACES:
        left, right = type(getattr(sync, name)), type(getattr(asynchronous, name))
        methods = {m for m in dir(left) if not m.startswith("_")}
        assert methods == {m for m in dir(right) if not m.startswith("_")}, name
        assert methods, name
        for method in methods:
            mine = inspect.signature(getattr(left, method))
            theirs = inspect.signature(getattr(right, method))
            assert mine.parameters == theirs.parameters, f"{name}.{method}"
            # The same result, but an iterator is an async one there (events.stream).
            returned = str(theirs.return_annotation).replace("AsyncIterator[", "Iterator[")
            assert str(mine.return_annotation) == returned, f"{name}.{method}"
    sync.close()


def test_a_bound_method_shows_the_arguments_callers_give():
    """``help(pw.groups.get)`` and ``inspect.signature`` on an instance: the call's own
    arguments (``functools.wraps`` alone made inspect drop the first one, and raise on
    methods without arguments)."""
    with Pennywise("http://x") as pw:
        assert list(inspect.signature(pw.groups.get).parameters) == ["group_id"]
        assert list(inspect.signature(pw.users.me).parameters) == []
        assert "search" in inspect.signature(pw.transactions.list).parameters
        assert next(iter(inspect.signature(pw.exports.download).parameters)) == "group_id"
    asynchronous = AsyncPennywise("http://x")
    assert list(inspect.signature(asynchronous.members.get).parameters) == [
        "group_id",
        "member_id",
    ]
    assert inspect.iscoroutinefunction(asynchronous.members.get)


def test_the_client_imports_no_core_api_or_cli():
    code = (
        "import sys, pennywise_client, pennywise_client.models; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'pennywise_core', 'pennywise_api', 'pennywise_cli', 'fastapi', 'sqlalchemy'}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
