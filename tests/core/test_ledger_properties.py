"""Properties of the whole ledger, on a real database.

The stateful test drives random sequences of create / edit / delete / restore / settle
through the services and checks after every step, against a plain-Python model of the
ledger, that the stored balances are exactly Σpaid − Σowed over the live transactions, that
they sum to zero per currency, and that ``verify`` finds no drift.
"""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pennywise_core.models import SplitMode, TransactionKind
from pennywise_core.money import get_currency, parse_amount
from pennywise_core.schemas import (
    PayerIn,
    SplitEntryIn,
    SplitIn,
    TransactionCreate,
    TransactionRead,
    TransactionUpdate,
)
from pennywise_core.services import balances, settle_up, transactions
from pennywise_core.splits import compute
from pennywise_core.vocabulary import ENTERED_KINDS
from tests.ledger import make_world

NAMES = ["Ann", "Bob", "Carol", "Dan"]
CURRENCIES = ["EUR", "JPY", "BHD"]


def amounts(currency: str) -> st.SearchStrategy[str]:
    exponent = get_currency(currency).exponent
    return st.integers(1, 10**7).map(
        lambda minor: str(Decimal(minor).scaleb(-exponent)) if exponent else str(minor)
    )


@st.composite
def splits(draw: st.DrawFn, member_ids: list[uuid.UUID], currency: str, amount: str) -> SplitIn:
    chosen = draw(st.lists(st.sampled_from(member_ids), min_size=1, max_size=4, unique=True))
    mode = draw(st.sampled_from([SplitMode.EQUAL, SplitMode.SHARES, SplitMode.EXACT]))
    if mode is SplitMode.EQUAL:
        return SplitIn(entries=[SplitEntryIn(member_id=m) for m in chosen])
    if mode is SplitMode.SHARES:
        return SplitIn(
            mode=mode,
            entries=[
                SplitEntryIn(member_id=m, shares=str(draw(st.integers(1, 5)))) for m in chosen
            ],
        )
    # exact: put everything on the first chosen member, the rest owe nothing
    return SplitIn(
        mode=mode,
        entries=[SplitEntryIn(member_id=chosen[0], amount=amount)]
        + [SplitEntryIn(member_id=m, amount="0") for m in chosen[1:]],
    )


def model_balances(live: dict[uuid.UUID, TransactionRead]) -> dict[tuple[uuid.UUID, str], int]:
    """The ledger's rule, computed from the entries the service returned."""
    totals: Counter[tuple[uuid.UUID, str]] = Counter()
    for tx in live.values():
        for e in tx.entries:
            totals[(e.member_id, tx.currency)] += parse_amount(e.paid, tx.currency) - parse_amount(
                e.owed, tx.currency
            )
    return {k: v for k, v in totals.items() if v}


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
async def test_balances_follow_every_sequence_of_writes(session, data: st.DataObject) -> None:
    # A fresh group per example: examples share the test's session but never its data.
    # Ids are random, so draws pick by position (insertion order), never by sorted id.
    world = await make_world(session, *NAMES[1:])
    ids = [world.member_ids[n] for n in NAMES]
    live: dict[uuid.UUID, TransactionRead] = {}
    deleted: dict[uuid.UUID, TransactionRead] = {}

    for _ in range(data.draw(st.integers(1, 12), label="steps")):
        action = data.draw(
            st.sampled_from(["create", "create", "edit", "delete", "restore", "settle"])
        )
        if action == "create" or (action in ("edit", "delete") and not live):
            currency = data.draw(st.sampled_from(CURRENCIES))
            amount = data.draw(amounts(currency))
            kind = data.draw(st.sampled_from(ENTERED_KINDS))
            payer = data.draw(st.sampled_from(ids))
            if kind is TransactionKind.TRANSFER:
                recipient = data.draw(st.sampled_from([m for m in ids if m != payer]))
                split = SplitIn(entries=[SplitEntryIn(member_id=recipient)])
            else:
                split = data.draw(splits(ids, currency, amount))
            tx = await transactions.create(
                session,
                world.owner,
                TransactionCreate(
                    group_id=world.group_id,
                    kind=kind,
                    description="t",
                    amount=amount,
                    currency=currency,
                    paid_by=[PayerIn(member_id=payer)],
                    split=split,
                ),
            )
            live[tx.id] = tx
        elif action == "edit":
            tx_id = data.draw(st.sampled_from(list(live)))
            old = live[tx_id]
            currency = data.draw(st.sampled_from(CURRENCIES))
            amount = data.draw(amounts(currency))
            update = TransactionUpdate(amount=amount, currency=currency)
            if old.kind is not TransactionKind.TRANSFER:
                update = TransactionUpdate(
                    amount=amount, currency=currency, split=data.draw(splits(ids, currency, amount))
                )
            live[tx_id] = await transactions.update(
                session, world.owner, tx_id, update, expected_version=old.version
            )
        elif action == "delete":
            tx_id = data.draw(st.sampled_from(list(live)))
            deleted[tx_id] = await transactions.delete(session, world.owner, tx_id)
            del live[tx_id]
        elif action == "restore" and deleted:
            tx_id = data.draw(st.sampled_from(list(deleted)))
            live[tx_id] = await transactions.restore(session, world.owner, tx_id)
            del deleted[tx_id]
        elif action == "settle":
            for tx in await settle_up.record(session, world.owner, world.group_id):
                live[tx.id] = tx

        stored = {
            (m, c): v
            for c, per_member in (await balances.amounts(session, world.group_id)).items()
            for m, v in per_member.items()
        }
        assert stored == model_balances(live)
        per_currency: defaultdict[str, int] = defaultdict(int)
        for (_, currency), value in stored.items():
            per_currency[currency] += value
        assert all(total == 0 for total in per_currency.values()), per_currency
        assert (await balances.verify(session, world.owner, world.group_id)).ok

    await settle_up.record(session, world.owner, world.group_id)
    assert await balances.amounts(session, world.group_id) == {}


