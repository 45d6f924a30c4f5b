"""README.md's examples run as written and do what their comments say.

* the library example (the first ``python`` block) prints the balances it promises;
* the CLI tour (the first ``sh`` block under "The command line") runs in local mode on a
  fresh ``PENNYWISE_HOME``, and leaves the transfers and balances its comments state;
* against a real server started with ``pennywise serve`` (two workers, as an operator
  would run it): the SDK example (the ``python`` block under "The SDK"), then the
  remote-mode CLI block, signed in as the user the SDK example registered.

The blocks are read from the README each time, so editing an example re-tests it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

README = Path(__file__).parent.parent / "README.md"
BIN = Path(sys.executable).parent
PASSWORD = "a long secret"  # the SDK example's


def section(heading: str) -> str:
    text = README.read_text("utf-8")
    start = text.index(f"\n## {heading}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else None]


def blocks(text: str, language: str) -> list[str]:
    found = re.findall(rf"```{language}\n(.*?)```", text, re.S)
    assert found, f"no {language} block"
    return found


def environment(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PENNYWISE_")}
    env.update(
        PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}",
        PENNYWISE_HOME=str(home),
        PENNYWISE_FORMAT="table",  # what a person at a terminal sees; the checks ask for JSON
        COLUMNS="120",
        **extra,
    )
    return env


def run_sh(script: str, cwd: Path, env: dict[str, str]) -> str:
    result = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, f"{result.stdout}\n{result.stderr}"
    return result.stdout


def pennywise_json(*args: str, cwd: Path, env: dict[str, str]) -> Any:
    result = subprocess.run(
        [str(BIN / "pennywise"), *args, "--format", "json"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout)


def test_library_example_runs(tmp_path: Path) -> None:
    script = tmp_path / "example.py"
    script.write_text(blocks(README.read_text("utf-8"), "python")[0], "utf-8")
    result = subprocess.run(
        [sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    # Ann paid 100.00 and owes 33.34; Bob paid 90.00 and owes 33.33 + 60.00; Carol owes
    # 33.33 + 30.00.
    assert lines[:3] == ["Ann       66.66 EUR", "Bob       -3.33 EUR", "Carol    -63.33 EUR"]
    assert "proven_minimal=True" in lines[3]


@pytest.mark.skipif(shutil.which("bash") is None, reason="the tour is a bash script")
def test_cli_tour_runs_in_local_mode(tmp_path: Path) -> None:
    env = environment(tmp_path / "home")
    run_sh(blocks(section("The command line"), "sh")[0], tmp_path, env)

    names = {
        m["id"]: m["display_name"]
        for m in pennywise_json("member", "list", "Lisbon", cwd=tmp_path, env=env)
    }
    me = next(name for name in names.values() if name not in ("Bob", "Carol"))
    transfers = pennywise_json("tx", "list", "Lisbon", "--kind", "transfer", cwd=tmp_path, env=env)
    # "Carol pays you 84.59, Bob pays you 42.08", recorded by `settle --record`.
    assert sorted(
        (
            names[t["paid_by"][0]["member_id"]],
            names[t["split"]["entries"][0]["member_id"]],
            t["amount"],
        )
        for t in transfers
    ) == [("Bob", me, "42.08"), ("Carol", me, "84.59")]
    balances = pennywise_json("balances", "Lisbon", cwd=tmp_path, env=env)
    assert {b["display_name"]: b["balance"] for b in balances} == {
        me: "0.00",
        "Bob": "0.00",
        "Carol": "0.00",
    }
    everything = pennywise_json("tx", "list", "Lisbon", "--all", cwd=tmp_path, env=env)
    assert len(everything) == 6  # four expenses and incomes, two transfers
    assert (tmp_path / "lisbon-backup.sqlite3").stat().st_size > 0
    # The export, imported into a new group, gives it the same balances and transactions.
    copy = pennywise_json("balances", "Lisbon-copy", cwd=tmp_path, env=env)
    assert all(
        b["balance"] == "0.00" for b in copy
    )  # settled there too (zero rows may be left out)
    copied = pennywise_json("tx", "list", "Lisbon-copy", "--all", cwd=tmp_path, env=env)
    assert sorted(t["amount"] for t in copied) == sorted(t["amount"] for t in everything)


# --- against a real server ------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``pennywise serve --workers 2`` on its own SQLite home; yields its URL."""
    home = tmp_path_factory.mktemp("server")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = home / "serve.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [str(BIN / "pennywise"), "serve", "--port", str(port), "--workers", "2"],
            env=environment(home),
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/readyz", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"pennywise serve did not come up:\n{log.read_text()}")
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:  # pragma: no cover - graceful shutdown is bounded
            process.kill()


