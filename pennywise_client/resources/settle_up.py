"""``pw.settle_up``: the fewest transfers that settle a group, and recording them."""

from __future__ import annotations

from pennywise_client._generated.api.settle_up import settle_up_record, settle_up_suggest
from pennywise_client._generated.models import SettlementRead, SettleUpRecord, TransactionRead
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


class SettleUpCalls:
    @staticmethod
    def get(
        group_id: Id,
        *,
        currency: str | None = None,
        in_: str | None = None,
        date: DateLike | None = None,
    ) -> Call[SettlementRead]:
        """The fewest transfers that zero every balance, per currency (``proven_minimal``
        says whether that is proven); with ``in_``, of every balance converted to that one
        currency at the rates of ``date`` (``rates`` names them). ``suggest`` is its older
        name."""
        return Call(
            settle_up_suggest,
            {
                "group_id": _id(group_id),
                "currency": _or(currency),
                "in_": _or(in_),
                "date": UNSET if date is None else _date(date),
            },
        )

    suggest = get

    @staticmethod
    def record(
        group_id: Id,
        *,
        currency: str | None = None,
        date: DateLike | None = None,
        in_: str | None = None,
        rates_date: DateLike | None = None,
        idempotency_key: str | None = None,
    ) -> Call[list[TransactionRead]]:
        """Record the current suggestion as transfer transactions. With ``in_``: first a
        conversion (one ``conversion`` transaction per currency) moves every balance into
        that currency at the rates of ``rates_date`` (default ``date``, else today)."""
        body = SettleUpRecord(
            currency=_or(currency),
            date=UNSET if date is None else _date(date),
            in_=_or(in_),
            rates_date=UNSET if rates_date is None else _date(rates_date),
        )
        return Call(
            settle_up_record,
            {"group_id": _id(group_id), "body": body, "idempotency_key": idempotency_key},
        )


class SettleUp(_Resource):
    get = _sync(SettleUpCalls.get)
    suggest = get  # the older name
    record = _sync(SettleUpCalls.record)


class AsyncSettleUp(_AsyncResource):
    get = _async(SettleUpCalls.get)
    suggest = get  # the older name
    record = _async(SettleUpCalls.record)
