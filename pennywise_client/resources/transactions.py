"""``pw.transactions``: expenses, incomes and transfers; the list is paged."""

from __future__ import annotations

from typing import Any

from pennywise_client._generated.api.transactions import (
    transactions_create,
    transactions_delete,
    transactions_get,
    transactions_list,
    transactions_restore,
    transactions_update,
)
from pennywise_client._generated.models import TransactionCreate, TransactionRead, TransactionUpdate
from pennywise_client._generated.models.transaction_kind import TransactionKind
from pennywise_client._generated.models.transactions_list_deleted import TransactionsListDeleted
from pennywise_client._generated.types import UNSET, Unset
from pennywise_client._resource import (
    DEFAULT_PAGE_SIZE,
    Amount,
    Call,
    DateLike,
    Id,
    Paged,
    PayersArg,
    SplitArg,
    _async,
    _async_list,
    _AsyncResource,
    _date,
    _id,
    _opt_decimal,
    _opt_id,
    _or,
    _payers,
    _renamed,
    _Resource,
    _split,
    _sync,
    _sync_list,
    decimal_string,
    etag,
)


class TransactionCalls:
    @staticmethod
    def create(
        group_id: Id,
        description: str,
        amount: Amount,
        *,
        kind: TransactionKind | Unset = UNSET,
        currency: str | Unset = UNSET,
        date: DateLike | Unset = UNSET,
        category: str | Unset = UNSET,
        notes: str | Unset = UNSET,
        paid_by: PayersArg | Unset = UNSET,
        split: SplitArg | Unset = UNSET,
        import_key: str | Unset = UNSET,
        convert: bool | Unset = UNSET,
        rate: Amount | Unset = UNSET,
        idempotency_key: str | None = None,
    ) -> Call[TransactionRead]:
        """Record an expense (default), income or transfer.

        ``paid_by``: ``{member_id: amount}`` or ``[{"member_id": ..., "amount": ...}]``
        (default: you paid it all). ``split``: ``{"mode": "shares", "entries":
        [{"member_id": ..., "shares": "2"}, ...]}`` (default: equally between everyone).
        ``convert=True``: entered in ``currency``, booked in the group's currency at
        ``rate`` (``1 currency = rate``; implies ``convert``), else the group's rate for
        ``date``, else the ECB reference rate; ``tx.conversion`` keeps what was entered.
        """
        body = TransactionCreate(
            group_id=_id(group_id),
            description=description,
            amount=decimal_string(amount),
            kind=kind,
            currency=currency,
            date=_date(date),
            category=category,
            notes=notes,
            paid_by=_payers(paid_by),
            split=_split(split),
            import_key=import_key,
            convert=convert,
            rate=_opt_decimal(rate, "rate"),
        )
        return Call(transactions_create, {"body": body, "idempotency_key": idempotency_key})

    @staticmethod
    def list(
        *,
        group_id: Id | None = None,
        date_from: DateLike | None = None,
        date_to: DateLike | None = None,
        member_id: Id | None = None,
        category: str | None = None,
        search: str | None = None,
        kind: TransactionKind | None = None,
        deleted: TransactionsListDeleted = "exclude",
        id_prefix: str | None = None,
        limit: int | None = None,
        page_size: int | None = None,
        text: str | None = None,
    ) -> Paged[TransactionRead]:
        """Transactions across your groups (or one), newest first, every page in turn.

        ``search``: text in the description or the notes, any case. ``id_prefix``: the
        start of the id (hex digits, e.g. the 8 the CLI shows). ``limit``: items per
        request (default 100; iterating still goes through every page: stop early, or use
        ``.page()``). ``page_size`` and ``text`` are the older names of ``limit`` and
        ``search``, still accepted.
        """
        search = _renamed(search, text, "search", "text")
        limit = _renamed(limit, page_size, "limit", "page_size")
        filters: dict[str, Any] = {
            "group_id": _opt_id(group_id),
            "date_from": UNSET if date_from is None else _date(date_from),
            "date_to": UNSET if date_to is None else _date(date_to),
            "member_id": _opt_id(member_id),
            "category": UNSET if category is None else category,
            "search": UNSET if search is None else search,
            "kind": UNSET if kind is None else kind,
            "deleted": deleted,
            "id_prefix": UNSET if id_prefix is None else id_prefix,
            "limit": DEFAULT_PAGE_SIZE if limit is None else limit,
        }
        return Paged(lambda cursor: Call(transactions_list, {**filters, "cursor": _or(cursor)}))

    @staticmethod
    def get(transaction_id: Id) -> Call[TransactionRead]:
        return Call(transactions_get, {"transaction_id": _id(transaction_id)})

    @staticmethod
    def update(
        transaction_id: Id,
        *,
        if_match: int | str | None = None,
        kind: TransactionKind | Unset = UNSET,
        description: str | Unset = UNSET,
        amount: Amount | Unset = UNSET,
        currency: str | Unset = UNSET,
        date: DateLike | Unset | None = UNSET,
        category: str | Unset | None = UNSET,
        notes: str | Unset | None = UNSET,
        paid_by: PayersArg | Unset = UNSET,
        split: SplitArg | Unset = UNSET,
        rate: Amount | Unset = UNSET,
    ) -> Call[TransactionRead]:
        """Edit what is given (``None`` clears an optional field). ``if_match``: the version
        you read (``tx.version``); a stale one is a :class:`PreconditionFailedError`. A
        converted transaction is edited as entered (``amount``, ``currency``) and booked
        again at its rate, or at a new ``rate``."""
        body = TransactionUpdate(
            kind=kind,
            description=description,
            amount=_opt_decimal(amount, "amount"),
            currency=currency,
            date=_date(date),
            category=category,
            notes=notes,
            paid_by=_payers(paid_by),
            split=_split(split),
            rate=_opt_decimal(rate, "rate"),
        )
        return Call(
            transactions_update,
            {
                "transaction_id": _id(transaction_id),
                "body": body,
                "if_match": etag(if_match),
            },
        )

    @staticmethod
    def delete(transaction_id: Id, *, if_match: int | str | None = None) -> Call[TransactionRead]:
        """Delete softly (it stops counting; :meth:`restore` brings it back)."""
        return Call(
            transactions_delete,
            {"transaction_id": _id(transaction_id), "if_match": etag(if_match)},
        )

    @staticmethod
    def restore(transaction_id: Id, *, if_match: int | str | None = None) -> Call[TransactionRead]:
        """Bring a deleted transaction back."""
        return Call(
            transactions_restore,
            {"transaction_id": _id(transaction_id), "if_match": etag(if_match)},
        )


class Transactions(_Resource):
    create = _sync(TransactionCalls.create)
    list = _sync_list(TransactionCalls.list)
    get = _sync(TransactionCalls.get)
    update = _sync(TransactionCalls.update)
    delete = _sync(TransactionCalls.delete)
    restore = _sync(TransactionCalls.restore)


class AsyncTransactions(_AsyncResource):
    create = _async(TransactionCalls.create)
    list = _async_list(TransactionCalls.list)
    get = _async(TransactionCalls.get)
    update = _async(TransactionCalls.update)
    delete = _async(TransactionCalls.delete)
    restore = _async(TransactionCalls.restore)
