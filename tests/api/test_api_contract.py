"""The contract every route keeps: problem+json, request ids, versions, idempotency, limits."""

from __future__ import annotations

import asyncio
import json
import secrets
import uuid
from typing import Any

import httpx
import pytest
import structlog
from apitools import API, World, assert_problem
from fastapi import FastAPI
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from pennywise_api.app import create_app
from pennywise_api.logs import REDACTED, redact_secrets
from pennywise_api.middleware import MAX_BODY_BYTES
from pennywise_core.db import create_engine, session_factory
from pennywise_core.errors import SchemaOutOfDateError
from pennywise_core.models import Group, IdempotencyRecord
from pennywise_core.settings import Settings


def client_for(app: FastAPI) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


class TestProblemDetails:
    async def test_domain_error(self, client: httpx.AsyncClient, world: World):
        path = f"{API}/groups/{uuid.uuid4()}"
        body = assert_problem(await client.get(path, headers=world.owner.headers), 404)
        assert body["type"] == "https://pennywise.dev/problems/not-found"
        assert body["title"] == "Not found"
        assert body["instance"] == path
        assert "errors" not in body

    async def test_unknown_path_and_wrong_method(self, client: httpx.AsyncClient):
        body = assert_problem(await client.get(f"{API}/nothing-here"), 404)
        assert body["type"].endswith("/not-found")
        wrong = await client.put(f"{API}/groups")
        body = assert_problem(wrong, 405)
        assert body["type"].endswith("/method-not-allowed")
        assert set(wrong.headers["allow"].split(", ")) == {"GET", "POST"}

    async def test_request_validation_is_the_same_shape(
        self, client: httpx.AsyncClient, world: World
    ):
        h = world.owner.headers
        body = assert_problem(await client.get(f"{API}/groups/not-a-uuid", headers=h), 422)
        assert body["type"].endswith("/validation-error")
        assert body["errors"][0]["loc"] == ["path", "group_id"]
        missing = assert_problem(await client.post(f"{API}/groups", headers=h, json={}), 422)
        assert missing["errors"] == [{"loc": ["name"], "msg": "Field required"}]
        extra = assert_problem(
            await client.post(f"{API}/groups", headers=h, json={"name": "x", "owner": "me"}),
            422,
        )
        assert extra["errors"][0]["loc"] == ["owner"]
        limit = assert_problem(
            await client.get(f"{API}/transactions", headers=h, params={"limit": 10_000}), 422
        )
        assert limit["errors"][0]["loc"] == ["query", "limit"]

    async def test_a_json_number_as_amount_names_the_field(
        self, client: httpx.AsyncClient, world: World
    ):
        response = await client.post(
            f"{API}/transactions",
            headers=world.owner.headers,
            json={"group_id": str(world.group_id), "description": "Taxi", "amount": 12.5},
        )
        body = assert_problem(response, 422)
        assert body["errors"] == [
            {"loc": ["amount"], "msg": 'must be a decimal string like "12.34", not a number'}
        ]
        assert body["detail"].startswith("amount: ")

    async def test_core_validation_names_the_field(self, client: httpx.AsyncClient, world: World):
        response = await client.post(
            f"{API}/transactions",
            headers=world.owner.headers,
            json={"group_id": str(world.group_id), "description": "Taxi", "amount": "1.234"},
        )
        body = assert_problem(response, 422)
        assert body["errors"][0]["loc"] == ["amount"]

    async def test_malformed_json(self, client: httpx.AsyncClient, world: World):
        response = await client.post(
            f"{API}/groups",
            headers={**world.owner.headers, "Content-Type": "application/json"},
            content=b'{"name": ',
        )
        body = assert_problem(response, 422)
        assert body["errors"][0]["loc"] == ["body"]

    async def test_an_undecodable_body(self, client: httpx.AsyncClient, world: World):
        response = await client.post(
            f"{API}/groups",
            headers={**world.owner.headers, "Content-Type": "application/json"},
            content=b'{"name": "\xff\xfe"}',
        )
        body = assert_problem(response, 422)
        assert body["errors"] == [{"loc": ["body"], "msg": "could not be parsed"}]

    async def test_inputs_are_never_echoed(self, client: httpx.AsyncClient):
        response = await client.post(
            f"{API}/auth/register",
            json={"email": "x@example.org", "password": 12345678901, "display_name": "X"},
        )
        assert_problem(response, 422)
        assert "12345678901" not in response.text

    @pytest.mark.parametrize("password", ["seven77", "x" * 129])
    async def test_password_length_is_checked_by_the_schema(
        self, client: httpx.AsyncClient, password: str
    ):
        response = await client.post(
            f"{API}/auth/register",
            json={"email": "x@example.org", "password": password, "display_name": "X"},
        )
        body = assert_problem(response, 422)
        assert [e["loc"] for e in body["errors"]] == [["password"]]
        assert password not in response.text

    @pytest.mark.parametrize(
        ("field", "value"), [("password", "p" * 1025), ("username", "u" * 310 + "@example.org")]
    )
    async def test_sign_in_refuses_overlong_fields_before_checking_anything(
        self, client: httpx.AsyncClient, field: str, value: str
    ):
        form = {"username": "x@example.org", "password": "whatever1", field: value}
        response = await client.post(f"{API}/auth/token", data=form)
        body = assert_problem(response, 422)
        assert [e["loc"] for e in body["errors"]] == [[field]]
        assert value not in response.text

    async def test_the_longest_password_taken_is_checked_as_usual(self, client: httpx.AsyncClient):
        form = {"username": "nobody@example.org", "password": "p" * 1024}
        response = await client.post(f"{API}/auth/token", data=form)
        assert_problem(response, 401)

    async def test_unexpected_error_is_a_bare_500(self, engine: AsyncEngine):
        app = create_app(Settings(environment="test"), engine=engine)

        async def boom() -> None:
            raise RuntimeError("secret internals: password=hunter2")

        app.add_api_route("/boom", boom)
        with structlog.testing.capture_logs() as logs:
            async with client_for(app) as client:
                response = await client.get("/boom", headers={"X-Request-ID": "trace-500"})
        body = assert_problem(response, 500)
        assert body["request_id"] == "trace-500"
        assert "hunter2" not in response.text
        assert "RuntimeError" not in response.text
        assert any(line.get("log_level") == "error" for line in logs)
        assert [line["status"] for line in logs if line["event"] == "request"] == [500]


