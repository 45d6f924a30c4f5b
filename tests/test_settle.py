"""Settle-up suggestions (pennywise_core.settle)."""

from __future__ import annotations

import random
from collections.abc import Hashable, Iterator, Mapping, Sequence
from typing import TypeVar

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pennywise_core.errors import ValidationError
from pennywise_core.settle import (
    MAX_EXACT_LIMIT,
    Settlement,
    Transfer,
    greedy_transfers,
    minimal_transfers,
)


def zero_sum(amounts: Sequence[int]) -> dict[str, int]:
    """Balances for members m0, m1, ...: ``amounts`` plus a last member who evens them out."""
    balances = {f"m{index}": amount for index, amount in enumerate(amounts)}
    balances[f"m{len(amounts)}"] = -sum(amounts)
    return balances


# Small amounts produce many zero-sum subgroups (the interesting case for the exact search);
# large ones produce almost none.
small_amounts = st.integers(min_value=-6, max_value=6)
cents = st.integers(min_value=-50_000, max_value=50_000)


def groups(max_size: int) -> st.SearchStrategy[dict[str, int]]:
    return st.one_of(
        st.lists(small_amounts, max_size=max_size - 1),
        st.lists(cents, max_size=max_size - 1),
        st.lists(st.one_of(small_amounts, cents), max_size=max_size - 1),
    ).map(zero_sum)


K = TypeVar("K", bound=Hashable)


def settled(balances: Mapping[K, int], transfers: Sequence[Transfer[K]]) -> bool:
    """Whether applying ``transfers`` brings every balance to zero."""
    remaining = dict(balances)
    for transfer in transfers:
        remaining[transfer.debtor] += transfer.amount
        remaining[transfer.creditor] -= transfer.amount
    return not any(remaining.values())


def non_zero(balances: Mapping[str, int]) -> int:
    return sum(1 for amount in balances.values() if amount)


# --- an independent, obviously correct optimum, for small groups ---------------------------


def set_partitions(items: list[int]) -> Iterator[list[list[int]]]:
    """Every way to cut ``items`` into non-empty blocks (Bell(8) = 4140 ways for 8 items)."""
    if not items:
        yield []
        return
    first, rest = items[0], items[1:]
    for partition in set_partitions(rest):
        yield [[first], *partition]
        for index in range(len(partition)):
            yield [*partition[:index], [first, *partition[index]], *partition[index + 1 :]]


def brute_force_fewest_transfers(balances: Mapping[str, int]) -> int:
    """n − the most blocks of a partition of the non-zero balances into zero-sum blocks."""
    amounts = [amount for amount in balances.values() if amount]
    most_blocks = max(
        len(partition)
        for partition in set_partitions(amounts)
        if all(sum(block) == 0 for block in partition)
    )
    return len(amounts) - most_blocks


def test_the_brute_force_itself() -> None:
    assert sum(1 for _ in set_partitions(list(range(8)))) == 4140
    assert brute_force_fewest_transfers({"a": 5, "b": -5, "c": 3, "d": -1, "e": -2}) == 3
    assert brute_force_fewest_transfers({}) == 0


# --- minimal_transfers ---------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(groups(max_size=8))
def test_small_groups_get_the_true_optimum(balances: dict[str, int]) -> None:
    settlement = minimal_transfers(balances)
    assert settlement.proven_minimal
    assert len(settlement.transfers) == brute_force_fewest_transfers(balances)
    assert settled(balances, settlement.transfers)


@settings(max_examples=60, deadline=None)
@given(groups(max_size=20))
def test_settlement_invariants(balances: dict[str, int]) -> None:
    settlement = minimal_transfers(balances)
    transfers = settlement.transfers
    assert settlement.proven_minimal  # at most 20 non-zero balances
    assert settled(balances, transfers)
    assert all(t.amount > 0 for t in transfers)
    assert all(balances[t.debtor] < 0 < balances[t.creditor] for t in transfers)
    assert len(transfers) <= max(non_zero(balances) - 1, 0)
    assert len(transfers) <= len(greedy_transfers(balances))
    assert [t.amount for t in transfers] == sorted((t.amount for t in transfers), reverse=True)


