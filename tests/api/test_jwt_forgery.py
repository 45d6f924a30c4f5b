"""Forged, expired and misused bearer tokens, through the HTTP stack: every one is a 401.

``tests/test_tokens.py`` checks :func:`pennywise_core.tokens.decode_access_token` itself;
this file checks that the app, end to end, answers each forgery on a protected route with
the same 401 problem+json (``WWW-Authenticate: Bearer``, one detail for all, so the answer
says nothing about *what* was wrong), while the genuine token of the same user works.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
import uuid
from typing import Any

import httpx
import pytest
from apitools import API, Actor, World, assert_problem
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jose import jwt

from pennywise_core import tokens
from pennywise_core.settings import get_settings

ME = f"{API}/users/me"
INVALID = "invalid or expired access token"


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def segment(obj: Any) -> str:
    return b64(json.dumps(obj).encode())


def claims_for(actor: Actor, **changes: Any) -> dict[str, Any]:
    """The claims of a genuine access token of ``actor``; ``...`` removes a claim."""
    settings = get_settings()
    now = time.time()
    claims: dict[str, Any] = {
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "sub": str(actor.user_id),
        "iat": now,
        "exp": int(now) + 600,
        "jti": secrets.token_urlsafe(16),
        "typ": "access",
    }
    claims.update(changes)
    return {name: value for name, value in claims.items() if value is not ...}


def sign(claims: dict[str, Any], *, key: str | bytes | None = None, alg: str = "HS256") -> str:
    return jwt.encode(claims, key or tokens.signing_key(), algorithm=alg)


@pytest.fixture(scope="module")
def rsa_private_pem() -> bytes:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


async def assert_refused(client: httpx.AsyncClient, token: str) -> None:
    response = await client.get(ME, headers={"Authorization": f"Bearer {token}"})
    body = assert_problem(response, 401)
    assert body["type"].endswith("/authentication-failed")
    assert response.headers["www-authenticate"] == "Bearer"
    assert token not in response.text


@pytest.fixture
async def ann(make_actor: Any) -> Actor:
    return await make_actor("ann")


async def test_the_genuine_token_works(client: httpx.AsyncClient, ann: Actor) -> None:
    # The baseline every forgery below departs from: same claims, honestly signed.
    for token in (ann.token, sign(claims_for(ann))):
        response = await client.get(ME, headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200, response.text
        assert response.json()["id"] == str(ann.user_id)


class TestAlgorithm:
    @pytest.mark.parametrize("alg", ["none", "None", "NONE", "nOnE"])
    async def test_alg_none(self, client: httpx.AsyncClient, ann: Actor, alg: str) -> None:
        header = segment({"alg": alg, "typ": "JWT"})
        unsigned = f"{header}.{segment(claims_for(ann))}."
        await assert_refused(client, unsigned)

    async def test_alg_none_keeping_a_real_signature(
        self, client: httpx.AsyncClient, ann: Actor
    ) -> None:
        _, payload, signature = sign(claims_for(ann)).split(".")
        await assert_refused(client, f"{segment({'alg': 'none'})}.{payload}.{signature}")

    @pytest.mark.parametrize("alg", ["HS384", "HS512"])
    async def test_another_hmac_with_the_right_secret(
        self, client: httpx.AsyncClient, ann: Actor, alg: str
    ) -> None:
        await assert_refused(client, sign(claims_for(ann), alg=alg))

    async def test_rs256_signed_by_an_attacker(
        self, client: httpx.AsyncClient, ann: Actor, rsa_private_pem: bytes
    ) -> None:
        await assert_refused(client, sign(claims_for(ann), key=rsa_private_pem, alg="RS256"))

    async def test_rs256_header_on_the_hs256_signature(
        self, client: httpx.AsyncClient, ann: Actor
    ) -> None:
        _, payload, signature = sign(claims_for(ann)).split(".")
        header = segment({"alg": "RS256", "typ": "JWT"})
        await assert_refused(client, f"{header}.{payload}.{signature}")

    async def test_hs256_keyed_with_a_public_key(
        self, client: httpx.AsyncClient, ann: Actor, rsa_private_pem: bytes
    ) -> None:
        # The classic RS256/HS256 confusion: HMAC with the verifier's public key as secret.
        private = serialization.load_pem_private_key(rsa_private_pem, password=None)
        public_pem = private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        header = segment({"alg": "HS256", "typ": "JWT"})
        signing_input = f"{header}.{segment(claims_for(ann))}"
        mac = hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest()
        await assert_refused(client, f"{signing_input}.{b64(mac)}")


class TestSignature:
    async def test_flipped_signature(self, client: httpx.AsyncClient, ann: Actor) -> None:
        header, payload, signature = sign(claims_for(ann)).split(".")
        raw = bytearray(base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4)))
        raw[0] ^= 0x01
        await assert_refused(client, f"{header}.{payload}.{b64(bytes(raw))}")

    async def test_empty_signature(self, client: httpx.AsyncClient, ann: Actor) -> None:
        header, payload, _ = sign(claims_for(ann)).split(".")
        await assert_refused(client, f"{header}.{payload}.")

    async def test_claims_changed_after_signing(
        self, client: httpx.AsyncClient, ann: Actor, make_actor: Any
    ) -> None:
        bob = await make_actor("bob")
        header, _, signature = sign(claims_for(ann)).split(".")
        await assert_refused(client, f"{header}.{segment(claims_for(bob))}.{signature}")

    async def test_another_secret(self, client: httpx.AsyncClient, ann: Actor) -> None:
        await assert_refused(client, sign(claims_for(ann), key=secrets.token_urlsafe(48)))


class TestClaims:
    async def test_expired(self, client: httpx.AsyncClient, ann: Actor) -> None:
        now = int(time.time())
        await assert_refused(client, sign(claims_for(ann, iat=now - 3600, exp=now - 600)))

    @pytest.mark.parametrize("claim", ["exp", "iat", "sub", "iss", "aud", "jti", "typ"])
    async def test_missing_claim(self, client: httpx.AsyncClient, ann: Actor, claim: str) -> None:
        await assert_refused(client, sign(claims_for(ann, **{claim: ...})))

    @pytest.mark.parametrize(
        "changes",
        [
            pytest.param({"aud": "someone-else"}, id="wrong audience"),
            pytest.param({"aud": ["someone-else", "pennywise-api"]}, id="audience list"),
            pytest.param({"iss": "https://evil.example.com"}, id="wrong issuer"),
            pytest.param({"typ": "refresh"}, id="not an access token"),
            pytest.param({"iat": time.time() + 3600, "exp": int(time.time()) + 7200}, id="future"),
            pytest.param({"sub": str(uuid.uuid4())}, id="no such user"),
            pytest.param({"sub": "admin"}, id="sub not a user id"),
            pytest.param({"exp": "9999999999"}, id="exp as a string"),
        ],
    )
    async def test_wrong_claim(
        self, client: httpx.AsyncClient, ann: Actor, changes: dict[str, Any]
    ) -> None:
        await assert_refused(client, sign(claims_for(ann, **changes)))


class TestOtherTokensAsBearer:
    async def test_a_refresh_token(self, client: httpx.AsyncClient) -> None:
        email = f"rita-{secrets.token_hex(4)}@example.org"
        password = "correct horse battery staple"
        registered = await client.post(
            f"{API}/auth/register",
            json={"email": email, "password": password, "display_name": "Rita"},
        )
        assert registered.status_code == 201, registered.text
        pair = (
            await client.post(f"{API}/auth/token", data={"username": email, "password": password})
        ).json()
        await assert_refused(client, pair["refresh_token"])
        # ... and the access token of the same pair is fine.
        ok = await client.get(ME, headers={"Authorization": f"Bearer {pair['access_token']}"})
        assert ok.status_code == 200

    async def test_an_invite_token(self, client: httpx.AsyncClient, world: World) -> None:
        created = await client.post(
            f"{API}/groups/{world.group_id}/invites",
            headers=world.admin.headers,
            json={"member_id": str(world.placeholder_id)},
        )
        assert created.status_code == 201, created.text
        await assert_refused(client, created.json()["token"])

    @pytest.mark.parametrize(
        "token",
        ["", "Bearer", "pwt_" + "x" * 43, "a.b.c", "x" * 5000, "e30.e30.e30"],
        ids=["empty", "word", "unknown api token", "garbage jwt", "huge", "empty objects"],
    )
    async def test_garbage(self, client: httpx.AsyncClient, token: str) -> None:
        response = await client.get(ME, headers={"Authorization": f"Bearer {token}"})
        assert_problem(response, 401)


async def test_every_refusal_reads_the_same(client: httpx.AsyncClient, ann: Actor) -> None:
    """No oracle: an expired token and a forged one get the same detail."""
    now = int(time.time())
    details = set()
    for token in (
        sign(claims_for(ann, iat=now - 3600, exp=now - 600)),
        sign(claims_for(ann), alg="HS512"),
        sign(claims_for(ann, aud="someone-else")),
        sign(claims_for(ann, jti=...)),
    ):
        response = await client.get(ME, headers={"Authorization": f"Bearer {token}"})
        details.add(assert_problem(response, 401)["detail"])
    assert details == {INVALID}
