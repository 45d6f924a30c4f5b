"""``pw.imports.run`` and ``pw.exports.download`` against the real app, sync and async, on
SQLite and PostgreSQL: uploads from a path, bytes or a file; streamed downloads to a path or
a file; the typed errors; a lost answer retried with one Idempotency-Key."""

from __future__ import annotations

import io
import json
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from clienttools import BASE_URL, FAST, AsyncSpy, SyncServer, first_post_to
from sqlalchemy.ext.asyncio import AsyncEngine

from pennywise_api.app import create_app
from pennywise_client import (
    AsyncPennywise,
    ContentTooLargeError,
    Downloaded,
    NotFoundError,
    Pennywise,
    PermissionDeniedError,
    ValidationError,
)
from pennywise_client.models import BankMappingIn, GroupRead, ImportReport
from pennywise_core.settings import Settings

SPLITWISE = (
    b"Date,Description,Category,Cost,Currency,Bob,Carl\r\n"
    b"2024-03-01,Taxi,Transport,10.00,EUR,5.00,-5.00\r\n"
    b"2024-03-02,Museum,Fun,30.00,EUR,-15.00,15.00\r\n"
)
"""Leaves Bob at −10.00 EUR and Carl at +10.00 EUR."""
BANK = b"Date,Description,Amount\n2024-02-01,Supermarket,-60.00\n2024-02-03,Power,-90.00\n"
FIXTURES = Path(__file__).resolve().parents[1] / "imports" / "fixtures"


def imports_path(group_id: Any) -> str:
    return f"/api/v1/groups/{group_id}/imports"


def nonzero(rows: list[Any]) -> dict[tuple[str, str], str]:
    return {(r.display_name, r.currency): r.balance for r in rows if r.balance.strip("-0.")}


