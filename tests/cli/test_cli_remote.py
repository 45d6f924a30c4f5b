"""What only remote mode has: signing in and out, refreshing, API tokens, roles of other
people, a server that fails or cannot be reached; and that remote mode (the SDK) gives the
same JSON as local mode. The API app runs in-process (``server``)."""

from __future__ import annotations

import asyncio
import io
import json
import stat
import subprocess
import sys
import uuid
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from clitools import Cli
from conftest import API_URL, RemoteServer, make_user

from pennywise_cli import errors
from pennywise_cli.backends import Backend, remote

PASSWORD = "correct horse battery staple 42"


@pytest.fixture
def remote_cli(server: RemoteServer) -> Cli:
    return Cli(mode="remote")


def _credentials(home: Path) -> dict[str, dict[str, object]]:
    return json.loads((home / "credentials.json").read_text())


class TestSession:
    def test_login_keeps_a_private_session_and_logout_ends_it(
        self, remote_cli: Cli, server: RemoteServer, cli_environment: Path
    ) -> None:
        ann = make_user(server.engine, "Ann", password=PASSWORD)
        remote_cli.fails("group", "list", code=errors.AUTH)

        user = remote_cli("login", "--email", ann.email, "--password-stdin", input=PASSWORD + "\n")
        assert (user["display_name"], user["email"]) == ("Ann", ann.email)
        path = cli_environment / "credentials.json"
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        stored = _credentials(cli_environment)[API_URL]
        assert stored["access_token"]
        assert stored["refresh_token"]

        assert remote_cli("group", "create", "Trip")["my_role"] == "owner"

        assert remote_cli("logout") == {"api_url": API_URL, "signed_out": True}
        assert not path.exists()
        result = remote_cli.fails("group", "list", code=errors.AUTH)
        assert "pennywise login" in result.stderr

    def test_a_wrong_password_is_an_auth_error(self, remote_cli: Cli, server: RemoteServer) -> None:
        ann = make_user(server.engine, "Ann", password=PASSWORD)
        result = remote_cli.run("login", "--email", ann.email, "--password-stdin", input="not it\n")
        assert result.exit_code == errors.AUTH
        assert "incorrect email or password" in result.stderr

    def test_an_expired_access_token_is_refreshed(
        self, remote_cli: Cli, server: RemoteServer, cli_environment: Path
    ) -> None:
        ann = make_user(server.engine, "Ann", password=PASSWORD)
        remote_cli("login", "--email", ann.email, "--password-stdin", input=PASSWORD + "\n")
        before = _credentials(cli_environment)[API_URL]
        before["expires_at"] = 0
        (cli_environment / "credentials.json").write_text(json.dumps({API_URL: before}))

        assert remote_cli("group", "list") == []
        after = _credentials(cli_environment)[API_URL]
        assert after["refresh_token"] != before["refresh_token"]  # rotated and kept
        assert int(after["expires_at"]) > 0  # type: ignore[call-overload]

    def test_a_refused_access_token_is_refreshed_and_the_command_retried(
        self, remote_cli: Cli, server: RemoteServer, cli_environment: Path
    ) -> None:
        ann = make_user(server.engine, "Ann", password=PASSWORD)
        remote_cli("login", "--email", ann.email, "--password-stdin", input=PASSWORD + "\n")
        before = _credentials(cli_environment)[API_URL]
        before["access_token"] = "not-a-token"  # not expired by the clock: the server says 401
        (cli_environment / "credentials.json").write_text(json.dumps({API_URL: before}))

        assert remote_cli("group", "create", "Trip")["name"] == "Trip"
        after = _credentials(cli_environment)[API_URL]
        assert after["access_token"] != "not-a-token"
        assert after["refresh_token"] != before["refresh_token"]
        assert after["user"] == before["user"]

    def test_a_revoked_session_asks_to_sign_in_again(
        self, remote_cli: Cli, server: RemoteServer, cli_environment: Path
    ) -> None:
        ann = make_user(server.engine, "Ann", password=PASSWORD)
        remote_cli("login", "--email", ann.email, "--password-stdin", input=PASSWORD + "\n")
        stored = _credentials(cli_environment)[API_URL]
        stored["access_token"] = "not-a-token"
        stored["refresh_token"] = "pwr_not-a-refresh-token"
        (cli_environment / "credentials.json").write_text(json.dumps({API_URL: stored}))
        result = remote_cli.fails("group", "list", code=errors.AUTH)
        assert "pennywise login" in result.stderr