class TestRequestId:
    async def test_generated_when_absent(self, client: httpx.AsyncClient):
        first = await client.get("/healthz")
        second = await client.get("/healthz")
        assert len(first.headers["x-request-id"]) == 32
        assert first.headers["x-request-id"] != second.headers["x-request-id"]

    async def test_a_well_formed_one_is_echoed(self, client: httpx.AsyncClient):
        response = await client.get(f"{API}/users/me", headers={"X-Request-ID": "abc.DEF-123_x"})
        assert response.headers["x-request-id"] == "abc.DEF-123_x"
        assert response.json()["request_id"] == "abc.DEF-123_x"

    @pytest.mark.parametrize("offered", ["a" * 65, "has space", "new\\nline", "semi;colon", ""])
    async def test_a_malformed_one_is_replaced(self, client: httpx.AsyncClient, offered: str):
        response = await client.get("/healthz", headers={"X-Request-ID": offered})
        assert response.headers["x-request-id"] != offered
        assert len(response.headers["x-request-id"]) == 32


class TestAccessLog:
    async def test_one_line_per_request_without_secrets(
        self, client: httpx.AsyncClient, world: World
    ):
        with structlog.testing.capture_logs() as logs:
            await client.get(  # a query string is never logged (an unknown one is a 422)
                f"{API}/transactions",
                headers={**world.owner.headers, "X-Request-ID": "log-1"},
                params={"search": "query-secret"},
            )
            await client.post(
                f"{API}/auth/token",
                data={"username": "ann@example.org", "password": "hunter2-password"},
            )
        requests = [line for line in logs if line["event"] == "request"]
        assert len(requests) == 2
        first = requests[0]
        assert first["method"] == "GET"
        assert first["path"] == f"{API}/transactions"
        assert first["status"] == 200
        assert first["request_id"] == "log-1"
        assert first["user_id"] == str(world.owner.user_id)
        assert isinstance(first["duration_ms"], float)
        assert requests[1]["user_id"] is None
        text = json.dumps(logs, default=str)
        for secret in (world.owner.token, "query-secret", "hunter2-password", "Bearer"):
            assert secret not in text

    def test_secret_keys_are_redacted(self):
        event = redact_secrets(
            None,
            "info",
            {"event": "x", "password": "p", "Authorization": "a", "refresh_token": "r", "n": 1},
        )
        assert event == {
            "event": "x",
            "password": REDACTED,
            "Authorization": REDACTED,
            "refresh_token": REDACTED,
            "n": 1,
        }


