"""``POST /groups/{id}/imports`` and ``GET /groups/{id}/export`` through the real app.

The world's group (see :class:`apitools.World`) has the placeholders Bob and Carl, whom
:data:`apitools.IMPORT_CSV` (a Splitwise CSV) leaves at −10.00 and +10.00 EUR. Every test
makes its own world, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from apitools import API, IMPORT_CSV, World, assert_problem
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from pennywise_api.app import create_app
from pennywise_api.middleware import MAX_BODY_BYTES
from pennywise_api.routers.exports import ExportFormat, content_disposition
from pennywise_api.routers.imports import ImportFormat
from pennywise_core import exports, imports
from pennywise_core.db import session_factory
from pennywise_core.models import Activity, Member, Transaction
from pennywise_core.schemas import TransactionCreate
from pennywise_core.services import transactions, users
from pennywise_core.settings import Settings

FIXTURES = Path(__file__).resolve().parents[1] / "imports" / "fixtures"
BAD_CSV = (
    b"Date,Description,Category,Cost,Currency,Bob,Carl\n"
    b"2024-03-01,Taxi,Transport,10.00,EUR,5.00,-5.00\n"
    b"2024-03-02,Museum,Fun,abc,EUR,-15.00,15.00\n"
    b"2024-13-03,Bus,Transport,4.00,EUR,2.00,-2.00\n"
)
"""Row 3 has a bad cost, row 4 a bad date (the header is row 1)."""


def imports_url(world: World) -> str:
    return f"{API}/groups/{world.group_id}/imports"


def export_url(group_id: uuid.UUID | str) -> str:
    return f"{API}/groups/{group_id}/export"


def upload(content: bytes, name: str = "splitwise.csv") -> dict[str, Any]:
    return {"file": (name, content, "text/csv")}


async def balances(
    client: httpx.AsyncClient, group_id: uuid.UUID | str, headers: dict[str, str]
) -> dict[tuple[str, str], str]:
    """``{(display name, currency): balance}``, zeros left out."""
    response = await client.get(f"{API}/groups/{group_id}/balances", headers=headers)
    assert response.status_code == 200, response.text
    return {
        (row["display_name"], row["currency"]): row["balance"]
        for row in response.json()
        if row["balance"].strip("-0.")
    }


async def counts(engine: AsyncEngine, group_id: uuid.UUID | str) -> dict[str, int]:
    """Transactions, members and activity records of the group: to prove nothing changed."""
    gid = uuid.UUID(str(group_id))
    async with session_factory(engine)() as session:
        return {
            model.__name__: int(
                await session.scalar(
                    select(func.count()).select_from(model).where(model.group_id == gid)
                )
                or 0
            )
            for model in (Transaction, Member, Activity)
        }


class TestFormatsAreSpelledOut:
    def test_import_formats(self):
        assert set(ImportFormat.__args__) == set(imports.FORMATS)

    def test_export_formats(self):
        assert set(ExportFormat.__args__) == set(exports.FORMATS)


class TestImport:
    async def test_dry_run_writes_nothing(
        self, client: httpx.AsyncClient, world: World, engine: AsyncEngine
    ):
        h = world.owner.headers
        before = (await counts(engine, world.group_id), await balances(client, world.group_id, h))
        response = await client.post(
            imports_url(world), headers=h, files=upload(IMPORT_CSV), data={"dry_run": "true"}
        )
        assert response.status_code == 200, response.text
        report = response.json()
        assert report["dry_run"] is True
        assert report["format"] == "splitwise-csv"
        assert (report["rows"], report["created"], report["already_imported"]) == (2, 2, 0)
        assert report["new_members"] == []
        touched = {(b["display_name"], b["balance"]) for b in report["balances"]}
        assert {("Bob", "-10.00"), ("Carl", "10.00")} <= touched
        after = (await counts(engine, world.group_id), await balances(client, world.group_id, h))
        assert after == before

    async def test_import_then_balances_then_reupload_adds_nothing(
        self, client: httpx.AsyncClient, world: World, engine: AsyncEngine
    ):
        h = world.member.headers  # members import files that need no new people
        response = await client.post(imports_url(world), headers=h, files=upload(IMPORT_CSV))
        assert response.status_code == 201, response.text
        report = response.json()
        assert (report["dry_run"], report["created"], report["already_imported"]) == (False, 2, 0)
        after = await balances(client, world.group_id, h)
        assert after[("Bob", "EUR")] == "-10.00"
        assert after[("Carl", "EUR")] == "10.00"
        listed = await client.get(
            f"{API}/transactions", headers=h, params={"group_id": str(world.group_id)}
        )
        assert {"Taxi", "Museum"} <= {t["description"] for t in listed.json()["items"]}
        written = await counts(engine, world.group_id)

        again = await client.post(imports_url(world), headers=h, files=upload(IMPORT_CSV))
        assert again.status_code == 201, again.text
        assert (again.json()["created"], again.json()["already_imported"]) == (0, 2)
        assert await balances(client, world.group_id, h) == after
        assert (await counts(engine, world.group_id))["Transaction"] == written["Transaction"]

    async def test_bad_rows_are_422_with_row_and_column(
        self, client: httpx.AsyncClient, world: World, engine: AsyncEngine
    ):
        before = await counts(engine, world.group_id)
        response = await client.post(
            imports_url(world), headers=world.owner.headers, files=upload(BAD_CSV)
        )
        body = assert_problem(response, 422)
        assert body["type"].endswith("/validation-error")
        assert "nothing was imported" in body["detail"]
        locs = [e["loc"] for e in body["errors"]]
        assert ["row", 3, "Cost"] in locs
        assert ["row", 4, "Date"] in locs
        assert await counts(engine, world.group_id) == before

    async def test_a_dry_run_reports_bad_rows_too(self, client: httpx.AsyncClient, world: World):
        response = await client.post(
            imports_url(world),
            headers=world.owner.headers,
            files=upload(BAD_CSV),
            data={"dry_run": "true"},
        )
        assert {tuple(e["loc"]) for e in assert_problem(response, 422)["errors"]} >= {
            ("row", 3, "Cost")
        }

    async def test_roles(self, client: httpx.AsyncClient, world: World, engine: AsyncEngine):
        before = await counts(engine, world.group_id)
        viewer = await client.post(
            imports_url(world), headers=world.viewer.headers, files=upload(IMPORT_CSV)
        )
        assert assert_problem(viewer, 403)["type"].endswith("/permission-denied")
        outsider = await client.post(
            imports_url(world), headers=world.outsider.headers, files=upload(IMPORT_CSV)
        )
        assert assert_problem(outsider, 404)["type"].endswith("/not-found")
        random = await client.post(
            f"{API}/groups/{uuid.uuid4()}/imports",
            headers=world.owner.headers,
            files=upload(IMPORT_CSV),
        )
        assert random.json()["title"] == outsider.json()["title"]
        assert await counts(engine, world.group_id) == before

    async def test_new_people_need_an_admin(
        self, client: httpx.AsyncClient, world: World, engine: AsyncEngine
    ):
        strangers = IMPORT_CSV.replace(b"Bob,Carl", b"Dora,Eve")
        before = await counts(engine, world.group_id)
        refused = await client.post(
            imports_url(world), headers=world.member.headers, files=upload(strangers)
        )
        assert "only an admin" in assert_problem(refused, 403)["detail"]
        dry = await client.post(
            imports_url(world),
            headers=world.member.headers,
            files=upload(strangers),
            data={"dry_run": "true"},
        )
        assert dry.status_code == 200, dry.text
        assert any("only an admin" in w for w in dry.json()["warnings"])
        assert {m["display_name"] for m in dry.json()["new_members"]} == {"Dora", "Eve"}
        assert await counts(engine, world.group_id) == before
        done = await client.post(
            imports_url(world), headers=world.admin.headers, files=upload(strangers)
        )
        assert done.status_code == 201, done.text
        assert all(m["member_id"] for m in done.json()["new_members"])

    async def test_member_map(self, client: httpx.AsyncClient, world: World):
        renamed = IMPORT_CSV.replace(b"Bob,Carl", b"Robert,Carl")
        response = await client.post(
            imports_url(world),
            headers=world.member.headers,
            files=upload(renamed),
            data={"member_map": json.dumps({"Robert": str(world.placeholder_id)})},
        )
        assert response.status_code == 201, response.text
        assert response.json()["new_members"] == []
        after = await balances(client, world.group_id, world.member.headers)
        assert after[("Bob", "EUR")] == "-10.00"

    async def test_bank_csv_with_a_mapping(self, client: httpx.AsyncClient, world: World):
        mapping = {
            "date": "Date",
            "description": "Description",
            "amount": "Amount",
            "category": 3,  # a column may be named by its position
            "paid_by": "Bob",
            "split": [str(world.placeholder_id), "Carl"],
        }
        response = await client.post(
            imports_url(world),
            headers=world.owner.headers,
            files=upload((FIXTURES / "bank_simple.csv").read_bytes(), "bank.csv"),
            data={"bank_mapping": json.dumps(mapping)},
        )
        assert response.status_code == 201, response.text
        assert response.json()["format"] == "bank-csv"
        assert response.json()["created"] == 3
        after = await balances(client, world.group_id, world.owner.headers)
        # Bob paid 60.00 and 90.00 and received 20.00, each shared with Carl.
        assert after[("Bob", "EUR")] == "65.00"
        assert after[("Carl", "EUR")] == "-65.00"

    @pytest.mark.parametrize(
        ("form", "loc"),
        [
            ({"bank_mapping": json.dumps({"date": "Date", "description": "D"})}, "amount"),
            ({"bank_mapping": json.dumps({"date": 0, "description": 1, "amount": 2, "x": 1})}, "x"),
            ({"bank_mapping": json.dumps({"date": 0, "description": 1, "encoding": "x"})}, None),
            ({"bank_mapping": "{not json"}, None),
        ],
    )
    async def test_a_bad_bank_mapping_names_the_field(
        self, client: httpx.AsyncClient, world: World, form: dict[str, str], loc: str | None
    ):
        response = await client.post(
            imports_url(world),
            headers=world.owner.headers,
            files=upload((FIXTURES / "bank_simple.csv").read_bytes(), "bank.csv"),
            data=form,
        )
        errors = assert_problem(response, 422)["errors"]
        assert errors[0]["loc"][0] == "bank_mapping", errors
        if loc is not None:
            assert errors[0]["loc"][1] == loc, errors

    @pytest.mark.parametrize(
        ("form", "loc"),
        [
            ({"format": "excel"}, ["format"]),
            ({"format": "pennywise-json"}, None),  # a CSV is not that
            ({"member_map": json.dumps({"Bob": "not-an-id"})}, ["member_map", "Bob"]),
            ({"currency": "euro"}, ["currency"]),
        ],
    )
    async def test_bad_options(
        self,
        client: httpx.AsyncClient,
        world: World,
        form: dict[str, str],
        loc: list[Any] | None,
    ):
        response = await client.post(
            imports_url(world), headers=world.owner.headers, files=upload(IMPORT_CSV), data=form
        )
        errors = assert_problem(response, 422)["errors"]
        if loc is not None:
            assert errors[0]["loc"] == loc, errors

    async def test_no_file_is_422(self, client: httpx.AsyncClient, world: World):
        response = await client.post(
            imports_url(world), headers=world.owner.headers, data={"dry_run": "true"}
        )
        assert assert_problem(response, 422)["errors"][0]["loc"] == ["file"]

    async def test_an_undetectable_file(self, client: httpx.AsyncClient, world: World):
        response = await client.post(
            imports_url(world), headers=world.owner.headers, files=upload(b"just some text\n")
        )
        assert "format" in assert_problem(response, 422)["detail"]

    async def test_an_archived_group_is_409(self, client: httpx.AsyncClient, world: World):
        h = world.owner.headers
        archived = await client.patch(
            f"{API}/groups/{world.group_id}", headers=h, json={"archived": True}
        )
        assert archived.status_code == 200, archived.text
        response = await client.post(imports_url(world), headers=h, files=upload(IMPORT_CSV))
        assert_problem(response, 409)


class TestIdempotency:
    async def test_a_retry_gets_the_first_report(
        self, client: httpx.AsyncClient, world: World, engine: AsyncEngine
    ):
        h = {**world.owner.headers, "Idempotency-Key": str(uuid.uuid4())}
        first = await client.post(imports_url(world), headers=h, files=upload(IMPORT_CSV))
        assert first.status_code == 201, first.text
        written = await counts(engine, world.group_id)
        # Another multipart boundary and another file name: still the same request.
        second = await client.post(imports_url(world), headers=h, files=upload(IMPORT_CSV, "b"))
        assert second.status_code == 201
        assert second.headers["idempotent-replayed"] == "true"
        assert second.json() == first.json()
        assert second.json()["created"] == 2
        assert await counts(engine, world.group_id) == written

    async def test_the_same_key_with_another_file_is_422(
        self, client: httpx.AsyncClient, world: World
    ):
        h = {**world.owner.headers, "Idempotency-Key": str(uuid.uuid4())}
        assert (
            await client.post(imports_url(world), headers=h, files=upload(IMPORT_CSV))
        ).status_code == 201
        other = IMPORT_CSV.replace(b"Taxi", b"Tram")
        response = await client.post(imports_url(world), headers=h, files=upload(other))
        assert assert_problem(response, 422)["errors"][0]["loc"] == ["Idempotency-Key"]
        dry = await client.post(
            imports_url(world), headers=h, files=upload(IMPORT_CSV), data={"dry_run": "true"}
        )
        assert_problem(dry, 422)

    async def test_a_failed_import_keeps_no_key(self, client: httpx.AsyncClient, world: World):
        h = {**world.owner.headers, "Idempotency-Key": str(uuid.uuid4())}
        assert_problem(await client.post(imports_url(world), headers=h, files=upload(BAD_CSV)), 422)
        fixed = await client.post(imports_url(world), headers=h, files=upload(BAD_CSV))
        assert "idempotent-replayed" not in fixed.headers


class TestUploadLimit:
    @pytest.fixture
    def small_cap_app(self, engine: AsyncEngine) -> FastAPI:
        return create_app(Settings(environment="test", max_import_bytes=2048), engine=engine)

    @pytest.fixture
    async def small_cap(self, small_cap_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
        transport = httpx.ASGITransport(app=small_cap_app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
            yield c

    @staticmethod
    def assert_too_large(response: httpx.Response) -> None:
        body = assert_problem(response, 413)
        assert body["type"].endswith("/content-too-large")
        assert "2 KiB (2048 bytes)" in body["detail"]
        assert "PENNYWISE_MAX_IMPORT_BYTES" in body["detail"]
        assert "pennywise import" in body["detail"]

    async def test_a_declared_length_over_the_cap(
        self, small_cap: httpx.AsyncClient, world: World, engine: AsyncEngine
    ):
        before = await counts(engine, world.group_id)
        big = IMPORT_CSV + b"\n" * 4096
        response = await small_cap.post(
            imports_url(world), headers=world.owner.headers, files=upload(big)
        )
        self.assert_too_large(response)
        assert await counts(engine, world.group_id) == before

    async def test_a_streamed_body_over_the_cap(self, small_cap: httpx.AsyncClient, world: World):
        boundary = "b0undary"
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            'filename="big.csv"\r\nContent-Type: text/csv\r\n\r\n'
        ).encode()

        async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: chunked
            yield head + IMPORT_CSV
            for _ in range(10):
                yield b"\n" * 1024
            yield f"\r\n--{boundary}--\r\n".encode()

        response = await small_cap.post(
            imports_url(world),
            headers={
                **world.owner.headers,
                "Content-Type": f"multipart/form-data; boundary={boundary}",
            },
            content=chunks(),
        )
        self.assert_too_large(response)

    async def test_under_the_cap_is_read(self, small_cap: httpx.AsyncClient, world: World):
        response = await small_cap.post(
            imports_url(world), headers=world.owner.headers, files=upload(IMPORT_CSV)
        )
        assert response.status_code == 201, response.text

    async def test_other_routes_keep_the_general_limit(
        self, small_cap: httpx.AsyncClient, world: World
    ):
        response = await small_cap.post(
            f"{API}/groups",
            headers={**world.owner.headers, "Content-Type": "application/json"},
            content=json.dumps({"name": "x" * (MAX_BODY_BYTES + 10)}),
        )
        assert "1048576 bytes" in assert_problem(response, 413)["detail"]

    async def test_the_import_cap_is_above_the_general_limit(
        self, client: httpx.AsyncClient, world: World
    ):
        # 2 MiB is refused everywhere else; here it is read (and found not to be JSON).
        big = b"x" * (2 * MAX_BODY_BYTES)
        response = await client.post(
            imports_url(world),
            headers=world.owner.headers,
            files=upload(big, "big.json"),
            data={"format": "pennywise-json", "dry_run": "true"},
        )
        assert_problem(response, 422)


class TestExport:
    @pytest.mark.parametrize(
        ("format", "media_type", "suffix"),
        [
            ("pennywise-json", "application/json", ".pennywise.json"),
            ("pennywise-csv", "text/csv; charset=utf-8", ".pennywise.csv"),
            ("splitwise-csv", "text/csv; charset=utf-8", ".splitwise.csv"),
        ],
    )
    async def test_each_format(
        self,
        client: httpx.AsyncClient,
        world: World,
        format: str,
        media_type: str,
        suffix: str,
    ):
        response = await client.get(
            export_url(world.group_id), headers=world.viewer.headers, params={"format": format}
        )
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == media_type
        assert response.headers["content-disposition"] == f'attachment; filename="Trip{suffix}"'
        if format == "pennywise-json":
            document = response.json()
            assert document["format"] == "pennywise"
            assert [t["description"] for t in document["transactions"]] == ["Dinner"]
        else:
            text = response.content.decode("utf-8")
            assert text.startswith("\ufeff")
            rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
            assert rows[1][1] == "Dinner"

    async def test_the_default_is_pennywise_json(self, client: httpx.AsyncClient, world: World):
        response = await client.get(export_url(world.group_id), headers=world.owner.headers)
        assert response.headers["content-type"] == "application/json"
        assert response.json()["format_version"] == 1

    async def test_outsiders_and_bad_formats(self, client: httpx.AsyncClient, world: World):
        outsider = await client.get(export_url(world.group_id), headers=world.outsider.headers)
        assert_problem(outsider, 404)
        random = await client.get(export_url(uuid.uuid4()), headers=world.owner.headers)
        assert_problem(random, 404)
        bad = await client.get(
            export_url(world.group_id), headers=world.owner.headers, params={"format": "xlsx"}
        )
        assert assert_problem(bad, 422)["errors"][0]["loc"] == ["query", "format"]

    def test_a_name_that_is_not_ascii(self):
        assert content_disposition("Zoë & Hélène: Paris", "splitwise-csv") == (
            'attachment; filename="Zoe-Helene-Paris.splitwise.csv"; '
            "filename*=UTF-8''Zo%C3%AB%20%26%20H%C3%A9l%C3%A8ne%3A%20Paris.splitwise.csv"
        )
        assert content_disposition("東京", "pennywise-json").startswith(
            'attachment; filename="group.pennywise.json"; filename*='
        )

    async def test_round_trip_into_a_new_group(self, client: httpx.AsyncClient, world: World):
        h = world.owner.headers
        imported = await client.post(imports_url(world), headers=h, files=upload(IMPORT_CSV))
        assert imported.status_code == 201, imported.text
        exported = await client.get(export_url(world.group_id), headers=h)
        assert exported.status_code == 200

        created = await client.post(f"{API}/groups", headers=h, json={"name": "Copy"})
        copy = created.json()["id"]
        restored = await client.post(
            f"{API}/groups/{copy}/imports",
            headers=h,
            files=upload(exported.content, "trip.pennywise.json"),
        )
        assert restored.status_code == 201, restored.text
        assert restored.json()["format"] == "pennywise-json"
        assert restored.json()["created"] == 3
        assert await balances(client, copy, h) == await balances(client, world.group_id, h)
        again = await client.get(export_url(copy), headers=h)
        original, copied = exported.json(), again.json()
        assert [t["description"] for t in copied["transactions"]] == [
            t["description"] for t in original["transactions"]
        ]

    async def test_a_group_larger_than_a_page_and_a_chunk(
        self, client: httpx.AsyncClient, world: World
    ):
        rows = 1100  # the core reads 1000 transactions a page and sends ~64 KiB chunks
        lines = [b"Date,Description,Category,Cost,Currency,Bob,Carl"]
        lines += [
            f"2024-01-{i % 28 + 1:02d},Item {i},Misc,2.00,EUR,1.00,-1.00".encode()
            for i in range(rows)
        ]
        h = world.owner.headers
        imported = await client.post(
            imports_url(world), headers=h, files=upload(b"\n".join(lines) + b"\n")
        )
        assert imported.status_code == 201, imported.text
        assert imported.json()["created"] == rows
        exported = await client.get(
            export_url(world.group_id), headers=h, params={"format": "splitwise-csv"}
        )
        assert exported.status_code == 200
        text = exported.content.decode("utf-8").removeprefix("\ufeff")
        body = [r for r in csv.reader(io.StringIO(text)) if r and r[1] != "Total balance"]
        assert len(body) == 1 + 1 + rows  # the header, Dinner, the imported rows
        document = await client.get(export_url(world.group_id), headers=h)
        assert len(document.content) > 2 * exports.CHUNK
        assert len(document.json()["transactions"]) == rows + 1

    async def test_one_snapshot_and_no_writer_blocked(
        self, app: FastAPI, world: World, engine: AsyncEngine
    ):
        """While the body is being sent, another request writes to the group: it is not kept
        waiting (SQLite: the export was spooled and its transaction ended; PostgreSQL: a
        REPEATABLE READ transaction blocks no writer), and the export does not see it."""
        path = export_url(world.group_id)
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "query_string": b"format=pennywise-json",
            "root_path": "",
            "headers": [
                (b"host", b"test"),
                (b"authorization", f"Bearer {world.owner.token}".encode()),
            ],
            "client": ("127.0.0.1", 50000),
            "server": ("test", 80),
        }
        requested = False

        async def receive() -> dict[str, Any]:
            nonlocal requested
            if not requested:
                requested = True
                return {"type": "http.request", "body": b"", "more_body": False}
            await asyncio.Event().wait()  # the client never disconnects
            raise AssertionError

        async def write_meanwhile() -> None:
            async with session_factory(engine)() as session, session.begin():
                owner = await users.get(session, world.owner.user_id)
                await transactions.create(
                    session,
                    owner,
                    TransactionCreate(group_id=world.group_id, description="Late", amount="1.00"),
                )

        messages: list[dict[str, Any]] = []

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.body" and not any(
                m["type"] == "http.response.body" for m in messages
            ):
                await asyncio.wait_for(write_meanwhile(), timeout=5)
            messages.append(message)

        await app(scope, receive, send)
        assert messages[0]["status"] == 200
        document = json.loads(b"".join(m.get("body", b"") for m in messages[1:]))
        assert [t["description"] for t in document["transactions"]] == ["Dinner"]
        again = await client_get_json(app, path, world.owner.headers)
        assert [t["description"] for t in again["transactions"]] == ["Dinner", "Late"]


async def client_get_json(app: FastAPI, path: str, headers: dict[str, str]) -> Any:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        response = await client.get(path, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()
