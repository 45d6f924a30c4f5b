"""Settle-up suggestions: who pays whom, so that every balance in a currency becomes zero.

Pure arithmetic on integer minor units of one currency; no database, no I/O. A balance
above zero means the group owes that member (a *creditor*); below zero, the member owes the
group (a *debtor*). A group's balances always sum to zero.

Why the fewest transfers is a partition problem: draw the transfers of any settlement as
edges between members. Each connected piece of that graph is a set of members whose
balances sum to zero, and a connected graph on k members has at least k - 1 edges. So a
settlement that cuts the members into b zero-sum blocks needs at least n - b transfers, and
n - b is also enough, because any zero-sum block of k members can be settled in k - 1
transfers (see :func:`greedy_transfers`). The fewest transfers is therefore
n - (the largest number of disjoint zero-sum blocks that partition the non-zero balances).
Finding that partition contains subset sum, so it is NP-hard: :func:`minimal_transfers`
solves it exactly for small groups and falls back to a heuristic above ``exact_limit``.

Keys (``K``) are any hashable member identifiers, member UUIDs in practice. Outputs are
deterministic for a given input: ties are always broken by the members' positions in the
input mapping, never by comparing keys or by hashing.
"""

from __future__ import annotations

import heapq
from bisect import bisect_right
from collections import defaultdict, deque
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final, Generic, TypeVar

from pennywise_core.errors import ValidationError

__all__ = [
    "DEFAULT_EXACT_LIMIT",
    "MAX_EXACT_LIMIT",
    "Settlement",
    "Transfer",
    "greedy_transfers",
    "minimal_transfers",
]

K = TypeVar("K", bound=Hashable)

DEFAULT_EXACT_LIMIT: Final = 20
"""Largest number of balances solved exactly by default: a few tens of milliseconds."""

MAX_EXACT_LIMIT: Final = 24
"""Hard ceiling for ``exact_limit``. The exact search holds about n + n/3 bitsets of 2**n
bits: at n = 24 that is some 70 MB and 0.3 s, and every further member doubles both."""

# The triple search in the heuristic looks at every pair of members, so its cost grows with
# the square of the group; above this many balances it is skipped (plain greedy is used).
_TRIPLE_SEARCH_LIMIT: Final = 1_000


@dataclass(frozen=True, slots=True)
class Transfer(Generic[K]):
    """One suggested payment: ``debtor`` pays ``amount`` minor units to ``creditor``."""

    debtor: K
    creditor: K
    amount: int

    def __post_init__(self) -> None:
        if self.amount <= 0:
            raise ValueError(f"a transfer amount must be positive, not {self.amount}")
        if self.debtor == self.creditor:
            raise ValueError("a member cannot pay themselves")


@dataclass(frozen=True, slots=True)
class Settlement(Generic[K]):
    """The suggested transfers, and whether their number is proven to be the fewest."""

    transfers: list[Transfer[K]]
    proven_minimal: bool


@dataclass(frozen=True, slots=True)
class _Balance(Generic[K]):
    """A non-zero balance and the member's position in the input (the tie-breaker)."""

    position: int
    key: K
    amount: int


def greedy_transfers(balances: Mapping[K, int]) -> list[Transfer[K]]:
    """Settle by repeatedly letting the largest debtor pay the largest creditor.

    Every transfer is the smaller of the two amounts, so it brings at least one of the two
    to zero, and the last one brings both: at most n - 1 transfers for n non-zero
    balances, and exactly k - 1 for a group with no zero-sum proper subgroup. Fast
    (O(n log n)) but not minimal in general; see :func:`minimal_transfers`.

    Zero balances are ignored. Raises :class:`ValidationError` if the balances do not sum
    to zero. The transfers are listed largest first (ties in input order).
    """
    members = _non_zero_balances(balances)
    return _in_display_order(_greedy(members), members)


