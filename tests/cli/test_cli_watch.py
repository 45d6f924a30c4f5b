"""``pennywise watch``: a group's events, in local and remote mode (issue 15's stream)."""

from __future__ import annotations

import json

from clitools import Cli

from pennywise_cli import errors


def _events(result_stdout: str) -> list[dict]:
    return [json.loads(line) for line in result_stdout.splitlines()]


def test_the_history_from_an_event_on_one_json_line_each(cli: Cli) -> None:
    cli("group", "create", "Flat")
    cli("member", "add", "Flat", "Bob")
    coffee = cli("tx", "add", "Flat", "12.50", "Coffee")
    cli("tx", "edit", coffee["id"][:8], "--description", "Coffee beans")
    done = cli.run("watch", "Flat", "--after", "0-0", "--count", "3", "--format", "ndjson")
    assert done.exit_code == 0, done.stderr
    told = _events(done.stdout)
    assert [e["type"] for e in told] == [
        "member.added",
        "transaction.created",
        "transaction.updated",
    ]
    assert told[1]["data"]["id"] == coffee["id"]
    assert told[2]["data"]["description"] == "Coffee beans"

    again = cli.run("watch", "Flat", "--after", told[1]["id"], "--count", "1", "--format", "id")
    assert again.stdout.splitlines() == [told[2]["id"]]


def test_lines_for_people_name_what_happened_and_who(cli: Cli) -> None:
    cli("group", "create", "Flat")
    cli("tx", "add", "Flat", "3", "Bread")
    done = cli.run("watch", "Flat", "--after", "0-0", "--count", "1", "--format", "table")
    assert done.exit_code == 0, done.stderr
    assert "transaction.created" in done.stdout
    assert "Bread 3.00 EUR  by Ann" in done.stdout


def test_what_it_cannot_do_is_refused(cli: Cli) -> None:
    cli("group", "create", "Flat")
    refused = cli.run("watch", "Flat", "--format", "csv")
    assert (refused.exit_code, refused.stdout) == (errors.USER_ERROR, "")
    assert "--format table, ndjson or id" in refused.stderr
    bad = cli.fails("watch", "Flat", "--after", "yesterday", code=errors.USER_ERROR)
    assert "is not an event id" in bad.stderr
    cli.fails("watch", "Nowhere", code=errors.NOT_FOUND)