@pytest.mark.skipif(shutil.which("bash") is None, reason="the remote tour is a bash script")
def test_sdk_example_and_remote_cli_against_a_server(server: str, tmp_path: Path) -> None:
    sdk = tmp_path / "sdk_example.py"
    sdk.write_text(blocks(section("The SDK"), "python")[0], "utf-8")
    result = subprocess.run(
        [sys.executable, str(sdk)],
        cwd=tmp_path,
        env=environment(tmp_path / "sdk-home", PENNYWISE_API_URL=server),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    # Dan paid 80.00 split 40/40; Eve paid 30.00 split 15/15: Dan +25.00, Eve -25.00.
    assert lines[:2] == ["Dan 25.00 EUR", "Eve -25.00 EUR"]
    assert sorted(line.split(" ", 1)[1] for line in lines[2:4]) == ["Dinner 80.00", "Wine 30.00"]
    assert lines[4].startswith("422 [{")
    assert "amount" in lines[4]

    # Both workers accept Dan's token: each request here is a new connection, so they are
    # shared between the two processes (`serve` gives them one signing secret).
    sign_in = urllib.request.Request(
        f"{server}/api/v1/auth/token",
        data=f"username=dan@example.org&password={PASSWORD}".encode(),
    )
    with urllib.request.urlopen(sign_in, timeout=10) as response:
        token = json.load(response)["access_token"]
    for _ in range(40):
        request = urllib.request.Request(
            f"{server}/api/v1/users/me", headers={"Authorization": f"Bearer {token}"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200

    # The remote block, as Dan: the one change is how the password arrives (a person types
    # it at the prompt; here it comes on stdin).
    remote = blocks(section("The command line"), "sh")[1]
    remote = remote.replace("http://127.0.0.1:8000", server)
    login = re.search(r"^pennywise login --email \S+", remote, re.M)
    assert login, "the remote block signs in"
    remote = remote.replace(login[0], f"{login[0]} --password-stdin <<< '{PASSWORD}'")
    env = environment(tmp_path / "cli-home")
    output = run_sh(remote, tmp_path, env)
    assert "Porto" in output
    assert re.search(r"you\s+25\.00\s+EUR", output)  # Dan, the caller: "you" in tables
    assert "nightly" in output
    # `logout` forgot the tokens: the next command must sign in again.
    after = subprocess.run(
        [str(BIN / "pennywise"), "group", "list"],
        cwd=tmp_path,
        env={**env, "PENNYWISE_API_URL": server},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert after.returncode == 5, after.stderr


def test_ci_runs_exactly_the_readme_test_command() -> None:
    commands = [
        line
        for line in blocks(section("The two commands"), "sh")[0].splitlines()
        if line.strip() and not line.startswith("#")
    ]
    ci = (README.parent / ".ci" / "run").read_text("utf-8")
    match = re.search(r"^TEST_COMMAND='(.*)'$", ci, re.M)
    assert match, ".ci/run has no TEST_COMMAND='…' line"
    assert match.group(1) == commands[1]
    assert 'bash -c "$TEST_COMMAND"' in ci
