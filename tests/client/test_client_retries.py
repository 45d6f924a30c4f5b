"""Retries: a lost answer to a create is retried with the same Idempotency-Key and stores one
transaction; 409/412/422 are never retried; 429 and 5xx back off, honouring Retry-After.

The sabotaging transports (conftest ``AsyncSpy``/``Spy``) let the real app handle the
request, commit, and only then lose the answer: the worst case for a retry.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from clienttools import FAST, SyncServer, first_post_to

from pennywise_client import (
    APIConnectionError,
    AsyncPennywise,
    Backoff,
    ConflictError,
    NotFoundError,
    Pennywise,
    PreconditionFailedError,
    RateLimitError,
    ServerError,
    ValidationError,
)
from pennywise_client._http import RetryPolicy

TRANSACTIONS = "/api/v1/transactions"
TOKENS = "/api/v1/auth/api-tokens"


class TestLostAnswers:
    @pytest.mark.parametrize("lost", ["connect", "read", "503"])
    async def test_retried_create_stores_one_transaction(
        self, async_client: Callable[..., AsyncPennywise], new_user: Any, lost: str
    ):
        ann = await new_user("ann")
        pw = async_client(ann.token, sabotage=first_post_to(TRANSACTIONS, lost))
        group = await pw.groups.create("Trip")

        tx = await pw.transactions.create(group.id, "Dinner", "42.00")

        posts = pw.spy.seen.to("POST", TRANSACTIONS)  # type: ignore[attr-defined]
        assert len(posts) == 2
        keys = {p.headers["Idempotency-Key"] for p in posts}
        assert len(keys) == 1
        assert keys != {""}
        stored = [t async for t in pw.transactions.list(group_id=group.id)]
        assert [t.id for t in stored] == [tx.id]

        # The next create is a new call: a new key, a second transaction.
        await pw.transactions.create(group.id, "Dessert", "8.00")
        posts = pw.spy.seen.to("POST", TRANSACTIONS)  # type: ignore[attr-defined]
        assert posts[-1].headers["Idempotency-Key"] not in keys
        assert len([t async for t in pw.transactions.list(group_id=group.id)]) == 2

    def test_sync_retried_create_stores_one_transaction(self, sync_server: SyncServer):
        token = sync_server.new_user("ann").token
        with sync_server.client(token, sabotage=first_post_to(TRANSACTIONS, "read")) as pw:
            group = pw.groups.create("Trip")
            tx = pw.transactions.create(group.id, "Dinner", "42.00", idempotency_key="dinner-1")
            posts = pw.spy.seen.to("POST", TRANSACTIONS)  # type: ignore[attr-defined]
            assert [p.headers["Idempotency-Key"] for p in posts] == ["dinner-1", "dinner-1"]
            assert [t.id for t in pw.transactions.list(group_id=group.id)] == [tx.id]

    async def test_a_post_without_idempotency_is_not_replayed(
        self, async_client: Callable[..., AsyncPennywise], new_user: Any
    ):
        # API tokens are created without Idempotency-Key (the API would have to store the
        # secret): after a lost answer the SDK must not create a second one blindly.
        pw = async_client((await new_user("ann")).token, sabotage=first_post_to(TOKENS, "read"))
        with pytest.raises(APIConnectionError):
            await pw.tokens.create("script")
        posts = pw.spy.seen.to("POST", TOKENS)  # type: ignore[attr-defined]
        assert len(posts) == 1
        assert "Idempotency-Key" not in posts[0].headers
        assert len(await pw.tokens.list()) == 1  # the lost one: list, then revoke it

    async def test_a_refused_connection_is_retried_for_any_request(
        self, async_client: Callable[..., AsyncPennywise], new_user: Any, app: Any
    ):
        class RefuseFirst(httpx.AsyncBaseTransport):
            def __init__(self) -> None:
                self.inner = httpx.ASGITransport(app=app)
                self.calls = 0

            async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
                self.calls += 1
                if self.calls == 1:
                    raise httpx.ConnectError("connection refused", request=request)
                return await self.inner.handle_async_request(request)

        transport = RefuseFirst()
        async with AsyncPennywise(
            "http://pennywise.test",
            (await new_user("ann")).token,
            transport=transport,
            backoff=FAST,
        ) as pw:
            created = await pw.tokens.create("script")  # not replayable, but never sent
        assert created.token
        assert transport.calls == 2


class TestNeverRetried:
    async def test_409_412_422(self, async_client: Callable[..., AsyncPennywise], new_user: Any):
        pw = async_client((await new_user("ann")).token, max_retries=5)
        seen = pw.spy.seen  # type: ignore[attr-defined]
        group = await pw.groups.create("Trip")
        bob = await pw.members.add(group.id, display_name="Bob")
        tx = await pw.transactions.create(group.id, "Dinner", "20.00")

        before = len(seen.requests)
        with pytest.raises(ValidationError):
            await pw.transactions.create(group.id, "Dinner", "20.00", currency="EURO")
        with pytest.raises(ConflictError):
            await pw.members.remove(group.id, bob.id)  # Bob owes 10.00
        with pytest.raises(PreconditionFailedError):
            await pw.transactions.update(tx.id, if_match=tx.version + 7, amount="1.00")
        assert len(seen.requests) == before + 3


# --- the policy, against canned answers --------------------------------------------------------


def canned(*answers: httpx.Response | type[Exception]) -> tuple[Pennywise, list[float], list[Any]]:
    """A sync client whose transport gives ``answers`` in turn; its sleeps are recorded."""
    requests: list[httpx.Request] = []
    queue = list(answers)

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        answer = queue.pop(0)
        if isinstance(answer, httpx.Response):
            return answer
        raise answer("canned failure", request=request)  # type: ignore[call-arg]

    pw = Pennywise("http://pennywise.test", "t0k3n", transport=httpx.MockTransport(handler))
    sleeps: list[float] = []
    pw._http._sleep = sleeps.append
    return pw, sleeps, requests


ME = {"id": "6a3b2b5c-8d21-4d59-9a57-0f6d1c9d2a11", "email": "a@example.org",
      "display_name": "A", "created_at": "2024-01-01T00:00:00Z"}  # fmt: skip
PROBLEM = {"type": "https://pennywise.dev/problems/rate-limited", "title": "Too many",
           "status": 429, "detail": "slow down", "request_id": "r-1"}  # fmt: skip


class TestPolicy:
    def test_429_honours_retry_after(self):
        pw, sleeps, requests = canned(
            httpx.Response(429, json=PROBLEM, headers={"Retry-After": "3"}),
            httpx.Response(200, json=ME),
        )
        assert pw.users.me().email == "a@example.org"
        assert sleeps == [3.0]
        assert len(requests) == 2
        assert requests[0].headers["Authorization"] == "Bearer t0k3n"

    def test_429_beyond_max_retry_after_is_raised_at_once(self):
        pw, sleeps, _ = canned(httpx.Response(429, json=PROBLEM, headers={"Retry-After": "3600"}))
        with pytest.raises(RateLimitError) as caught:
            pw.users.me()
        assert caught.value.retry_after == 3600
        assert caught.value.request_id == "r-1"
        assert sleeps == []

    def test_5xx_backs_off_exponentially_then_raises(self):
        pw, sleeps, requests = canned(
            httpx.Response(502, text="<html>bad gateway</html>"),
            httpx.Response(503, text=""),
            httpx.Response(500, json={"title": "Internal server error", "request_id": "r-9"}),
        )
        with pytest.raises(ServerError) as caught:
            pw.users.me()
        assert caught.value.status == 500
        assert caught.value.request_id == "r-9"
        assert len(requests) == 3  # max_retries=2
        assert 0.375 <= sleeps[0] <= 0.5
        assert 0.75 <= sleeps[1] <= 1.0

    def test_a_non_problem_error_body_is_kept(self):
        pw, _, _ = canned(httpx.Response(404, text="<html>no</html>"))
        with pytest.raises(NotFoundError) as caught:
            pw.users.me()
        assert caught.value.status == 404
        assert caught.value.problem["detail"] == "<html>no</html>"

    def test_connection_errors_give_up_as_api_connection_error(self):
        pw, sleeps, requests = canned(httpx.ConnectError, httpx.ConnectError, httpx.ConnectError)
        with pytest.raises(APIConnectionError) as caught:
            pw.users.me()
        assert caught.value.status is None
        assert isinstance(caught.value.__cause__, httpx.ConnectError)
        assert len(requests) == 3
        assert len(sleeps) == 2

    def test_max_retries_zero(self):
        requests: list[httpx.Request] = []

        def handler(request: httpx.Request) -> httpx.Response:
            requests.append(request)
            return httpx.Response(503)

        with (
            Pennywise("http://x", "t", transport=httpx.MockTransport(handler), max_retries=0) as pw,
            pytest.raises(ServerError),
        ):
            pw.users.me()
        assert len(requests) == 1

    def test_backoff_is_jittered_and_capped(self):
        backoff = Backoff(initial=1.0, maximum=4.0)
        delays = [backoff.delay(attempt) or -1.0 for attempt in range(6) for _ in range(50)]
        assert min(delays) > 0
        assert min(delays[:50]) >= 0.75
        assert max(delays[:50]) <= 1.0
        assert max(delays) <= 4.0
        assert len(set(delays[:50])) > 1  # jittered
        assert backoff.delay(0, server_says=2.5) == 2.5

    @pytest.mark.parametrize(
        ("method", "headers", "replayable"),
        [
            ("GET", {}, True),
            ("DELETE", {}, True),
            ("PATCH", {}, False),
            ("POST", {}, False),
            ("POST", {"Idempotency-Key": "k"}, True),
        ],
    )
    def test_replayable(self, method: str, headers: dict[str, str], replayable: bool):
        request = httpx.Request(method, "http://x/", headers=headers)
        assert RetryPolicy.replayable(request) is replayable
