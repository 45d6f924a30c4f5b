"""What only remote mode has: signing in and out, refreshing, API tokens, roles of other
people, and a server that cannot be reached. The API app runs in-process (``server``)."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import httpx
import pytest
from clitools import Cli
from conftest import API_URL, RemoteServer, make_user

from pennywise_cli import errors
from pennywise_cli.backends import remote

PASSWORD = "correct horse battery staple 42"


@pytest.fixture
def remote_cli(server: RemoteServer) -> Cli:
    return Cli(mode="remote")


def _credentials(home: Path) -> dict[str, dict[str, object]]:
    return json.loads((home / "credentials.json").read_text())  # type: ignore[no-any-return]


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
        added = remote_cli("member", "add", "Trip", "--email", bob.email, "--role", "viewer")
        assert (added["display_name"], added["role"], added["is_placeholder"]) == (
            "Bob",
            "viewer",
            False,
        )
        remote_cli("tx", "add", "Trip", "10.00", "Coffee")

        monkeypatch.setenv("PENNYWISE_TOKEN", server.token_for(bob))
        assert len(remote_cli("tx", "list", "Trip")) == 1
        result = remote_cli.fails("tx", "add", "Trip", "5.00", "Tea", code=errors.AUTH)
        assert "viewer" in result.stderr

    def test_repair_is_refused_remotely(
        self, remote_cli: Cli, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("PENNYWISE_TOKEN", "unused")
        result = remote_cli.fails("db", "verify", "--repair", code=errors.USER_ERROR)
        assert "local mode" in result.stderr


class TestUnreachable:
    def test_a_server_that_cannot_be_reached(self, monkeypatch: pytest.MonkeyPatch) -> None:
        def refuse(request: httpx.Request) -> httpx.Response:
            raise httpx.ConnectError("connection refused", request=request)

        monkeypatch.setattr(remote, "make_transport", lambda: httpx.MockTransport(refuse))
        monkeypatch.setenv("PENNYWISE_API_URL", API_URL)
        monkeypatch.setenv("PENNYWISE_TOKEN", "anything")
        result = Cli(mode="remote").fails("group", "list", code=errors.UNAVAILABLE)
        assert f"cannot reach the Pennywise API at {API_URL}" in result.stderr

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
