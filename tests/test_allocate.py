"""Dividing an amount by the largest-remainder method (pennywise_core.money.allocate)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pennywise_core.errors import ValidationError
from pennywise_core.money import allocate

totals = st.integers(min_value=-(10**15), max_value=10**15)
int_weights = st.lists(st.integers(min_value=0, max_value=1_000), min_size=1, max_size=12).filter(
    any
)
exact_weights = st.lists(
    st.one_of(
        st.integers(min_value=0, max_value=1_000),
        st.decimals(min_value=0, max_value=1_000, places=3),
        st.fractions(min_value=0, max_value=1_000, max_denominator=97),
    ),
    min_size=1,
    max_size=12,
).filter(any)


def exact_share(total: int, weights: list[int | Decimal | Fraction], index: int) -> Fraction:
    exact = [Fraction(w) for w in weights]
    return total * exact[index] / sum(exact)


# --- examples ------------------------------------------------------------------------------


def test_one_hundred_three_ways() -> None:
    assert allocate(10000, [1, 1, 1]) == [3334, 3333, 3333]


def test_a_refund_mirrors_the_expense() -> None:
    assert allocate(-10000, [1, 1, 1]) == [-3334, -3333, -3333]


@pytest.mark.parametrize(
    ("total", "weights", "parts"),
    [
        (0, [1, 2, 3], [0, 0, 0]),
        (1, [1, 1], [1, 0]),  # equal remainders: the lower index gets the unit
        (2, [1, 1, 1], [1, 1, 0]),
        (5, [1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 0]),
        (100, [0, 1, 2], [0, 33, 67]),  # 33.3 and 66.7: the larger remainder wins
        (100, [2, 1], [67, 33]),
        (10, [0, 0, 5], [0, 0, 10]),
        (1001, [Decimal("33.3"), Decimal("33.3"), Decimal("33.4")], [333, 333, 335]),
        (100, [Fraction(1, 3), Fraction(2, 3)], [33, 67]),
        (7, [1], [7]),
    ],
)
def test_examples(total: int, weights: list[int | Decimal | Fraction], parts: list[int]) -> None:
    assert allocate(total, weights) == parts


# --- properties -------------------------------------------------------------------------


@given(totals, exact_weights)
def test_parts_add_up_to_the_total(total: int, weights: list[int | Decimal | Fraction]) -> None:
    parts = allocate(total, weights)
    assert len(parts) == len(weights)
    assert sum(parts) == total


@given(totals, exact_weights)
def test_sign_symmetry(total: int, weights: list[int | Decimal | Fraction]) -> None:
    assert allocate(-total, weights) == [-part for part in allocate(total, weights)]


@given(totals, exact_weights)
def test_each_part_is_within_one_unit_of_its_exact_share(
    total: int, weights: list[int | Decimal | Fraction]
) -> None:
    for index, part in enumerate(allocate(total, weights)):
        assert abs(part - exact_share(total, weights, index)) < 1


@given(totals, exact_weights)
def test_a_zero_weight_gets_nothing(total: int, weights: list[int | Decimal | Fraction]) -> None:
    for weight, part in zip(weights, allocate(total, weights), strict=True):
        if weight == 0:
            assert part == 0


@given(totals, exact_weights)
def test_deterministic(total: int, weights: list[int | Decimal | Fraction]) -> None:
    assert allocate(total, weights) == allocate(total, list(weights))


@given(totals, int_weights, st.integers(min_value=1, max_value=1_000))
def test_only_the_proportions_matter(total: int, weights: list[int], factor: int) -> None:
    scaled: list[int | Decimal | Fraction] = [w * factor for w in weights]
    as_fractions: list[int | Decimal | Fraction] = [Fraction(w, factor) for w in weights]
    expected = allocate(total, list(weights))
    assert allocate(total, scaled) == expected
    assert allocate(total, as_fractions) == expected


@given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=1, max_value=30))
def test_equal_weights_differ_by_at_most_one_largest_first(total: int, count: int) -> None:
    parts = allocate(total, [1] * count)
    assert max(parts) - min(parts) <= 1
    assert parts == sorted(parts, reverse=True)


@given(totals, st.integers(min_value=1, max_value=1_000), st.integers(min_value=1, max_value=30))
def test_equal_weights_take_a_shortcut_to_the_same_parts(
    total: int, weight: int, count: int
) -> None:
    # Equal int weights skip the general method; equal Fractions go through it.
    general: list[int | Decimal | Fraction] = [Fraction(weight)] * count
    assert allocate(total, [weight] * count) == allocate(total, general)


# --- errors ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("weights", "loc", "reason"),
    [
        ([], ("weights",), "must not be empty"),
        ([0, 0], ("weights",), "at least one weight must be greater than zero"),
        ([1, -1, 2], ("weights", 1), "must not be negative"),
        ([Decimal(1), Decimal("NaN")], ("weights", 1), "must be a finite number"),
        ([Decimal("Infinity")], ("weights", 0), "must be a finite number"),
        ([Fraction(-1, 2), 1], ("weights", 0), "must not be negative"),
    ],
)
def test_refusals(weights: list[int | Decimal | Fraction], loc: tuple[object], reason: str) -> None:
    with pytest.raises(ValidationError) as excinfo:
        allocate(100, weights)
    (error,) = excinfo.value.errors
    assert error.loc == loc
    assert reason in error.msg


def test_refusals_are_located_at_the_given_field() -> None:
    with pytest.raises(ValidationError) as excinfo:
        allocate(100, [1, -1], field="shares")
    assert excinfo.value.errors[0].loc == ("shares", 1)
    with pytest.raises(ValidationError) as excinfo:
        allocate(100, [0], field=("split", "entries"))
    assert excinfo.value.errors[0].loc == ("split", "entries")
    with pytest.raises(ValidationError) as excinfo:
        allocate(100, [1, -1], field=("split", "entries"))
    assert excinfo.value.errors[0].loc == ("split", "entries", 1)


@pytest.mark.parametrize(
    ("total", "weights"),
    [(100, [0.5, 0.5]), (100, [True, 1]), (100.0, [1, 1]), (True, [1]), (100, ["1"])],
)
def test_floats_and_other_non_exact_values_are_programming_errors(
    total: object, weights: list[object]
) -> None:
    with pytest.raises(TypeError):
        allocate(total, weights)  # type: ignore[arg-type]
