"""What every import does: idempotency, overlaps, dry runs, bad-row reports, all or nothing,
streaming sources, members and roles, activity, progress, format detection."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from sqlalchemy import select

from pennywise_core import imports
from pennywise_core.errors import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from pennywise_core.imports import ImportOptions
from pennywise_core.imports._ids import IdBlock
from pennywise_core.models import Activity, Role, Transaction
from pennywise_core.rows import WriteConflict, Writer
from tests.imports.helpers import (
    balances,
    chunks,
    counts,
    export_text,
    fixture,
    report_balances,
    run_bytes,
    run_file,
)
from tests.imports.test_splitwise import ENGLISH_BALANCES
from tests.ledger import World, make_user, make_world

HEADER = "date,description,category,kind,amount,currency,paid_by,split_mode,split,notes\n"


@pytest.fixture
async def world(session) -> World:
    return await make_world(session, "Bob")


def pennywise_csv(rows: int, *, bad_at: int | None = None) -> bytes:
    """``rows`` valid Pennywise CSV rows (two identical ones per day), one bad if asked."""
    lines = [HEADER]
    for i in range(rows):
        day = f"2024-{1 + i // 560 % 12:02d}-{1 + i // 20 % 28:02d}"
        amount = "oops" if i == bad_at else f"{1 + i % 7}.{i % 100:02d}"
        lines.append(f"{day},Coffee ☕ {i // 2},food,expense,{amount},EUR,Ann,equal,Ann; Bob,\n")
    return "".join(lines).encode()


async def import_generated(
    session, world: World, rows: int, *, batch_size: int, bad_at: int | None = None
) -> imports.ImportReport:
    """Import ``pennywise_csv(rows)`` into the world's group, ``batch_size`` rows a batch."""
    return await run_bytes(
        session,
        world.owner,
        world.group_id,
        pennywise_csv(rows, bad_at=bad_at),
        options=ImportOptions(batch_size=batch_size),
    )


class TestIdempotency:
    async def test_running_the_same_file_again_adds_nothing(self, session, world: World) -> None:
        first = await run_file(session, world.owner, world.group_id, "splitwise_en.csv")
        before = await counts(session, world.group_id)
        again = await run_file(session, world.owner, world.group_id, "splitwise_en.csv")
        assert (first.created, again.created, again.already_imported) == (5, 0, 5)
        assert again.new_members == []
        # Only the import's own activity record is new.
        after = await counts(session, world.group_id)
        assert {**after, "activity": 0} == {**before, "activity": 0}
        assert after["activity"] == before["activity"] + 1
        assert await balances(session, world.group_id) == ENGLISH_BALANCES

    async def test_an_overlapping_file_adds_only_the_new_rows(self, session, world: World) -> None:
        # The early export has the first three (EUR) rows; the later one all five.
        early = await run_file(session, world.owner, world.group_id, "splitwise_en_early.csv")
        later = await run_file(session, world.owner, world.group_id, "splitwise_en.csv")
        assert (early.created, later.created, later.already_imported) == (3, 2, 3)
        assert await balances(session, world.group_id) == ENGLISH_BALANCES

    async def test_imported_ids_differ_in_their_first_eight_digits(
        self, session, world: World
    ) -> None:
        # The CLI names a transaction by the first 8 hex digits of its id (`tx show 3f2a9c1e`):
        # the rows of one import must not share them, across batches either.
        await import_generated(session, world, 1500, batch_size=250)
        ids = (
            await session.scalars(
                select(Transaction.id).where(Transaction.group_id == world.group_id)
            )
        ).all()
        assert len(ids) >= 1500
        assert len({str(i)[:8] for i in ids}) == len(ids)
        assert {i.version for i in ids} == {4}

    async def test_imported_ids_go_up_along_the_file(self, session, world: World) -> None:
        # So that the indexes keyed by id take each row next to the one before.
        await import_generated(session, world, 700, batch_size=250)
        in_file_order = (
            await session.scalars(
                select(Transaction.id)
                .where(Transaction.group_id == world.group_id)
                .order_by(Transaction.created_at)
            )
        ).all()
        assert len(in_file_order) == 700
        assert list(in_file_order) == sorted(in_file_order)

    async def test_identical_rows_are_distinct_transactions(self, session, world: World) -> None:
        data = pennywise_csv(40)  # rows come in identical pairs
        report = await run_bytes(session, world.owner, world.group_id, data)
        assert report.created == 40
        again = await run_bytes(session, world.owner, world.group_id, data)
        assert (again.created, again.already_imported) == (0, 40)