def minimal_transfers(
    balances: Mapping[K, int], *, exact_limit: int = DEFAULT_EXACT_LIMIT
) -> Settlement[K]:
    """Suggest the fewest transfers that bring every balance to zero.

    Steps:

    1. Exact opposites (+x and -x) are paired off: one transfer each. This never costs
       optimality: in an optimal partition, if x and -x sit in different blocks, swapping
       them into a block of their own and merging the two remainders keeps the number of
       blocks, and if they share a larger block, splitting it off would add a block.
    2. If at most ``exact_limit`` non-zero balances remain, an exact search finds the
       largest partition into zero-sum blocks (see :func:`_max_zero_sum_partition`); the
       result has ``proven_minimal=True``. Because the limit is applied *after* step 1, a
       larger group can still be solved exactly when it has exact opposites.
    3. Otherwise a heuristic (zero-sum triples, then the exact search on what is left if it
       has become small enough, else one block) is compared with plain greedy and the
       one with fewer transfers is returned, so it is never worse than greedy;
       ``proven_minimal=False``.

    Each zero-sum block of k members is settled with the greedy rule in k - 1 transfers.
    The transfers are listed largest first (ties in input order); every amount is
    positive; applying them zeroes every balance. Zero balances are ignored.

    Raises :class:`ValidationError` if the balances do not sum to zero, and
    :class:`ValueError` if ``exact_limit`` is not between 0 and :data:`MAX_EXACT_LIMIT`.
    """
    if not 0 <= exact_limit <= MAX_EXACT_LIMIT:
        raise ValueError(f"exact_limit must be between 0 and {MAX_EXACT_LIMIT}")
    members = _non_zero_balances(balances)
    pairs, rest = _pair_off_opposites(members)
    paired = [Transfer(debtor.key, creditor.key, creditor.amount) for creditor, debtor in pairs]

    if len(rest) <= exact_limit:
        blocks = _max_zero_sum_partition([member.amount for member in rest])
        transfers = paired + _settle_blocks(rest, blocks)
        return Settlement(_in_display_order(transfers, members), proven_minimal=True)

    triples, leftover = _take_zero_sum_triples(rest)
    if len(leftover) <= exact_limit:
        blocks = _max_zero_sum_partition([member.amount for member in leftover])
    else:
        blocks = [list(range(len(leftover)))]
    heuristic = paired + _settle_blocks(rest, triples) + _settle_blocks(leftover, blocks)
    greedy = _greedy(members)
    best = heuristic if len(heuristic) <= len(greedy) else greedy
    return Settlement(_in_display_order(best, members), proven_minimal=False)


def _non_zero_balances(balances: Mapping[K, int]) -> list[_Balance[K]]:
    """Check the balances and return the non-zero ones with their input positions."""
    members: list[_Balance[K]] = []
    total = 0
    for position, (key, amount) in enumerate(balances.items()):
        if isinstance(amount, bool) or not isinstance(amount, int):
            raise TypeError(f"a balance must be an int, not {type(amount).__name__}")
        total += amount
        if amount:
            members.append(_Balance(position, key, amount))
    if total:
        raise ValidationError.at("balances", f"must sum to zero, but they sum to {total}")
    return members


def _greedy(members: Sequence[_Balance[K]]) -> list[Transfer[K]]:
    """Largest debtor pays largest creditor, repeatedly. ``members`` must sum to zero."""
    # Both heaps hold (-remaining size, position): heapq pops the smallest tuple, so the
    # largest creditor (debtor) comes first and, on equal sizes, the earlier member. A
    # debtor's balance is already its negated size. Keys are looked up by position so that
    # they never need to be comparable.
    keys = {member.position: member.key for member in members}
    creditors = [(-m.amount, m.position) for m in members if m.amount > 0]
    debtors = [(m.amount, m.position) for m in members if m.amount < 0]
    heapq.heapify(creditors)
    heapq.heapify(debtors)
    transfers: list[Transfer[K]] = []
    while creditors:
        minus_credit, creditor = heapq.heappop(creditors)
        minus_debt, debtor = heapq.heappop(debtors)
        amount = min(-minus_credit, -minus_debt)
        transfers.append(Transfer(keys[debtor], keys[creditor], amount))
        if -minus_credit > amount:
            heapq.heappush(creditors, (minus_credit + amount, creditor))
        if -minus_debt > amount:
            heapq.heappush(debtors, (minus_debt + amount, debtor))
    return transfers


def _settle_blocks(
    members: Sequence[_Balance[K]], blocks: Iterable[Sequence[int]]
) -> list[Transfer[K]]:
    """Settle each zero-sum block (indices into ``members``) on its own with greedy."""
    transfers: list[Transfer[K]] = []
    for block in blocks:
        transfers += _greedy([members[index] for index in block])
    return transfers


