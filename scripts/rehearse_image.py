"""Rehearse what the Docker image does, without Docker (no engine runs on our machines).

The same steps as the Dockerfile and a deployment, in order:

1. build the wheel the way the image's first stage does (``pip wheel --no-deps .``), from
   a copy of only what that stage's ``COPY`` lines copy (so a file missing there fails
   here too);
2. install only that wheel into a fresh venv (the image's second stage: no dependency
   group, so no pytest, ruff, mypy or nox), and check none came along;
3. create a throwaway PostgreSQL database and run the migration one-shot,
   ``pennywise db upgrade``, with the ``postgresql://`` URL form hosts hand out;
4. start ``pennywise serve`` as the image's CMD does (production, two workers, settings from
   the environment) on a free loopback port, from a directory outside the repository so
   the installed package is what runs;
5. wait for ``/healthz`` as the image's HEALTHCHECK does, then ``/readyz``, and pass a
   smoke flow over HTTP: register, sign in, create a group, add a member, record an
   expense, read balances that sum to zero;
6. stop the server (SIGTERM, as a container stop does) and drop the database.

    python scripts/rehearse_image.py          # or: nox -s image_rehearsal

PostgreSQL: ``PENNYWISE_TEST_POSTGRES_URL`` (as the test suite), default the local server
as ``postgres`` at 127.0.0.1:5432. Every request goes to 127.0.0.1 only; every wait is
bounded. Standard library only (the venv under test has its own dependencies).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
ADMIN_URL = os.environ.get(
    "PENNYWISE_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)
DEV_TOOLS = {"pytest", "ruff", "mypy", "nox", "hypothesis", "schemathesis", "import-linter"}
START_TIMEOUT = 60.0
API = "/api/v1"


def say(message: str) -> None:
    sys.stdout.write(f"[rehearsal] {message}\n")
    sys.stdout.flush()


def run(*args: str | Path, **kwargs: Any) -> str:
    """Run a command (never through a shell); its stdout. A failure stops the rehearsal."""
    command = [str(a) for a in args]
    done = subprocess.run(command, capture_output=True, text=True, check=False, **kwargs)  # noqa: S603
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"[rehearsal] failed ({done.returncode}): {' '.join(command)}")
    return done.stdout


def build_context(destination: Path) -> Path:
    """Copy what the Dockerfile's build stage copies (its ``COPY`` lines before the second
    ``FROM``) into ``destination``, as the image build would see it."""
    stage = (ROOT / "Dockerfile").read_text("utf-8").split("\nFROM ")[1]
    destination.mkdir(parents=True)
    for line in stage.splitlines():
        if not line.startswith("COPY "):
            continue
        *sources, _ = line.split()[1:]
        for source in sources:
            origin = ROOT / source.rstrip("/")
            target = destination / source.rstrip("/")
            if origin.is_dir():
                ignore = shutil.ignore_patterns("__pycache__", "*.py[co]")
                shutil.copytree(origin, target, ignore=ignore)
            else:
                shutil.copy2(origin, target)
    return destination


def libpq_url(url: str, database: str) -> str:
    """``url`` as a host hands it out: ``postgresql://``, naming ``database``."""
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(("postgresql", parts.netloc, f"/{database}", "", ""))


