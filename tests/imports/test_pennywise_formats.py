"""Pennywise's own formats: the lossless JSON round trip and the CSV round trip."""

from __future__ import annotations

import datetime as dt
import io
import json
import uuid
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pennywise_core import exports, imports
from pennywise_core.db import create_engine, session_factory, upgrade
from pennywise_core.errors import ValidationError
from pennywise_core.models import Role
from pennywise_core.schemas import (
    GroupCreate,
    MemberCreate,
    PayerIn,
    RateSet,
    SplitEntryIn,
    SplitIn,
    TransactionCreate,
    TransactionFilter,
    TransactionUpdate,
)
from pennywise_core.services import groups, members, rates, settle_up, transactions
from tests.imports.helpers import balances, export_text, run_bytes
from tests.ledger import World, join_by_invite, make_user, make_world


async def rich_world(session) -> World:
    """A group with every kind, split mode, several payers, two currencies, one converted
    at entry, a deleted and an edited transaction, a placeholder with a weight and a role,
    and a removed member."""
    world = await make_world(session, "Bob")
    m = world.member_ids
    carol = await members.add(
        session,
        world.owner,
        world.group_id,
        MemberCreate(display_name="Carol", weight="2", role=Role.VIEWER),
    )
    m["Carol"] = carol.id
    dave = await world.add_placeholder("Dave")
    await members.remove(session, world.owner, world.group_id, dave)
    day = dt.date(2024, 3, 1)
    await world.expense(
        "90.00", split=world.shares(Bob="2", Carol="1"), description="Dinner", date=day
    )
    await world.expense(
        "200.00",
        by="Bob",
        description="Hotel",
        date=day,
        split=SplitIn(
            mode="percent",
            entries=[
                SplitEntryIn(member_id=m["Ann"], percent="50"),
                SplitEntryIn(member_id=m["Bob"], percent="25.5"),
                SplitEntryIn(member_id=m["Carol"], percent="24.5"),
            ],
        ),
    )
    await world.expense(
        "30.00",
        by="Carol",
        description="Taxi",
        date=day,
        split=SplitIn(
            mode="exact",
            entries=[
                SplitEntryIn(member_id=m["Ann"], amount="10.00"),
                SplitEntryIn(member_id=m["Bob"], amount="20.00"),
            ],
        ),
        category="transport",
        notes="airport run",
    )
    await world.expense(
        "100.00",
        description="Groceries",
        date=dt.date(2024, 3, 2),
        split=SplitIn(
            mode="adjustment",
            entries=[
                SplitEntryIn(member_id=m["Ann"], amount="10.00"),
                SplitEntryIn(member_id=m["Bob"]),
                SplitEntryIn(member_id=m["Carol"]),
            ],
        ),
    )
    await world.expense("90.00", kind="income", description="Deposit back", date=day)
    await world.expense(
        "20.00", kind="transfer", by="Bob", split=world.among("Ann"), description="Payback"
    )
    await transactions.create(
        session,
        world.owner,
        TransactionCreate(
            group_id=world.group_id,
            description="Museum",
            amount="50.00",
            currency="USD",
            date=day,
            paid_by=[
                PayerIn(member_id=m["Ann"], amount="30.00"),
                PayerIn(member_id=m["Bob"], amount="20.00"),
            ],
        ),
    )
    await world.expense(  # entered in USD, booked in EUR at the group's rate of the day
        "25.00", currency="USD", rate="0.92", description="Ferry", date=day
    )
    gone = await world.expense("12.34", description="Mistake", date=day)
    await transactions.delete(session, world.owner, gone.id)
    edited = await world.expense("10.00", description="Coffee", date=day)
    await transactions.update(
        session, world.owner, edited.id, TransactionUpdate(description="Coffees")
    )
    return world


def normalized(document: dict[str, Any]) -> dict[str, Any]:
    """The document with every id replaced by what it names (ids differ between databases).

    ``import_key`` ``pennywise:<id>`` records the source transaction's id: an id too.
    """
    names = {m["id"]: f"member:{m['display_name']}" for m in document["members"]}
    text = json.dumps(document)
    for member_id, label in names.items():
        text = text.replace(member_id, label)
    result = json.loads(text)
    result["group"].pop("id")
    for m in result["members"]:
        m.pop("id")
    for tx in result["transactions"]:
        tx.pop("id")
        if (tx["import_key"] or "").startswith("pennywise:"):
            tx["import_key"] = None
    return result


