"""SIGTERM lets the requests in flight finish: a real ``pennywise serve`` on a loopback port.

The slow request is a sign-up whose body has not arrived yet: it sends ``Expect:
100-continue`` and waits for the ``100 Continue`` that uvicorn sends when the app first asks
for the body, so the request is certainly inside the app when the signal comes. The test
then waits until the server refuses new connections (it has begun shutting down), sends the
body, and gets the 201; the account exists, and the server exits.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import httpx

from pennywise_cli.commands.serve import uvicorn_options

BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _read_until(sock: socket.socket, marker: bytes) -> bytes:
    data = b""
    while marker not in data:
        chunk = sock.recv(4096)
        assert chunk, f"the server closed the connection; it sent {data!r}"
        data += chunk
    return data


def _refuses_connections(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    except OSError:
        return True
    return False


def test_the_setting_reaches_uvicorn() -> None:
    options = uvicorn_options(forwarded_allow_ips=[], graceful_shutdown_seconds=42)
    assert options["timeout_graceful_shutdown"] == 42


def test_a_request_in_flight_completes_when_sigterm_arrives(tmp_path: Path) -> None:
    port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PENNYWISE_")},
        "PENNYWISE_HOME": str(tmp_path),
        "PENNYWISE_ENVIRONMENT": "test",
        "PENNYWISE_GRACEFUL_SHUTDOWN_SECONDS": "60",
    }
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [BIN / "pennywise", "serve", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    email = "slow-sign-up@example.org"
    body = json.dumps(
        {"email": email, "password": "a long enough passphrase", "display_name": "Slow"}
    ).encode()
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, log.read_text()
            assert server.poll() is None, log.read_text()
            time.sleep(0.1)

        with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
            sock.sendall(
                b"POST /api/v1/auth/register HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                b"Content-Type: application/json\r\n"
                + f"Content-Length: {len(body)}\r\n".encode()
                + b"Expect: 100-continue\r\n\r\n"
            )
            assert _read_until(sock, b"\r\n\r\n").startswith(b"HTTP/1.1 100 ")
            server.send_signal(signal.SIGTERM)
            deadline = time.monotonic() + 30
            while not _refuses_connections(port):  # shutting down: no new connections
                assert time.monotonic() < deadline, "the server kept accepting connections"
                time.sleep(0.05)
            assert server.poll() is None  # still finishing the sign-up
            sock.sendall(body)
            answer = _read_until(sock, b"}")
        status_line = answer.split(b"\r\n", 1)[0]
        assert status_line == b"HTTP/1.1 201 Created", answer
        # uvicorn ends by re-raising the signal it caught, after its shutdown has run.
        assert server.wait(timeout=60) in (0, -signal.SIGTERM), log.read_text()
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
    with closing(sqlite3.connect(tmp_path / "pennywise.sqlite3")) as database:
        found = database.execute("SELECT count(*) FROM users WHERE email = ?", (email,))
        assert found.fetchone() == (1,)
