"""CLI start-up and command times against the bare interpreter, measured in the same run.

    python benchmarks/bench_cli.py                 # 15 runs of each command, interleaved
    python benchmarks/bench_cli.py --runs 5

What issue 16 measures with hyperfine, without needing hyperfine: each command is started
as a fresh process (``sys.executable`` and the installed ``pennywise`` script beside it),
in rounds that take every command once, in the same order, so that a machine that slows
down mid-run slows every command alike. Bytecode is compiled first (``compileall`` of the
four packages; this machine sets ``PYTHONDONTWRITEBYTECODE``, which stops Python writing
``.pyc`` files but not reading them), and one warm-up round is thrown away. Local mode runs
on a fresh ``PENNYWISE_HOME`` with one group (``Bench``, EUR, two members), so ``tx add``
writes a real transaction each time, as a user's does.

Printed per command: median, min and max wall time in ms, and the median's ratio to the bare
interpreter (``python -c pass``) and to ``python -c "import sqlalchemy.ext.asyncio"`` (the
async ORM's own import, the floor of any command that opens the database this way).
Issue 16's targets, to read the ratios against: ``pennywise tx add`` local ≤ 15x the bare
interpreter (or within 1.3x of the async ORM's import), ``pennywise --help`` ≤ 5x. Figures,
never assertions.
"""

from __future__ import annotations

import argparse
import compileall
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("pennywise_core", "pennywise_api", "pennywise_client", "pennywise_cli")
BARE = "python -c pass"
ORM = "python -c 'import sqlalchemy.ext.asyncio'"


@dataclass
class Command:
    label: str
    argv: list[str]
    times: list[float] = field(default_factory=list)

    def median_ms(self) -> float:
        return statistics.median(self.times) * 1000


def _pennywise() -> str:
    script = Path(sys.executable).with_name("pennywise")
    if not script.exists():
        sys.exit(f"no pennywise script beside {sys.executable}: pip install -e . first")
    return str(script)


def _run(argv: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"{' '.join(argv)} exited {done.returncode}:\n{done.stderr[-2000:]}")
    return elapsed


CLI_COMMANDS = (
    ["--help"],
    ["tx", "add", "Bench", "12.50", "Coffee"],
    ["balances", "Bench"],
    ["tx", "list", "Bench"],
)


def _commands(pennywise: str) -> list[Command]:
    python = sys.executable
    return [
        Command(BARE, [python, "-c", "pass"]),
        Command(ORM, [python, "-c", "import sqlalchemy.ext.asyncio"]),
        *(Command(" ".join(["pennywise", *args]), [pennywise, *args]) for args in CLI_COMMANDS),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=15, help="timed rounds (default 15)")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    for package in PACKAGES:
        compileall.compile_dir(str(ROOT / package), quiet=1)
    pennywise = _pennywise()
    with tempfile.TemporaryDirectory(prefix="pennywise-bench-cli-") as home:
        env = {
            **os.environ,
            "PENNYWISE_HOME": home,
            "NO_COLOR": "1",
            "COLUMNS": "120",
        }
        for name in ("PENNYWISE_API_URL", "PENNYWISE_TOKEN", "PENNYWISE_DATABASE_URL"):
            env.pop(name, None)
        for argv in (
            [pennywise, "group", "create", "Bench", "--currency", "EUR"],
            [pennywise, "member", "add", "Bench", "Bob"],
        ):
            _run(argv, env)

        commands = _commands(pennywise)
        for command in commands:  # warm-up: page cache, first-use database set-up
            _run(command.argv, env)
        for _ in range(args.runs):
            for command in commands:
                command.times.append(_run(command.argv, env))

    bare, orm = commands[0].median_ms(), commands[1].median_ms()
    print(f"{args.runs} interleaved runs each, {sys.executable} ({sys.version.split()[0]})")
    print(f"{'command':<40} {'median ms':>10} {'min':>8} {'max':>8} {'x bare':>7} {'x orm':>7}")
    for command in commands:
        median = command.median_ms()
        print(
            f"{command.label:<40} {median:>10.1f} {min(command.times) * 1000:>8.1f} "
            f"{max(command.times) * 1000:>8.1f} {median / bare:>7.1f} {median / orm:>7.2f}"
        )
    print(
        "targets (issue 16): tx add <= 15x bare (or <= 1.3x orm import); --help <= 5x bare. "
        f"Bare interpreter {bare:.1f} ms, async ORM import {orm:.1f} ms."
    )


if __name__ == "__main__":
    main()
