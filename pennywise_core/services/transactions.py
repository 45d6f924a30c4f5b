"""Transactions: create, edit, delete, restore, get, list.

Each write is one unit: the transaction row, its entries, the balance deltas and the
activity record are added to the same session, and the caller's commit makes them all
true at once (or none of them).

Who may do what: ``member`` and up create; a ``member`` edits, deletes and restores the
transactions they created; ``admin`` and ``owner`` any of them; ``viewer`` only reads.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from pennywise_core.errors import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from pennywise_core.models import (
    Entry,
    Group,
    Role,
    SplitMode,
    Transaction,
    TransactionKind,
    User,
    utcnow,
    utctoday,
)
from pennywise_core.money import Currency, format_amount, get_currency, parse_amount
from pennywise_core.pagination import Keyset, check_limit
from pennywise_core.rates import MANUAL, RateQuote, convert_amount, format_rate, parse_rate
from pennywise_core.rows import RowBuilder, Writer, dumps_params
from pennywise_core.schemas import (
    ConversionRead,
    EntryRead,
    ExchangeRead,
    Page,
    PayerIn,
    PayerRead,
    RateUsed,
    SplitEntryIn,
    SplitEntryRead,
    SplitIn,
    SplitRead,
    TransactionCreate,
    TransactionFilter,
    TransactionRead,
    TransactionUpdate,
)
from pennywise_core.services import activity, balances, rates
from pennywise_core.services.access import Membership, membership, readable_group_ids
from pennywise_core.services.members import current_members, in_default_split
from pennywise_core.services.versions import check_version, flush_versioned
from pennywise_core.splits import compute
from pennywise_core.vocabulary import ENTERED_KINDS


def to_read(tx: Transaction) -> TransactionRead:
    params = tx.split_params
    exchanged = tx.kind is TransactionKind.CONVERSION
    return TransactionRead(
        id=tx.id,
        group_id=tx.group_id,
        kind=tx.kind,
        description=tx.description,
        amount=format_amount(tx.amount, tx.currency),
        currency=tx.currency,
        date=tx.date,
        category=tx.category,
        notes=tx.notes,
        paid_by=[PayerRead.model_validate(p) for p in params["paid_by"]],
        split=SplitRead(
            mode=SplitMode(params["split"]["mode"]),
            entries=[SplitEntryRead.model_validate(e) for e in params["split"]["entries"]],
        ),
        entries=[
            EntryRead(
                member_id=e.member_id,
                paid=format_amount(e.paid, tx.currency),
                owed=format_amount(e.owed, tx.currency),
            )
            for e in tx.entries
        ],
        version=tx.version,
        created_by=tx.created_by,
        created_at=tx.created_at,
        updated_at=tx.updated_at,
        deleted=tx.deleted_at is not None,
        conversion=None if exchanged else _conversion_read(tx.conversion),
        exchange=_exchange_read(tx.conversion) if exchanged else None,
    )


def _exchange_read(stored: dict[str, Any] | None) -> ExchangeRead | None:
    if stored is None:
        return None
    return ExchangeRead(
        batch_id=uuid.UUID(stored["batch"]),
        into=stored["into"],
        date=dt.date.fromisoformat(stored["date"]),
        rates=[RateUsed.model_validate(r) for r in stored["rates"]],
    )


def _conversion_read(stored: dict[str, Any] | None) -> ConversionRead | None:
    if stored is None:
        return None
    return ConversionRead(
        amount=format_amount(stored["amount"], stored["currency"]),
        currency=stored["currency"],
        rate=stored["rate"],
        rate_source=stored["source"],
        rate_date=dt.date.fromisoformat(stored["date"]),
    )


async def _convert(
    session: AsyncSession,
    group: Group,
    *,
    entered: int,
    currency: Currency,
    rate: str | Decimal | None,
    on: dt.date,
    paid_by: list[PayerIn] | None,
    split: SplitIn | None,
) -> tuple[int, Currency, dict[str, Any]]:
    """An amount entered in ``currency`` as booked in the group's currency: the booked
    amount (rounded once, half-even), the group's currency, and what the transaction keeps
    of it (``Transaction.conversion``). The rate: ``rate`` if given (``manual``), else the
    group's rate for ``on``, else the reference rate (:func:`rates.quote`)."""
    booked = get_currency(group.default_currency)
    if currency.code == booked.code:
        raise ValidationError.at(
            "currency", f"{currency.code} is the group's currency: there is nothing to convert"
        )
    _no_amounts_given(paid_by, split)
    if rate is None:
        quote = await rates.quote(session, group, currency.code, on)
    else:
        value = rate if isinstance(rate, Decimal) else parse_rate(rate)
        quote = RateQuote(currency.code, booked.code, value, on, MANUAL)
    amount = convert_amount(entered, currency, quote.rate, booked)
    if amount <= 0:
        raise ValidationError.at(
            "amount",
            f"{format_amount(entered, currency)} {currency.code} is "
            f"{format_amount(amount, booked)} {booked.code} at {format_rate(quote.rate)}",
        )
    return (
        amount,
        booked,
        {
            "amount": entered,
            "currency": currency.code,
            "rate": format_rate(quote.rate),
            "source": quote.source,
            "date": quote.valid_from.isoformat(),
        },
    )


