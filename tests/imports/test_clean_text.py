"""Clean text in imports and exports: a control character in any kept cell is a bad row
naming the row and the column (nothing imported); text stored before the rule is escaped in
every CSV export, which then imports anywhere."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import update

from pennywise_core.errors import ValidationError
from pennywise_core.models import Member, Transaction
from tests.imports.helpers import counts, export_text, run_bytes
from tests.ledger import make_world

HEADER = "date,description,category,kind,amount,currency,paid_by,split_mode,split,notes\n"
GOOD = "2026-01-01,Bread,food,expense,4.00,EUR,Ann,equal,Ann; Bob,\n"


def pennywise_csv(*rows: str) -> bytes:
    return (HEADER + GOOD + "".join(rows)).encode()


class TestImportRows:
    @pytest.mark.parametrize(
        ("row", "column", "reason"),
        [
            # the fast path's row shape: every cell plain
            (
                "2026-01-02,Cof\x00fee,,expense,10.00,EUR,Ann,equal,Ann; Bob,\n",
                "description",
                "found NUL, U+0000 at character 4",
            ),
            (
                "2026-01-02,Coffee,fo\x1bod,expense,10.00,EUR,Ann,equal,Ann; Bob,\n",
                "category",
                "found ESC, U+001B at character 3",
            ),
            (
                '2026-01-02,Coffee,,expense,10.00,EUR,Ann,equal,Ann; Bob,"two\x07 bells"\n',
                "notes",
                "found U+0007 at character 4",
            ),
            (
                "2026-01-02,Coffee,,expense,10.00,EUR,An\x9bn,equal,Ann; Bob,\n",
                "paid_by",
                "found U+009B at character 3",
            ),
            (
                "2026-01-02,Coffee,,expense,10.00,EUR,Ann,equal,Ann; B\x7fob,\n",
                "split",
                "found DEL, U+007F at character 2",
            ),
            # the full path (padding makes the fast path pass the row on)
            (
                '2026-01-02, "Cof\tfee" ,,expense,10.00,EUR,Ann,equal,Ann; Bob,\n',
                "description",
                "must be one line without tabs or control characters (found a tab",
            ),
        ],
    )
    async def test_a_control_character_is_a_bad_row(
        self, session, row: str, column: str, reason: str
    ) -> None:
        world = await make_world(session, "Bob")
        before = await counts(session, world.group_id)
        with pytest.raises(ValidationError) as caught:
            await run_bytes(session, world.owner, world.group_id, pennywise_csv(row))
        [error] = caught.value.errors
        assert error.loc == ("row", 3, column)
        assert reason in error.msg
        assert "\x00" not in str(caught.value)
        assert "\x1b" not in str(caught.value)
        assert await counts(session, world.group_id) == before

    async def test_a_dry_run_says_the_same(self, session) -> None:
        world = await make_world(session, "Bob")
        row = "2026-01-02,Cof\x00fee,,expense,10.00,EUR,Ann,equal,Ann; Bob,\n"
        with pytest.raises(ValidationError) as caught:
            await run_bytes(session, world.owner, world.group_id, pennywise_csv(row), dry_run=True)
        assert [e.loc for e in caught.value.errors] == [("row", 3, "description")]

    async def test_notes_on_several_lines_are_taken(self, session) -> None:
        world = await make_world(session, "Bob")
        row = '2026-01-02,Coffee,,expense,10.00,EUR,Ann,equal,Ann; Bob,"two\r\nlines\tand a tab"\n'
        report = await run_bytes(session, world.owner, world.group_id, pennywise_csv(row))
        assert report.created == 2

    async def test_a_json_file_names_its_own_column(self, session) -> None:
        world = await make_world(session, "Bob")
        bills = [
            {
                "what": "Pi\u0000zza",
                "bill_type": "Expense",
                "amount": 40.0,
                "currency": "EUR",
                "date": "2024-02-02",
                "payer_name": "Bob",
                "payer_weight": 1.0,
                "owers": ["Ann", "Bob"],
            }
        ]
        data = json.dumps(bills).encode()
        with pytest.raises(ValidationError) as caught:
            await run_bytes(session, world.owner, world.group_id, data, format="ihatemoney-json")
        [error] = caught.value.errors
        assert error.loc == ("row", 1, "what")
        assert "found NUL, U+0000" in error.msg

    async def test_a_new_member_name(self, session) -> None:
        world = await make_world(session)
        document = {
            "format": "pennywise",
            "format_version": 1,
            "members": [{"id": "m1", "display_name": "Eve\u001b[2J", "role": "member"}],
            "transactions": [],
        }
        with pytest.raises(ValidationError) as caught:
            await run_bytes(session, world.owner, world.group_id, json.dumps(document).encode())
        [error] = caught.value.errors
        assert error.loc == ("member", 1, "display_name")
        assert "found ESC, U+001B" in error.msg


class TestExports:
    @pytest.mark.parametrize("fmt", ["pennywise-csv", "splitwise-csv"])
    async def test_stored_control_characters_are_escaped(self, session, fmt: str) -> None:
        world = await make_world(session, "Bob")
        await world.expense("10.00", description="Coffee", notes="first\nsecond")
        # Stored before the rule, or by another program.
        await session.execute(
            update(Transaction)
            .where(Transaction.group_id == world.group_id)
            .values(description="\x1b[2J\x1b[31mPWNED", category="a\x01b")
        )
        await session.execute(
            update(Member)
            .where(Member.group_id == world.group_id, Member.display_name == "Bob")
            .values(display_name="Bob\x07")
        )
        written = await export_text(session, world.owner, world.group_id, fmt)
        assert "\x1b" not in written
        assert "\x01" not in written
        assert "\x07" not in written
        assert "\\x1b[2J\\x1b[31mPWNED" in written
        assert "Bob\\x07" in written
        if fmt == "pennywise-csv":
            assert "a\\x01b" in written
            assert '"first\nsecond"' in written  # notes keep their line break
            copy = await make_world(session)
            await run_bytes(session, copy.owner, copy.group_id, written.encode("utf-8"))
            assert await copy.transaction_count() == 1
