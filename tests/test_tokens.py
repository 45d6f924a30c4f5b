"""Access JWTs and opaque tokens: every forgery we know of is refused.

The pure checks need no database; the last class goes through
``services.auth.authenticate_bearer`` to show that no other kind of token (refresh, invite,
a Google ID token…) is ever accepted as an access token.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jose import jwt
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncSession

from pennywise_core import tokens
from pennywise_core.auth_schemas import TokenPair
from pennywise_core.errors import AuthenticationError
from pennywise_core.models import User
from pennywise_core.schemas import UserCreate
from pennywise_core.services import auth
from pennywise_core.settings import Settings, get_settings

GOOD_SECRET = "k3y-" + "x7Q9pL2mN8vR4tW6yZ1aB5cD0eF3gH" * 2


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def segment(obj: Any) -> str:
    return b64(json.dumps(obj).encode())


def good_claims(**changes: Any) -> dict[str, Any]:
    settings = get_settings()
    now = time.time()
    claims: dict[str, Any] = {
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "sub": str(uuid.uuid4()),
        "iat": now,
        "exp": int(now) + 600,
        "jti": "j-" + uuid.uuid4().hex,
        "typ": "access",
    }
    claims.update(changes)
    return {k: v for k, v in claims.items() if v is not ...}


def sign(claims: dict[str, Any], *, key: str | None = None, algorithm: str = "HS256") -> str:
    return jwt.encode(claims, key or tokens.signing_key(), algorithm=algorithm)


def assert_rejected(token: str) -> None:
    with pytest.raises(AuthenticationError) as caught:
        tokens.decode_access_token(token)
    assert caught.value.status == 401
    assert caught.value.detail == "invalid or expired access token"  # says nothing more


@pytest.fixture
def rsa_private_pem() -> bytes:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


class TestValidToken:
    def test_round_trip(self) -> None:
        user_id = uuid.uuid4()
        before = datetime.now(UTC)
        token, lifetime = tokens.create_access_token(user_id)
        claims = tokens.decode_access_token(token)
        assert claims.user_id == user_id
        assert lifetime == get_settings().access_token_minutes * 60
        assert before <= claims.issued_at <= datetime.now(UTC)
        assert claims.expires_at > claims.issued_at
        header = jwt.get_unverified_header(token)
        assert header["alg"] == "HS256"
        assert jwt.get_unverified_claims(token)["typ"] == "access"

    def test_iat_keeps_microseconds(self) -> None:
        now = datetime(2030, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)
        token, _ = tokens.create_access_token(uuid.uuid4(), now=now)
        assert jwt.get_unverified_claims(token)["iat"] == now.timestamp()

    def test_each_token_has_its_own_jti(self) -> None:
        user_id = uuid.uuid4()
        first = tokens.decode_access_token(tokens.create_access_token(user_id)[0])
        second = tokens.decode_access_token(tokens.create_access_token(user_id)[0])
        assert first.jti != second.jti

    def test_a_hand_made_token_with_every_claim_is_accepted(self) -> None:
        # The control for every forgery below: only the one thing each changes is wrong.
        tokens.decode_access_token(sign(good_claims()))


class TestForgedAlgorithm:
    @pytest.mark.parametrize("alg", ["none", "None", "NONE", "nOnE"])
    def test_alg_none(self, alg: str) -> None:
        unsigned = f"{segment({'alg': alg, 'typ': 'JWT'})}.{segment(good_claims())}."
        assert_rejected(unsigned)

    def test_alg_none_with_a_signature_kept(self) -> None:
        real = sign(good_claims())
        _, payload, signature = real.split(".")
        assert_rejected(f"{segment({'alg': 'none', 'typ': 'JWT'})}.{payload}.{signature}")

    @pytest.mark.parametrize("alg", ["HS384", "HS512"])
    def test_another_hmac_algorithm_with_the_right_secret(self, alg: str) -> None:
        assert_rejected(sign(good_claims(), algorithm=alg))

    def test_rs256_signed_by_someone_else(self, rsa_private_pem: bytes) -> None:
        assert_rejected(sign(good_claims(), key=rsa_private_pem.decode(), algorithm="RS256"))

    def test_rs256_header_on_an_hs256_signature(self) -> None:
        # Algorithm confusion: claim RS256 while the bytes are an HMAC with our secret.
        real = sign(good_claims())
        _, payload, signature = real.split(".")
        assert_rejected(f"{segment({'alg': 'RS256', 'typ': 'JWT'})}.{payload}.{signature}")

    def test_hs256_keyed_with_a_public_key(self, rsa_private_pem: bytes) -> None:
        public = (
            serialization.load_pem_private_key(rsa_private_pem, password=None)
            .public_key()
            .public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
        )
        header = segment({"alg": "HS256", "typ": "JWT"})
        payload = segment(good_claims())
        mac = hmac.new(public, f"{header}.{payload}".encode(), hashlib.sha256).digest()
        assert_rejected(f"{header}.{payload}.{b64(mac)}")


class TestForgedSignature:
    def test_flipped_signature(self) -> None:
        header, payload, signature = sign(good_claims()).split(".")
        middle = len(signature) // 2
        flipped = signature[:middle] + ("A" if signature[middle] != "A" else "B")
        flipped += signature[middle + 1 :]
        assert_rejected(f"{header}.{payload}.{flipped}")

    def test_another_secret(self) -> None:
        assert_rejected(sign(good_claims(), key=GOOD_SECRET))

    def test_payload_changed_after_signing(self) -> None:
        header, _, signature = sign(good_claims()).split(".")
        assert_rejected(f"{header}.{segment(good_claims(sub=str(uuid.uuid4())))}.{signature}")

    def test_empty_signature(self) -> None:
        header, payload, _ = sign(good_claims()).split(".")
        assert_rejected(f"{header}.{payload}.")

    @pytest.mark.parametrize(
        "garbage",
        [
            "",
            "x",
            "a.b",
            "a.b.c",
            "a.b.c.d",
            "...",
            "eyJhbGciOiJIUzI1NiJ9.bm90IGpzb24.c2ln",
            f"{segment({'alg': 'HS256'})}.{segment([1, 2, 3])}.c2ln",
            "Bearer " + "x" * 5000,
        ],
    )
    def test_garbage(self, garbage: str) -> None:
        assert_rejected(garbage)

    def test_claims_that_are_not_an_object(self) -> None:
        header = segment({"alg": "HS256", "typ": "JWT"})
        payload = b64(b"[1, 2, 3]")
        key = tokens.signing_key().encode()
        mac = hmac.new(key, f"{header}.{payload}".encode(), hashlib.sha256).digest()
        assert_rejected(f"{header}.{payload}.{b64(mac)}")


class TestForgedClaims:
    def test_expired(self) -> None:
        now = time.time()
        assert_rejected(sign(good_claims(iat=now - 3600, exp=int(now) - 60)))

    def test_expired_within_the_leeway_is_accepted(self) -> None:
        now = time.time()
        tokens.decode_access_token(sign(good_claims(iat=now - 600, exp=int(now) - 2)))

    @pytest.mark.parametrize("claim", ["exp", "iat", "sub", "iss", "aud", "jti", "typ"])
    def test_missing_claim(self, claim: str) -> None:
        assert_rejected(sign(good_claims(**{claim: ...})))

    def test_wrong_audience(self) -> None:
        assert_rejected(sign(good_claims(aud="someone-else")))

    def test_audience_list(self) -> None:
        # python-jose accepts a list containing ours; an access token has exactly one.
        assert_rejected(sign(good_claims(aud=[get_settings().jwt_audience, "other"])))

    def test_wrong_issuer(self) -> None:
        assert_rejected(sign(good_claims(iss="https://evil.example")))

    @pytest.mark.parametrize("typ", ["refresh", "id", "ACCESS", "", None])
    def test_wrong_type(self, typ: object) -> None:
        assert_rejected(sign(good_claims(typ=typ)))

    def test_issued_in_the_future(self) -> None:
        now = time.time()
        assert_rejected(sign(good_claims(iat=now + 3600, exp=int(now) + 7200)))

    def test_not_yet_valid(self) -> None:
        now = time.time()
        assert_rejected(sign(good_claims(nbf=int(now) + 3600)))

    @pytest.mark.parametrize(
        "changes",
        [
            {"exp": "99999999999"},
            {"exp": True},
            {"exp": None},
            {"exp": [1]},
            {"iat": "now"},
            {"iat": {"a": 1}},
            {"sub": "not-a-uuid"},
            {"sub": 12},
            {"jti": 7},
            {"jti": ""},
        ],
        ids=repr,
    )
    def test_mistyped_claims(self, changes: dict[str, Any]) -> None:
        assert_rejected(sign(good_claims(**changes)))

    def test_sub_is_a_user_id(self) -> None:
        tokens.decode_access_token(sign(good_claims(sub=str(uuid.uuid4()))))


class TestSecret:
    def settings(self, environment: str, secret: str) -> Settings:
        return Settings(environment=environment, jwt_secret=SecretStr(secret))

    @pytest.mark.parametrize(
        ("secret", "message"),
        [
            ("", "not set"),
            ("short", "too short"),
            ("changeme", "too short"),
            ("a" * 64, "placeholder"),
        ],
    )
    def test_production_refuses(self, secret: str, message: str) -> None:
        with pytest.raises(tokens.InsecureSecretError, match=message):
            tokens.check_secret(self.settings("production", secret))

    def test_production_accepts_a_long_random_secret(self) -> None:
        tokens.check_secret(self.settings("production", GOOD_SECRET))

    @pytest.mark.parametrize(
        "secret",
        [
            pytest.param("abcdefgh" * 4, id="8 characters repeated"),
            pytest.param("0123456789abcdef" * 2, id="16 characters repeated"),
            pytest.param("abcdefghijklmnopqrstuvwxyz012345", id="a run"),
            pytest.param("ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210", id="a descending run"),
        ],
    )
    def test_production_refuses_a_predictable_secret_and_says_how_to_make_one(
        self, secret: str
    ) -> None:
        with pytest.raises(tokens.InsecureSecretError, match="predictable") as refused:
            tokens.check_secret(self.settings("production", secret))
        assert "secrets.token_urlsafe(32)" in str(refused.value)

    def test_every_message_says_how_to_make_a_secret(self) -> None:
        for secret in ("", "short", "a" * 64, "abcdefgh" * 4):
            with pytest.raises(tokens.InsecureSecretError) as refused:
                tokens.check_secret(self.settings("production", secret))
            assert tokens.MAKE_A_SECRET in str(refused.value)

    def test_what_the_message_recommends_always_passes(self) -> None:
        # The recommended recipe, many times over: 32 random bytes, urlsafe base64 and hex.
        # (One Settings, copied with each secret: reading the environment 4,000 times
        # would be most of the test's time.)
        production = self.settings("production", "")
        for _ in range(2000):
            for secret in (secrets.token_urlsafe(32), secrets.token_hex(32)):
                tokens.check_secret(production.model_copy(update={"jwt_secret": SecretStr(secret)}))

    def test_production_never_signs_with_an_ephemeral_secret(self) -> None:
        with pytest.raises(tokens.InsecureSecretError):
            tokens.create_access_token(uuid.uuid4(), settings=self.settings("production", ""))

    def test_test_environment_refuses_a_short_secret_but_allows_none(self) -> None:
        with pytest.raises(tokens.InsecureSecretError):
            tokens.check_secret(self.settings("test", "short"))
        tokens.check_secret(self.settings("test", ""))

    def test_development_allows_anything(self) -> None:
        tokens.check_secret(self.settings("development", ""))
        tokens.check_secret(self.settings("development", "x"))

    def test_ephemeral_secret_is_stable_within_the_process(self) -> None:
        settings = self.settings("development", "")
        assert tokens.signing_key(settings) == tokens.signing_key(settings)
        assert len(tokens.signing_key(settings)) >= tokens.MIN_SECRET_LENGTH

    def test_configured_secret_is_used(self) -> None:
        settings = self.settings("production", GOOD_SECRET)
        token, _ = tokens.create_access_token(uuid.uuid4(), settings=settings)
        tokens.decode_access_token(token, settings=settings)
        with pytest.raises(AuthenticationError):
            tokens.decode_access_token(token)  # the ephemeral development secret differs


class TestOpaqueTokens:
    @pytest.mark.parametrize("prefix", ["pwr", "pwt", "pwi"])
    def test_shape_and_hash(self, prefix: str) -> None:
        token, token_hash = tokens.new_opaque_token(prefix)
        assert token.startswith(prefix + "_")
        assert len(token) == len(prefix) + 1 + 43  # 32 bytes, url-safe base64
        assert token_hash == hashlib.sha256(token.encode()).hexdigest()
        assert tokens.hash_opaque_token(token) == token_hash
        assert tokens.has_prefix(token, prefix)

    def test_unique(self) -> None:
        assert len({tokens.new_opaque_token("pwr")[0] for _ in range(200)}) == 200


# --- through authenticate_bearer --------------------------------------------------------------


@pytest.fixture
def person_data() -> UserCreate:
    return UserCreate(
        email=f"tok-{uuid.uuid4().hex[:8]}@example.org",
        password="correct horse battery staple",
        display_name="Tok",
    )


class TestOnlyAccessTokensAuthenticate:
    async def _login(self, session: AsyncSession, data: UserCreate) -> tuple[User, TokenPair]:
        user = await auth.register(session, data)
        pair = await auth.login(
            session, email=data.email, password=data.password, client_address="192.0.2.1"
        )
        return user, pair

    async def test_access_token_authenticates(
        self, session: AsyncSession, person_data: UserCreate
    ) -> None:
        user, pair = await self._login(session, person_data)
        principal = await auth.authenticate_bearer(session, pair.access_token)
        assert principal.user.id == user.id

    async def test_refresh_token_is_not_an_access_token(
        self, session: AsyncSession, person_data: UserCreate
    ) -> None:
        _, pair = await self._login(session, person_data)
        with pytest.raises(AuthenticationError):
            await auth.authenticate_bearer(session, pair.refresh_token)

    async def test_invite_token_is_not_an_access_token(self, session: AsyncSession) -> None:
        with pytest.raises(AuthenticationError):
            await auth.authenticate_bearer(session, tokens.new_opaque_token("pwi")[0])

    async def test_unknown_api_token(self, session: AsyncSession) -> None:
        with pytest.raises(AuthenticationError):
            await auth.authenticate_bearer(session, tokens.new_opaque_token("pwt")[0])

    async def test_forged_jwt_for_a_real_user(
        self, session: AsyncSession, person_data: UserCreate
    ) -> None:
        user, _ = await self._login(session, person_data)
        with pytest.raises(AuthenticationError):
            await auth.authenticate_bearer(
                session, sign(good_claims(sub=str(user.id)), key=GOOD_SECRET)
            )

    async def test_valid_jwt_for_a_user_that_does_not_exist(self, session: AsyncSession) -> None:
        with pytest.raises(AuthenticationError):
            await auth.authenticate_bearer(session, sign(good_claims()))

    async def test_token_with_a_typ_other_than_access(
        self, session: AsyncSession, person_data: UserCreate
    ) -> None:
        user, _ = await self._login(session, person_data)
        with pytest.raises(AuthenticationError):
            await auth.authenticate_bearer(
                session, sign(good_claims(sub=str(user.id), typ="refresh"))
            )

    async def test_expired_token_of_a_real_user(
        self, session: AsyncSession, person_data: UserCreate
    ) -> None:
        user, _ = await self._login(session, person_data)
        past = datetime.now(UTC) - timedelta(hours=2)
        token, _ = tokens.create_access_token(user.id, now=past)
        with pytest.raises(AuthenticationError):
            await auth.authenticate_bearer(session, token)