def _no_amounts_given(paid_by: list[PayerIn] | None, split: SplitIn | None) -> None:
    # Amounts in the payers or the split would be in the entered currency and would each
    # need converting so that they still add up; until then they are refused, not guessed.
    if any(p.amount is not None for p in paid_by or ()) or any(
        e.amount is not None for e in (split.entries if split and split.entries else ())
    ):
        raise ValidationError.at(
            "convert",
            "a converted transaction takes no amounts in paid_by or the split yet: split it "
            "by shares or percent, or enter it in the group's currency",
        )


def snapshot(tx: Transaction) -> dict[str, Any]:
    """The transaction as the activity log keeps it: as the API answers, without times."""
    return _snapshot_of(to_read(tx).model_dump(mode="json"))


def _snapshot_of(resource: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in resource.items() if k not in ("created_at", "updated_at")}


def _read_for_log(tx: Transaction) -> tuple[TransactionRead, dict[str, Any]]:
    """The answer and the same as JSON: an event's data, and the log's ``after``."""
    read = to_read(tx)
    return read, read.model_dump(mode="json")


def _entry_tuples(tx: Transaction) -> list[tuple[uuid.UUID, int, int]]:
    return [(e.member_id, e.paid, e.owed) for e in tx.entries]


def _amount(text: str, currency: Currency) -> int:
    value = parse_amount(text, currency, field="amount")
    if value <= 0:
        raise ValidationError.at("amount", "must be greater than zero")
    return value


def _currency(code: str) -> Currency:
    return get_currency(code)  # its ValidationError already names the "currency" field


async def _compute_into(
    session: AsyncSession,
    tx: Transaction,
    *,
    currency: Currency,
    paid_by: list[PayerIn],
    split: SplitIn,
) -> None:
    members = await current_members(session, tx.group_id, for_write=True)
    computed = compute(
        kind=tx.kind,
        amount=tx.amount,
        currency=currency,
        paid_by=paid_by,
        split=split,
        members=[m.id for m in members],
        sharing=[m.id for m in members if in_default_split(m)],
    )
    tx.split_mode = split.mode
    tx.split_params = computed.params
    tx.entries = [
        Entry(group_id=tx.group_id, member_id=e.member_id, paid=e.paid, owed=e.owed, position=i)
        for i, e in enumerate(computed.entries)
    ]


async def create(session: AsyncSession, actor: User, data: TransactionCreate) -> TransactionRead:
    if data.kind not in ENTERED_KINDS:
        raise ValidationError.at(
            "kind",
            "a conversion is not entered: it is recorded by settling up in one currency "
            "(settle-up with in=…)",
        )
    return await book(session, actor, data)