def names(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


class Unseekable(io.RawIOBase):
    """A pipe-like binary source: it reads, but cannot seek or tell its length."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def readinto(self, buffer: Any) -> int:
        chunk = self._data.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)


async def trip(pw: AsyncPennywise) -> GroupRead:
    group = await pw.groups.create("Trip", default_currency="EUR")
    await pw.members.add(group.id, display_name="Bob")
    await pw.members.add(group.id, display_name="Carl")
    return group


class TestAsyncImports:
    async def test_dry_run_import_and_again(
        self, async_client: Callable[..., AsyncPennywise], new_user: Any, tmp_path: Path
    ):
        pw = async_client((await new_user("ann")).token)
        group = await trip(pw)
        source = tmp_path / "splitwise.csv"
        source.write_bytes(SPLITWISE)

        dry = await pw.imports.run(group.id, source, dry_run=True)
        assert isinstance(dry, ImportReport)
        assert (dry.dry_run, dry.format_, dry.rows, dry.created) == (True, "splitwise-csv", 2, 2)
        assert nonzero(await pw.balances.get(group.id)) == {}

        report = await pw.imports.run(group.id, str(source), format="splitwise-csv")
        assert (report.dry_run, report.created, report.already_imported) == (False, 2, 0)
        after = nonzero(await pw.balances.get(group.id))
        assert after == {("Bob", "EUR"): "-10.00", ("Carl", "EUR"): "10.00"}

        again = await pw.imports.run(group.id, SPLITWISE)  # bytes work too
        assert (again.created, again.already_imported) == (0, 2)
        assert nonzero(await pw.balances.get(group.id)) == after

    async def test_from_a_binary_file_and_an_unseekable_one(
        self, async_client: Callable[..., AsyncPennywise], new_user: Any
    ):
        pw = async_client((await new_user("ann")).token)
        group = await trip(pw)
        with (FIXTURES / "splitwise_en.csv").open("rb") as file:
            report = await pw.imports.run(group.id, file, dry_run=True)
        assert report.format_ == "splitwise-csv"
        piped = await pw.imports.run(group.id, Unseekable(SPLITWISE), dry_run=True)
        assert piped.created == 2

    async def test_member_map_and_bank_mapping(
        self, async_client: Callable[..., AsyncPennywise], new_user: Any
    ):
        pw = async_client((await new_user("ann")).token)
        group = await trip(pw)
        bob = next(m for m in await pw.members.list(group.id) if m.display_name == "Bob")
        mapped = await pw.imports.run(
            group.id, SPLITWISE.replace(b"Bob", b"Robert"), member_map={"Robert": bob.id}
        )
        assert mapped.new_members == []

        as_dict = await pw.imports.run(
            group.id,
            BANK,
            bank_mapping={
                "date": "Date",
                "description": 1,
                "amount": "Amount",
                "paid_by": bob.id,
                "split": {bob.id: 1, "Carl": "2"},
            },
            dry_run=True,
        )
        assert (as_dict.format_, as_dict.created) == ("bank-csv", 2)
        as_model = await pw.imports.run(
            group.id,
            BANK,
            bank_mapping=BankMappingIn(date="Date", description="Description", amount="Amount"),
        )
        assert as_model.created == 2

    async def test_bad_rows_raise_validation_error_with_locations(
        self, async_client: Callable[..., AsyncPennywise], new_user: Any
    ):
        pw = async_client((await new_user("ann")).token)
        group = await trip(pw)
        bad = SPLITWISE.replace(b"30.00,EUR", b"3O.00,EUR")
        with pytest.raises(ValidationError) as caught:
            await pw.imports.run(group.id, bad)
        assert caught.value.status == 422
        assert caught.value.problem["errors"][0]["loc"] == ["row", 3, "Cost"]
        assert nonzero(await pw.balances.get(group.id)) == {}

    async def test_a_file_holding_the_generators_boundary(
        self, async_client: Callable[..., AsyncPennywise], new_user: Any
    ):
        # The generated code sends multipart bodies with the boundary "+++": a line "--+++"
        # in the file would end the part there (the server: "body could not be parsed").
        # The client lets httpx pick a random boundary; the core sees the line as row 4.
        pw = async_client((await new_user("ann")).token)
        group = await trip(pw)
        tricky = SPLITWISE + b"--+++\r\n2024-03-03,Odd,Fun,1.00,EUR,0.50,-0.50\r\n"
        with pytest.raises(ValidationError) as caught:
            await pw.imports.run(group.id, tricky)
        assert [e["loc"][:2] for e in caught.value.problem["errors"]] == [["row", 4]]
        sent = pw.spy.seen.to("POST", imports_path(group.id))  # type: ignore[attr-defined]
        assert "boundary=+++" not in sent[-1].headers["content-type"]

    async def test_roles(self, async_client: Callable[..., AsyncPennywise], new_user: Any):
        ann, viewer_user, otto = [await new_user(n) for n in ("ann", "vera", "otto")]
        owner = async_client(ann.token)
        group = await trip(owner)
        await owner.members.add(group.id, email=viewer_user.email, role="viewer")
        viewer = async_client(viewer_user.token)
        (invite,) = await viewer.invites.received()
        await viewer.invites.accept_received(invite.id)
        with pytest.raises(PermissionDeniedError):
            await viewer.imports.run(group.id, SPLITWISE)
        outsider = async_client(otto.token)
        with pytest.raises(NotFoundError):
            await outsider.imports.run(group.id, SPLITWISE)

    async def test_a_file_over_the_servers_limit(self, engine: AsyncEngine, new_user: Any):
        app = create_app(Settings(environment="test", max_import_bytes=1024), engine=engine)
        spy = AsyncSpy(httpx.ASGITransport(app=app))
        async with AsyncPennywise(
            BASE_URL, (await new_user("ann")).token, transport=spy, backoff=FAST
        ) as pw:
            group = await trip(pw)
            with pytest.raises(ContentTooLargeError) as caught:
                await pw.imports.run(group.id, SPLITWISE + b"\r\n" * 1024)
        assert caught.value.status == 413
        assert "1 KiB" in str(caught.value)
        assert "pennywise import" in str(caught.value)
        assert len(spy.seen.to("POST", imports_path(group.id))) == 1  # never retried

    @pytest.mark.parametrize("lost", ["read", "503"])
    async def test_a_lost_answer_is_retried_with_one_key(
        self, async_client: Callable[..., AsyncPennywise], new_user: Any, lost: str
    ):
        token = (await new_user("ann")).token
        group = await trip(async_client(token))
        pw = async_client(token, sabotage=first_post_to(imports_path(group.id), lost))
        report = await pw.imports.run(group.id, SPLITWISE)
        # The retry got the first answer back, not a second import that found it all done.
        assert (report.created, report.already_imported) == (2, 0)
        posts = pw.spy.seen.to("POST", imports_path(group.id))  # type: ignore[attr-defined]
        assert len(posts) == 2
        assert len({p.headers["Idempotency-Key"] for p in posts}) == 1
        assert nonzero(await pw.balances.get(group.id))[("Bob", "EUR")] == "-10.00"

    async def test_a_text_file_is_refused(
        self, async_client: Callable[..., AsyncPennywise], new_user: Any
    ):
        pw = async_client((await new_user("ann")).token)
        with pytest.raises(TypeError, match="binary"):
            await pw.imports.run(uuid.uuid4(), io.StringIO("Date,Description"))


class TestAsyncExports:
    @pytest.mark.parametrize(
        ("format", "media_type", "name"),
        [
            ("pennywise-json", "application/json", "Trip.pennywise.json"),
            ("pennywise-csv", "text/csv; charset=utf-8", "Trip.pennywise.csv"),
            ("splitwise-csv", "text/csv; charset=utf-8", "Trip.splitwise.csv"),
        ],
    )
    async def test_to_a_path_and_to_a_file(
        self,
        async_client: Callable[..., AsyncPennywise],
        new_user: Any,
        tmp_path: Path,
        format: Any,
        media_type: str,
        name: str,
    ):
        pw = async_client((await new_user("ann")).token)
        group = await trip(pw)
        await pw.imports.run(group.id, SPLITWISE)
        target = tmp_path / name
        done = await pw.exports.download(group.id, format=format, to=target)
        assert isinstance(done, Downloaded)
        assert (done.media_type, done.filename, done.path) == (media_type, name, target)
        assert done.size == target.stat().st_size > 0
        assert b"Museum" in target.read_bytes()
        assert names(tmp_path) == [name]  # no temporary file left

        buffer = io.BytesIO()
        again = await pw.exports.download(group.id, format=format, to=buffer)
        assert again.path is None
        assert buffer.getvalue() == target.read_bytes()

    async def test_round_trip_into_a_new_group(
        self, async_client: Callable[..., AsyncPennywise], new_user: Any
    ):
        pw = async_client((await new_user("ann")).token)
        group = await trip(pw)
        await pw.imports.run(group.id, SPLITWISE)
        exported = io.BytesIO()
        await pw.exports.download(group.id, to=exported)
        assert json.loads(exported.getvalue())["format"] == "pennywise"

        copy = await pw.groups.create("Copy")
        exported.seek(0)
        report = await pw.imports.run(copy.id, exported)
        assert report.format_ == "pennywise-json"
        assert nonzero(await pw.balances.get(copy.id)) == nonzero(await pw.balances.get(group.id))

    async def test_an_error_leaves_the_path_alone(
        self, async_client: Callable[..., AsyncPennywise], new_user: Any, tmp_path: Path
    ):
        pw = async_client((await new_user("ann")).token)
        target = tmp_path / "export.json"
        with pytest.raises(NotFoundError):
            await pw.exports.download(uuid.uuid4(), to=target)
        assert names(tmp_path) == []


class TestSync:
    def test_import_and_export(self, sync_server: SyncServer, tmp_path: Path):
        with sync_server.client(sync_server.new_user("ann").token) as pw:
            assert isinstance(pw, Pennywise)
            group = pw.groups.create("Trip", default_currency="EUR")
            pw.members.add(group.id, display_name="Bob")
            pw.members.add(group.id, display_name="Carl")
            source = tmp_path / "in.csv"
            source.write_bytes(SPLITWISE)

            assert pw.imports.run(group.id, source, dry_run=True).created == 2
            assert nonzero(pw.balances.get(group.id)) == {}
            report = pw.imports.run(group.id, source)
            assert (report.dry_run, report.created) == (False, 2)
            assert pw.imports.run(group.id, source).already_imported == 2
            with pytest.raises(ValidationError) as caught:
                pw.imports.run(group.id, SPLITWISE.replace(b"2024-03-02", b"2024-02-30"))
            assert caught.value.problem["errors"][0]["loc"] == ["row", 3, "Date"]

            target = tmp_path / "out.json"
            done = pw.exports.download(group.id, to=target)
            assert (done.filename, done.media_type) == ("Trip.pennywise.json", "application/json")
            csv_out = io.BytesIO()
            pw.exports.download(group.id, format="splitwise-csv", to=csv_out)
            assert csv_out.getvalue().startswith("\ufeffDate".encode())

            copy = pw.groups.create("Copy")
            assert pw.imports.run(copy.id, target).created == 2
            assert nonzero(pw.balances.get(copy.id)) == nonzero(pw.balances.get(group.id))
            with pytest.raises(NotFoundError):
                pw.exports.download(uuid.uuid4(), to=tmp_path / "nothing.json")
            assert not (tmp_path / "nothing.json").exists()

    def test_a_lost_answer_is_retried_with_one_key(self, sync_server: SyncServer):
        token = sync_server.new_user("ann").token
        with sync_server.client(token) as setup:
            group = setup.groups.create("Trip")
            setup.members.add(group.id, display_name="Bob")
            setup.members.add(group.id, display_name="Carl")
        path = imports_path(group.id)
        with sync_server.client(token, sabotage=first_post_to(path, "read")) as pw:
            report = pw.imports.run(group.id, SPLITWISE)
            assert report.created == 2
            posts = pw.spy.seen.to("POST", path)  # type: ignore[attr-defined]
            assert len(posts) == 2
            assert len({p.headers["Idempotency-Key"] for p in posts}) == 1
