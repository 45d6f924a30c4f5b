"""``pennywise webhooks``: subscriptions in both modes, and ``webhooks deliver`` sending the
group's events to a real receiver on loopback that checks each signature with the Standard
Webhooks library. Deliveries run on the database itself (local mode; with a server, its
database through ``--database-url``, as an operator would).
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from clitools import Cli

from pennywise_cli import errors
from pennywise_cli.backends import remote
from pennywise_client import verify_webhook
from pennywise_core.settings import Settings, get_settings
from tests.receiver import Receiver, receiving

FAST = {
    "PENNYWISE_WEBHOOKS_ALLOW_PRIVATE": "true",  # the receiver is on 127.0.0.1
    "PENNYWISE_WEBHOOKS_RETRY_BASE_SECONDS": "0.01",
    "PENNYWISE_WEBHOOKS_TIMEOUT_SECONDS": "2",
    "PENNYWISE_WEBHOOKS_MAX_ATTEMPTS": "2",
}
SECRET = re.compile(r"whsec_[A-Za-z0-9+/=]+")


@pytest.fixture
def hooks(
    cli: Cli, request: pytest.FixtureRequest, migrated_database_url: str, monkeypatch: Any
) -> Callable[[], list[dict[str, Any]]]:
    """Private targets allowed and fast retries (in the CLI's environment and, in remote
    mode, in the server's settings); returns ``deliver()``, one ``webhooks deliver`` run."""
    for name, value in FAST.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    extra: list[str] = []
    if cli.mode == "remote":
        from pennywise_api.app import create_app

        served = request.getfixturevalue("server")  # conftest.RemoteServer
        settings = Settings(
            environment="test", webhooks_allow_private=True, webhooks_retry_base_seconds=0.01
        )
        app = create_app(settings, engine=served.engine)
        monkeypatch.setattr(remote, "make_transport", lambda: httpx.ASGITransport(app=app))
        extra = ["--database-url", migrated_database_url]  # the server's database

    def deliver() -> list[dict[str, Any]]:
        result = cli.run("webhooks", "deliver", *extra, "--format", "json")
        assert result.exit_code == 0, result.stderr
        return [json.loads(result.stdout), result.stderr]

    return deliver


def _until(deliver: Callable[[], list[Any]], done: Callable[[], bool]) -> list[list[Any]]:
    """``webhooks deliver`` runs until ``done()``: on PostgreSQL an event is queued once every
    older transaction has ended, and other tests write meanwhile. Every run's output."""
    runs = []
    deadline = time.monotonic() + 20
    while not done():
        assert time.monotonic() < deadline, "the deliveries did not arrive in time"
        runs.append(deliver())
    return runs


def _add(cli: Cli, receiver: Receiver, *events: str) -> dict[str, Any]:
    options = [item for event in events for item in ("--event", event)]
    created = cli("webhooks", "add", "Trip", receiver.url, *options)
    receiver.secret = created["secret"]
    return created


def test_add_shows_the_secret_once_then_an_expense_arrives_signed(cli: Cli, hooks: Any) -> None:
    cli("group", "create", "Trip")
    with receiving() as receiver:
        added = cli.run(
            "webhooks", "add", "Trip", receiver.url, "-e", "transaction.created", "-f", "table"
        )
        assert added.exit_code == 0, added.stderr
        [secret] = SECRET.findall(added.stdout)
        assert "shown only now" in added.stderr
        receiver.secret = secret
        [hook] = cli("webhooks", "list", "Trip")
        assert (hook["url"], hook["events"], hook["enabled"]) == (
            receiver.url,
            ["transaction.created"],
            True,
        )
        assert "whsec_" not in json.dumps(hook)
        assert "whsec_" not in cli.run("webhooks", "list", "Trip", "-f", "table").stdout
        assert "whsec_" not in cli.run("webhooks", "show", "Trip", hook["id"][:8]).stdout

        tx = cli("tx", "add", "Trip", "12.00", "Dinner")
        runs = _until(hooks, receiver.delivered)
        [got] = receiver.requests
    assert got.verified, got.headers
    assert verify_webhook(secret, got.body, got.headers)["target_id"] == tx["id"]
    assert (got.payload["type"], got.payload["data"]["description"]) == (
        "transaction.created",
        "Dinner",
    )
    assert sum(run["delivered"] for run, _ in runs) == 1
    [(delivering, said)] = [(run, said) for run, said in runs if run["delivered"]]
    assert delivering["failed"] == delivering["retrying"] == 0
    assert "1 delivered" in said
    [logged] = cli("webhooks", "deliveries", "Trip", hook["id"][:8])
    assert (logged["status"], logged["attempts"], logged["response_status"]) == (
        "delivered",
        1,
        200,
    )
    assert logged["event_id"] == got.id
    assert hooks()[0]["delivered"] == 0  # nothing twice


def test_a_failing_receiver_is_logged_then_redelivered(cli: Cli, hooks: Any) -> None:
    cli("group", "create", "Trip")
    with receiving(fail_first=2) as receiver:  # 500, 500, then 200 for each webhook-id
        hook = _add(cli, receiver, "transaction.created")
        cli("tx", "add", "Trip", "30.00", "Taxi")
        runs = _until(hooks, lambda: len(receiver.requests) >= 2)  # the 2 attempts allowed
        assert sum(run["failed"] for run, _ in runs) == 1
        assert sum(run["delivered"] for run, _ in runs) == 0
        assert cli("webhooks", "deliveries", "Trip", hook["url"], "--status", "delivered") == []
        [failed] = cli("webhooks", "deliveries", "Trip", hook["url"], "--status", "failed")
        assert (failed["status"], failed["attempts"], failed["response_status"]) == (
            "failed",
            2,
            500,
        )
        assert failed["error"]
        table = cli.run("webhooks", "deliveries", "Trip", hook["id"], "-f", "table").stdout
        assert "failed" in table
        assert "500" in table

        again = cli("webhooks", "redeliver", "Trip", hook["id"][:8], failed["id"][:8])
        assert (again["id"], again["status"], again["attempts"]) == (failed["id"], "pending", 0)
        _until(hooks, receiver.delivered)
        assert [r.answered for r in receiver.requests] == [500, 500, 200]
        assert {r.id for r in receiver.requests} == {failed["event_id"]}  # one webhook-id
        assert all(r.verified for r in receiver.requests)
    [done] = cli("webhooks", "deliveries", "Trip", hook["id"])
    assert (done["status"], done["attempts"], done["response_status"]) == ("delivered", 1, 200)


def test_bad_input_is_refused_naming_it_and_changes_nothing(cli: Cli) -> None:
    cli("group", "create", "Trip")
    for url in ("http://127.0.0.1:8080/hook", "https://127.0.0.1/hook", "https://10.1.2.3/"):
        refused = cli.fails("webhooks", "add", "Trip", url, code=errors.USER_ERROR)
        assert "url" in refused.stderr
    refused = cli.fails(
        "webhooks", "add", "Trip", "https://hooks.example.org/x", "-e", "tx.made", code=1
    )
    assert "--event" in refused.stderr
    assert "transaction.created" in refused.stderr  # what it could be
    assert cli("webhooks", "list", "Trip") == []
    missing = cli.fails("webhooks", "show", "Trip", "0000aaaa", code=errors.NOT_FOUND)
    assert "no webhook" in missing.stderr


def test_show_disable_enable_rotate_and_remove(cli: Cli) -> None:
    cli("group", "create", "Trip")
    url = "https://hooks.example.org/books"
    created = cli("webhooks", "add", "Trip", url, "-d", "Books")
    assert set(created["events"]) == {
        "transaction.created",
        "transaction.updated",
        "transaction.deleted",
        "transaction.restored",
        "settlement.recorded",
    }  # the default, as --help says
    assert cli("webhooks", "show", "Trip", url)["id"] == created["id"]
    off = cli("webhooks", "disable", "Trip", created["id"][:6])
    assert off["enabled"] is False
    assert off["disabled_reason"]
    assert cli("webhooks", "enable", "Trip", created["id"])["enabled"] is True
    rotated = cli("webhooks", "rotate-secret", "Trip", created["id"][:8])
    assert SECRET.fullmatch(rotated["secret"])
    assert rotated["secret"] != created["secret"]
    shown = cli("webhooks", "show", "Trip", created["id"][:8])
    assert shown["secret_rotating_until"] == rotated["previous_valid_until"]
    assert cli("webhooks", "remove", "Trip", created["id"][:8])["id"] == created["id"]
    assert cli("webhooks", "list", "Trip") == []
    cli.fails("webhooks", "show", "Trip", created["id"], code=errors.NOT_FOUND)


@pytest.fixture
def remote_cli(server: Any) -> Cli:
    return Cli(mode="remote")


def test_deliver_in_remote_mode_says_the_server_does_it(remote_cli: Cli) -> None:
    result = remote_cli.fails("webhooks", "deliver", code=errors.USER_ERROR)
    assert "worker" in result.stderr
    assert "--database-url" in result.stderr


def test_deliver_forever_sends_as_events_come_and_stops_on_ctrl_c(
    migrated_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PENNYWISE_DATABASE_URL", migrated_database_url)
    for name, value in FAST.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    cli = Cli(mode="local")
    cli("group", "create", "Trip")
    with receiving() as receiver:
        hook = _add(cli, receiver, "transaction.created")
        worker = subprocess.Popen(
            [
                *(sys.executable, "-m", "pennywise_cli.main", "webhooks", "deliver"),
                *("--forever", "--interval", "0.1", "--format", "json"),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=os.environ.copy(),
        )
        try:
            cli("tx", "add", "Trip", "8.00", "Bread")
            cli("tx", "add", "Trip", "3.00", "Milk")
            receiver.wait_for(2)
            deadline = time.monotonic() + 20  # answered; now until the worker recorded it
            while (
                len(cli("webhooks", "deliveries", "Trip", hook["id"], "--status", "delivered")) < 2
            ):
                assert time.monotonic() < deadline, "the deliveries were not recorded"
                time.sleep(0.05)
        finally:
            worker.send_signal(signal.SIGINT)
            out, err = worker.communicate(timeout=30)
    assert worker.returncode == 0, err
    assert json.loads(out)["delivered"] == 2
    assert "stopped" in err
    assert "2 delivered" in err
    assert sorted(r.payload["data"]["description"] for r in receiver.requests) == ["Bread", "Milk"]