class TestIdBlock:
    def test_no_two_short_ids_are_one_typo_apart(self) -> None:
        prefixes = [i[:8] for i in IdBlock().take(3000)]
        taken = set(prefixes)
        digits = "0123456789abcdef"
        for prefix in prefixes:
            for at in range(8):
                for digit in digits.replace(prefix[at], ""):  # one digit mistyped
                    assert prefix[:at] + digit + prefix[at + 1 :] not in taken
            for at in range(7):  # two neighbours swapped
                swapped = prefix[:at] + prefix[at + 1] + prefix[at] + prefix[at + 2 :]
                assert swapped == prefix or swapped not in taken

    def test_ids_wrap_around_instead_of_outgrowing_a_uuid(self) -> None:
        block = IdBlock()
        block.prefix = 2**32 - 3 * 257  # as if 8 million rows had gone before
        ids = [uuid.UUID(i) for i in block.take(6)]
        assert [i.version for i in ids] == [4] * 6
        assert [str(i)[:8] for i in ids][-3:] == ["00000000", "00000101", "00000202"]
        assert all(i in block for i in ids)

    def test_recognises_its_own_ids_only(self) -> None:
        block, other = IdBlock(), IdBlock()
        ours = [uuid.UUID(i) for i in block.take(500)]
        theirs = [uuid.UUID(i) for i in other.take(500)]
        assert all(i in block for i in ours)
        assert not any(i in block for i in theirs)
        assert not any(uuid.uuid4() in block for _ in range(2000))
        # An id of a later row than the block has handed out is not one of its own yet.
        later = IdBlock()
        later.prefix, later._key = block.prefix, block._key
        assert uuid.UUID(later.take(501)[-1]) not in block


class TestDryRun:
    async def test_writes_nothing_and_reports_what_would_happen(
        self, session, world: World
    ) -> None:
        before = await counts(session, world.group_id)
        report = await run_file(
            session, world.owner, world.group_id, "splitwise_en.csv", dry_run=True
        )
        assert await counts(session, world.group_id) == before
        assert report.dry_run
        assert (report.rows, report.created) == (5, 5)
        assert [(m.display_name, m.member_id) for m in report.new_members] == [("Carol", None)]
        totals = {t.currency: t for t in report.totals}
        assert (totals["EUR"].transactions, totals["EUR"].expenses) == (3, "1770.00")
        assert totals["EUR"].transfers == "100.00"
        assert (totals["USD"].expenses, totals["USD"].income) == ("65.00", "0.00")
        assert report_balances(report) == ENGLISH_BALANCES
        carol = next(b for b in report.balances if b.display_name == "Carol")
        assert carol.member_id is None  # not created

    async def test_the_real_run_reports_the_same(self, session, world: World) -> None:
        dry = await run_file(session, world.owner, world.group_id, "splitwise_en.csv", dry_run=True)
        real = await run_file(session, world.owner, world.group_id, "splitwise_en.csv")
        assert real.totals == dry.totals
        assert report_balances(real) == report_balances(dry)
        assert real.new_members[0].member_id is not None

    async def test_resulting_balances_include_what_was_there(self, session, world: World) -> None:
        await world.expense("10.00", by="Bob", split=world.among("Ann"))  # Bob +10, Ann −10
        report = await run_file(
            session, world.owner, world.group_id, "splitwise_en.csv", dry_run=True
        )
        result = report_balances(report)
        assert result[("Ann", "EUR")] == "-510.00"
        assert result[("Bob", "EUR")] == "-480.00"