async def book(
    session: AsyncSession,
    actor: User,
    data: TransactionCreate,
    *,
    exchange: dict[str, Any] | None = None,
) -> TransactionRead:
    """:func:`create` without its check of the kind, for the one writer of conversions
    (:mod:`pennywise_core.services.conversions`): ``exchange`` is the conversion's batch,
    stored as its ``conversion``. Everything else calls :func:`create`."""
    found = await membership(session, actor, data.group_id, min_role=Role.MEMBER, writable=True)
    currency = _currency(data.currency or found.group.default_currency)
    date = data.date or utctoday()
    amount, conversion = _amount(data.amount, currency), None
    if data.convert or data.rate is not None:
        amount, currency, conversion = await _convert(
            session,
            found.group,
            entered=amount,
            currency=currency,
            rate=data.rate,
            on=date,
            paid_by=data.paid_by,
            split=data.split,
        )
    if data.import_key is not None:
        duplicate = await session.scalar(
            select(Transaction.id).where(
                Transaction.group_id == data.group_id, Transaction.import_key == data.import_key
            )
        )
        if duplicate is not None:
            raise ConflictError(f"a transaction with import key {data.import_key!r} exists")
    tx = Transaction(
        id=uuid.uuid4(),
        group_id=data.group_id,
        kind=data.kind,
        description=data.description,
        amount=amount,
        currency=currency.code,
        date=date,
        category=data.category,
        notes=data.notes,
        created_by=actor.id,
        import_key=data.import_key,
        conversion=exchange if exchange is not None else conversion,
    )
    paid_by = data.paid_by or [PayerIn(member_id=found.member.id)]
    await _compute_into(
        session, tx, currency=currency, paid_by=paid_by, split=data.split or SplitIn()
    )
    await _insert(session, tx)
    await balances.apply(
        session, group_id=tx.group_id, currency=tx.currency, entries=_entry_tuples(tx), sign=1
    )
    read, resource = _read_for_log(tx)
    activity.record(
        session,
        actor,
        group_id=tx.group_id,
        action="transaction.create",
        target_type="transaction",
        target_id=tx.id,
        after=_snapshot_of(resource),
        resource=resource,
    )
    return read


async def _insert(session: AsyncSession, tx: Transaction) -> None:
    """Write a new ``tx`` (computed, not in the session) and its entries as the rows the
    bulk import writes too (:class:`~pennywise_core.rows.RowBuilder`): one ``INSERT`` per
    table, without the ORM's unit of work. ``tx`` stays a plain object, completed with what
    the rows hold, for the answer and the activity record."""
    writer = Writer(session)
    now = utcnow()
    assert tx.created_by is not None
    builder = RowBuilder(writer, group_id=tx.group_id, created_by=tx.created_by, now=now)
    builder.add(
        writer.uuid(tx.id),
        tx.kind.value,
        tx.description,
        tx.amount,
        tx.currency,
        tx.date,
        tx.category,
        tx.notes,
        tx.split_mode.value,
        dumps_params(tx.split_params),
        [(i, e.paid, e.owed) for i, e in enumerate(tx.entries)],
        [writer.uuid(e.member_id) for e in tx.entries],
        import_key=tx.import_key,
        conversion=None if tx.conversion is None else dumps_params(tx.conversion),
    )
    await writer.execute(*builder.take())
    tx.version, tx.created_at, tx.updated_at, tx.deleted_at = 1, now, now, None


def _readable(actor: User) -> Select[Transaction]:
    return (
        select(Transaction)
        .where(Transaction.group_id.in_(readable_group_ids(actor)))
        .options(selectinload(Transaction.entries))
    )


async def _load(
    session: AsyncSession, actor: User, transaction_id: uuid.UUID
) -> tuple[Transaction, Membership]:
    tx = await session.scalar(_readable(actor).where(Transaction.id == transaction_id))
    if tx is None:
        raise NotFoundError(f"transaction {transaction_id} not found")
    return tx, await membership(session, actor, tx.group_id)


