"""``pw.balances``: what each member of a group is owed or owes."""

from __future__ import annotations

from pennywise_client._generated.api.balances import (
    balances_converted,
    balances_list,
    balances_verify,
)
from pennywise_client._generated.models import BalanceRead, ConvertedBalances, VerifyReport
from pennywise_client._generated.types import UNSET
from pennywise_client._resource import (
    Call,
    DateLike,
    Id,
    _async,
    _AsyncResource,
    _date,
    _id,
    _or,
    _Resource,
    _sync,
)


class BalanceCalls:
    @staticmethod
    def get(group_id: Id, *, currency: str | None = None) -> Call[list[BalanceRead]]:
        """Every member's balance per currency; positive: the group owes them."""
        return Call(balances_list, {"group_id": _id(group_id), "currency": _or(currency)})

    @staticmethod
    def converted(
        group_id: Id, in_: str, *, date: DateLike | None = None
    ) -> Call[ConvertedBalances]:
        """Every balance over all currencies in ``in_``, at the rates of ``date`` (default
        today): they sum to exactly zero, and ``rates`` names each rate used."""
        return Call(
            balances_converted,
            {
                "group_id": _id(group_id),
                "in_": in_,
                "date": UNSET if date is None else _date(date),
            },
        )

    @staticmethod
    def verify(group_id: Id) -> Call[VerifyReport]:
        """Recompute the balances from the transactions and report any drift."""
        return Call(balances_verify, {"group_id": _id(group_id)})


class Balances(_Resource):
    get = _sync(BalanceCalls.get)
    converted = _sync(BalanceCalls.converted)
    verify = _sync(BalanceCalls.verify)


class AsyncBalances(_AsyncResource):
    get = _async(BalanceCalls.get)
    converted = _async(BalanceCalls.converted)
    verify = _async(BalanceCalls.verify)