class TestBadRows:
    async def test_every_bad_row_is_listed_with_row_column_and_value(
        self, session, world: World
    ) -> None:
        data = (
            HEADER
            + "2024-01-01,Fine,,expense,10.00,EUR,Ann,equal,Ann; Bob,\n"
            + '2024-01-02,Comma,,expense,"12,50",EUR,Ann,equal,Ann; Bob,\n'
            + "2024-13-01,Bad date,,expense,5.00,EUR,Ann,equal,Ann; Bob,\n"
            + "2024-01-04,Bad kind,,gift,5.00,EUR,Ann,equal,Ann; Bob,\n"
            + "2024-01-05,Bad percent,,expense,5.00,EUR,Ann,percent,Ann=50; Bob=40,\n"
            + "2024-01-06,Bad currency,,expense,5.00,EURO,Ann,equal,Ann; Bob,\n"
            + "2024-01-07,Too precise,,expense,5.001,EUR,Ann,equal,Ann; Bob,\n"
        ).encode()
        before = await counts(session, world.group_id)
        with pytest.raises(ValidationError) as caught:
            await run_bytes(session, world.owner, world.group_id, data)
        errors = {e.loc: e.msg for e in caught.value.errors}
        assert set(errors) == {
            ("row", 3, "amount"),
            ("row", 4, "date"),
            ("row", 5, "kind"),
            ("row", 6, "split"),
            ("row", 7, "currency"),
            ("row", 8, "amount"),
        }
        assert "'12,50'" in errors[("row", 3, "amount")]
        assert '"." as the decimal point' in errors[("row", 3, "amount")]
        assert "'2024-13-01'" in errors[("row", 4, "date")]
        assert "'gift'" in errors[("row", 5, "kind")]
        assert "add up to 90, not 100" in errors[("row", 6, "split")]
        assert "'EURO'" in errors[("row", 7, "currency")]
        assert "'5.001'" in errors[("row", 8, "amount")]
        assert caught.value.detail.startswith("6 bad rows in the pennywise-csv file")
        assert await counts(session, world.group_id) == before

    async def test_the_list_stops_at_the_limit_but_every_bad_row_is_counted(
        self, session, world: World
    ) -> None:
        data = HEADER + "".join(
            f"2024-01-01,Row {i},,expense,x{i},EUR,Ann,equal,Ann,\n" for i in range(60)
        )
        with pytest.raises(ValidationError) as caught:
            await run_bytes(
                session,
                world.owner,
                world.group_id,
                data.encode(),
                options=ImportOptions(error_limit=50),
            )
        assert len(caught.value.errors) == 50
        assert caught.value.detail.startswith("60 bad rows")
        assert "the first 50 errors are listed" in caught.value.detail

    async def test_one_bad_row_at_the_end_of_a_big_file_writes_nothing(
        self, session, world: World
    ) -> None:
        data = pennywise_csv(3000, bad_at=2999)
        before = await counts(session, world.group_id)
        with pytest.raises(ValidationError) as caught:
            await run_bytes(
                session,
                world.owner,
                world.group_id,
                data,
                options=ImportOptions(batch_size=250),
            )
        assert [e.loc for e in caught.value.errors] == [("row", 3001, "amount")]
        assert await counts(session, world.group_id) == before

    async def test_unknown_members_in_a_row_are_located(self, session, world: World) -> None:
        data = (HEADER + "2024-01-01,X,,expense,10.00,EUR,Ann,equal,Ann; Ann,\n").encode()
        with pytest.raises(ValidationError) as caught:
            await run_bytes(session, world.owner, world.group_id, data)
        [error] = caught.value.errors
        assert error.loc == ("row", 2, "split")
        assert "listed twice" in error.msg