def _check_can_modify(found: Membership, tx: Transaction, actor: User) -> None:
    if found.role.rank >= Role.ADMIN.rank:
        return
    if found.role is Role.MEMBER and tx.created_by == actor.id:
        return
    if found.role is Role.MEMBER:
        raise PermissionDeniedError(
            "members may change only the transactions they created; ask an admin"
        )
    raise PermissionDeniedError(f"viewers cannot change transactions in {found.group.name!r}")


async def _load_for_write(
    session: AsyncSession, actor: User, transaction_id: uuid.UUID, expected_version: int | None
) -> tuple[Transaction, Membership]:
    tx, found = await _load(session, actor, transaction_id)
    _check_can_modify(found, tx, actor)
    if found.group.archived_at is not None:
        raise ConflictError(f"group {found.group.name!r} is archived; unarchive it to change it")
    check_version("transaction", tx.version, expected_version)
    return tx, found


async def get(session: AsyncSession, actor: User, transaction_id: uuid.UUID) -> TransactionRead:
    tx, _ = await _load(session, actor, transaction_id)
    return to_read(tx)


_MONEY_FIELDS = frozenset({"kind", "amount", "currency", "paid_by", "split", "rate"})


async def update(
    session: AsyncSession,
    actor: User,
    transaction_id: uuid.UUID,
    data: TransactionUpdate,
    *,
    expected_version: int | None = None,
) -> TransactionRead:
    """Edit a transaction; entries and balances are recomputed when money changed.

    Fields left out keep their value, and so do the payers and the split as first given
    (a single payer keeps paying the whole, new, amount).

    A converted transaction (``conversion``) is edited as entered: ``amount`` and
    ``currency`` are the entered ones, and the booked amount is computed again at the
    stored rate, or at ``rate`` when given (never silently at a newer one). Its
    ``currency`` set to the group's books it as given, without conversion.
    """
    tx, found = await _load_for_write(session, actor, transaction_id, expected_version)
    if tx.deleted_at is not None:
        raise ConflictError("the transaction is deleted; restore it before editing it")
    if tx.kind is TransactionKind.CONVERSION:
        raise ConflictError(
            "a conversion is not edited: delete it (with the rest of its batch) and settle "
            "up in one currency again"
        )
    if data.kind is TransactionKind.CONVERSION:
        raise ValidationError.at("kind", "a transaction cannot become a conversion")
    changes = data.model_dump(exclude_unset=True)
    if not changes:
        return to_read(tx)
    before = snapshot(tx)
    old_currency, old_entries = tx.currency, _entry_tuples(tx)
    money_changed = bool(_MONEY_FIELDS & changes.keys())
    # Every change first, then one flush: one UPDATE, so the version goes up by exactly one.
    with session.no_autoflush:
        for field in ("description", "date", "category", "notes"):
            if field in changes:
                if changes[field] is None and field in ("description", "date"):
                    raise ValidationError.at(field, "cannot be removed")
                setattr(tx, field, changes[field])
        if money_changed:
            if data.kind is not None:
                tx.kind = data.kind
            currency = await _money_into(session, found.group, tx, data)
            await _compute_into(
                session,
                tx,
                currency=currency,
                paid_by=data.paid_by or _stored_payers(tx, single_pays_all=True),
                split=data.split or _stored_split(tx),
            )
    await flush_versioned(session, "transaction")
    if money_changed:
        # The old entries out and the new ones in, netted into one statement: two statements
        # would take the rows of both in an order no other writer keeps (see apply_changes).
        delta = balances.gather(old_currency, old_entries, sign=-1)
        balances.gather(tx.currency, _entry_tuples(tx), into=delta)
        await balances.apply_changes(session, group_id=tx.group_id, changes=delta)
    read, resource = _read_for_log(tx)
    activity.record(
        session,
        actor,
        group_id=tx.group_id,
        action="transaction.update",
        target_type="transaction",
        target_id=tx.id,
        before=before,
        after=_snapshot_of(resource),
        resource=resource,
    )
    return read