def _in_display_order(
    transfers: list[Transfer[K]], members: Sequence[_Balance[K]]
) -> list[Transfer[K]]:
    """Largest amount first; equal amounts by the debtor's, then the creditor's, position."""
    position = {member.key: member.position for member in members}
    return sorted(transfers, key=lambda t: (-t.amount, position[t.debtor], position[t.creditor]))


def _pair_off_opposites(
    members: Sequence[_Balance[K]],
) -> tuple[list[tuple[_Balance[K], _Balance[K]]], list[_Balance[K]]]:
    """Match each creditor of +x with a debtor of -x, in input order on both sides.

    Returns the (creditor, debtor) pairs and the members left unmatched, in input order.
    """
    debtors_owing: defaultdict[int, deque[_Balance[K]]] = defaultdict(deque)
    for member in members:
        if member.amount < 0:
            debtors_owing[-member.amount].append(member)
    pairs: list[tuple[_Balance[K], _Balance[K]]] = []
    for member in members:
        if member.amount > 0 and debtors_owing[member.amount]:
            pairs.append((member, debtors_owing[member.amount].popleft()))
    matched = {m.position for pair in pairs for m in pair}
    return pairs, [m for m in members if m.position not in matched]


def _take_zero_sum_triples(
    members: Sequence[_Balance[K]],
) -> tuple[list[list[int]], list[_Balance[K]]]:
    """Greedily take disjoint triples of members whose balances sum to zero.

    Once exact opposites are paired off, three is the smallest possible block, and small
    blocks are what save transfers. The first triple found (in input order) is taken, which
    is not always optimal: this is the heuristic part. Returns the triples (indices into
    ``members``) and the members left over, in input order.
    """
    if len(members) > _TRIPLE_SEARCH_LIMIT:
        return [], list(members)
    # For each amount, the indices of the free members that have it, in increasing order.
    free_with_amount: defaultdict[int, list[int]] = defaultdict(list)
    for index, member in enumerate(members):
        free_with_amount[member.amount].append(index)
    taken = [False] * len(members)
    triples: list[list[int]] = []
    for first in range(len(members)):
        if taken[first]:
            continue
        for second in range(first + 1, len(members)):
            if taken[second]:
                continue
            # Look for the third member after `second`, so each triple is seen only once.
            wanted = -(members[first].amount + members[second].amount)
            candidates = free_with_amount.get(wanted, [])
            at = bisect_right(candidates, second)
            if at < len(candidates):
                triple = [first, second, candidates[at]]
                for index in triple:
                    taken[index] = True
                    free_with_amount[members[index].amount].remove(index)
                triples.append(triple)
                break
    return triples, [member for index, member in enumerate(members) if not taken[index]]


def _max_zero_sum_partition(amounts: Sequence[int]) -> list[list[int]]:
    """Cut ``amounts`` (summing to zero) into the largest number of zero-sum blocks.

    Returns the blocks as lists of indices into ``amounts``. Exact; the cost grows as
    2**n, so callers keep n at or below :data:`MAX_EXACT_LIMIT` (about 10 ms at n = 20).

    The method is a dynamic programme over all 2**n subsets, run bit-parallel:

    * A *set* of members is a bitmask: bit i stands for ``amounts[i]``.
    * A *family* of sets is a Python int used as a bitset over the 2**n possible sets:
      bit S of the family is 1 when set S belongs to it. At n = 20 a family is a
      128 KiB integer, and Python runs ``&``, ``|`` and ``<<`` over it in C in tens of
      microseconds, so every step below handles all million sets at once.
    * ``chains[k - 1]`` is the family of zero-sum sets that can be cut into k non-empty
      zero-sum blocks. Equivalently, S is the top of a chain S1 ⊊ S2 ⊊ ... ⊊ Sk = S of
      non-empty zero-sum sets: the blocks are the differences between consecutive sets,
      and the difference of two nested zero-sum sets sums to zero. Hence
      ``chains[0]`` = the non-empty zero-sum sets, and ``chains[k]`` = the zero-sum sets
      that strictly contain a member of ``chains[k - 1]``.
    * The answer is the largest k whose family is not empty, and the whole set belongs to
      it (a zero-sum set other than the whole can add the zero-sum rest as one more block).
      The blocks are then recovered by walking back down the chain.

    The number of levels is at most n / 3 (after opposites are paired off, a block has at
    least three members), each costing about 4n big-integer operations.
    """
    n = len(amounts)
    if n == 0:
        return []
    zero_sum = _zero_sum_family(amounts)
    without = _without_element_families(n)
    chains = [zero_sum]
    while True:
        longer = _strict_supersets(chains[-1], without) & zero_sum
        if not longer:
            break
        chains.append(longer)

    # Walk down from the whole set: at each level, pick a set one block shorter strictly
    # inside the current one; the difference is a block. Among the candidates we take the
    # one with the lowest bitmask, only so that the answer is deterministic.
    blocks: list[int] = []
    current = (1 << n) - 1
    for shorter in reversed(chains[:-1]):
        inside = shorter & _subsets_of(current, without) & ~(1 << current)
        lowest = (inside & -inside).bit_length() - 1
        blocks.append(current & ~lowest)
        current = lowest
    blocks.append(current)
    return [[index for index in range(n) if block >> index & 1] for block in blocks]