class TestJsonRoundTrip:
    async def test_export_then_import_into_an_empty_database(
        self, session, fresh_database_url
    ) -> None:
        world = await rich_world(session)
        source_balances = await balances(session, world.group_id)
        document = await export_text(session, world.owner, world.group_id, "pennywise-json")

        engine = create_engine(fresh_database_url)
        try:
            await upgrade(engine)
            async with session_factory(engine)() as other, other.begin():
                # The people who have accounts sign up there too and are added to the group.
                ann = await make_user(other, "Ann")
                group = await groups.create(other, ann, GroupCreate(name="Trip"))
                bob = await make_user(other, "Bob")
                await join_by_invite(other, ann, group.id, bob)
                report = await run_bytes(other, ann, group.id, document.encode())
                assert report.format == "pennywise-json"
                assert report.created == 10
                assert [(m.display_name, m.role, m.weight) for m in report.new_members] == [
                    ("Carol", Role.VIEWER, "2"),
                    ("Dave", Role.MEMBER, "1"),
                ]
                copied = await export_text(other, ann, group.id, "pennywise-json")
                assert await balances(other, group.id) == source_balances
                again = await run_bytes(other, ann, group.id, document.encode())
                assert (again.created, again.already_imported) == (0, 10)
        finally:
            await engine.dispose()

        assert normalized(json.loads(copied)) == normalized(json.loads(document))

    async def test_the_document(self, session) -> None:
        world = await rich_world(session)
        document = json.loads(
            await export_text(session, world.owner, world.group_id, "pennywise-json")
        )
        assert document["format"] == "pennywise"
        assert document["format_version"] == 1
        members_by_name = {m["display_name"]: m for m in document["members"]}
        assert members_by_name["Carol"]["placeholder"] is True
        assert members_by_name["Bob"]["placeholder"] is False
        assert members_by_name["Dave"]["removed"] is True
        deleted = [t for t in document["transactions"] if t["deleted"]]
        assert [t["description"] for t in deleted] == ["Mistake"]
        hotel = next(t for t in document["transactions"] if t["description"] == "Hotel")
        assert hotel["split"]["mode"] == "percent"
        assert [e["percent"] for e in hotel["split"]["entries"]] == ["50", "25.5", "24.5"]
        assert hotel["amount"] == "200.00"
        assert "conversion" not in hotel  # only where there is one
        ferry = next(t for t in document["transactions"] if t["description"] == "Ferry")
        assert (ferry["amount"], ferry["currency"]) == ("23.00", "EUR")  # 25.00 × 0.92
        assert ferry["conversion"] == {
            "amount": "25.00",
            "currency": "USD",
            "rate": "0.92",
            "rate_source": "manual",
            "rate_date": "2024-03-01",
        }

    async def test_a_conversion_that_does_not_give_the_amount_is_refused(self, session) -> None:
        world = await rich_world(session)
        document = json.loads(
            await export_text(session, world.owner, world.group_id, "pennywise-json")
        )
        ferry = next(t for t in document["transactions"] if t["description"] == "Ferry")
        ferry["conversion"]["rate"] = "0.95"
        target = await make_world(session, "Bob")
        with pytest.raises(ValidationError) as caught:
            await run_bytes(session, target.owner, target.group_id, json.dumps(document).encode())
        [error] = caught.value.errors
        assert error.loc[-1] == "conversion"
        assert "25.00 USD at 0.95 is not the amount 23.00" in error.msg
        assert await target.transaction_count() == 0

    async def test_a_hand_edited_document_that_no_longer_adds_up_is_refused(self, session) -> None:
        world = await rich_world(session)
        document = json.loads(
            await export_text(session, world.owner, world.group_id, "pennywise-json")
        )
        document["transactions"][0]["entries"][0]["paid"] = "89.00"
        target = await make_world(session, "Bob")
        with pytest.raises(ValidationError) as caught:
            await run_bytes(session, target.owner, target.group_id, json.dumps(document).encode())
        [error] = caught.value.errors
        assert error.loc == ("row", 1, "entries")
        assert await target.transaction_count() == 0

    async def test_a_later_format_version_is_refused(self, session) -> None:
        world = await make_world(session)
        data = b'{"format": "pennywise", "format_version": 2, "members": [], "transactions": []}'
        with pytest.raises(ValidationError) as caught:
            await run_bytes(session, world.owner, world.group_id, data)
        assert caught.value.errors[0].loc == ("file", "format_version")

    async def test_an_admin_cannot_grant_owner_through_a_document(self, session) -> None:
        world = await make_world(session)
        admin = await world.add_user("Adam", role=Role.ADMIN)
        data = json.dumps(
            {
                "format": "pennywise",
                "format_version": 1,
                "members": [
                    {"id": str(uuid.uuid4()), "display_name": "Eve", "role": "owner",
                     "placeholder": True, "weight": "1", "removed": False}
                ],
                "transactions": [],
            }
        ).encode()  # fmt: skip
        report = await run_bytes(session, admin, world.group_id, data)
        assert [(m.display_name, m.role) for m in report.new_members] == [("Eve", Role.MEMBER)]
        assert any("only an owner" in w for w in report.warnings)


