"""The import's fast paths say what the full paths say, or leave the row to them.

A bulk import reads the common row through shortcuts — :class:`pennywise_core.splits.
FastCompute` instead of the input schemas and :func:`~pennywise_core.splits.compute`, a
reader of plain Pennywise CSV rows instead of the cell-by-cell one. Each either returns
exactly what the full path returns or returns None (and the full path decides, with its
errors): checked here on generated inputs, valid and not.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import pydantic
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pennywise_core.errors import ValidationError
from pennywise_core.imports._common import ImportOptions, KeyMaker, ParseContext, Record
from pennywise_core.imports.pennywise import CSV_COLUMNS, PennywiseCsvParser, _fast_rows
from pennywise_core.models import SplitMode, TransactionKind
from pennywise_core.money import get_currency
from pennywise_core.schemas import PayerIn, SplitEntryIn, SplitIn
from pennywise_core.splits import FastCompute, compute

MEMBERS = [uuid.UUID(int=i + 1) for i in range(5)]
ID_TEXT = [str(m) for m in MEMBERS]
FIELD = {
    SplitMode.SHARES: "shares",
    SplitMode.PERCENT: "percent",
    SplitMode.EXACT: "amount",
    SplitMode.ADJUSTMENT: "amount",
}
NUMBERS = [
    "0", "1", "2", "3", "10", "33", "40", "50", "60", "100", "007", "1.5", "0.5", "2.50",
    "33.333333", "33.3333333", "1.0000000", "1000000000", "1000000001", "12.34", "12.345",
    "0.01", "0.00", " 3", "3 ", "1_0", "1e2", "-1", "+1", "abc", "", "1.", ".5", "NaN",
    "99999999999999999", "١٢",
]  # fmt: skip


def full_path(
    kind: TransactionKind,
    amount: int,
    code: str,
    paid_by: list[tuple[int, str | None]],
    mode: SplitMode,
    split: list[tuple[int, str | None]],
) -> tuple[list[tuple[int, int, int]], str] | None:
    """What the engine's full path computes: the entries and the params' JSON, or None
    for a row it refuses."""
    field = FIELD.get(mode)
    try:
        payers = [PayerIn(member_id=MEMBERS[m], amount=a) for m, a in paid_by]
        entries = []
        for m, value in split:
            if value is not None and mode is SplitMode.EQUAL:
                return None  # "an equal split takes no values"
            extra = {field: value} if field and value is not None else {}
            entries.append(SplitEntryIn.model_validate({"member_id": MEMBERS[m], **extra}))
        computed = compute(
            kind=kind,
            amount=amount,
            currency=get_currency(code),
            paid_by=payers,
            split=SplitIn(mode=mode, entries=entries),
            members=[MEMBERS[m] for m, _ in paid_by] + [MEMBERS[m] for m, _ in split],
        )
    except (ValidationError, pydantic.ValidationError):
        return None
    index = {m: i for i, m in enumerate(MEMBERS)}
    return (
        [(index[e.member_id], e.paid, e.owed) for e in computed.entries],
        json.dumps(computed.params, ensure_ascii=False, separators=(",", ":")),
    )


@st.composite
def rows(draw: Any) -> tuple[Any, ...]:
    kind = draw(st.sampled_from(list(TransactionKind)))
    mode = draw(st.sampled_from(list(SplitMode)))
    code = draw(st.sampled_from(["EUR", "JPY", "BHD"]))
    amount = draw(st.one_of(st.integers(1, 100_000), st.sampled_from([0, 1, 2, 3, 10**15])))
    member = st.integers(0, len(MEMBERS) - 1)
    value = st.one_of(st.none(), st.sampled_from(NUMBERS))
    paid_by = draw(st.lists(st.tuples(member, value), min_size=0, max_size=3))
    if draw(st.booleans()) and paid_by:  # often: a single payer of everything
        paid_by = [(paid_by[0][0], None)]
    split = draw(st.lists(st.tuples(member, value), min_size=0, max_size=4))
    if mode is SplitMode.EXACT and split and draw(st.booleans()):
        # often: amounts that add up
        exponent = get_currency(code).exponent
        parts = [amount // len(split)] * len(split)
        parts[0] += amount - sum(parts)
        split = [
            (m, str(v) if not exponent else f"{v // 10**exponent}.{v % 10**exponent:0{exponent}d}")
            for (m, _), v in zip(split, parts, strict=True)
        ]
    if mode is SplitMode.EQUAL and draw(st.booleans()):
        split = [(m, None) for m, _ in split]
    return kind, amount, code, paid_by, mode, split


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows())
def test_fast_compute_agrees_with_compute(row: tuple[Any, ...]) -> None:
    kind, amount, code, paid_by, mode, split = row
    fast = FastCompute(ID_TEXT)(kind, amount, get_currency(code), paid_by, mode, split)
    expected = full_path(kind, amount, code, paid_by, mode, split)
    if fast is not None:
        assert fast == expected
        # and again, from the cache of splits
        again = FastCompute(ID_TEXT)
        again(kind, amount, get_currency(code), paid_by, mode, split)
        assert again(kind, amount, get_currency(code), paid_by, mode, split) == expected


@pytest.mark.parametrize(
    ("kind", "amount", "paid_by", "mode", "split"),
    [
        (TransactionKind.EXPENSE, 10000, [(0, None)], SplitMode.EQUAL, [(0, None), (1, None)]),
        (TransactionKind.EXPENSE, 10001, [(0, None)], SplitMode.EQUAL, [(1, None), (2, None)]),
        (TransactionKind.INCOME, 9000, [(0, None)], SplitMode.EQUAL, [(0, None), (1, None)]),
        (TransactionKind.TRANSFER, 2000, [(0, None)], SplitMode.EQUAL, [(1, None)]),
        (TransactionKind.EXPENSE, 999, [(0, None)], SplitMode.SHARES, [(0, "2"), (1, "1.5")]),
        (TransactionKind.EXPENSE, 999, [(0, None)], SplitMode.PERCENT, [(0, "60"), (1, "40")]),
        (TransactionKind.EXPENSE, 1000, [(0, None)], SplitMode.EXACT, [(0, "4"), (1, "6.00")]),
        (TransactionKind.EXPENSE, 1000, [(2, None)], SplitMode.ADJUSTMENT, [(0, "1"), (1, None)]),
        (
            TransactionKind.EXPENSE,
            1000,
            [(0, "4.00"), (1, "6")],
            SplitMode.EQUAL,
            [(0, None), (1, None), (2, None)],
        ),
    ],
)
def test_the_common_rows_take_the_fast_path(
    kind: TransactionKind,
    amount: int,
    paid_by: list[tuple[int, str | None]],
    mode: SplitMode,
    split: list[tuple[int, str | None]],
) -> None:
    fast = FastCompute(ID_TEXT)(kind, amount, get_currency("EUR"), paid_by, mode, split)
    assert fast is not None
    assert fast == full_path(kind, amount, "EUR", paid_by, mode, split)


# --- the Pennywise CSV reader ---------------------------------------------------------------

CELLS: dict[str, list[str]] = {
    "date": ["2024-01-31", "2024-02-29", " 2024-01-31", "2024-1-31", "2023-02-29", "20240131",
             "2024-W05-3", ""],
    "description": ["Coffee", " Coffee ", "", "   ", "x" * 200, "y" * 201, "Café ☕", "=1+1"],
    "category": ["", "food", "  food  ", "c" * 60, "   "],
    "kind": ["", "expense", "income", "transfer", "Expense", " income", "gift"],
    "amount": ["12.34", "1", "0", "0.00", "12,34", " 5.5 ", "1.005", "-3", "abc", "007.50"],
    "currency": ["", "EUR", "JPY", "eur", " USD", "XAU", "ZZZ"],
    "paid_by": ["Ann", " Ann ", "Ann; Bob", "Ann=6.00; Bob=6.34", "", ";", "A" * 101,
                "Ann\\;Jr", "Ann=", "=5"],
    "split_mode": ["", "equal", "shares", "percent", "exact", "adjustment", "Shares", "x"],
    "split": ["Ann; Bob", "Ann", "Ann=1; Bob=2", "Ann=60; Bob=40", "", "; ;", "Ann; ann",
              "B" * 101, "Ann\\=x=1", " Bob ; Ann "],
    "notes": ["", "note", "   ", "n" * 5001, "a\nb"],
}  # fmt: skip


@settings(max_examples=3000, deadline=None)
@given(st.fixed_dictionaries({name: st.sampled_from(values) for name, values in CELLS.items()}))
def test_the_fast_csv_reader_agrees_with_the_full_one(cells: dict[str, str]) -> None:
    row = [cells[name] for name in CSV_COLUMNS]
    index = {name: i for i, name in enumerate(CSV_COLUMNS)}
    parser = PennywiseCsvParser(
        ParseContext(group_currency="EUR", currency=None, warn=lambda _: None), ImportOptions()
    )
    fast = _fast_rows(index, KeyMaker("pennywise-csv"), "EUR")(7, list(row))
    full = parser._row(
        7,
        list(row),
        lambda r, name: r[index[name]],
        KeyMaker("pennywise-csv"),
        "EUR",
    )
    if fast is not None:
        assert isinstance(full, Record)
        assert fast == full


def test_the_fast_csv_reader_reads_the_plain_row() -> None:
    row = ["2024-01-31", "Coffee", "food", "expense", "12.34", "EUR", "Ann", "equal",
           "Ann; Bob", ""]  # fmt: skip
    index = {name: i for i, name in enumerate(CSV_COLUMNS)}
    record = _fast_rows(index, KeyMaker("pennywise-csv"), "EUR")(2, row)
    assert record is not None
    assert (record.amount, record.paid_by, record.split) == (
        1234,
        [("Ann", None)],
        [("Ann", None), ("Bob", None)],
    )
