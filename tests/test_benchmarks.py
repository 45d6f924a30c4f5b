"""The benchmark scripts still run (tiny sizes, SQLite): they import engine internals, so a
refactor can break them without any other test noticing. No figure is asserted."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def _run(argv: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """A benchmark as people run it: not under the suite's coverage (which would follow it
    into every server and CLI it starts, and slow what it times); what it exercises is
    measured by the tests of those parts."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("COVERAGE_")}
    return subprocess.run(
        [sys.executable, *argv], capture_output=True, text=True, timeout=300, cwd=cwd, env=env
    )


@pytest.mark.parametrize(
    ("script", "args", "printed"),
    [
        ("bench_import.py", ["--sizes", "300", "--databases", "sqlite"], "database ceiling"),
        ("bench_ledger.py", ["--sizes", "100", "--databases", "sqlite"], "sqlite"),
        ("bench_recurring.py", ["--rules", "20", "--databases", "sqlite"], "run again"),
        ("bench_cli.py", ["--runs", "1"], "x bare"),
    ],
)
def test_a_benchmark_runs(script: str, args: list[str], printed: str, tmp_path: Path) -> None:
    done = _run([str(BENCHMARKS / script), *args], tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    assert printed in done.stdout


def test_the_concurrency_benchmark_runs(tmp_path: Path) -> None:
    """Tiny: 4 writers for 4 s on two API processes, the private PostgreSQL restarted midway,
    and the limits on two more; the script itself exits 1 on a 500, a drifted balance, a lost
    acknowledged create or update, a second transaction for an idempotency key, a limit one
    process counted alone, or a non-zero `pennywise db verify`."""
    from tests.pgserver import missing_reason

    reason = missing_reason()
    if reason is not None and os.environ.get("CI", "").lower() != "true":
        pytest.skip(reason)
    done = _run(
        [
            str(BENCHMARKS / "bench_concurrency.py"),
            *("--writers", "4", "--seconds", "4", "--groups", "2", "--members", "3"),
        ],
        tmp_path,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "drift (own recompute of every balance row): 0 rows" in done.stdout
    assert "PostgreSQL restarted" in done.stdout
    for invariant in (
        "currencies not zero-sum: 0",
        "keys with more than one transaction: 0",
        "keys answered differently by the two servers: 0",
        "lost updates: 0",
        "412s that were no conflict: 0",
    ):
        assert f"invariant: {invariant}\n" in done.stdout
    shared = [line for line in done.stdout.splitlines() if line.startswith("shared limit: ")]
    assert len(shared) == 8, done.stdout
    assert all(line.endswith(": yes") for line in shared), shared
    assert "pennywise db verify: exit 0: ok=True" in done.stdout


def test_the_api_benchmark_runs(tmp_path: Path) -> None:
    """Tiny (1 s phases, 5 counted creates): a real pennywise serve on PostgreSQL, counted
    round trips, pgbench beside it, and pennywise db verify on what it created."""
    import socket

    try:
        socket.create_connection(("127.0.0.1", 5432), timeout=2).close()
    except OSError as exc:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"PostgreSQL is not reachable at 127.0.0.1:5432 under CI=true: {exc}")
        pytest.skip(f"PostgreSQL is not reachable at 127.0.0.1:5432: {exc}")
    done = _run([str(BENCHMARKS / "bench_api.py"), "--seconds", "1", "--counted", "5"], tmp_path)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "1 worker, 1 connection:" in done.stdout
    assert "pennywise db verify exit code: 0" in done.stdout
