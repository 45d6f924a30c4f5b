"""The benchmark scripts still run (tiny sizes, SQLite): they import engine internals, so a
refactor can break them without any other test noticing. No figure is asserted."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


@pytest.mark.parametrize(
    ("script", "args", "printed"),
    [
        ("bench_import.py", ["--sizes", "300", "--databases", "sqlite"], "database ceiling"),
        ("bench_ledger.py", ["--sizes", "100", "--databases", "sqlite"], "sqlite"),
    ],
)
def test_a_benchmark_runs(script: str, args: list[str], printed: str, tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / script), *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert printed in done.stdout
