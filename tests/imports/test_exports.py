"""Exports: formula escaping in every CSV, the Splitwise-style CSV, access and formats."""

from __future__ import annotations

import csv
import io
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pennywise_core import exports
from pennywise_core import text as clean_text
from pennywise_core.errors import NotFoundError, ValidationError
from pennywise_core.imports._common import KeyMaker, join_pairs, split_pairs, unescape_formula
from pennywise_core.imports._source import iter_json
from pennywise_core.models import Role
from tests.imports.helpers import balances, export_text, run_bytes, run_file
from tests.ledger import World, make_user, make_world


class TestFormulaEscaping:
    @pytest.mark.parametrize(
        ("cell", "written"),
        [
            ("=SUM(A1:A9)", "'=SUM(A1:A9)"),
            ("+33 6 12", "'+33 6 12"),
            ("-rm", "'-rm"),
            ("@Carol", "'@Carol"),
            ("\tTab", "'\tTab"),
            ("\rCR", "'\rCR"),
            ("-560.00", "-560.00"),  # a number stays a number
            ("-5", "-5"),
            ("'=x", "''=x"),  # so that reading it back gives exactly "'=x"
            ("O'Neil", "O'Neil"),
            ("Dinner", "Dinner"),
            ("", ""),
        ],
    )
    def test_cells(self, cell: str, written: str) -> None:
        assert exports.escape_formula(cell) == written

    @given(st.text())
    def test_reading_back_gives_the_original(self, text: str) -> None:
        if clean_text.problem(text, multiline=True) is None:  # what Pennywise can store
            assert unescape_formula(exports.escape_formula(text)) == text
        else:  # stored before the rule: escaped, and only tab and line breaks stay
            assert clean_text.problem(exports.escape_formula(text), multiline=True) is None

    @pytest.mark.parametrize(
        ("cell", "written"),
        [
            ("\x1b[2J\x1b[31mPWNED", "\\x1b[2J\\x1b[31mPWNED"),
            ("a\x00b", "a\\x00b"),
            ("\x07=1+1", "\\x07=1+1"),  # escaped first: it no longer starts a formula
            ("\x9b31m", "\\x9b31m"),
            ("line one\nline two\ttab\r\n", "line one\nline two\ttab\r\n"),  # notes
        ],
    )
    def test_control_characters_are_escaped(self, cell: str, written: str) -> None:
        assert exports.escape_formula(cell) == written

    async def test_every_csv_export_escapes_text_cells(self, session) -> None:
        world = await make_world(session, "Bob")
        eve = await world.add_placeholder("@Eve")
        dash = await world.add_placeholder("-Dash")
        await world.expense(
            "60.00",
            description='=HYPERLINK("http://evil","click")',
            category="+fun",
            notes="-note",
            split=world.among("Ann", "Bob"),
        )
        await world.expense("30.00", split=world.among("@Eve", "-Dash"))
        assert eve
        assert dash
        for fmt in ("pennywise-csv", "splitwise-csv"):
            text = await export_text(session, world.owner, world.group_id, fmt)
            cells = [c for row in csv.reader(io.StringIO(text.lstrip("\ufeff"))) for c in row]
            assert '\'=HYPERLINK("http://evil","click")' in cells
            assert not any(c[:1] in ("=", "+", "@", "\t", "\r") for c in cells), fmt
            # A cell starting with "-" is a number or was escaped.
            assert all(c[1:].replace(".", "").isdigit() for c in cells if c.startswith("-"))
        splitwise = await export_text(session, world.owner, world.group_id, "splitwise-csv")
        assert "'@Eve" in splitwise
        assert "-30.00" in splitwise  # Ann's net for the Dinner: a number, not escaped

    async def test_escaped_cells_import_back_unchanged(self, session) -> None:
        world = await make_world(session, "Bob")
        await world.expense("12.00", description="=1+1", category="@home")
        text = await export_text(session, world.owner, world.group_id, "pennywise-csv")
        target = await make_world(session, "Bob")
        await run_bytes(session, target.owner, target.group_id, text.encode())
        again = await export_text(session, target.owner, target.group_id, "pennywise-csv")
        assert again == text
        assert "'=1+1" in text