@settings(max_examples=30, deadline=None)
@given(
    st.lists(
        st.lists(st.integers(min_value=-500, max_value=500), min_size=1, max_size=3),
        min_size=1,
        max_size=5,  # at most 5 blocks of at most 4: within the exact limit
    ),
    st.randoms(use_true_random=False),
)
def test_never_worse_than_a_planted_partition(
    blocks: list[list[int]], shuffle: random.Random
) -> None:
    # Build a group from known zero-sum blocks; the optimum can only be better.
    amounts = [amount for block in blocks for amount in [*block, -sum(block)]]
    shuffle.shuffle(amounts)
    balances = {f"m{index}": amount for index, amount in enumerate(amounts)}
    planted_blocks = sum(1 for block in blocks if any(block))
    settlement = minimal_transfers(balances)
    assert settlement.proven_minimal
    assert len(settlement.transfers) <= non_zero(balances) - planted_blocks
    assert settled(balances, settlement.transfers)


@settings(max_examples=40, deadline=None)
@given(groups(max_size=14), st.integers(min_value=0, max_value=6))
def test_the_heuristic_is_valid_and_never_worse_than_greedy(
    balances: dict[str, int], exact_limit: int
) -> None:
    settlement = minimal_transfers(balances, exact_limit=exact_limit)
    assert settled(balances, settlement.transfers)
    assert all(t.amount > 0 for t in settlement.transfers)
    assert len(settlement.transfers) <= len(greedy_transfers(balances))
    assert len(settlement.transfers) >= len(minimal_transfers(balances).transfers)


def test_proven_minimal_up_to_the_limit_and_not_above() -> None:
    # Distinct powers of two: no two amounts are opposites and no subgroup sums to zero.
    def group(size: int) -> dict[str, int]:
        return zero_sum([2**index for index in range(size - 1)])

    at_limit = minimal_transfers(group(20))
    assert at_limit.proven_minimal
    assert len(at_limit.transfers) == 19
    above = minimal_transfers(group(21))
    assert not above.proven_minimal
    assert len(above.transfers) == 20
    assert minimal_transfers(group(8), exact_limit=8).proven_minimal
    assert not minimal_transfers(group(9), exact_limit=8).proven_minimal


def test_exact_opposites_do_not_count_against_the_limit() -> None:
    # 30 members in 15 pairs (+x, −x): pairing them off is always optimal, so this is proven.
    balances = {f"c{x}": x * 100 for x in range(1, 16)} | {f"d{x}": -x * 100 for x in range(1, 16)}
    settlement = minimal_transfers(balances)
    assert settlement.proven_minimal
    assert sorted((t.debtor, t.creditor) for t in settlement.transfers) == sorted(
        (f"d{x}", f"c{x}") for x in range(1, 16)
    )


def test_the_heuristic_finds_triples_above_the_limit() -> None:
    # 8 triples (a, b, −a−b) of distinct amounts: 16 transfers, where one block needs 23.
    amounts = []
    for index in range(8):
        a, b = 1_000 + 37 * index, 5_000 + 101 * index
        amounts += [a, b, -(a + b)]
    balances = {f"m{index}": amount for index, amount in enumerate(amounts)}
    settlement = minimal_transfers(balances)
    assert not settlement.proven_minimal
    assert len(settlement.transfers) == 16
    assert settled(balances, settlement.transfers)


def test_minimal_beats_greedy() -> None:
    # Greedy starts with b → a (the two largest) and needs five transfers; the optimum
    # splits the group into {a, c, d} and {b, e, f}: four.
    balances = {"a": 9000, "b": -10000, "c": -5000, "d": -4000, "e": 7000, "f": 3000}
    assert len(greedy_transfers(balances)) == 5
    assert minimal_transfers(balances) == Settlement(
        [
            Transfer("b", "e", 7000),
            Transfer("c", "a", 5000),
            Transfer("d", "a", 4000),
            Transfer("b", "f", 3000),
        ],
        proven_minimal=True,
    )