async def _money_into(
    session: AsyncSession, group: Group, tx: Transaction, data: TransactionUpdate
) -> Currency:
    """Set ``tx``'s amount, currency and conversion from an edit; the booked currency."""
    stored = tx.conversion
    entered_code = data.currency or (stored["currency"] if stored else tx.currency)
    currency = _currency(entered_code)
    converting = currency.code != group.default_currency and (
        stored is not None or data.rate is not None
    )
    if not converting:
        if data.rate is not None:
            raise ValidationError.at(
                "rate", f"the transaction is in {currency.code}, the group's currency"
            )
        if data.amount is not None:
            tx.amount = _amount(data.amount, currency)
        elif stored is not None:  # back to the group's currency: the entered amount
            tx.amount = _amount(format_amount(stored["amount"], stored["currency"]), currency)
        tx.currency, tx.conversion = currency.code, None
        return currency
    if data.amount is not None:
        entered = _amount(data.amount, currency)
    elif stored is not None and stored["currency"] == currency.code:
        entered = stored["amount"]
    else:
        entered = _amount(format_amount(tx.amount, tx.currency), currency)
    rate: str | Decimal | None = data.rate
    if rate is None and stored is not None and stored["currency"] == currency.code:
        rate = Decimal(stored["rate"])
    tx.amount, booked, conversion = await _convert(
        session,
        group,
        entered=entered,
        currency=currency,
        rate=rate,
        on=tx.date,
        paid_by=data.paid_by,
        split=data.split,
    )
    if rate is not None and data.rate is None and stored is not None:
        conversion.update(source=stored["source"], date=stored["date"])  # the stored rate
    tx.currency, tx.conversion = booked.code, conversion
    return booked


def _stored_payers(tx: Transaction, *, single_pays_all: bool) -> list[PayerIn]:
    stored = tx.split_params["paid_by"]
    if single_pays_all and len(stored) == 1:
        return [PayerIn(member_id=uuid.UUID(stored[0]["member_id"]))]
    return [PayerIn(member_id=uuid.UUID(p["member_id"]), amount=p["amount"]) for p in stored]


def _stored_split(tx: Transaction) -> SplitIn:
    split = tx.split_params["split"]
    return SplitIn(
        mode=SplitMode(split["mode"]),
        entries=[SplitEntryIn.model_validate(e) for e in split["entries"]],
    )


async def _set_deleted(
    session: AsyncSession,
    actor: User,
    transaction_id: uuid.UUID,
    *,
    deleted: bool,
    expected_version: int | None,
) -> TransactionRead:
    tx, _found = await _load_for_write(session, actor, transaction_id, expected_version)
    if (tx.deleted_at is not None) == deleted:
        return to_read(tx)  # already so: repeating a delete or restore changes nothing
    # A conversion goes (and comes back) with the rest of its batch: each currency's part
    # alone would leave balances moved out of one currency and into none.
    changed = [tx] + [
        t for t in await _batch_of(session, tx) if (t.deleted_at is not None) != deleted
    ]
    now = utcnow()
    changes: balances.BalanceChanges = {}
    for t in changed:
        t.deleted_at = now if deleted else None
        balances.gather(t.currency, _entry_tuples(t), sign=-1 if deleted else 1, into=changes)
    await flush_versioned(session, "transaction")
    await balances.apply_changes(session, group_id=tx.group_id, changes=changes)
    reads = {t.id: to_read(t) for t in changed}
    for t in changed:
        activity.record(
            session,
            actor,
            group_id=t.group_id,
            action="transaction.delete" if deleted else "transaction.restore",
            target_type="transaction",
            target_id=t.id,
            before={"deleted": not deleted, "version": t.version - 1},
            after={"deleted": deleted, "version": t.version},
            resource=reads[t.id].model_dump(mode="json"),
        )
    return reads[tx.id]