class TestSources:
    async def test_an_iterable_of_chunks_that_cut_through_characters(
        self, session, world: World
    ) -> None:
        data = pennywise_csv(500)
        report = await imports.run(
            session,
            world.owner,
            world.group_id,
            chunks(data, 7),
            options=ImportOptions(batch_size=64),
        )
        assert report.created == 500
        assert report.format == "pennywise-csv"

    async def test_a_prescanning_format_from_an_iterable(self, session, world: World) -> None:
        # Spliit JSON is read twice: a non-seekable source is spooled for the second read.
        report = await imports.run(
            session, world.owner, world.group_id, chunks(fixture("spliit_export.json"), 100)
        )
        assert report.created == 6

    async def test_a_prescan_that_stops_early_still_sees_the_whole_file(
        self, session, world: World
    ) -> None:
        data = b"what,amount,date\n" + b"x,1.0,2024-01-01\n" * 20000
        with pytest.raises(ValidationError) as caught:
            await imports.run(
                session, world.owner, world.group_id, chunks(data, 999), format="ihatemoney-csv"
            )
        assert {e.loc for e in caught.value.errors} == {
            ("row", 1, "payer_name"),
            ("row", 1, "owers"),
        }

    async def test_a_big_json_document_is_streamed_across_buffers(
        self, session, world: World
    ) -> None:
        bills = ",".join(
            f'{{"what": "Bill \\"{i}\\" [x]", "bill_type": "Expense", "amount": {i % 90 + 1}.5, '
            f'"currency": "EUR", "date": "2024-01-{1 + i % 28:02d}", "payer_name": "Ann", '
            f'"payer_weight": 1.0, "owers": ["Ann", "Bob"]}}'
            for i in range(2500)
        )
        data = f"[{bills}]".encode()
        assert len(data) > 3 * 65536
        report = await imports.run(
            session, world.owner, world.group_id, chunks(data, 4096), format="ihatemoney-json"
        )
        assert report.created == 2500

    async def test_text_that_is_not_utf8(self, session, world: World) -> None:
        data = (HEADER + "2024-01-01,Caf\xe9,,expense,1.00,EUR,Ann,equal,Ann,\n").encode("latin-1")
        with pytest.raises(ValidationError) as caught:
            await run_bytes(session, world.owner, world.group_id, data)
        assert "not valid UTF-8" in caught.value.detail

    async def test_malformed_json_names_the_line(self, session, world: World) -> None:
        data = b'[\n{"what": "A", "amount": 1.0,\n "owers": ["Ann"] "date": "2024-01-01"}\n]'
        with pytest.raises(ValidationError) as caught:
            await run_bytes(session, world.owner, world.group_id, data, format="ihatemoney-json")
        assert "line 3" in caught.value.detail

    async def test_progress_is_reported_for_both_passes(self, session, world: World) -> None:
        seen: list[imports.Progress] = []
        await imports.run(
            session,
            world.owner,
            world.group_id,
            chunks(pennywise_csv(300), 1000),
            options=ImportOptions(batch_size=100),
            progress=seen.append,
        )
        phases = [p.phase for p in seen]
        assert phases.index("write") > phases.index("validate")
        assert seen[-1] == imports.Progress("write", 300, seen[-1].bytes_read)
        assert max(p.rows for p in seen if p.phase == "validate") == 300