def _zero_sum_family(amounts: Sequence[int]) -> int:
    """The family (see :func:`_max_zero_sum_partition`) of non-empty zero-sum subsets.

    Meet in the middle: the subset sums of the low and the high half of ``amounts`` are
    listed separately (2 * 2**(n/2) sums, not 2**n). For each subset H of the high half,
    the low subsets L with sum(L) = -sum(H) complete it to a zero-sum set H | L, whose
    position in the family is H * 2**low + L. So the family is the concatenation, for H in
    increasing order, of one low-half bitset per H, written here as bytes and joined.
    """
    n = len(amounts)
    # The low half needs at least 8 masks (3 elements) so that each piece is whole bytes;
    # with fewer than 3 amounts, the low half is everything and there is a single piece.
    low = min(n, max(3, (n + 1) // 2))
    piece_bytes = max(1, (1 << low) // 8)
    low_subsets_by_sum: defaultdict[int, int] = defaultdict(int)
    for mask, total in enumerate(_subset_sums(amounts[:low])):
        low_subsets_by_sum[total] |= 1 << mask
    pieces = [
        low_subsets_by_sum.get(-total, 0).to_bytes(piece_bytes, "little")
        for total in _subset_sums(amounts[low:])
    ]
    family = int.from_bytes(b"".join(pieces), "little")
    return family & ~1  # the empty set sums to zero but is not a block


def _subset_sums(amounts: Sequence[int]) -> list[int]:
    """``sums[mask]`` = the sum of the amounts whose bits are set in ``mask``."""
    sums = [0]
    for amount in amounts:
        # The masks that include this amount are the previous ones plus its bit.
        sums += [total + amount for total in sums]
    return sums


def _without_element_families(n: int) -> list[int]:
    """``without[i]`` = the family of all sets that do not contain element i.

    Counting masks 0, 1, 2, ... bit i is 0 for 2**i masks, then 1 for 2**i masks, and so
    on, so the family is a run of 2**i ones and 2**i zeros, repeated; it is built by
    doubling the repeated pattern rather than bit by bit.
    """
    size = 1 << n
    without: list[int] = []
    for i in range(n):
        run = 1 << i
        pattern, width = (1 << run) - 1, 2 * run
        while width < size:
            pattern |= pattern << width
            width *= 2
        without.append(pattern)
    return without


def _strict_supersets(family: int, without: Sequence[int]) -> int:
    """The family of all sets that strictly contain some member of ``family``.

    Shifting a family left by 2**i moves set S to S + 2**i, which is S with element i added
    provided S lacked it: hence the mask ``without[i]`` before each shift.
    """
    grown = 0
    for i, lacks_i in enumerate(without):  # add exactly one element ...
        grown |= (family & lacks_i) << (1 << i)
    for i, lacks_i in enumerate(without):  # ... then any number more
        grown |= (grown & lacks_i) << (1 << i)
    return grown


def _subsets_of(mask: int, without: Sequence[int]) -> int:
    """The family of all subsets of ``mask``: the sets lacking every element outside it."""
    family = (1 << (1 << len(without))) - 1
    for i, lacks_i in enumerate(without):
        if not mask >> i & 1:
            family &= lacks_i
    return family