async def _batch_of(session: AsyncSession, tx: Transaction) -> list[Transaction]:
    """The other transactions of ``tx``'s conversion batch (none for any other kind)."""
    if tx.kind is not TransactionKind.CONVERSION or not tx.conversion:
        return []
    batch = tx.conversion.get("batch")
    rows = await session.scalars(
        select(Transaction)
        .where(
            Transaction.group_id == tx.group_id,
            Transaction.kind == TransactionKind.CONVERSION,
            Transaction.id != tx.id,
        )
        .options(selectinload(Transaction.entries))
    )
    return [t for t in rows if t.conversion and t.conversion.get("batch") == batch]


async def delete(
    session: AsyncSession,
    actor: User,
    transaction_id: uuid.UUID,
    *,
    expected_version: int | None = None,
) -> TransactionRead:
    """Soft-delete: the transaction stops counting and can be restored."""
    return await _set_deleted(
        session, actor, transaction_id, deleted=True, expected_version=expected_version
    )


async def restore(
    session: AsyncSession,
    actor: User,
    transaction_id: uuid.UUID,
    *,
    expected_version: int | None = None,
) -> TransactionRead:
    return await _set_deleted(
        session, actor, transaction_id, deleted=False, expected_version=expected_version
    )


NEWEST_FIRST = Keyset(Transaction.date, Transaction.created_at, Transaction.id, descending=True)
"""The transactions list's order (served by ``ix_transactions_group_id_date_created_at_id``)."""


async def list_transactions(
    session: AsyncSession,
    actor: User,
    filters: TransactionFilter | None = None,
    *,
    limit: int = 50,
    cursor: str | None = None,
) -> Page[TransactionRead]:
    """Transactions across the actor's groups (or one), by keyset pages: the latest date
    first and, within a day, the last entered first (``created_at``: an import keeps the
    file's timestamps where it has them and enters the other rows in the file's order),
    then by id."""
    filters = filters or TransactionFilter()
    check_limit(limit)
    query = _readable(actor)
    if filters.group_id is not None:
        await membership(session, actor, filters.group_id)
        query = query.where(Transaction.group_id == filters.group_id)
    if filters.date_from is not None:
        query = query.where(Transaction.date >= filters.date_from)
    if filters.date_to is not None:
        query = query.where(Transaction.date <= filters.date_to)
    if filters.kind is not None:
        query = query.where(Transaction.kind == filters.kind)
    if filters.category is not None:
        query = query.where(func.lower(Transaction.category) == filters.category.lower())
    if filters.member_id is not None:
        query = query.where(
            exists().where(
                Entry.transaction_id == Transaction.id, Entry.member_id == filters.member_id
            )
        )
    if filters.id_prefix:
        # A range on the id itself, which the primary key's index serves on both databases
        # (a uuid on PostgreSQL, 32 hex digits on SQLite: the same order either way).
        query = query.where(
            Transaction.id.between(
                uuid.UUID(filters.id_prefix.ljust(32, "0")),
                uuid.UUID(filters.id_prefix.ljust(32, "f")),
            )
        )
    if filters.search:
        pattern = "%" + _escape_like(filters.search.lower()) + "%"
        query = query.where(
            or_(
                func.lower(Transaction.description).like(pattern, escape="\\"),
                func.lower(Transaction.notes).like(pattern, escape="\\"),
            )
        )
    if filters.deleted == "exclude":
        query = query.where(Transaction.deleted_at.is_(None))
    elif filters.deleted == "only":
        query = query.where(Transaction.deleted_at.is_not(None))
    if cursor is not None:
        query = query.where(NEWEST_FIRST.after_cursor(cursor))
    rows = (await session.scalars(query.order_by(*NEWEST_FIRST.order_by()).limit(limit + 1))).all()
    items = [to_read(tx) for tx in rows[:limit]]
    next_cursor = NEWEST_FIRST.cursor(rows[limit - 1]) if len(rows) > limit else None
    return Page(items=items, next_cursor=next_cursor)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


__all__ = [
    "TransactionKind",
    "create",
    "delete",
    "get",
    "list_transactions",
    "restore",
    "update",
]