class TestMembersAndRoles:
    async def test_a_member_cannot_add_people_but_can_dry_run(self, session, world: World) -> None:
        bob = world.people["Bob"]
        with pytest.raises(PermissionDeniedError) as caught:
            await run_file(session, bob, world.group_id, "splitwise_en.csv")
        assert "Carol" in caught.value.detail
        dry = await run_file(session, bob, world.group_id, "splitwise_en.csv", dry_run=True)
        assert any("only an admin" in w for w in dry.warnings)

    async def test_a_member_can_import_when_everyone_is_mapped(self, session, world: World) -> None:
        carol = await world.add_user("Carol")
        report = await run_file(
            session,
            world.people["Bob"],
            world.group_id,
            "splitwise_en.csv",
            options=ImportOptions(member_map={"Carol": world.member_ids["Carol"]}),
        )
        assert report.created == 5
        assert carol is not None

    async def test_a_viewer_cannot_import(self, session, world: World) -> None:
        viewer = await world.add_user("Vic", role=Role.VIEWER)
        with pytest.raises(PermissionDeniedError):
            await run_file(session, viewer, world.group_id, "splitwise_en.csv", dry_run=True)

    async def test_a_stranger_gets_not_found(self, session, world: World) -> None:
        stranger = await make_user(session, "Mallory")
        with pytest.raises(NotFoundError):
            await run_file(session, stranger, world.group_id, "splitwise_en.csv")

    async def test_a_mapping_to_a_non_member_is_refused(self, session, world: World) -> None:
        other = await make_world(session, "Zoe")
        with pytest.raises(ValidationError) as caught:
            await run_file(
                session,
                world.owner,
                world.group_id,
                "splitwise_en.csv",
                options=ImportOptions(member_map={"Carol": other.member_ids["Zoe"]}),
            )
        assert caught.value.errors[0].loc == ("member_map", "Carol")

    async def test_activity_one_import_record_and_one_per_new_member(
        self, session, world: World
    ) -> None:
        await run_file(session, world.owner, world.group_id, "splitwise_en.csv")
        rows = (
            await session.scalars(select(Activity).where(Activity.group_id == world.group_id))
        ).all()
        imports_done = [a for a in rows if a.action == "import"]
        assert len(imports_done) == 1
        assert imports_done[0].after is not None
        assert imports_done[0].after["created"] == 5
        assert imports_done[0].after["new_members"] == ["Carol"]
        added = [a.after["display_name"] for a in rows if a.action == "member.add" and a.after]
        assert sorted(added) == ["Bob", "Carol"]  # Bob by make_world, Carol by the import


class TestDetection:
    @pytest.mark.parametrize(
        ("name", "expected"),
        [
            ("splitwise_en.csv", "splitwise-csv"),
            ("splitwise_de.csv", "splitwise-csv"),
            ("splitwise_fr.csv", "splitwise-csv"),
            ("ihatemoney_bills.json", "ihatemoney-json"),
            ("ihatemoney_bills.csv", "ihatemoney-csv"),
            ("spliit_export.json", "spliit-json"),
            ("spliit_export.csv", "spliit-csv"),
        ],
    )
    def test_fixtures(self, name: str, expected: str) -> None:
        assert imports.detect(fixture(name)) == expected

    def test_a_bank_csv_cannot_be_told(self) -> None:
        with pytest.raises(ValidationError) as caught:
            imports.detect(b"Buchungstag;Verwendungszweck;Betrag\n01.01.2024;X;-1,00\n")
        assert "cannot tell the format" in caught.value.detail
        assert "bank-csv with a column mapping" in caught.value.detail

    def test_an_ihatemoney_settle_plan(self) -> None:
        with pytest.raises(ValidationError) as caught:
            imports.detect(b'[{"ower": "A", "receiver": "B", "amount": 1.0, "currency": "EUR"}]')
        assert "settle plan" in caught.value.detail

    def test_an_empty_file(self) -> None:
        with pytest.raises(ValidationError, match="empty"):
            imports.detect(b"\xef\xbb\xbf  \n")

    async def test_an_unknown_format_name(self, session, world: World) -> None:
        with pytest.raises(ValidationError) as caught:
            await run_bytes(session, world.owner, world.group_id, b"x", format="quicken")
        assert caught.value.errors[0].loc == ("format",)


