"""Plain helpers for the CLI tests (fixtures live in conftest.py)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from typer.testing import CliRunner, Result

from pennywise_cli.main import app


@dataclass
class Cli:
    """``pennywise`` run in-process through Typer's CliRunner, in one mode."""

    mode: str
    """``local`` (the core on a database file) or ``remote`` (the API app, in-process)."""
    runner: CliRunner = field(default_factory=CliRunner)

    def run(
        self, *args: str, input: str | None = None, env: dict[str, str] | None = None
    ) -> Result:
        # catch_exceptions=False: a bug surfaces as its traceback, never as a bare exit 1.
        return self.runner.invoke(app, list(args), input=input, env=env, catch_exceptions=False)

    def __call__(self, *args: str, input: str | None = None) -> Any:
        """Run a command that must succeed with ``--format json``; its decoded stdout."""
        result = self.run(*args, "--format", "json", input=input)
        assert result.exit_code == 0, (
            f"pennywise {' '.join(args)} exited {result.exit_code}\n"
            f"stdout: {result.stdout}\nstderr: {result.stderr}"
        )
        return json.loads(result.stdout)

    def fails(self, *args: str, code: int) -> Result:
        """Run a command that must fail with exit ``code``; stdout stays empty."""
        result = self.run(*args, "--format", "json")
        assert result.exit_code == code, (
            f"pennywise {' '.join(args)} exited {result.exit_code}, expected {code}\n"
            f"stdout: {result.stdout}\nstderr: {result.stderr}"
        )
        assert result.stdout == ""
        assert "Traceback" not in result.stderr
        return result


def owed(tx: dict[str, Any], members: dict[str, str]) -> dict[str, str]:
    """``{display name: owed}`` of a transaction's entries."""
    return {members[e["member_id"]]: e["owed"] for e in tx["entries"]}


def paid(tx: dict[str, Any], members: dict[str, str]) -> dict[str, str]:
    return {members[e["member_id"]]: e["paid"] for e in tx["entries"] if e["paid"] != "0.00"}


def balances_by_name(rows: list[dict[str, Any]]) -> dict[str, str]:
    return {row["display_name"]: row["balance"] for row in rows}
