"""The OpenAPI document: committed, stable, honest about every status and readable ids."""

from __future__ import annotations

import re
from pathlib import Path

from apitools import API
from fastapi import FastAPI

from pennywise_api.openapi import REGENERATE, build, render

COMMITTED = Path(__file__).resolve().parents[2] / "openapi.json"
PUBLIC_OPERATIONS = {
    "auth_register",
    "auth_token",
    "auth_refresh",
    "auth_logout",
    "auth_google",
    "health_live",
    "health_ready",
}


def operations(app: FastAPI) -> list[tuple[str, str, dict]]:
    return [
        (method, path, operation)
        for path, item in app.openapi()["paths"].items()
        for method, operation in item.items()
    ]


class TestCommittedDocument:
    def test_matches_the_app(self, app: FastAPI):
        assert COMMITTED.exists(), f"openapi.json is missing; run `{REGENERATE}`"
        current = render(app.openapi())
        assert current == COMMITTED.read_text(encoding="utf-8"), (
            f"the app's OpenAPI schema differs from the committed openapi.json; "
            f"regenerate it with `{REGENERATE}` and commit it (the client is generated from it)"
        )

    def test_does_not_depend_on_the_environment(self, app: FastAPI):
        assert render(build()) == render(app.openapi())


class TestOperations:
    def test_new_passwords_declare_the_policy_bounds(self, app: FastAPI):
        schemas = app.openapi()["components"]["schemas"]
        for model, field in (("UserCreate", "password"), ("PasswordChange", "new_password")):
            declared = schemas[model]["properties"][field]
            assert (declared["minLength"], declared["maxLength"]) == (8, 128), model

    def test_ids_are_readable_and_unique(self, app: FastAPI):
        ids = [op["operationId"] for _, _, op in operations(app)]
        assert len(ids) == len(set(ids))
        for operation_id in ids:
            assert re.fullmatch(r"[a-z]+(_[a-z]+)+", operation_id), operation_id

    def test_every_protected_operation_declares_401(self, app: FastAPI):
        for method, path, op in operations(app):
            if op["operationId"] in PUBLIC_OPERATIONS:
                continue
            assert "401" in op["responses"], f"{method} {path}"
            assert op.get("security"), f"{method} {path} does not declare its security"

    def test_every_error_response_is_a_problem(self, app: FastAPI):
        for method, path, op in operations(app):
            for status, response in op["responses"].items():
                if int(status) < 400:
                    continue
                assert list(response["content"]) == ["application/problem+json"], (
                    f"{method} {path} {status}"
                )
                schema = response["content"]["application/problem+json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/Problem"}

    def test_every_operation_with_input_declares_422(self, app: FastAPI):
        for method, path, op in operations(app):
            if op.get("parameters") or op.get("requestBody"):
                assert "422" in op["responses"], f"{method} {path}"

    def test_writes_to_versioned_resources_take_if_match(self, app: FastAPI):
        for method, path, op in operations(app):
            versioned = path.startswith((f"{API}/groups/{{group_id}}", f"{API}/transactions/"))
            if method in ("patch", "delete") and versioned and path.count("{") == 1:
                names = {p["name"] for p in op.get("parameters", [])}
                assert "If-Match" in names, f"{method} {path}"
                assert "412" in op["responses"], f"{method} {path}"

    def test_creating_posts_take_idempotency_keys(self, app: FastAPI):
        # Not invites_create and api_tokens_create: their response holds a new secret, which
        # a stored replay would keep in clear. They ignore the header (test_api_contract).
        creating = {
            "groups_create",
            "members_add",
            "recurring_create",
            "transactions_create",
            "settle_up_record",
            "imports_run",
        }
        for _, _, op in operations(app):
            names = {p["name"] for p in op.get("parameters", [])}
            assert ("Idempotency-Key" in names) == (op["operationId"] in creating), op[
                "operationId"
            ]
            if op["operationId"] in creating:
                # 422: the key reused with another body; 409: its first request still running.
                assert {"409", "422"} <= op["responses"].keys(), op["operationId"]
