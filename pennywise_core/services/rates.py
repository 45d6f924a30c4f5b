"""A group's exchange rates: set and list them, and find the rate for a currency and day.

A rate reads ``1 CUR = RATE <the group's currency>`` and holds from its ``valid_from`` day
until the next rate of the same currency. :func:`quote` answers with the group's own rate
where one holds on the day, else with the bundled reference rates
(:func:`pennywise_core.rates.reference_rates`), and always says which it used. Every member
reads the rates; admins and owners set and delete them; both are in the activity log.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from decimal import Decimal

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from pennywise_core import rates as rate_rules
from pennywise_core.errors import NotFoundError, ValidationError
from pennywise_core.models import ExchangeRate, Group, Role, User, utctoday
from pennywise_core.money import get_currency
from pennywise_core.rates import RateQuote
from pennywise_core.schemas import RateRead, RateSet, RateUsed
from pennywise_core.services import activity
from pennywise_core.services.access import membership


def to_read(row: ExchangeRate, base: str) -> RateRead:
    return RateRead(
        id=row.id,
        group_id=row.group_id,
        currency=row.currency,
        base=base,
        rate=rate_rules.format_rate(row.rate),
        valid_from=row.valid_from,
        created_by=row.created_by,
        created_at=row.created_at,
    )


def used(quote: RateQuote) -> RateUsed:
    return RateUsed(
        currency=quote.currency,
        base=quote.base,
        rate=rate_rules.format_rate(quote.rate),
        source=quote.source,
        valid_from=quote.valid_from,
    )


def _foreign(code: str, group: Group) -> str:
    currency = get_currency(code).code
    if currency == group.default_currency:
        raise ValidationError.at(
            "currency", f"{currency} is the group's own currency; its rate is always 1"
        )
    return currency


async def set_rate(
    session: AsyncSession, actor: User, group_id: uuid.UUID, data: RateSet
) -> RateRead:
    """Set the group's rate for a currency from a day on (admins and owners); a rate for
    the same currency and day is replaced."""
    found = await membership(session, actor, group_id, min_role=Role.ADMIN, writable=True)
    group = found.group
    currency = _foreign(data.currency, group)
    rate = rate_rules.parse_rate(data.rate)
    valid_from = data.valid_from or utctoday()
    row = await session.scalar(
        select(ExchangeRate).where(
            ExchangeRate.group_id == group_id,
            ExchangeRate.currency == currency,
            ExchangeRate.valid_from == valid_from,
        )
    )
    before = None if row is None else to_read(row, group.default_currency)
    if row is None:
        row = ExchangeRate(
            id=uuid.uuid4(),
            group_id=group_id,
            currency=currency,
            valid_from=valid_from,
            rate=rate,
            created_by=actor.id,
            created_at=dt.datetime.now(dt.UTC),
        )
        session.add(row)
    else:
        row.rate, row.created_by = rate, actor.id
    await session.flush()
    after = to_read(row, group.default_currency)
    activity.record(
        session,
        actor,
        group_id=group_id,
        action="rate.set",
        target_type="rate",
        target_id=row.id,
        before=None if before is None else before.model_dump(mode="json"),
        after=after.model_dump(mode="json"),
    )
    return after


async def list_rates(
    session: AsyncSession, actor: User, group_id: uuid.UUID, *, currency: str | None = None
) -> list[RateRead]:
    """The group's own rates, by currency, newest day first (every member may read them)."""
    found = await membership(session, actor, group_id)
    query = select(ExchangeRate).where(ExchangeRate.group_id == group_id)
    if currency is not None:
        query = query.where(ExchangeRate.currency == get_currency(currency).code)
    rows = await session.scalars(
        query.order_by(ExchangeRate.currency, ExchangeRate.valid_from.desc())
    )
    return [to_read(r, found.group.default_currency) for r in rows]


async def delete_rate(
    session: AsyncSession, actor: User, group_id: uuid.UUID, rate_id: uuid.UUID
) -> None:
    """Delete one of the group's rates (admins and owners). Transactions converted with it
    keep the rate they were booked at."""
    found = await membership(session, actor, group_id, min_role=Role.ADMIN, writable=True)
    row = await session.scalar(
        select(ExchangeRate).where(ExchangeRate.group_id == group_id, ExchangeRate.id == rate_id)
    )
    if row is None:
        raise NotFoundError(f"rate {rate_id} not found")
    before = to_read(row, found.group.default_currency).model_dump(mode="json")
    await session.execute(delete(ExchangeRate).where(ExchangeRate.id == rate_id))
    activity.record(
        session,
        actor,
        group_id=group_id,
        action="rate.delete",
        target_type="rate",
        target_id=rate_id,
        before=before,
    )


async def quote(session: AsyncSession, group: Group, currency: str, on: dt.date) -> RateQuote:
    """The rate converting ``currency`` into the group's currency on ``on``: the group's own
    rate that holds that day, else the reference rate published on it or the last day
    before. :class:`NotFoundError` naming the currency and the day when there is neither."""
    base = group.default_currency
    if currency == base:
        return RateQuote(currency, base, Decimal(1), on, rate_rules.MANUAL)
    row = await session.scalar(
        select(ExchangeRate)
        .where(
            ExchangeRate.group_id == group.id,
            ExchangeRate.currency == currency,
            ExchangeRate.valid_from <= on,
        )
        .order_by(ExchangeRate.valid_from.desc())
        .limit(1)
    )
    if row is not None:
        return RateQuote(currency, base, row.rate, row.valid_from, rate_rules.MANUAL, row.id)
    return rate_rules.reference_rates().quote(currency, base, on)


async def quote_into(
    session: AsyncSession, group: Group, currency: str, target: str, on: dt.date
) -> RateQuote:
    """``1 currency = rate target`` on ``on``, for any two currencies: :func:`quote` when
    ``target`` is the group's currency, else through it (``currency`` → group currency →
    ``target``), rounded to :data:`~pennywise_core.rates.RATE_DIGITS` significant digits."""
    base = group.default_currency
    if target == base:
        return await quote(session, group, currency, on)
    into_base = await quote(session, group, currency, on)
    target_in_base = await quote(session, group, target, on)
    sources = dict.fromkeys(q.source for q in (into_base, target_in_base) if q.currency != base)
    return RateQuote(
        currency,
        target,
        rate_rules.divide(into_base.rate, target_in_base.rate),
        min(into_base.valid_from, target_in_base.valid_from),
        "+".join(sources),
    )


async def quotes_into(
    session: AsyncSession, group: Group, currencies: Iterable[str], target: str, on: dt.date
) -> dict[str, RateQuote]:
    """:func:`quote_into` for each of ``currencies`` other than ``target``, by code."""
    return {
        code: await quote_into(session, group, code, target, on)
        for code in sorted(set(currencies))
        if code != target
    }