class TestWritingWhileValidating:
    """Rows are written while the file is still being read, inside a SAVEPOINT that is
    rolled back the moment the import cannot succeed: every outcome is what it would be
    had nothing been written before the last row was read."""

    async def test_the_session_is_usable_after_a_late_bad_row(self, session, world: World) -> None:
        before = await counts(session, world.group_id)
        with pytest.raises(ValidationError):
            await import_generated(session, world, 1200, batch_size=100, bad_at=1100)
        assert await counts(session, world.group_id) == before
        report = await import_generated(session, world, 1200, batch_size=100)
        assert (report.created, report.already_imported) == (1200, 0)

    async def test_a_transaction_named_twice_far_apart_is_a_conflict(
        self, session, world: World
    ) -> None:
        for i in range(6):
            await world.expense(f"{i + 1}.00", by="Ann", description=f"Row {i}")
        other = await make_world(session, "Bob")
        document = json.loads(
            await export_text(session, world.owner, world.group_id, "pennywise-json")
        )
        document["transactions"].append(dict(document["transactions"][0]))
        data = json.dumps(document).encode()
        before = await counts(session, other.group_id)
        options = ImportOptions(batch_size=2)
        with pytest.raises(ConflictError):
            await run_bytes(session, other.owner, other.group_id, data, options=options)
        assert await counts(session, other.group_id) == before
        # A dry run writes nothing, so it does not see the second one as taken.
        dry = await run_bytes(
            session, other.owner, other.group_id, data, options=options, dry_run=True
        )
        assert dry.created == 7

    async def test_a_refused_write_takes_back_every_row(
        self, session, world: World, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        calls = 0
        insert = Writer.insert

        async def refuse_the_third(self: Writer, txs: Any, entries: Any) -> None:
            nonlocal calls
            calls += 1
            if calls == 3:
                raise WriteConflict("duplicate key value violates unique constraint")
            await insert(self, txs, entries)

        monkeypatch.setattr(Writer, "insert", refuse_the_third)
        before = await counts(session, world.group_id)
        with pytest.raises(ConflictError):
            await run_bytes(
                session,
                world.owner,
                world.group_id,
                pennywise_csv(1000),
                options=ImportOptions(batch_size=100),
            )
        assert calls >= 3
        assert await counts(session, world.group_id) == before

    async def test_an_unexpected_error_while_writing_takes_back_every_row(
        self, session, world: World, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        calls = 0
        insert = Writer.insert

        async def fail_the_second(self: Writer, txs: Any, entries: Any) -> None:
            nonlocal calls
            calls += 1
            if calls == 2:
                raise RuntimeError("the disk is full")
            await insert(self, txs, entries)

        monkeypatch.setattr(Writer, "insert", fail_the_second)
        before = await counts(session, world.group_id)
        with pytest.raises(RuntimeError, match="disk is full"):
            await run_bytes(
                session,
                world.owner,
                world.group_id,
                pennywise_csv(1000),
                options=ImportOptions(batch_size=100),
            )
        assert await counts(session, world.group_id) == before
        monkeypatch.undo()
        report = await run_bytes(session, world.owner, world.group_id, pennywise_csv(300))
        assert report.created == 300

    async def test_new_people_late_in_a_members_import(self, session, world: World) -> None:
        bob = world.people["Bob"]
        data = pennywise_csv(800) + b"2024-12-28,Late,,expense,1.00,EUR,Zed,equal,Zed; Bob,\n"
        before = await counts(session, world.group_id)
        with pytest.raises(PermissionDeniedError):
            await run_bytes(
                session, bob, world.group_id, data, options=ImportOptions(batch_size=100)
            )
        assert await counts(session, world.group_id) == before
        report = await run_bytes(
            session, world.owner, world.group_id, data, options=ImportOptions(batch_size=100)
        )
        assert (report.created, [m.display_name for m in report.new_members]) == (801, ["Zed"])

    async def test_transactions_are_created_in_file_order(self, session, world: World) -> None:
        await import_generated(session, world, 300, batch_size=64)
        rows = (
            await session.execute(
                select(Transaction.id, Transaction.created_at, Transaction.description)
                .where(Transaction.group_id == world.group_id)
                .order_by(Transaction.created_at)
            )
        ).all()
        assert len(rows) == 300
        assert [d for _, _, d in rows][:3] == ["Coffee ☕ 0", "Coffee ☕ 0", "Coffee ☕ 1"]
        assert len({created for _, created, _ in rows}) == 300
