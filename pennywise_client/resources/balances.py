"""``pw.balances``: what each member of a group is owed or owes."""

from __future__ import annotations

from pennywise_client._generated.api.balances import balances_list, balances_verify
from pennywise_client._generated.models import BalanceRead, VerifyReport
from pennywise_client._resource import Call, Id, _async, _AsyncResource, _id, _or, _Resource, _sync


class BalanceCalls:
    @staticmethod
    def get(group_id: Id, *, currency: str | None = None) -> Call[list[BalanceRead]]:
        """Every member's balance per currency; positive: the group owes them."""
        return Call(balances_list, {"group_id": _id(group_id), "currency": _or(currency)})

    @staticmethod
    def verify(group_id: Id) -> Call[VerifyReport]:
        """Recompute the balances from the transactions and report any drift."""
        return Call(balances_verify, {"group_id": _id(group_id)})


class Balances(_Resource):
    get = _sync(BalanceCalls.get)
    verify = _sync(BalanceCalls.verify)


class AsyncBalances(_AsyncResource):
    get = _async(BalanceCalls.get)
    verify = _async(BalanceCalls.verify)
