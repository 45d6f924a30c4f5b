"""No secret reaches the server's log, not even in the traceback of a 500.

A real ``pennywise serve`` on a database of its own, its log captured to a file. A trigger
makes the INSERT of one new account fail, so signing up as that account is a 500 whose
traceback the server logs: the statement that failed carried the email and the Argon2 hash
of the password as parameters, and (on PostgreSQL) the error's DETAIL names the email, as
a unique violation's does. The whole log is then searched for every secret of the run.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from sqlalchemy import text

from pennywise_core import db

BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _force_a_failure(url: str, display_name: str) -> None:
    """Migrate the database and make inserting a user called ``display_name`` fail."""
    engine = await db.open_database(url)
    try:
        async with engine.begin() as connection:
            if engine.dialect.name == "postgresql":
                await connection.execute(
                    text(
                        f"""
                        CREATE FUNCTION boom() RETURNS trigger LANGUAGE plpgsql AS $$
                        BEGIN
                          IF NEW.display_name = '{display_name}' THEN
                            RAISE EXCEPTION 'forced failure'
                              USING DETAIL = 'Key (email)=(' || NEW.email || ') already exists.';
                          END IF;
                          RETURN NEW;
                        END $$
                        """
                    )
                )
                await connection.execute(
                    text(
                        "CREATE TRIGGER boom BEFORE INSERT ON users "
                        "FOR EACH ROW EXECUTE FUNCTION boom()"
                    )
                )
            else:
                await connection.execute(
                    text(
                        f"CREATE TRIGGER boom BEFORE INSERT ON users "
                        f"WHEN NEW.display_name = '{display_name}' "
                        "BEGIN SELECT RAISE(ABORT, 'forced failure'); END"
                    )
                )
    finally:
        await engine.dispose()


def _serve(url: str, home: Path, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PENNYWISE_")},
        "PENNYWISE_HOME": str(home),
        "PENNYWISE_DATABASE_URL": url,
        "PENNYWISE_ENVIRONMENT": "test",
    }
    with log.open("wb") as output:
        process = subprocess.Popen(
            [str(BIN / "pennywise"), "serve", "--port", str(port)],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):  # at most about 60 s for start-up
        try:
            if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                return process, base
        except httpx.TransportError:
            pass
        if process.poll() is not None:
            break
        time.sleep(0.2)
    process.kill()
    raise AssertionError(f"pennywise serve did not come up:\n{log.read_text()}")


def test_a_500_logs_its_traceback_without_any_secret(
    fresh_database_url: str, tmp_path: Path
) -> None:
    tag = secrets.token_hex(4)
    asyncio.run(_force_a_failure(fresh_database_url, f"Boom {tag}"))
    ok_email, boom_email = f"ok-{tag}@example.org", f"boom-{tag}@example.org"
    password = f"correct horse {tag} battery"
    log = tmp_path / "serve.log"
    process, base = _serve(fresh_database_url, tmp_path / "home", log)
    try:
        with httpx.Client(base_url=f"{base}/api/v1", timeout=60) as client:
            ok = client.post(
                "/auth/register",
                json={"email": ok_email, "password": password, "display_name": "Ok"},
            )
            assert ok.status_code == 201, ok.text
            signed_in = client.post(
                "/auth/token", data={"username": ok_email, "password": password}
            )
            assert signed_in.status_code == 200, signed_in.text
            access = signed_in.json()["access_token"]
            refresh = signed_in.json()["refresh_token"]
            boom = client.post(
                "/auth/register",
                json={
                    "email": boom_email,
                    "password": password,
                    "display_name": f"Boom {tag}",
                },
            )
            assert boom.status_code == 500, boom.text
    finally:
        process.terminate()
        process.wait(timeout=30)

    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    crash = [line for line in lines if line.get("event") == "unhandled error"]
    assert len(crash) == 1, log.read_text()
    traceback = crash[0]["exception"]
    assert "forced failure" in traceback  # the traceback is there, with the failing statement
    assert "INSERT INTO users" in traceback
    everything = log.read_text()
    for secret in (password, ok_email, boom_email, "$argon2", access, refresh):
        assert secret not in everything, f"{secret!r} is in the server's log"


def test_uvicorn_tracebacks_are_masked_too() -> None:
    """An exception that escapes the app after its response started is logged by uvicorn,
    through the standard library: the app's filter masks that record as well."""
    import io
    import logging

    from pennywise_api.logs import configure_logging

    configure_logging()
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    logger = logging.getLogger("uvicorn.error")
    logger.addHandler(handler)
    email, digest = "carol@example.org", "ab" * 32
    try:
        try:
            raise RuntimeError(f"Key (email)=({email}) already exists; token_hash {digest}")
        except RuntimeError:
            logger.exception("Exception in ASGI application for %s", email)
    finally:
        logger.removeHandler(handler)
    logged = out.getvalue()
    assert "Traceback" in logged
    assert "RuntimeError" in logged
    assert email not in logged
    assert digest not in logged