def test_zero_balances_are_ignored_and_nothing_to_do_is_proven() -> None:
    assert minimal_transfers({}) == Settlement([], proven_minimal=True)
    assert minimal_transfers({"a": 0, "b": 0}) == Settlement([], proven_minimal=True)
    settlement = minimal_transfers({"a": 0, "b": 5, "c": -5})
    assert settlement.transfers == [Transfer("c", "b", 5)]


@given(groups(max_size=12))
@settings(max_examples=30, deadline=None)
def test_deterministic(balances: dict[str, int]) -> None:
    assert minimal_transfers(balances) == minimal_transfers(dict(balances))
    assert greedy_transfers(balances) == greedy_transfers(dict(balances))


def test_keys_need_not_be_comparable() -> None:
    a, b, c = object(), object(), object()
    settlement = minimal_transfers({a: 10, b: 10, c: -20})
    assert settlement.transfers == [Transfer(c, a, 10), Transfer(c, b, 10)]
    assert greedy_transfers({a: 10, b: 10, c: -20}) == settlement.transfers


def test_ties_follow_input_order() -> None:
    assert minimal_transfers({"x": 10, "y": 10, "z": -20}).transfers == [
        Transfer("z", "x", 10),
        Transfer("z", "y", 10),
    ]
    assert minimal_transfers({"y": 10, "x": 10, "z": -20}).transfers == [
        Transfer("z", "y", 10),
        Transfer("z", "x", 10),
    ]


@pytest.mark.parametrize("settle", [minimal_transfers, greedy_transfers])
def test_balances_must_sum_to_zero(settle: object) -> None:
    with pytest.raises(ValidationError) as excinfo:
        settle({"a": 10, "b": -9})  # type: ignore[operator]
    (error,) = excinfo.value.errors
    assert error.loc == ("balances",)
    assert "must sum to zero, but they sum to 1" in error.msg


@pytest.mark.parametrize("amount", [1.5, True, "10"])
def test_balances_must_be_integers(amount: object) -> None:
    with pytest.raises(TypeError):
        minimal_transfers({"a": amount, "b": -1})  # type: ignore[dict-item]


@pytest.mark.parametrize("exact_limit", [-1, MAX_EXACT_LIMIT + 1])
def test_exact_limit_is_bounded(exact_limit: int) -> None:
    with pytest.raises(ValueError, match="exact_limit"):
        minimal_transfers({"a": 1, "b": -1}, exact_limit=exact_limit)


# --- greedy_transfers --------------------------------------------------------------------


@settings(max_examples=100, deadline=None)
@given(groups(max_size=30))
def test_greedy_settles_with_at_most_n_minus_one_transfers(balances: dict[str, int]) -> None:
    transfers = greedy_transfers(balances)
    assert settled(balances, transfers)
    assert all(t.amount > 0 for t in transfers)
    assert len(transfers) <= max(non_zero(balances) - 1, 0)


def test_greedy_pays_the_largest_creditor_from_the_largest_debtor_first() -> None:
    assert greedy_transfers({"a": 30, "b": 20, "c": -25, "d": -15, "e": -10}) == [
        Transfer("c", "a", 25),
        Transfer("d", "b", 15),
        Transfer("e", "a", 5),
        Transfer("e", "b", 5),
    ]


# --- Transfer ------------------------------------------------------------------------------


@pytest.mark.parametrize("amount", [0, -1])
def test_a_transfer_is_positive(amount: int) -> None:
    with pytest.raises(ValueError, match="positive"):
        Transfer("a", "b", amount)


def test_a_member_does_not_pay_themselves() -> None:
    with pytest.raises(ValueError, match="themselves"):
        Transfer("a", "a", 1)