class TestApiTokens:
    def test_create_use_list_revoke(
        self, remote_cli: Cli, server: RemoteServer, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("PENNYWISE_TOKEN", server.token_for(make_user(server.engine, "Ann")))
        created = remote_cli("token", "create", "backup script", "--scope", "write", "--days", "7")
        assert created["token"].startswith("pwt_")
        assert (created["name"], created["scope"], created["revoked"]) == (
            "backup script",
            "write",
            False,
        )
        assert [t["name"] for t in remote_cli("token", "list")] == ["backup script"]

        monkeypatch.setenv("PENNYWISE_TOKEN", created["token"])
        assert remote_cli("group", "create", "Trip")["name"] == "Trip"
        assert remote_cli("token", "revoke", "backup script")["revoked"] is True
        remote_cli.fails("group", "list", code=errors.AUTH)


class TestOtherPeople:
    def test_a_viewer_may_read_but_not_write(
        self, remote_cli: Cli, server: RemoteServer, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        ann, bob = make_user(server.engine, "Ann"), make_user(server.engine, "Bob")
        monkeypatch.setenv("PENNYWISE_TOKEN", server.token_for(ann))
        remote_cli("group", "create", "Trip")
        added = remote_cli("member", "add", "Trip", "Bob", "--email", bob.email, "--role", "viewer")
        assert (added["display_name"], added["role"], added["is_placeholder"]) == (
            "Bob",
            "viewer",
            True,  # until Bob accepts
        )
        remote_cli("tx", "add", "Trip", "10.00", "Coffee")

        monkeypatch.setenv("PENNYWISE_TOKEN", server.token_for(bob))
        remote_cli.fails("tx", "list", "Trip", code=errors.NOT_FOUND)  # not a member yet
        (invite,) = remote_cli("invite", "list")
        assert (invite["group_name"], invite["display_name"], invite["role"]) == (
            "Trip",
            "Bob",
            "viewer",
        )
        joined = remote_cli("invite", "accept", "Trip")
        assert (joined["id"], joined["is_placeholder"]) == (added["id"], False)
        assert remote_cli("invite", "list") == []
        assert len(remote_cli("tx", "list", "Trip")) == 1
        result = remote_cli.fails("tx", "add", "Trip", "5.00", "Tea", code=errors.AUTH)
        assert "viewer" in result.stderr

    def test_repair_is_refused_remotely(
        self, remote_cli: Cli, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("PENNYWISE_TOKEN", "unused")
        result = remote_cli.fails("db", "verify", "--repair", code=errors.USER_ERROR)
        assert "local mode" in result.stderr


class TestSameJson:
    """Remote mode prints what local mode prints: both backends read one database."""

    def test_every_read_gives_the_same_json_in_both_modes(
        self, fresh_database_url: str, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        from pennywise_cli.backends.local import LocalBackend

        served = RemoteServer(fresh_database_url)
        try:
            monkeypatch.setattr(remote, "make_transport", served.transport)
            monkeypatch.setenv("PENNYWISE_DATABASE_URL", fresh_database_url)
            local = Cli(mode="local")
            trip = local("group", "create", "Trip", "--currency", "EUR")
            local("member", "add", "Trip", "Bob", "--weight", "2")
            local("member", "add", "Trip", "Carol")
            local("tx", "add", "Trip", "100.00", "Dinner", "--category", "food", "-d", "2026-10-03")
            looks_like_a_time = "2026-01-01T00:00:00+00:00"  # a text: must stay as it is
            local(
                "tx", "add", "Trip", "42.50", "Wine", "--paid-by", "bob",
                "--split", "bob:2,carol:1", "--notes", looks_like_a_time,
            )  # fmt: skip
            local("tx", "add", "Trip", "3000", "Ramen", "--currency", "JPY", "--exact", "bob:3000")
            local("tx", "add", "Trip", "90.00", "Refund", "--income")
            taxi = local("tx", "add", "Trip", "12.00", "Taxi", "--adjust", "carol:2.00")
            local("tx", "edit", taxi["id"], "--description", "Taxis")
            local("tx", "delete", taxi["id"])
            local("settle", "Trip", "--currency", "JPY", "--record", "--date", "2026-11-20")
            local("group", "create", "Flat")
            local("group", "archive", "Flat")

            async def both() -> tuple[dict[str, Any], dict[str, Any]]:
                async with LocalBackend(fresh_database_url) as backend:
                    me = await backend.whoami()
                    mine = await _every_read(backend, trip["id"])
                local_user = SimpleNamespace(id=uuid.UUID(me["id"]))
                monkeypatch.setenv("PENNYWISE_TOKEN", served.token_for(local_user))
                async with remote.RemoteBackend(API_URL) as backend:
                    theirs = await _every_read(backend, trip["id"])
                return mine, theirs

            mine, theirs = asyncio.run(both())
        finally:
            served.close()
        assert theirs == mine
        assert json.dumps(theirs) == json.dumps(mine)  # the keys in the same order too


async def _every_read(backend: Backend, group_id: str) -> dict[str, Any]:
    """What each read of ``backend`` returns, on the data of the test above."""
    seen: dict[str, Any] = {
        "whoami": await backend.whoami(),
        "groups": await backend.list_groups(),
        "active groups": await backend.list_groups(include_archived=False),
        "group": await backend.get_group(group_id),
        "members": await backend.list_members(group_id),
        "balances": await backend.balances(group_id),
        "balances JPY": await backend.balances(group_id, currency="JPY"),
        "verify": await backend.verify_balances(group_id),
        "settle": await backend.suggest_settlement(group_id),
        "by month": await backend.spending(by="month"),
        "by category": await backend.spending(by="category"),
    }
    pages: list[Any] = []
    cursor = None
    while True:
        page = await backend.list_transactions({"deleted": "include"}, limit=2, cursor=cursor)
        pages.append(page)
        cursor = page["next_cursor"]
        if cursor is None:
            break
    seen["transaction pages"] = pages
    seen["transactions filtered"] = await backend.list_transactions(
        {"group_id": group_id, "category": "food", "date_to": "2026-12-31"}
    )
    seen["transactions"] = [
        await backend.get_transaction(t["id"]) for page in pages for t in page["items"]
    ]
    first = await backend.activity(group_id, limit=3)
    seen["activity"] = [
        first,
        await backend.activity(group_id, limit=50, cursor=first["next_cursor"]),
    ]
    return seen


class TestErrors:
    """The client's exceptions, as the CLI's errors (message, exit code)."""

    @pytest.mark.parametrize(
        ("status", "problem", "code"),
        [
            (404, {"type": "https://pennywise.dev/problems/not-found", "detail": "no group"},
             errors.NOT_FOUND),
            (403, {"type": "https://pennywise.dev/problems/forbidden", "detail": "viewer"},
             errors.AUTH),
            (401, {"type": "https://pennywise.dev/problems/unauthorized", "detail": "expired"},
             errors.AUTH),
            (409, {"type": "https://pennywise.dev/problems/conflict", "detail": "owes"},
             errors.CONFLICT),
            (412, {"type": "https://pennywise.dev/problems/stale-version", "detail": "stale",
                   "current_version": 3}, errors.CONFLICT),
            (422, {"type": "https://pennywise.dev/problems/validation", "detail": "2 bad",
                   "errors": [{"loc": ["body", "amount"], "msg": "at most 2 decimals"},
                              {"loc": ["row", 3, "date"], "msg": "not a date"}]},
             errors.USER_ERROR),
            (429, {"type": "https://pennywise.dev/problems/rate-limited", "detail": "slow down"},
             errors.UNAVAILABLE),
            (503, {"type": "https://pennywise.dev/problems/unavailable", "detail": "down",
                   "request_id": "req-9"}, errors.UNAVAILABLE),
        ],
    )  # fmt: skip
    def test_status_errors_keep_the_problem(
        self, status: int, problem: dict[str, Any], code: int
    ) -> None:
        from pennywise_client.errors import error_for_status

        exc = error_for_status(
            status,
            json.dumps({"status": status, "title": "T", **problem}).encode(),
            headers=httpx.Headers({"X-Request-ID": "req-1"}),
        )
        converted = errors.from_client_error(exc, api_url=API_URL)
        assert isinstance(converted, errors.ApiError)
        assert (converted.status, converted.detail) == (status, problem["detail"])
        assert converted.slug == problem["type"].rsplit("/", 1)[-1]
        assert converted.request_id == "req-1"  # the header's, as the client keeps it
        assert converted.current_version == problem.get("current_version")
        assert [(list(loc), msg) for loc, msg in converted.errors] == [
            (e["loc"], e["msg"]) for e in problem.get("errors", [])
        ]
        described = errors.describe(exc)  # the boundary's safety net: the same
        assert described == errors.describe(converted)
        assert described is not None
        assert described[1] == code
        if status == 422:
            assert "  - row.3.date: not a date" in described[0]

    def test_a_body_that_is_no_problem_still_says_something(self) -> None:
        from pennywise_client.errors import error_for_status

        exc = error_for_status(502, b"<html>Bad Gateway</html>", reason="Bad Gateway")
        converted = errors.from_client_error(exc)
        assert isinstance(converted, errors.ApiError)
        assert (converted.status, converted.detail) == (502, "<html>Bad Gateway</html>")

    def test_no_answer_is_unreachable(self) -> None:
        from pennywise_client import APITimeoutError

        try:
            try:
                raise httpx.ReadTimeout("timed out")
            except httpx.ReadTimeout as cause:
                raise APITimeoutError("could not reach the Pennywise API") from cause
        except APITimeoutError as exc:
            converted = errors.from_client_error(exc, api_url=API_URL)
        assert isinstance(converted, errors.UnreachableError)
        assert converted.exit_code == errors.UNAVAILABLE
        assert converted.message == f"cannot reach the Pennywise API at {API_URL}: timed out"


class TestUpload:
    def test_a_pipe_is_kept_so_that_it_can_be_sent_again_with_progress(self) -> None:
        data = b"date,description,amount\n" * 10_000

        class Pipe(io.RawIOBase):
            def __init__(self) -> None:
                self.left = data

            def readable(self) -> bool:
                return True

            def readinto(self, buffer: Any) -> int:
                chunk, self.left = self.left[: len(buffer)], self.left[len(buffer) :]
                buffer[: len(chunk)] = chunk
                return len(chunk)

        seen: list[tuple[str, int, int]] = []
        with remote._upload(io.BufferedReader(Pipe()), lambda *step: seen.append(step)) as file:
            assert file.seekable()
            for _attempt in range(2):  # httpx seeks to 0 before each sending
                file.seek(0)
                assert file.read() == data
        assert seen[-1] == ("upload", 0, len(data))


class TestUnreachable:
    def test_a_server_that_cannot_be_reached(self, monkeypatch: pytest.MonkeyPatch) -> None:
        def refuse(request: httpx.Request) -> httpx.Response:
            raise httpx.ConnectError("connection refused", request=request)

        monkeypatch.setattr(remote, "make_transport", lambda: httpx.MockTransport(refuse))
        monkeypatch.setenv("PENNYWISE_API_URL", API_URL)
        monkeypatch.setenv("PENNYWISE_TOKEN", "anything")
        result = Cli(mode="remote").fails("group", "list", code=errors.UNAVAILABLE)
        assert f"cannot reach the Pennywise API at {API_URL}" in result.stderr

    def test_failures_are_retried_without_waiting_in_tests(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        seen: list[str] = []

        def flaky(request: httpx.Request) -> httpx.Response:
            seen.append(request.method)
            if len(seen) == 1:
                raise httpx.ConnectError("connection refused", request=request)
            if len(seen) == 2:
                return httpx.Response(503, json={"status": 503, "detail": "starting"})
            return httpx.Response(200, json=[])

        monkeypatch.setattr(remote, "make_transport", lambda: httpx.MockTransport(flaky))
        monkeypatch.setenv("PENNYWISE_API_URL", API_URL)
        monkeypatch.setenv("PENNYWISE_TOKEN", "anything")
        assert Cli(mode="remote")("group", "list") == []
        assert seen == ["GET", "GET", "GET"]

    def test_a_server_error_names_the_request(self, monkeypatch: pytest.MonkeyPatch) -> None:
        def fail(request: httpx.Request) -> httpx.Response:
            return httpx.Response(
                500,
                json={"type": "https://pennywise.dev/problems/internal-error", "status": 500,
                      "detail": "the server failed", "request_id": "req-123"},
            )  # fmt: skip

        monkeypatch.setattr(remote, "make_transport", lambda: httpx.MockTransport(fail))
        monkeypatch.setenv("PENNYWISE_API_URL", API_URL + "/api/v1/")
        monkeypatch.setenv("PENNYWISE_TOKEN", "anything")
        result = Cli(mode="remote").fails("group", "list", code=errors.UNAVAILABLE)
        assert "the server failed" in result.stderr
        assert "req-123" in result.stderr


class TestLazy:
    def test_local_mode_never_loads_the_client(self, tmp_path: Path) -> None:
        """``pennywise --help`` loads neither the client nor httpx; a local command no client."""
        script = (
            "import sys\n"
            "from pennywise_cli.main import run\n"
            "sys.argv = ['pennywise', *sys.argv[1:]]\n"
            "try:\n    run()\nexcept SystemExit:\n    pass\n"
            "print([m for m in ('pennywise_client', 'httpx') if m in sys.modules])\n"
        )
        env = {"PATH": "", "PENNYWISE_HOME": str(tmp_path), "LOGNAME": "Ann"}
        for args, loaded in (
            (["--help"], "[]"),
            (["group", "list", "--format", "json"], "[]"),
        ):
            done = subprocess.run(
                [sys.executable, "-c", script, *args],
                capture_output=True,
                text=True,
                check=True,
                env=env,
            )
            assert done.stdout.strip().splitlines()[-1] == loaded, (args, done.stderr)


class TestTxByIdPrefix:
    """``tx show 3f2a9c1e`` asks the server for that id's start (``?id_prefix=``), one page
    of at most two, instead of paging through every transaction of every group."""

    def test_one_request_by_id_prefix(
        self, fresh_database_url: str, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        from pennywise_cli.backends.local import LocalBackend
        from pennywise_cli.commands.tx import find_transaction_id

        served = RemoteServer(fresh_database_url)
        try:
            monkeypatch.setattr(remote, "make_transport", served.transport)
            monkeypatch.setenv("PENNYWISE_DATABASE_URL", fresh_database_url)
            local = Cli(mode="local")
            local("group", "create", "Trip", "--currency", "EUR")
            made = [local("tx", "add", "Trip", f"{i + 1}.00", f"T{i}") for i in range(5)]
            local("tx", "delete", made[0]["id"])

            async def lookups() -> list[tuple[str, list[tuple[dict[str, Any], int]]]]:
                async with LocalBackend(fresh_database_url) as backend:
                    me = await backend.whoami()
                monkeypatch.setenv(
                    "PENNYWISE_TOKEN", served.token_for(SimpleNamespace(id=uuid.UUID(me["id"])))
                )
                found = []
                async with remote.RemoteBackend(API_URL) as backend:
                    calls: list[tuple[dict[str, Any], int]] = []
                    real = backend.list_transactions

                    async def recorded(filters: dict[str, Any], **kwargs: Any) -> Any:
                        calls.append((dict(filters), kwargs.get("limit", 50)))
                        return await real(filters, **kwargs)

                    monkeypatch.setattr(backend, "list_transactions", recorded)
                    for tx in (made[0], made[3]):
                        found.append((await find_transaction_id(backend, tx["id"][:8]), calls[:]))
                        calls.clear()
                return found

            found = asyncio.run(lookups())
        finally:
            served.close()
        for (tx_id, calls), tx in zip(found, (made[0], made[3]), strict=True):
            assert tx_id == tx["id"]  # a deleted one too
            assert calls == [({"id_prefix": tx["id"][:8], "deleted": "include"}, 2)]