@given(
    currency=st.sampled_from(CURRENCIES),
    minor=st.integers(1, 10**12),
    kind=st.sampled_from(list(TransactionKind)),
    mode=st.sampled_from(list(SplitMode)),
    weights=st.lists(st.integers(0, 1000), min_size=1, max_size=6),
    payers=st.integers(1, 3),
)
def test_entries_add_up_to_the_amount_in_every_split_mode(
    currency: str,
    minor: int,
    kind: TransactionKind,
    mode: SplitMode,
    weights: list[int],
    payers: int,
) -> None:
    """Σpaid = Σowed = amount, whatever the split mode, kind or number of payers."""
    cur = get_currency(currency)
    members = [uuid.uuid4() for _ in range(6)]
    fmt = lambda v: str(Decimal(v).scaleb(-cur.exponent))  # noqa: E731
    if kind is TransactionKind.TRANSFER:
        paid_by = [PayerIn(member_id=members[0])]
        split = SplitIn(entries=[SplitEntryIn(member_id=members[1])])
    else:
        payers = min(payers, minor)
        cuts = [minor // payers] * payers
        cuts[0] += minor - sum(cuts)
        paid_by = [PayerIn(member_id=members[i], amount=fmt(c)) for i, c in enumerate(cuts)]
        chosen = members[: len(weights)]
        if sum(weights) == 0:
            weights[0] = 1
        if mode is SplitMode.EQUAL:
            entries = [SplitEntryIn(member_id=m) for m in chosen]
        elif mode is SplitMode.SHARES:
            entries = [
                SplitEntryIn(member_id=m, shares=str(w))
                for m, w in zip(chosen, weights, strict=True)
            ]
        elif mode is SplitMode.PERCENT:
            # Turn the weights into percentages with two decimals that add up to exactly 100.
            total = sum(weights)
            basis = [w * 10000 // total for w in weights]
            basis[0] += 10000 - sum(basis)
            entries = [
                SplitEntryIn(member_id=m, percent=str(Decimal(b).scaleb(-2)))
                for m, b in zip(chosen, basis, strict=True)
            ]
        else:  # EXACT and ADJUSTMENT: amounts proportional to the weights, in minor units
            total = sum(weights)
            parts = [minor * w // total for w in weights]
            if mode is SplitMode.EXACT:
                parts[0] += minor - sum(parts)
            else:
                parts = [p // 2 for p in parts]  # extras leave a rest to share equally
            entries = [
                SplitEntryIn(member_id=m, amount=fmt(p)) for m, p in zip(chosen, parts, strict=True)
            ]
        split = SplitIn(mode=mode, entries=entries)
    computed = compute(
        kind=kind, amount=minor, currency=cur, paid_by=paid_by, split=split, members=members
    )
    assert sum(e.paid for e in computed.entries) == minor
    assert sum(e.owed for e in computed.entries) == minor
    assert all(e.paid >= 0 and e.owed >= 0 for e in computed.entries)
