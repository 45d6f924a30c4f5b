"""``pw.rates``: a group's own exchange rates (``1 CUR = RATE`` in the group's currency)."""

from __future__ import annotations

from pennywise_client._generated.api.rates import rates_delete, rates_list, rates_set
from pennywise_client._generated.models import RateRead, RateSet
from pennywise_client._generated.types import UNSET
from pennywise_client._resource import (
    Amount,
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
    decimal_string,
)


class RateCalls:
    @staticmethod
    def list(group_id: Id, *, currency: str | None = None) -> Call[list[RateRead]]:
        """The group's rates by currency, newest day first (every member may read them)."""
        return Call(rates_list, {"group_id": _id(group_id), "currency": _or(currency)})

    @staticmethod
    def set(
        group_id: Id, currency: str, rate: Amount, *, valid_from: DateLike | None = None
    ) -> Call[RateRead]:
        """``1 currency = rate`` in the group's currency from ``valid_from`` (default today)
        on; replaces a rate of the same currency and day. Admins and owners. ``rate`` is
        decimal text (or a Decimal): never a float."""
        body = RateSet(
            currency=currency,
            rate=decimal_string(rate, "rate"),
            valid_from=UNSET if valid_from is None else _date(valid_from),
        )
        return Call(rates_set, {"group_id": _id(group_id), "body": body})

    @staticmethod
    def delete(group_id: Id, rate_id: Id) -> Call[None]:
        """Delete a rate; transactions converted with it keep the rate they were booked at."""
        return Call(rates_delete, {"group_id": _id(group_id), "rate_id": _id(rate_id)})


class Rates(_Resource):
    list = _sync(RateCalls.list)
    set = _sync(RateCalls.set)
    delete = _sync(RateCalls.delete)


class AsyncRates(_AsyncResource):
    list = _async(RateCalls.list)
    set = _async(RateCalls.set)
    delete = _async(RateCalls.delete)
