"""``services.idempotency``: replay, mismatch, scoping, retention, and concurrency."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import uuid
from typing import Any

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from pennywise_core.errors import ConflictError, ValidationError
from pennywise_core.models import Group, IdempotencyRecord, User, utcnow
from pennywise_core.schemas import GroupCreate
from pennywise_core.services import groups, idempotency, users
from pennywise_core.services.idempotency import StoredResponse

FP = idempotency.fingerprint("POST", "/api/v1/groups", b'{"name": "Trip"}')


async def make_user(session: AsyncSession) -> User:
    return await users.create_local(
        session, display_name="Ann", email=f"ann-{uuid.uuid4().hex[:8]}@example.org"
    )


async def count_records(session: AsyncSession, user: User) -> int:
    # Other suites keep keys in the same database: count this test's user's only.
    query = select(func.count()).where(IdempotencyRecord.user_id == user.id)
    return int(await session.scalar(query) or 0)


class TestFingerprint:
    def test_names_method_and_path(self) -> None:
        assert FP.startswith("POST /api/v1/groups sha256:")

    @pytest.mark.parametrize(
        ("method", "path", "body"),
        [
            ("PUT", "/api/v1/groups", b'{"name": "Trip"}'),
            ("POST", "/api/v1/transactions", b'{"name": "Trip"}'),
            ("POST", "/api/v1/groups", b'{"name": "Trip "}'),
        ],
    )
    def test_any_difference_changes_it(self, method: str, path: str, body: bytes) -> None:
        assert idempotency.fingerprint(method, path, body) != FP

    def test_method_case(self) -> None:
        assert idempotency.fingerprint("post", "/api/v1/groups", b'{"name": "Trip"}') == FP


class TestLookupAndSave:
    async def test_first_use_claims_the_key(self, session: AsyncSession) -> None:
        user = await make_user(session)
        assert await idempotency.lookup(session, user_id=user.id, key="k1", fingerprint=FP) is None
        record = await session.scalar(
            select(IdempotencyRecord).where(IdempotencyRecord.user_id == user.id)
        )
        assert record is not None
        assert (record.user_id, record.key, record.status) == (user.id, "k1", None)

    async def test_replay(self, session: AsyncSession) -> None:
        user = await make_user(session)
        assert await idempotency.lookup(session, user_id=user.id, key="k1", fingerprint=FP) is None
        body = {"id": str(uuid.uuid4()), "name": "Trip", "amount": "12.30", "nested": [1, None]}
        await idempotency.save(
            session,
            user_id=user.id,
            key="k1",
            fingerprint=FP,
            status=201,
            body=body,
            headers={"Location": "/api/v1/groups/x", "ETag": '"1"'},
        )
        stored = await idempotency.lookup(session, user_id=user.id, key="k1", fingerprint=FP)
        assert stored == StoredResponse(
            status=201, body=body, headers={"Location": "/api/v1/groups/x", "ETag": '"1"'}
        )
        assert await count_records(session, user) == 1

    async def test_same_key_different_request(self, session: AsyncSession) -> None:
        user = await make_user(session)
        await idempotency.lookup(session, user_id=user.id, key="k1", fingerprint=FP)
        await idempotency.save(
            session, user_id=user.id, key="k1", fingerprint=FP, status=201, body={}, headers={}
        )
        other = idempotency.fingerprint("POST", "/api/v1/groups", b'{"name": "Other"}')
        with pytest.raises(ValidationError) as mismatch:
            await idempotency.lookup(session, user_id=user.id, key="k1", fingerprint=other)
        assert mismatch.value.status == 422
        assert [e.loc for e in mismatch.value.errors] == [("Idempotency-Key",)]
        assert "different request" in str(mismatch.value)

    async def test_keys_belong_to_their_user(self, session: AsyncSession) -> None:
        ann, bob = await make_user(session), await make_user(session)
        await idempotency.lookup(session, user_id=ann.id, key="same", fingerprint=FP)
        await idempotency.save(
            session, user_id=ann.id, key="same", fingerprint=FP, status=201, body={"a": 1}
        )
        assert await idempotency.lookup(session, user_id=bob.id, key="same", fingerprint=FP) is None

    async def test_save_without_a_claim_inserts(self, session: AsyncSession) -> None:
        user = await make_user(session)
        await idempotency.save(
            session, user_id=user.id, key="k2", fingerprint=FP, status=200, body=[1, 2]
        )
        stored = await idempotency.lookup(session, user_id=user.id, key="k2", fingerprint=FP)
        assert stored == StoredResponse(status=200, body=[1, 2], headers={})

    async def test_save_over_a_completed_record(self, session: AsyncSession) -> None:
        user = await make_user(session)
        await idempotency.save(
            session, user_id=user.id, key="k3", fingerprint=FP, status=201, body={}
        )
        with pytest.raises(ConflictError):
            await idempotency.save(
                session, user_id=user.id, key="k3", fingerprint=FP, status=201, body={}
            )

    @pytest.mark.parametrize("key", ["", "x" * 256, "clé", "tab\there", "new\nline"])
    async def test_bad_keys(self, session: AsyncSession, key: str) -> None:
        with pytest.raises(ValidationError) as bad:
            await idempotency.lookup(session, user_id=uuid.uuid4(), key=key, fingerprint=FP)
        assert [e.loc for e in bad.value.errors] == [("Idempotency-Key",)]

    async def test_longest_key(self, session: AsyncSession) -> None:
        user = await make_user(session)
        key = "k" * idempotency.MAX_KEY_LENGTH
        assert await idempotency.lookup(session, user_id=user.id, key=key, fingerprint=FP) is None


class TestRetention:
    async def test_purge_keeps_a_day(self, session: AsyncSession) -> None:
        user = await make_user(session)
        for key, age in [("old", dt.timedelta(hours=25)), ("young", dt.timedelta(hours=23))]:
            await idempotency.save(
                session, user_id=user.id, key=key, fingerprint=FP, status=201, body={}
            )
            await session.execute(
                update(IdempotencyRecord)
                .where(IdempotencyRecord.key == key)
                .values(created_at=utcnow() - age)
            )
        # Asked to purge everything older than an hour: the 24-hour promise still holds.
        assert await idempotency.purge_expired(session, dt.timedelta(hours=1)) == 1
        assert await idempotency.purge_expired(session, utcnow()) == 0
        remaining = (
            await session.scalars(
                select(IdempotencyRecord.key).where(IdempotencyRecord.user_id == user.id)
            )
        ).all()
        assert remaining == ["young"]

    async def test_default_is_24_hours(self, session: AsyncSession) -> None:
        assert dt.timedelta(hours=24) <= idempotency.RETENTION
        assert await idempotency.purge_expired(session) == 0


class TestAcrossTransactions:
    async def test_a_failed_request_releases_its_key(
        self, session_maker: async_sessionmaker[AsyncSession]
    ) -> None:
        async with session_maker() as session, session.begin():
            user = await make_user(session)
        async with session_maker() as session:
            assert (
                await idempotency.lookup(session, user_id=user.id, key="k", fingerprint=FP) is None
            )
            await session.rollback()  # the request failed
        async with session_maker() as session, session.begin():
            assert (
                await idempotency.lookup(session, user_id=user.id, key="k", fingerprint=FP) is None
            )

    async def test_a_committed_claim_without_response_is_in_progress(
        self, session_maker: async_sessionmaker[AsyncSession]
    ) -> None:
        async with session_maker() as session, session.begin():
            user = await make_user(session)
            await idempotency.lookup(session, user_id=user.id, key="k", fingerprint=FP)
        async with session_maker() as session, session.begin():
            with pytest.raises(ConflictError, match="in progress"):
                await idempotency.lookup(session, user_id=user.id, key="k", fingerprint=FP)

    async def test_two_identical_requests_at_once(
        self, session_maker: async_sessionmaker[AsyncSession]
    ) -> None:
        """One row, one resource; both callers get the same response."""
        async with session_maker() as session, session.begin():
            user = await make_user(session)
        body = json.dumps({"name": "Trip", "default_currency": "EUR"}).encode()
        fingerprint = idempotency.fingerprint("POST", "/api/v1/groups", body)
        started = asyncio.Event()

        async def request() -> tuple[str, StoredResponse]:
            """What the API's POST /groups does, in its one transaction."""
            async with session_maker() as session, session.begin():
                stored = await idempotency.lookup(
                    session, user_id=user.id, key="same-key", fingerprint=fingerprint
                )
                if stored is not None:
                    return "replayed", stored
                started.set()
                await asyncio.sleep(0.2)  # the other request arrives while this one works
                group = await groups.create(session, user, GroupCreate.model_validate_json(body))
                response: dict[str, Any] = group.model_dump(mode="json")
                headers = {"Location": f"/api/v1/groups/{group.id}"}
                await idempotency.save(
                    session,
                    user_id=user.id,
                    key="same-key",
                    fingerprint=fingerprint,
                    status=201,
                    body=response,
                    headers=headers,
                )
                return "created", StoredResponse(201, response, headers)

        async def second() -> tuple[str, StoredResponse]:
            await started.wait()
            return await request()

        results = await asyncio.gather(request(), second())
        assert sorted(kind for kind, _ in results) == ["created", "replayed"]
        assert results[0][1] == results[1][1]
        async with session_maker() as session:
            assert await count_records(session, user) == 1
            groups_made = select(func.count()).where(Group.created_by == user.id)
            assert await session.scalar(groups_made) == 1
