"""The rows of a transaction: built once (``rows.RowBuilder``) for an entered transaction and
an imported one, and stored exactly as the ORM would store them (the writer bypasses it)."""

from __future__ import annotations

import datetime as dt
import itertools
import uuid

from sqlalchemy import select

from pennywise_core.models import Entry, Transaction
from pennywise_core.rows import ENTRY_COLUMNS, TX_COLUMNS, Writer
from pennywise_core.schemas import PayerIn, SplitEntryIn, SplitIn, TransactionCreate
from pennywise_core.services import transactions
from tests.imports.helpers import run_bytes
from tests.ledger import make_world

HEADER = "date,description,category,kind,amount,currency,paid_by,split_mode,split,notes\n"


async def test_values_are_in_the_form_the_column_types_store(session) -> None:
    writer = Writer(session)
    dialect = session.get_bind().dialect
    columns = Transaction.__table__.c

    def stored(column: str, value: object) -> object:
        process = columns[column].type._cached_bind_processor(dialect)
        return process(value) if process else value

    paris = dt.timezone(dt.timedelta(hours=2))
    some_id = uuid.uuid4()
    day = dt.date(2024, 2, 29)
    moments = [
        dt.datetime(2024, 1, 1, 12, 0, 0, 999_998, tzinfo=dt.UTC),
        dt.datetime(2024, 1, 1, 0, 30, tzinfo=paris),
        dt.datetime(1999, 12, 31, 23, 59, 59, tzinfo=dt.UTC),
    ]
    if writer.postgresql:
        # asyncpg takes UUIDs as hex text and dates and timestamps as they are.
        assert uuid.UUID(writer.uuid(some_id)) == some_id
        assert writer.date(day) == day
        assert [writer.timestamp(m) for m in moments] == moments
    else:
        assert writer.uuid(some_id) == stored("id", some_id)
        assert writer.date(day) == stored("date", day)
        assert writer.date(day) == stored("date", day)  # from its one-day cache
        assert [writer.timestamp(m) for m in moments] == [stored("created_at", m) for m in moments]
    assert writer.timestamp(None) is None
    # A microsecond apart each, across a second's end, from an aware start in any zone.
    for start in moments:
        got = list(itertools.islice(writer.timestamps(start), 5))
        expected = [start + dt.timedelta(microseconds=i) for i in range(5)]
        assert got == [writer.timestamp(m) for m in expected]


async def test_an_imported_row_reads_back_through_the_orm(session) -> None:
    world = await make_world(session, "Bob")
    data = (
        HEADER
        + "2024-03-01,Dinner ☕,food,expense,90.00,EUR,Ann,shares,Ann=2; Bob=1,a note\n"
        + "2024-03-02,Back,,transfer,10.00,EUR,Bob,equal,Ann,\n"
    ).encode()
    before = dt.datetime.now(dt.UTC)
    report = await run_bytes(session, world.owner, world.group_id, data)
    assert report.created == 2
    rows = (
        await session.scalars(
            select(Transaction)
            .where(Transaction.group_id == world.group_id)
            .order_by(Transaction.created_at)
        )
    ).all()
    dinner, back = rows
    ann, bob = str(world.member_ids["Ann"]), str(world.member_ids["Bob"])
    assert (dinner.kind, dinner.split_mode, dinner.amount, dinner.currency) == (
        "expense",
        "shares",
        9000,
        "EUR",
    )
    assert (dinner.description, dinner.category, dinner.notes) == ("Dinner ☕", "food", "a note")
    assert dinner.date == dt.date(2024, 3, 1)
    assert dinner.split_params == {
        "paid_by": [{"member_id": ann, "amount": "90.00"}],
        "split": {
            "mode": "shares",
            "entries": [{"member_id": ann, "shares": "2"}, {"member_id": bob, "shares": "1"}],
        },
    }
    assert (dinner.created_by, dinner.deleted_at, dinner.version) == (world.owner.id, None, 1)
    assert dinner.import_key is not None
    assert dinner.import_key.startswith("pennywise-csv:")
    assert dinner.created_at.tzinfo is not None
    assert dinner.created_at == dinner.updated_at
    assert before - dt.timedelta(seconds=1) < dinner.created_at < back.created_at
    assert back.created_at - dinner.created_at == dt.timedelta(microseconds=1)
    assert (back.kind, back.category, back.notes) == ("transfer", None, None)


async def test_an_entered_and_an_imported_transaction_are_the_same_rows(session) -> None:
    """``transactions.create`` and the import write through the one row builder: the same
    transaction, entered and imported, differs only in id, times and import key."""
    world = await make_world(session, "Bob")
    ann, bob = world.member_ids["Ann"], world.member_ids["Bob"]
    entered = await transactions.create(
        session,
        world.owner,
        TransactionCreate(
            group_id=world.group_id,
            description="Dinner ☕",
            amount="90.00",
            currency="EUR",
            date=dt.date(2024, 3, 1),
            category="food",
            notes="a note",
            paid_by=[PayerIn(member_id=ann, amount="90.00")],
            split=SplitIn(
                mode="shares",
                entries=[
                    SplitEntryIn(member_id=ann, shares="2"),
                    SplitEntryIn(member_id=bob, shares="1"),
                ],
            ),
        ),
    )
    data = HEADER + "2024-03-01,Dinner ☕,food,expense,90.00,EUR,Ann,shares,Ann=2; Bob=1,a note\n"
    await run_bytes(session, world.owner, world.group_id, data.encode())
    table, entries = Transaction.__table__, Entry.__table__
    differ = {"id", "created_at", "updated_at", "import_key"}
    stored = (await session.execute(select(table).order_by(table.c.import_key.nulls_first()))).all()
    assert len(stored) == 2
    first, second = ({c: v for c, v in row._mapping.items() if c not in differ} for row in stored)
    assert set(first) == set(TX_COLUMNS) - differ
    assert first == second
    assert stored[0].id == entered.id
    assert stored[0].created_at == stored[0].updated_at
    assert (stored[0].import_key, stored[0].version) == (None, 1)

    def entry_rows(tx_id: uuid.UUID) -> list[tuple[object, ...]]:
        return [tuple(getattr(e, c) for c in ENTRY_COLUMNS[1:]) for e in found[tx_id]]

    found: dict[uuid.UUID, list] = {}
    for row in (await session.execute(select(entries).order_by(entries.c.position))).all():
        found.setdefault(row.transaction_id, []).append(row)
    assert entry_rows(stored[0].id) == entry_rows(stored[1].id)
    assert [(e[0], e[3], e[4]) for e in entry_rows(entered.id)] == [
        (ann, 9000, 6000),
        (bob, 0, 3000),
    ]