class TestSplitwiseStyleExport:
    async def test_layout_and_total_rows(self, session) -> None:
        world = await make_world(session, "Bob")
        await run_file(session, world.owner, world.group_id, "splitwise_en.csv")
        text = await export_text(session, world.owner, world.group_id, "splitwise-csv")
        rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
        assert rows[0] == ["Date", "Description", "Category", "Cost", "Currency", "Ann", "Bob",
                           "Carol"]  # fmt: skip
        assert rows[1] == ["2023-09-01", "Rent", "Rent", "1680.00", "EUR", "-560.00", "-560.00",
                           "1120.00"]  # fmt: skip
        assert rows[3][2] == "Payment"
        day = rows[-1][0]  # the export's date, as Splitwise writes it
        assert rows[-3] == []
        assert rows[-2] == [day, "Total balance", " ", " ", "EUR", "-500.00", "-490.00", "990.00"]
        assert rows[-1] == [day, "Total balance", " ", " ", "USD", "20.00", "-5.00", "-15.00"]

    async def test_import_of_the_export_gives_the_same_balances(self, session) -> None:
        world = await make_world(session, "Bob", "Carol")
        await world.expense("90.00", kind="income", description="Refund")  # Ann receives
        await world.expense("20.00", kind="transfer", by="Bob", split=world.among("Carol"))
        await world.expense("33.33", by="Carol", split=world.shares(Ann="1", Bob="2"))
        text = await export_text(session, world.owner, world.group_id, "splitwise-csv")
        target = await make_world(session, "Bob", "Carol")
        await run_bytes(session, target.owner, target.group_id, text.encode())
        assert await balances(session, target.group_id) == await balances(session, world.group_id)


class TestAccess:
    async def test_a_viewer_may_export(self, session) -> None:
        world = await make_world(session)
        viewer = await world.add_user("Vic", role=Role.VIEWER)
        document = await export_text(session, viewer, world.group_id, "pennywise-json")
        assert json.loads(document)["format"] == "pennywise"

    async def test_a_stranger_gets_not_found_before_any_output(self, session) -> None:
        world = await make_world(session)
        stranger = await make_user(session, "Mallory")
        with pytest.raises(NotFoundError):
            await exports.stream(session, stranger, world.group_id, format="pennywise-json")

    async def test_an_unknown_format(self, session) -> None:
        world = await make_world(session)
        with pytest.raises(ValidationError) as caught:
            await exports.stream(session, world.owner, world.group_id, format="xlsx")
        assert caught.value.errors[0].loc == ("format",)

    def test_formats_for_adapters(self) -> None:
        assert exports.FORMATS["pennywise-json"].media_type == "application/json"
        assert exports.FORMATS["splitwise-csv"].extension == "csv"

    async def test_many_transactions_come_in_pages(self, session, monkeypatch) -> None:
        from pennywise_core.imports import _export

        monkeypatch.setattr(_export, "PAGE", 3)
        world: World = await make_world(session, "Bob")
        for i in range(10):  # same date: pages continue by creation time, then id
            await world.expense("1.00", description=f"t{i}")
        document = json.loads(
            await export_text(session, world.owner, world.group_id, "pennywise-json")
        )
        assert [t["description"] for t in document["transactions"]] == [f"t{i}" for i in range(10)]


class TestPieces:
    def test_key_maker_counts_identical_rows_per_day(self) -> None:
        keys = KeyMaker("x")
        day1, day2 = [__import__("datetime").date(2024, 1, d) for d in (1, 2)]
        a = keys.content(day1, ("coffee",))
        b = keys.content(day1, ("coffee",))
        c = keys.content(day2, ("coffee",))
        assert len({a, b, c}) == 3
        again = KeyMaker("x")
        assert [again.content(day1, ("coffee",)), again.content(day1, ("coffee",))] == [a, b]

    @given(
        st.lists(
            st.tuples(
                st.text(min_size=1).map(str.strip).filter(bool),
                st.none() | st.from_regex(r"[0-9]{1,3}(\.[0-9]{1,2})?", fullmatch=True),
            )
        )
    )
    def test_member_cells_round_trip(self, pairs: list[tuple[str, str | None]]) -> None:
        assert split_pairs(join_pairs(pairs)) == pairs

    def test_json_numbers_come_back_as_their_text(self) -> None:
        text = io.StringIO('{"a": 0.30000000000000004, "b": [1, 2.50], "c": {"d": "x"}}')
        items = list(iter_json(text, streamed=frozenset({"b"})))
        assert items == [
            ("a", None, "0.30000000000000004", 1),
            ("b", 0, "1", 1),
            ("b", 1, "2.50", 1),
            ("c", None, {"d": "x"}, 1),
        ]