class TestBodyLimit:
    async def test_declared_too_large(self, client: httpx.AsyncClient, world: World):
        big = json.dumps({"name": "x" * (MAX_BODY_BYTES + 10)})
        response = await client.post(
            f"{API}/groups",
            headers={**world.owner.headers, "Content-Type": "application/json"},
            content=big,
        )
        body = assert_problem(response, 413)
        assert body["type"].endswith("/content-too-large")

    async def test_streamed_too_large(self, client: httpx.AsyncClient, world: World):
        async def chunks() -> Any:
            for _ in range(20):
                yield b"x" * (MAX_BODY_BYTES // 10)

        response = await client.post(
            f"{API}/groups",
            headers={**world.owner.headers, "Content-Type": "application/json"},
            content=chunks(),
        )
        assert_problem(response, 413)

    async def test_the_token_form_too(self, client: httpx.AsyncClient):
        response = await client.post(
            f"{API}/auth/token",
            data={"username": "a@example.org", "password": "x" * (MAX_BODY_BYTES + 1)},
        )
        assert_problem(response, 413)


class TestVersions:
    async def test_group_if_match(self, client: httpx.AsyncClient, world: World):
        h = world.owner.headers
        url = f"{API}/groups/{world.group_id}"
        read = await client.get(url, headers=h)
        etag = read.headers["etag"]
        assert etag == f'"{read.json()["version"]}"'
        first = await client.patch(url, headers={**h, "If-Match": etag}, json={"name": "One"})
        assert first.status_code == 200, first.text
        assert first.headers["etag"] != etag
        stale = await client.patch(url, headers={**h, "If-Match": etag}, json={"name": "Two"})
        body = assert_problem(stale, 412)
        assert body["type"].endswith("/stale-version")
        assert body["current_version"] == first.json()["version"]
        gone = await client.delete(url, headers={**h, "If-Match": etag})
        assert_problem(gone, 412)
        assert (await client.get(url, headers=h)).json()["name"] == "One"
        deleted = await client.delete(url, headers={**h, "If-Match": first.headers["etag"]})
        assert deleted.status_code == 204

    async def test_transaction_if_match(self, client: httpx.AsyncClient, world: World):
        h = world.owner.headers
        url = f"{API}/transactions/{world.transaction_id}"
        etag = (await client.get(url, headers=h)).headers["etag"]
        edited = await client.patch(
            url, headers={**h, "If-Match": etag}, json={"description": "Late dinner"}
        )
        assert edited.status_code == 200
        assert_problem(
            await client.patch(url, headers={**h, "If-Match": etag}, json={"notes": "x"}), 412
        )
        assert_problem(await client.delete(url, headers={**h, "If-Match": etag}), 412)
        deleted = await client.delete(url, headers={**h, "If-Match": edited.headers["etag"]})
        assert deleted.status_code == 200
        assert deleted.json()["deleted"] is True
        restored = await client.post(
            f"{url}/restore", headers={**h, "If-Match": deleted.headers["etag"]}
        )
        assert restored.status_code == 200
        assert restored.json()["deleted"] is False

    @pytest.mark.parametrize("value", ['W/"1"', "1", '"abc"', '"1", "2"'])
    async def test_an_etag_we_never_gave_is_412(
        self, client: httpx.AsyncClient, world: World, value: str
    ):
        response = await client.patch(
            f"{API}/groups/{world.group_id}",
            headers={**world.owner.headers, "If-Match": value},
            json={"name": "Nope"},
        )
        assert_problem(response, 412)

    async def test_star_and_no_header_do_not_check(self, client: httpx.AsyncClient, world: World):
        url = f"{API}/groups/{world.group_id}"
        h = world.owner.headers
        assert (
            await client.patch(url, headers={**h, "If-Match": "*"}, json={"name": "A"})
        ).is_success
        assert (await client.patch(url, headers=h, json={"name": "B"})).is_success


class TestIdempotency:
    async def test_replay_returns_the_stored_response(
        self, client: httpx.AsyncClient, world: World, engine: AsyncEngine
    ):
        h = {**world.owner.headers, "Idempotency-Key": "group-create-1"}
        first = await client.post(f"{API}/groups", headers=h, json={"name": "Once"})
        second = await client.post(f"{API}/groups", headers=h, json={"name": "Once"})
        assert first.status_code == second.status_code == 201
        assert second.json() == first.json()
        assert second.headers["etag"] == first.headers["etag"]
        assert second.headers["location"] == first.headers["location"]
        assert second.headers["idempotent-replayed"] == "true"
        assert "idempotent-replayed" not in first.headers
        async with session_factory(engine)() as session:
            count = await session.scalar(
                select(func.count())
                .select_from(Group)
                .where(Group.name == "Once", Group.created_by == world.owner.user_id)
            )
        assert count == 1

    async def test_same_key_other_body_is_422(self, client: httpx.AsyncClient, world: World):
        h = {**world.owner.headers, "Idempotency-Key": "k-2"}
        assert (
            await client.post(f"{API}/groups", headers=h, json={"name": "A"})
        ).status_code == 201
        other = await client.post(f"{API}/groups", headers=h, json={"name": "B"})
        body = assert_problem(other, 422)
        assert body["errors"][0]["loc"] == ["Idempotency-Key"]

    async def test_keys_belong_to_their_user(self, client: httpx.AsyncClient, world: World):
        body = {"name": "Shared key"}
        a = await client.post(
            f"{API}/groups", headers={**world.owner.headers, "Idempotency-Key": "k"}, json=body
        )
        b = await client.post(
            f"{API}/groups", headers={**world.admin.headers, "Idempotency-Key": "k"}, json=body
        )
        assert a.status_code == b.status_code == 201
        assert a.json()["id"] != b.json()["id"]

    async def test_a_failed_request_is_not_stored(self, client: httpx.AsyncClient, world: World):
        h = {**world.viewer.headers, "Idempotency-Key": "k-fail"}
        body = {"group_id": str(world.group_id), "description": "x", "amount": "1.00"}
        assert (await client.post(f"{API}/transactions", headers=h, json=body)).status_code == 403
        h = {**world.owner.headers, "Idempotency-Key": "k-fail"}
        assert (await client.post(f"{API}/transactions", headers=h, json=body)).status_code == 201

    async def test_transactions_replay(self, client: httpx.AsyncClient, world: World):
        h = {**world.member.headers, "Idempotency-Key": str(uuid.uuid4())}
        body = {"group_id": str(world.group_id), "description": "Taxi", "amount": "9.00"}
        first = await client.post(f"{API}/transactions", headers=h, json=body)
        second = await client.post(f"{API}/transactions", headers=h, json=body)
        assert first.status_code == second.status_code == 201
        assert first.json()["id"] == second.json()["id"]
        listed = await client.get(
            f"{API}/transactions",
            headers=world.member.headers,
            params={"group_id": str(world.group_id), "text": "taxi"},
        )
        assert len(listed.json()["items"]) == 1

    async def test_a_bad_key_is_422(self, client: httpx.AsyncClient, world: World):
        h = {**world.owner.headers, "Idempotency-Key": "x" * 300}
        response = await client.post(f"{API}/groups", headers=h, json={"name": "A"})
        assert_problem(response, 422)

    async def test_concurrent_identical_requests_make_one_row(
        self, client: httpx.AsyncClient, world: World, engine: AsyncEngine
    ):
        key = str(uuid.uuid4())
        h = {**world.owner.headers, "Idempotency-Key": key}
        responses = await asyncio.gather(
            *(client.post(f"{API}/groups", headers=h, json={"name": "Race"}) for _ in range(3))
        )
        assert [r.status_code for r in responses] == [201, 201, 201], [r.text for r in responses]
        assert len({r.json()["id"] for r in responses}) == 1
        async with session_factory(engine)() as session:
            records = await session.scalar(
                select(func.count())
                .select_from(IdempotencyRecord)
                .where(IdempotencyRecord.key == key)
            )
        assert records == 1


class TestSecretsAreNeverReplayed:
    """Creating an API token or an invite ignores ``Idempotency-Key``: a stored replay would
    keep the new token in clear in ``idempotency_records``. A retry makes another one."""

    @staticmethod
    async def assert_nowhere_in_the_idempotency_table(
        engine: AsyncEngine, user_id: uuid.UUID, key: str, secrets_: list[str]
    ) -> None:
        async with session_factory(engine)() as session:
            rows = (await session.scalars(select(IdempotencyRecord))).all()
        mine = [row for row in rows if row.user_id == user_id or row.key == key]
        assert mine == []
        stored = json.dumps(
            [[r.key, r.fingerprint, r.response_body, r.response_headers] for r in rows]
        )
        for secret in secrets_:
            assert secret not in stored

    async def test_api_token_creation_ignores_the_key(
        self, client: httpx.AsyncClient, world: World, engine: AsyncEngine
    ):
        key = f"token-{uuid.uuid4()}"
        h = {**world.owner.headers, "Idempotency-Key": key}
        body = {"name": "retried script", "scope": "read"}
        first = await client.post(f"{API}/auth/api-tokens", headers=h, json=body)
        second = await client.post(f"{API}/auth/api-tokens", headers=h, json=body)
        assert first.status_code == second.status_code == 201, second.text
        assert "idempotent-replayed" not in second.headers
        tokens = [first.json()["token"], second.json()["token"]]
        assert tokens[0] != tokens[1]
        assert first.json()["id"] != second.json()["id"]
        await self.assert_nowhere_in_the_idempotency_table(engine, world.owner.user_id, key, tokens)
        # Both work, and the one the client never saw can be found and revoked.
        listed = await client.get(f"{API}/auth/api-tokens", headers=world.owner.headers)
        assert {first.json()["id"], second.json()["id"]} <= {t["id"] for t in listed.json()}
        for token in tokens:
            me = await client.get(f"{API}/users/me", headers={"Authorization": f"Bearer {token}"})
            assert me.status_code == 200

    async def test_invite_creation_ignores_the_key(
        self, client: httpx.AsyncClient, world: World, engine: AsyncEngine
    ):
        key = f"invite-{uuid.uuid4()}"
        h = {**world.admin.headers, "Idempotency-Key": key}
        body = {"member_id": str(world.placeholder_id)}
        url = f"{API}/groups/{world.group_id}/invites"
        first = await client.post(url, headers=h, json=body)
        second = await client.post(url, headers=h, json=body)
        assert first.status_code == second.status_code == 201, second.text
        assert "idempotent-replayed" not in second.headers
        tokens = [first.json()["token"], second.json()["token"]]
        assert tokens[0] != tokens[1]
        await self.assert_nowhere_in_the_idempotency_table(engine, world.admin.user_id, key, tokens)


class TestSettings:
    async def test_the_settings_given_to_create_app_reach_the_services(self, engine: AsyncEngine):
        # The environment allows 10 failed logins per account; these settings allow 1.
        settings = Settings(environment="test", login_attempts_per_account=1)
        form = {"username": "nobody-settings@example.org", "password": "wrong password"}
        async with client_for(create_app(settings, engine=engine)) as client:
            first = await client.post(f"{API}/auth/token", data=form)
            second = await client.post(f"{API}/auth/token", data=form)
        assert first.status_code == 401, first.text
        assert second.status_code == 429, second.text


class TestCors:
    async def test_allowed_origin(self, engine: AsyncEngine):
        settings = Settings(environment="test", cors_origins=["https://app.example.org"])
        async with client_for(create_app(settings, engine=engine)) as client:
            preflight = await client.options(
                f"{API}/groups",
                headers={
                    "Origin": "https://app.example.org",
                    "Access-Control-Request-Method": "POST",
                    "Access-Control-Request-Headers": "Authorization, Idempotency-Key",
                },
            )
            assert preflight.status_code == 200
            assert preflight.headers["access-control-allow-origin"] == "https://app.example.org"
            simple = await client.get("/healthz", headers={"Origin": "https://app.example.org"})
            exposed = simple.headers["access-control-expose-headers"].lower()
            assert "x-request-id" in exposed
            assert "etag" in exposed
            other = await client.get("/healthz", headers={"Origin": "https://evil.example"})
            assert "access-control-allow-origin" not in other.headers

    async def test_none_by_default(self, client: httpx.AsyncClient):
        response = await client.get("/healthz", headers={"Origin": "https://app.example.org"})
        assert "access-control-allow-origin" not in response.headers


class TestHealth:
    async def test_live(self, client: httpx.AsyncClient):
        response = await client.get("/healthz")
        assert response.json() == {"status": "ok"}

    async def test_ready(self, client: httpx.AsyncClient):
        response = await client.get("/readyz")
        assert response.status_code == 200
        assert response.json()["status"] == "ready"

    async def test_not_ready_without_a_database(self):
        app = create_app(Settings(environment="test"))  # no engine, lifespan not run
        async with client_for(app) as client:
            response = await client.get("/readyz")
        assert_problem(response, 503)


class TestDocs:
    async def test_served_without_internet(self, client: httpx.AsyncClient):
        page = await client.get("/docs")
        assert page.status_code == 200
        assert "/docs/assets/swagger-ui-bundle.js" in page.text
        assert "/docs/assets/swagger-ui.css" in page.text
        assert "cdn." not in page.text
        script = await client.get("/docs/assets/swagger-ui-bundle.js")
        assert script.status_code == 200
        assert "SwaggerUIBundle" in script.text[:2000]
        assert (await client.get("/docs/assets/swagger-ui.css")).status_code == 200
        assert (await client.get("/docs/oauth2-redirect")).status_code == 200
        assert (await client.get("/openapi.json")).status_code == 200


class TestStartup:
    def test_production_refuses_a_missing_secret(self):
        with pytest.raises(ValueError, match="PENNYWISE_JWT_SECRET"):
            create_app(Settings(environment="production"))

    def test_production_refuses_a_short_secret(self):
        with pytest.raises(ValueError, match="too short"):
            create_app(Settings(environment="production", jwt_secret="short"))  # type: ignore[arg-type]

    def test_production_with_a_good_secret(self):
        secret = secrets.token_urlsafe(48)
        create_app(Settings(environment="production", jwt_secret=secret))  # type: ignore[arg-type]

    async def test_lifespan_opens_and_disposes(self, fresh_database_url: str):
        app = create_app(Settings(environment="test", database_url=fresh_database_url))
        async with app.router.lifespan_context(app):
            engine = app.state.engine
            async with client_for(app) as client:
                assert (await client.get("/readyz")).status_code == 200
        assert app.state.session_maker is None
        assert engine.pool.checkedout() == 0

    async def test_lifespan_refuses_a_database_without_the_schema(self, fresh_database_url: str):
        engine = create_engine(fresh_database_url)
        async with engine.begin() as connection:
            await connection.execute(text("CREATE TABLE somebody_elses (id INTEGER)"))
        await engine.dispose()
        app = create_app(Settings(environment="test", database_url=fresh_database_url))
        with pytest.raises(SchemaOutOfDateError, match="pennywise db upgrade"):
            async with app.router.lifespan_context(app):
                pass
