"""Benchmark of settle-up: exact minimal_transfers against the greedy baseline.

Run: ``python benchmarks/bench_settle.py``. Prints, per group size, the worst and the median
wall time of :func:`~pennywise_core.settle.minimal_transfers` and of
:func:`~pennywise_core.settle.greedy_transfers` measured in the same run, their ratio, and
the mean number of transfers each suggests. Random groups are seeded, so every run measures
the same inputs. Nothing here asserts on time: the figures are for people to read.
"""

from __future__ import annotations

import platform
import random
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import TypeVar

from pennywise_core.settle import greedy_transfers, minimal_transfers

SEED = 20_240_601
GROUPS_PER_SIZE = 100
HARD_CASE_REPEATS = 20

T = TypeVar("T")


@dataclass(frozen=True)
class Row:
    label: str
    exact_seconds: list[float]
    greedy_seconds: list[float]
    exact_transfers: list[int]
    greedy_transfers: list[int]
    proven: int


def random_group(
    rng: random.Random, size: int, low: int = -50_000, high: int = 50_000
) -> list[int]:
    """``size`` non-zero balances in cents, in [low, high], that sum to zero."""
    while True:
        amounts = [rng.randint(low, high) for _ in range(size - 1)]
        amounts.append(-sum(amounts))
        if 0 not in amounts and low <= amounts[-1] <= high:
            return amounts


def zero_sum_subsets(amounts: Sequence[int]) -> int:
    """How many non-empty subsets sum to zero (the whole group included)."""
    sums = [0]
    for amount in amounts:
        sums += [total + amount for total in sums]
    return sums.count(0) - 1


def no_zero_sum_subgroup(rng: random.Random, size: int) -> list[int]:
    """Distinct balances where only the whole group sums to zero: the optimum is n - 1."""
    while True:
        amounts = random_group(rng, size)
        if len(set(amounts)) == size and zero_sum_subsets(amounts) == 1:
            return amounts


def planted_blocks(rng: random.Random, sizes: Sequence[int]) -> list[int]:
    """Small zero-sum blocks of the given sizes, shuffled together."""
    amounts: list[int] = []
    for size in sizes:
        amounts += random_group(rng, size, -20_000, 20_000)
    rng.shuffle(amounts)
    return amounts


def two_amounts(size: int) -> list[int]:
    """+20.00 and -30.00 only: a huge number of overlapping zero-sum subgroups."""
    creditors = size * 3 // 5
    return [2_000] * creditors + [-3_000] * (size - creditors)


def measure(label: str, groups: Sequence[Sequence[int]]) -> Row:
    exact_seconds, greedy_seconds, exact_counts, greedy_counts, proven = [], [], [], [], 0
    for amounts in groups:
        balances = {f"member-{index}": amount for index, amount in enumerate(amounts)}
        seconds, settlement = timed(partial(minimal_transfers, balances))
        exact_seconds.append(seconds)
        exact_counts.append(len(settlement.transfers))
        proven += settlement.proven_minimal
        seconds, transfers = timed(partial(greedy_transfers, balances))
        greedy_seconds.append(seconds)
        greedy_counts.append(len(transfers))
    return Row(label, exact_seconds, greedy_seconds, exact_counts, greedy_counts, proven)


def timed(call: Callable[[], T]) -> tuple[float, T]:
    start = time.perf_counter()
    result = call()
    return time.perf_counter() - start, result


def milliseconds(seconds: float) -> str:
    return f"{seconds * 1000:9.2f}"


def print_table(rows: Sequence[Row]) -> None:
    print(
        f"{'case':<34} {'groups':>6} | {'exact ms':>9} {'':>9} | {'greedy ms':>9} {'':>9} | "
        f"{'ratio':>7} | {'transfers (mean)':>16} | proven"
    )
    print(
        f"{'':<34} {'':>6} | {'worst':>9} {'median':>9} | {'worst':>9} {'median':>9} | "
        f"{'median':>7} | {'exact':>7} {'greedy':>8} |"
    )
    print("-" * 122)
    for row in rows:
        exact_median = statistics.median(row.exact_seconds)
        greedy_median = statistics.median(row.greedy_seconds)
        print(
            f"{row.label:<34} {len(row.exact_seconds):>6} | "
            f"{milliseconds(max(row.exact_seconds))} {milliseconds(exact_median)} | "
            f"{milliseconds(max(row.greedy_seconds))} {milliseconds(greedy_median)} | "
            f"{exact_median / greedy_median:>6.0f}x | "
            f"{statistics.mean(row.exact_transfers):>7.2f} "
            f"{statistics.mean(row.greedy_transfers):>8.2f} | "
            f"{row.proven}/{len(row.exact_seconds)}"
        )


def main() -> None:
    rng = random.Random(SEED)
    print(f"Python {platform.python_version()} on {platform.machine()}, seed {SEED}")
    print("Balances in cents, uniform in -50 000..50 000 and summing to zero.\n")
    rows = [
        measure(f"random, n = {size}", [random_group(rng, size) for _ in range(GROUPS_PER_SIZE)])
        for size in (10, 15, 20)
    ]
    rows += [
        measure(
            "n = 20, no zero-sum subgroup",
            [no_zero_sum_subgroup(rng, 20)] * HARD_CASE_REPEATS,
        ),
        measure(
            "n = 20, blocks 3+3+3+3+3+5",
            [planted_blocks(rng, [3, 3, 3, 3, 3, 5]) for _ in range(HARD_CASE_REPEATS)],
        ),
        measure(
            "n = 20, blocks 3+3+3+3+4+4",
            [planted_blocks(rng, [3, 3, 3, 3, 4, 4]) for _ in range(HARD_CASE_REPEATS)],
        ),
        measure("n = 20, 12 x +20.00, 8 x -30.00", [two_amounts(20)] * HARD_CASE_REPEATS),
        measure("n = 21 (above the exact limit)", [random_group(rng, 21) for _ in range(20)]),
        measure("n = 200 (heuristic)", [random_group(rng, 200) for _ in range(20)]),
    ]
    print_table(rows)
    worst = max(max(row.exact_seconds) for row in rows if "n = 20" in row.label)
    print(f"\nWorst exact time at n = 20 over all cases: {worst * 1000:.1f} ms")


if __name__ == "__main__":
    main()