class TestCsvRoundTrip:
    async def test_export_import_export_gives_the_same_file(self, session) -> None:
        world = await rich_world(session)
        # Names and texts a CSV cell must carry through: separators, a formula.
        odd = await world.add_placeholder("Dee; Dee=1")
        await world.expense(
            "9.99",
            split=SplitIn(entries=[SplitEntryIn(member_id=world.member_ids["Ann"]),
                                   SplitEntryIn(member_id=odd)]),
            description="=HYPERLINK(\"http://evil\")",
            date=dt.date(2024, 3, 3),
        )  # fmt: skip
        text = await export_text(session, world.owner, world.group_id, "pennywise-csv")
        assert text.startswith("\ufeffdate,description,category,kind,amount,currency,paid_by,")
        assert "'=HYPERLINK" in text
        assert "Dee\\; Dee\\=1" in text

        target = await make_world(session, "Bob")
        report = await run_bytes(session, target.owner, target.group_id, text.encode())
        assert report.format == "pennywise-csv"
        # Live transactions only: the deleted one is history. The CSV holds the converted
        # one as booked (23.00 EUR); what was entered travels in the JSON document only.
        assert report.created == 10
        again = await export_text(session, target.owner, target.group_id, "pennywise-csv")
        assert again == text
        assert await balances(session, target.group_id) == await balances(session, world.group_id)

    async def test_binary_output_is_utf8(self, session) -> None:
        world = await rich_world(session)
        out = io.BytesIO()
        await exports.write(session, world.owner, world.group_id, out, format="pennywise-csv")
        text = await export_text(session, world.owner, world.group_id, "pennywise-csv")
        assert out.getvalue().decode("utf-8") == text


class TestCsvInput:
    async def test_a_hand_written_file(self, session) -> None:
        world = await make_world(session, "Bob")
        data = (
            b"date,description,category,kind,amount,currency,paid_by,split_mode,split,notes\n"
            b"2024-01-01,Pizza,food,,30.00,,Ann,,Ann; Bob,\n"
            b"2024-01-02,Rent,,expense,900,EUR,Bob=600; Ann=300,shares,Ann=1; Bob=2,monthly\n"
            b"2024-01-03,Refund,,income,15.00,EUR,Ann,percent,Ann=40; Bob=60,\n"
        )
        report = await run_bytes(session, world.owner, world.group_id, data)
        assert report.created == 3
        # Pizza: Ann +15, Bob −15. Rent 900: Ann paid 300 owes 300 (0), Bob paid 600 owes
        # 600 (0). Refund 15 received by Ann: Ann −15 + 6 = −9, Bob +9.
        assert await balances(session, world.group_id) == {
            ("Ann", "EUR"): "6.00",
            ("Bob", "EUR"): "-6.00",
        }
        assert imports.detect(data) == "pennywise-csv"