def admin_sql(python: Path, statement: str) -> None:
    """One statement on the server's maintenance database, with the venv's asyncpg."""
    script = (
        "import asyncio, sys, asyncpg\n"
        "async def main():\n"
        "    c = await asyncpg.connect(sys.argv[1], timeout=10)\n"
        "    try:\n"
        "        await c.execute(sys.argv[2])\n"
        "    finally:\n"
        "        await c.close()\n"
        "asyncio.run(main())\n"
    )
    run(python, "-c", script, libpq_url(ADMIN_URL, "postgres"), statement)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Http:
    """JSON over urllib to one loopback base URL."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.token = ""

    def call(
        self, method: str, path: str, body: Any = None, *, form: dict[str, str] | None = None
    ) -> tuple[int, Any]:
        headers = {"Accept": "application/json"}
        data = None
        if form is not None:
            data = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(self.base + path, data, headers, method=method)  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, raw = error.code, error.read()
        return status, (json.loads(raw) if raw else None)

    def expect(self, status: int, method: str, path: str, body: Any = None, **kw: Any) -> Any:
        got, payload = self.call(method, path, body, **kw)
        if got != status:
            raise SystemExit(f"[rehearsal] {method} {path}: {got} (expected {status}): {payload}")
        say(f"{method} {path} -> {got}")
        return payload


def wait_until_up(http: Http, server: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"[rehearsal] pennywise serve exited with {server.returncode}")
        try:
            if http.call("GET", "/healthz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.25)
    raise SystemExit(f"[rehearsal] /healthz did not answer within {START_TIMEOUT:.0f} s")


def worker_count(pid: int) -> int | None:
    """How many processes ``pid`` started, where Linux tells (None elsewhere)."""
    tasks = Path(f"/proc/{pid}/task")
    if not tasks.exists():
        return None
    # uvicorn's supervisor: one process per worker (multiprocessing may add a tracker),
    # started from any of its threads
    pids = [c for task in tasks.iterdir() for c in (task / "children").read_text().split()]
    commands = [Path(f"/proc/{c}/cmdline").read_bytes() for c in pids]
    return sum(b"resource_tracker" not in c for c in commands)


def smoke(http: Http) -> None:
    ready = http.expect(200, "GET", "/readyz")
    say(f"ready at schema revision {ready['revision']}")
    password = secrets.token_urlsafe(16)
    ann = f"ann-{secrets.token_hex(4)}@example.org"
    bob = f"bob-{secrets.token_hex(4)}@example.org"
    for email, name in ((ann, "Ann"), (bob, "Bob")):
        body = {"email": email, "password": password, "display_name": name}
        http.expect(201, "POST", f"{API}/auth/register", body)
    pair = http.expect(
        200, "POST", f"{API}/auth/token", form={"username": ann, "password": password}
    )
    http.token = pair["access_token"]
    group = http.expect(
        201, "POST", f"{API}/groups", {"name": "Rehearsal", "default_currency": "EUR"}
    )
    gid = group["id"]
    member = http.expect(201, "POST", f"{API}/groups/{gid}/members", {"email": bob})
    expense = {"group_id": gid, "description": "Dinner", "amount": "90.00"}
    tx = http.expect(201, "POST", f"{API}/transactions", expense)
    balances = http.expect(200, "GET", f"{API}/groups/{gid}/balances")
    say(
        "balances: "
        + ", ".join(f"{r['display_name']} {r['balance']} {r['currency']}" for r in balances)
    )
    by_member = {(row["member_id"], row["currency"]): Decimal(row["balance"]) for row in balances}
    expected = {
        (group["my_member_id"], "EUR"): Decimal("45.00"),  # Ann paid 90.00, owes half
        (member["id"], "EUR"): Decimal("-45.00"),
    }
    if by_member != expected:
        raise SystemExit(f"[rehearsal] unexpected balances after {tx['id']}: {balances}")
    verify = http.expect(200, "GET", f"{API}/groups/{gid}/balances/verify")
    if verify["ok"] is not True:
        raise SystemExit(f"[rehearsal] balances do not verify: {verify}")


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="pennywise-rehearsal-") as tmp:
        work = Path(tmp)
        dist, venv, home = work / "dist", work / "venv", work / "home"

        say("1. building the wheel (as the image's build stage)")
        context = build_context(work / "context")
        say(f"   context: {', '.join(sorted(p.name for p in context.iterdir()))}")
        run(sys.executable, "-m", "pip", "wheel", "--no-cache-dir", "--no-deps",
            "--wheel-dir", dist, context)  # fmt: skip
        (wheel,) = dist.glob("pennywise-*.whl")
        say(f"   {wheel.name}")

        say("2. installing only the wheel into a fresh venv (as the runtime stage)")
        run(sys.executable, "-m", "venv", venv)
        python, pennywise = venv / "bin" / "python", venv / "bin" / "pennywise"
        run(python, "-m", "pip", "install", "--no-cache-dir", "--disable-pip-version-check",
            wheel)  # fmt: skip
        installed = json.loads(run(python, "-m", "pip", "list", "--format", "json"))
        names = {p["name"].lower() for p in installed}
        if names & DEV_TOOLS:
            raise SystemExit(f"[rehearsal] dev tools in the runtime: {sorted(names & DEV_TOOLS)}")
        where = run(python, "-c", "import pennywise_core; print(pennywise_core.__file__)", cwd=work)
        say(f"   {len(names)} distributions, no dev tools; pennywise_core from {where.strip()}")

        database = f"pennywise_rehearsal_{secrets.token_hex(4)}"
        url = libpq_url(ADMIN_URL, database)
        admin_sql(python, f'CREATE DATABASE "{database}"')
        port = free_port()
        env = {key: value for key, value in os.environ.items() if not key.startswith("PENNYWISE_")}
        env.update(  # the image's ENV, with the deployment's secret and database
            PENNYWISE_ENVIRONMENT="production",
            PENNYWISE_HOST="127.0.0.1",  # the image says 0.0.0.0; here, loopback only
            PENNYWISE_PORT=str(port),
            PENNYWISE_WORKERS="2",
            PENNYWISE_JWT_SECRET=secrets.token_urlsafe(32),
            PENNYWISE_DATABASE_URL=url,
            PENNYWISE_HOME=str(home),
        )
        server: subprocess.Popen[str] | None = None
        log = work / "serve.log"
        try:
            say(f"3. pennywise db upgrade on {database} (the one-shot, before the API)")
            out = run(pennywise, "db", "upgrade", "--format", "json", env=env, cwd=work)
            record = json.loads(out)
            say(f"   {record['previous'] or 'empty database'} -> {record['revision']}")

            say(f"4. pennywise serve on 127.0.0.1:{port} (production, 2 workers)")
            with log.open("w") as output:  # a file, never a pipe nobody reads
                server = subprocess.Popen(  # noqa: S603
                    [str(pennywise), "serve"], env=env, cwd=work, text=True,
                    stdout=output, stderr=subprocess.STDOUT,
                )  # fmt: skip
            http = Http(f"http://127.0.0.1:{port}")
            started = time.monotonic()
            wait_until_up(http, server)
            say(f"   /healthz answered after {time.monotonic() - started:.1f} s")
            workers = worker_count(server.pid)
            if workers is not None:
                say(f"   {workers} worker processes (PENNYWISE_WORKERS=2)")
                if workers != 2:
                    raise SystemExit("[rehearsal] PENNYWISE_WORKERS did not reach the server")

            say("5. smoke flow")
            smoke(http)
        finally:
            if server is not None:
                say("6. stopping the server (SIGTERM)")
                server.send_signal(signal.SIGTERM)
                try:
                    server.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    server.kill()
                    server.wait()
                    say("   did not stop within 30 s: killed")
                # 0, or -15 where uvicorn re-raises the signal once it has shut down
                say(f"   exited with {server.returncode}")
                lines = log.read_text().splitlines()
                requests = [line for line in lines if '"event": "request"' in line]
                say(f"   it logged {len(requests)} request lines; everything else it said:")
                for line in (line for line in lines if line not in requests):
                    say(f"   | {line}")
            admin_sql(python, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            say(f"   dropped {database}")
    say("passed")


if __name__ == "__main__":
    main()