class TestConversionsRoundTrip:
    async def test_a_conversion_batch_travels_and_stays_one_batch(
        self, session, fresh_database_url
    ) -> None:
        world = await make_world(session, "Bob")
        await rates.set_rate(
            session,
            world.owner,
            world.group_id,
            RateSet(currency="USD", rate="0.5", valid_from=dt.date(2026, 1, 1)),
        )
        await world.expense("10.00", currency="USD", split=world.among("Bob"))
        await world.expense("3.00", split=world.among("Bob"))
        await settle_up.record(
            session, world.owner, world.group_id, in_currency="EUR", on=dt.date(2026, 6, 1)
        )
        document = await export_text(session, world.owner, world.group_id, "pennywise-json")
        exchanges = [t["exchange"] for t in json.loads(document)["transactions"] if "exchange" in t]
        assert len(exchanges) == 2
        assert exchanges[0] == exchanges[1]
        assert exchanges[0]["rates"] == [
            {"currency": "USD", "base": "EUR", "rate": "0.5", "source": "manual",
             "valid_from": "2026-01-01"}
        ]  # fmt: skip

        engine = create_engine(fresh_database_url)
        try:
            await upgrade(engine)
            async with session_factory(engine)() as other, other.begin():
                ann = await make_user(other, "Ann")
                group = await groups.create(other, ann, GroupCreate(name="Trip"))
                report = await run_bytes(other, ann, group.id, document.encode())
                assert report.created == 5  # 2 expenses, 2 conversions, 1 transfer
                assert await balances(other, group.id) == {}
                copied = await export_text(other, ann, group.id, "pennywise-json")
                # Deleting one part of the copied batch takes the other with it.
                listed = await transactions.list_transactions(
                    other, ann, TransactionFilter(group_id=group.id)
                )
                usd = next(
                    t for t in listed.items if t.kind == "conversion" and t.currency == "USD"
                )
                await transactions.delete(other, ann, usd.id)
                again = await transactions.list_transactions(
                    other, ann, TransactionFilter(group_id=group.id, deleted="only")
                )
                assert {t.kind for t in again.items} == {"conversion"}
                assert len(again.items) == 2
        finally:
            await engine.dispose()
        # (Bob has an account in the source and is a placeholder in the copy.)
        assert (
            normalized(json.loads(copied))["transactions"]
            == (normalized(json.loads(document))["transactions"])
        )


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
async def test_the_json_round_trip_keeps_every_field_of_any_ledger(
    session, data: st.DataObject
) -> None:
    """Any mix of expenses, income and transfers, in several currencies, some converted at
    entry and some settled in one currency, comes back field for field."""
    source = await make_world(session)
    for name in ("Bob", "Cleo"):
        await source.add_placeholder(name)
    names = ["Ann", "Bob", "Cleo"]
    for code in ("USD", "JPY"):
        await rates.set_rate(
            session,
            source.owner,
            source.group_id,
            RateSet(currency=code, rate=data.draw(st.sampled_from(["0.5", "1.2", "0.0061"]))),
        )
    for _ in range(data.draw(st.integers(1, 5), label="transactions")):
        code = data.draw(st.sampled_from(["EUR", "USD", "JPY"]))
        amount = str(data.draw(st.integers(1, 10**6))) if code == "JPY" else "12.34"
        kind = data.draw(st.sampled_from(["expense", "income", "transfer"]))
        payer, other = data.draw(st.permutations(names))[:2]
        split = source.among(other) if kind == "transfer" else source.among(*names)
        convert = code != "EUR" and data.draw(st.booleans(), label="convert")
        await source.expense(
            amount,
            currency=code,
            by=payer,
            split=split,
            kind=kind,
            convert=convert,
            date=dt.date(2026, 3, data.draw(st.integers(1, 28))),
            notes=data.draw(st.sampled_from([None, "n", "née\nligne"])),
        )
    if data.draw(st.booleans(), label="settle in one currency"):
        await settle_up.record(session, source.owner, source.group_id, in_currency="EUR")
    document = await export_text(session, source.owner, source.group_id, "pennywise-json")
    target = await make_world(session)
    await run_bytes(session, target.owner, target.group_id, document.encode())
    copied = await export_text(session, target.owner, target.group_id, "pennywise-json")
    assert (
        normalized(json.loads(copied))["transactions"]
        == (normalized(json.loads(document))["transactions"])
    )
    assert await balances(session, target.group_id) == await balances(session, source.group_id)
