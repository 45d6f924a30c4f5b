"""``services.auth``: registration, password sign-in and its throttle, refresh rotation,
logout, password change, Google sign-in (offline), bearer authentication, API tokens."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import json
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from google.auth import crypt as google_crypt
from google.auth import jwt as google_jwt
from pydantic import ValidationError as PydanticValidationError
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from pennywise_core import passwords, tokens
from pennywise_core.auth_schemas import ApiTokenCreate, PasswordChange, TokenPair
from pennywise_core.errors import (
    AuthenticationError,
    ConflictError,
    NotFoundError,
    PennywiseError,
    PermissionDeniedError,
    RateLimitedError,
    ValidationError,
)
from pennywise_core.models import ApiToken, LoginAttempt, RefreshToken, User, utcnow
from pennywise_core.schemas import UserCreate
from pennywise_core.services import auth, users
from pennywise_core.settings import Settings, get_settings, use_settings

PASSWORD = "correct horse battery staple"


@pytest.fixture
def configure(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., None]]:
    """Change settings for one test: ``configure(login_attempts_per_account=3)``."""

    def apply(**values: object) -> None:
        for name, value in values.items():
            text = json.dumps(value) if isinstance(value, list) else str(value)
            monkeypatch.setenv(f"PENNYWISE_{name.upper()}", text)
        get_settings.cache_clear()

    yield apply
    get_settings.cache_clear()


def new_email() -> str:
    return f"user-{uuid.uuid4().hex[:10]}@example.org"


async def register(session: AsyncSession, email: str | None = None) -> User:
    return await auth.register(
        session, UserCreate(email=email or new_email(), password=PASSWORD, display_name="Ann")
    )


async def login(
    session: AsyncSession, email: str, password: str = PASSWORD, address: str = "192.0.2.10"
) -> TokenPair:
    return await auth.login(session, email=email, password=password, client_address=address)


async def refresh_rows(session: AsyncSession, user: User) -> list[RefreshToken]:
    return list(
        (
            await session.scalars(
                select(RefreshToken)
                .where(RefreshToken.user_id == user.id)
                .execution_options(populate_existing=True)
            )
        ).all()
    )


class TestRegister:
    async def test_creates_an_account_with_a_hashed_password(self, session: AsyncSession) -> None:
        user = await register(session)
        assert user.password_hash is not None
        assert user.password_hash.startswith("$argon2id$")
        assert PASSWORD not in user.password_hash

    async def test_common_password_refused(self, session: AsyncSession) -> None:
        with pytest.raises(ValidationError, match="common"):
            await auth.register(
                session, UserCreate(email=new_email(), password="password1", display_name="A")
            )

    @pytest.mark.parametrize("password", ["a1b2c3d", "x" * 129], ids=["7", "129"])
    def test_the_schema_declares_the_policy_bounds(self, password: str) -> None:
        with pytest.raises(PydanticValidationError) as caught:
            UserCreate(email=new_email(), password=password, display_name="A")
        assert password not in str(caught.value)  # never echoed
        with pytest.raises(PydanticValidationError):
            PasswordChange(current_password=PASSWORD, new_password=password)
        schema = UserCreate.model_json_schema()["properties"]["password"]
        assert (schema["minLength"], schema["maxLength"]) == (8, 128)
        schema = PasswordChange.model_json_schema()["properties"]["new_password"]
        assert (schema["minLength"], schema["maxLength"]) == (8, 128)

    @pytest.mark.parametrize(
        ("password", "message"),
        [
            # 8 code points as typed, 4 after NFKC composes each e + combining acute.
            ("e\u0301" * 4, "at least 8"),
            # 65 as typed, 130 after NFKC splits each ligature in two.
            ("\ufb00" * 65, "at most 128"),
        ],
        ids=["shorter after NFKC", "longer after NFKC"],
    )
    async def test_the_policy_measures_the_nfkc_form(
        self, session: AsyncSession, password: str, message: str
    ) -> None:
        data = UserCreate(email=new_email(), password=password, display_name="A")
        with pytest.raises(ValidationError, match=message):
            await auth.register(session, data)

    async def test_email_taken_case_insensitively(self, session: AsyncSession) -> None:
        email = new_email()
        await register(session, email)
        with pytest.raises(ConflictError):
            await register(session, email.upper())


class TestLogin:
    async def test_returns_a_working_token_pair(self, session: AsyncSession) -> None:
        user = await register(session)
        pair = await login(session, user.email)
        assert pair.token_type == "bearer"
        assert pair.expires_in == get_settings().access_token_minutes * 60
        assert pair.refresh_token.startswith("pwr_")
        principal = await auth.authenticate_bearer(session, pair.access_token)
        assert principal == auth.Principal(user=user, scope="write", via="jwt")

    async def test_refresh_token_is_stored_hashed(self, session: AsyncSession) -> None:
        user = await register(session)
        pair = await login(session, user.email)
        [row] = await refresh_rows(session, user)
        assert row.token_hash == hashlib.sha256(pair.refresh_token.encode()).hexdigest()

    async def test_email_is_case_insensitive(self, session: AsyncSession) -> None:
        user = await register(session)
        await login(session, "  " + user.email.upper())

    async def test_wrong_password_and_unknown_email_look_the_same(
        self, session: AsyncSession, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        user = await register(session)
        verified: list[str] = []
        real_verify = passwords.verify_password

        def counting_verify(password: str, password_hash: str) -> bool:
            verified.append(password)
            return real_verify(password, password_hash)

        monkeypatch.setattr(passwords, "verify_password", counting_verify)
        with pytest.raises(auth.LoginFailedError) as wrong_password:
            await login(session, user.email, "wrong password here")
        with pytest.raises(auth.LoginFailedError) as unknown_email:
            await login(session, new_email(), "wrong password here")
        assert wrong_password.value.detail == unknown_email.value.detail
        assert wrong_password.value.status == unknown_email.value.status == 401
        assert len(verified) == 2  # one Argon2 verification each: the same cost

    async def test_failure_asks_the_caller_to_keep_the_count(self, session: AsyncSession) -> None:
        with pytest.raises(auth.LoginFailedError) as failed:
            await login(session, new_email(), "wrong password here")
        assert failed.value.keep_changes is True
        assert isinstance(failed.value, AuthenticationError)

    async def test_google_only_account_cannot_log_in_with_a_password(
        self, session: AsyncSession
    ) -> None:
        user = User(
            email=new_email(),
            email_normalized="",
            display_name="G",
            google_subject="g-" + uuid.uuid4().hex,
        )
        user.email_normalized = users.normalize_email(user.email)
        session.add(user)
        await session.flush()
        with pytest.raises(auth.LoginFailedError):
            await login(session, user.email, PASSWORD)

    async def test_inactive_user_cannot_log_in(self, session: AsyncSession) -> None:
        user = await register(session)
        user.is_active = False
        await session.flush()
        with pytest.raises(auth.LoginFailedError):
            await login(session, user.email)


class TestHashCost:
    """Argon2id's cost is a setting (the suite runs at a cheap one, see tests/conftest.py)."""

    def test_the_defaults_are_passlibs_64_mib_3_passes_4_lanes(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        for name in ("MEMORY_KIB", "TIME_COST", "PARALLELISM"):
            monkeypatch.delenv(f"PENNYWISE_PASSWORD_HASH_{name}", raising=False)
        with use_settings(Settings()):
            assert passwords.hash_password(PASSWORD).startswith("$argon2id$v=19$m=65536,t=3,p=4$")

    async def test_a_hash_at_other_costs_is_made_again_at_sign_in(
        self, session: AsyncSession
    ) -> None:
        with use_settings(Settings(password_hash_memory_kib=512, password_hash_time_cost=1)):
            user = await register(session)
        assert user.password_hash is not None
        old = user.password_hash
        assert "$m=512,t=1," in old
        with use_settings(Settings(password_hash_memory_kib=2048, password_hash_time_cost=2)):
            await login(session, user.email)
        assert user.password_hash != old
        assert "$m=2048,t=2," in user.password_hash
        assert passwords.verify_password(PASSWORD, user.password_hash)


class TestLoginThrottle:
    async def fail(self, session: AsyncSession, email: str, address: str, times: int) -> None:
        for _ in range(times):
            with pytest.raises(auth.LoginFailedError):
                await login(session, email, "wrong password here", address)

    async def test_per_account_from_one_address(
        self, session: AsyncSession, configure: Callable[..., None]
    ) -> None:
        configure(login_attempts_per_account=3, login_window_seconds=600)
        user = await register(session)
        await self.fail(session, user.email, "192.0.2.1", 3)
        with pytest.raises(RateLimitedError) as limited:
            await login(session, user.email, PASSWORD, "192.0.2.1")  # even the right password
        assert 0 < limited.value.retry_after <= 600
        assert limited.value.status == 429

    async def test_a_strangers_failures_do_not_lock_the_owner_out(
        self, session: AsyncSession, configure: Callable[..., None]
    ) -> None:
        configure(login_attempts_per_account=3, login_attempts_per_address=50)
        user = await register(session)
        await self.fail(session, user.email, "203.0.113.66", 3)  # the stranger gets a 429...
        with pytest.raises(RateLimitedError):
            await login(session, user.email, PASSWORD, "203.0.113.66")
        await login(session, user.email, PASSWORD, "192.0.2.10")  # ...the owner signs in

    async def test_case_and_padding_variants_are_one_account(
        self, session: AsyncSession, configure: Callable[..., None]
    ) -> None:
        configure(login_attempts_per_account=3, login_attempts_per_address=50)
        user = await register(session)
        variants = [user.email.upper(), f"  {user.email}\t", f" {user.email.title()} "]
        for variant in variants:
            await self.fail(session, variant, "203.0.113.66", 1)
        with pytest.raises(RateLimitedError):  # counted together, from the stranger's address
            await login(session, user.email, PASSWORD, "203.0.113.66")
        await login(session, f" {user.email.upper()} ", PASSWORD, "192.0.2.10")  # not elsewhere

    async def test_unknown_account_is_throttled_the_same(
        self, session: AsyncSession, configure: Callable[..., None]
    ) -> None:
        configure(login_attempts_per_account=3)
        email = new_email()
        await self.fail(session, email, "192.0.2.10", 3)
        with pytest.raises(RateLimitedError):
            await login(session, email, "wrong password here", "192.0.2.10")

    async def test_per_address(self, session: AsyncSession, configure: Callable[..., None]) -> None:
        configure(login_attempts_per_address=4)
        for _ in range(4):
            await self.fail(session, new_email(), "198.51.100.7", 1)
        user = await register(session)
        with pytest.raises(RateLimitedError):
            await login(session, user.email, PASSWORD, "198.51.100.7")
        await login(session, user.email, PASSWORD, "198.51.100.8")  # another address is fine

    async def test_ipv6_counts_by_slash_64(
        self, session: AsyncSession, configure: Callable[..., None]
    ) -> None:
        configure(login_attempts_per_address=2)
        await self.fail(session, new_email(), "2001:db8:1:2::1", 1)
        await self.fail(session, new_email(), "2001:db8:1:2:ffff::9", 1)
        with pytest.raises(RateLimitedError):
            await login(session, new_email(), PASSWORD, "2001:db8:1:2::abcd")
        with pytest.raises(auth.LoginFailedError):
            await login(session, new_email(), PASSWORD, "2001:db8:1:3::1")

    @pytest.mark.parametrize("garbage", ["not-an-ip", "1.2.3.4.5", "", None, "unknown"])
    async def test_what_is_not_an_address_is_one_client(
        self, session: AsyncSession, configure: Callable[..., None], garbage: str | None
    ) -> None:
        """A rotating made-up ``X-Forwarded-For`` relayed by a proxy buys no fresh counter."""
        configure(login_attempts_per_address=3)
        for made_up in ("x-1", "x-2", "999.1.1.1"):
            await self.fail(session, new_email(), made_up, 1)
        with pytest.raises(RateLimitedError):
            await auth.login(session, email=new_email(), password=PASSWORD, client_address=garbage)
        await self.fail(session, new_email(), "192.0.2.99", 1)  # a real address is its own

    async def test_no_email_or_address_in_clear(self, session: AsyncSession) -> None:
        email = new_email()
        await self.fail(session, email, "203.0.113.5", 1)
        rows = (await session.scalars(select(LoginAttempt))).all()
        assert {row.kind for row in rows} >= {"account", "address"}
        for row in rows:
            assert email not in row.key_hash
            assert "203.0.113.5" not in row.key_hash

    async def test_window_passes(
        self, session: AsyncSession, configure: Callable[..., None]
    ) -> None:
        configure(login_attempts_per_account=2, login_window_seconds=60)
        user = await register(session)
        await self.fail(session, user.email, "192.0.2.10", 2)
        with pytest.raises(RateLimitedError) as limited:
            await login(session, user.email)
        assert 55 <= limited.value.retry_after <= 60
        # Pretend a minute went by.
        await session.execute(
            update(LoginAttempt).values(attempted_at=utcnow() - dt.timedelta(seconds=61))
        )
        await login(session, user.email)

    async def test_success_clears_the_account_counter(
        self, session: AsyncSession, configure: Callable[..., None]
    ) -> None:
        configure(login_attempts_per_account=3)
        user = await register(session)
        await self.fail(session, user.email, "192.0.2.10", 2)
        await login(session, user.email)
        await self.fail(session, user.email, "192.0.2.10", 2)
        await login(session, user.email)

    async def test_counts_survive_the_request_when_committed(
        self, session_maker: async_sessionmaker[AsyncSession], configure: Callable[..., None]
    ) -> None:
        """What the API does: commit on a keep_changes error. Another process sees the count."""
        configure(login_attempts_per_account=2)
        email = new_email()
        for _ in range(2):
            async with session_maker() as session:
                with pytest.raises(PennywiseError) as failed:
                    await login(session, email, "wrong password here")
                assert getattr(failed.value, "keep_changes", False)
                await session.commit()
        async with session_maker() as session:
            with pytest.raises(RateLimitedError):
                await login(session, email, "wrong password here")


class TestRefresh:
    async def test_rotates(self, session: AsyncSession) -> None:
        user = await register(session)
        first = await login(session, user.email)
        second = await auth.refresh(session, first.refresh_token)
        assert second.refresh_token != first.refresh_token
        assert (await auth.authenticate_bearer(session, second.access_token)).user.id == user.id
        rows = {row.token_hash: row for row in await refresh_rows(session, user)}
        old = rows[tokens.hash_opaque_token(first.refresh_token)]
        new = rows[tokens.hash_opaque_token(second.refresh_token)]
        assert old.used_at is not None
        assert new.used_at is None
        assert old.family_id == new.family_id
        third = await auth.refresh(session, second.refresh_token)
        assert third.refresh_token not in (first.refresh_token, second.refresh_token)

    async def test_reuse_revokes_the_family(self, session: AsyncSession) -> None:
        user = await register(session)
        first = await login(session, user.email)
        other_device = await login(session, user.email)
        second = await auth.refresh(session, first.refresh_token)
        with pytest.raises(auth.RefreshTokenReusedError) as reused:
            await auth.refresh(session, first.refresh_token)
        assert reused.value.keep_changes is True
        with pytest.raises(AuthenticationError):
            await auth.refresh(session, second.refresh_token)  # the thief's copy is dead too
        await auth.refresh(session, other_device.refresh_token)  # another family lives on

    @pytest.mark.parametrize(
        "token", ["", "nonsense", "pwr_", "pwr_" + "A" * 43, "pwt_" + "A" * 43, "pwr_" + "x" * 500]
    )
    async def test_unknown_or_malformed(self, session: AsyncSession, token: str) -> None:
        with pytest.raises(AuthenticationError):
            await auth.refresh(session, token)

    async def test_access_token_is_not_a_refresh_token(self, session: AsyncSession) -> None:
        user = await register(session)
        pair = await login(session, user.email)
        with pytest.raises(AuthenticationError):
            await auth.refresh(session, pair.access_token)

    async def test_expired(self, session: AsyncSession) -> None:
        user = await register(session)
        pair = await login(session, user.email)
        await session.execute(
            update(RefreshToken)
            .where(RefreshToken.user_id == user.id)
            .values(expires_at=utcnow() - dt.timedelta(seconds=1))
        )
        with pytest.raises(AuthenticationError):
            await auth.refresh(session, pair.refresh_token)

    async def test_inactive_user(self, session: AsyncSession) -> None:
        user = await register(session)
        pair = await login(session, user.email)
        user.is_active = False
        await session.flush()
        with pytest.raises(AuthenticationError):
            await auth.refresh(session, pair.refresh_token)

    async def test_concurrent_refreshes_with_one_token(
        self, session_maker: async_sessionmaker[AsyncSession]
    ) -> None:
        """Exactly one rotation wins; the other counts as reuse and ends the family."""
        async with session_maker() as session, session.begin():
            user = await register(session)
            pair = await login(session, user.email)

        async def attempt() -> TokenPair | PennywiseError:
            async with session_maker() as session:
                try:
                    result = await auth.refresh(session, pair.refresh_token)
                except PennywiseError as error:
                    if getattr(error, "keep_changes", False):
                        await session.commit()
                    return error
                await session.commit()
                return result

        results = await asyncio.gather(attempt(), attempt())
        pairs = [r for r in results if isinstance(r, TokenPair)]
        errors = [r for r in results if isinstance(r, PennywiseError)]
        assert len(pairs) == 1
        assert len(errors) == 1
        assert isinstance(errors[0], auth.RefreshTokenReusedError)
        async with session_maker() as session:
            with pytest.raises(AuthenticationError):
                await auth.refresh(session, pairs[0].refresh_token)


class TestLogout:
    async def test_logout_ends_that_session_only(self, session: AsyncSession) -> None:
        user = await register(session)
        here = await login(session, user.email)
        there = await login(session, user.email)
        rotated = await auth.refresh(session, here.refresh_token)
        await auth.logout(session, rotated.refresh_token)
        with pytest.raises(AuthenticationError):
            await auth.refresh(session, rotated.refresh_token)
        await auth.refresh(session, there.refresh_token)

    async def test_logout_with_an_old_token_of_the_family(self, session: AsyncSession) -> None:
        user = await register(session)
        first = await login(session, user.email)
        second = await auth.refresh(session, first.refresh_token)
        await auth.logout(session, first.refresh_token)
        with pytest.raises(AuthenticationError):
            await auth.refresh(session, second.refresh_token)

    @pytest.mark.parametrize("token", ["", "garbage", "pwr_" + "B" * 43])
    async def test_logout_with_an_unknown_token_is_quiet(
        self, session: AsyncSession, token: str
    ) -> None:
        await auth.logout(session, token)

    async def test_logout_all(self, session: AsyncSession) -> None:
        user = await register(session)
        pairs = [await login(session, user.email) for _ in range(2)]
        await auth.logout_all(session, user)
        for pair in pairs:
            with pytest.raises(AuthenticationError, match="session has ended"):
                await auth.authenticate_bearer(session, pair.access_token)
            with pytest.raises(AuthenticationError):
                await auth.refresh(session, pair.refresh_token)
        assert all(row.revoked_at is not None for row in await refresh_rows(session, user))
        # Signing in again right away works: iat is compared to the microsecond.
        fresh = await login(session, user.email)
        assert (await auth.authenticate_bearer(session, fresh.access_token)).user.id == user.id
        await auth.refresh(session, fresh.refresh_token)

    async def test_logout_all_with_a_detached_actor(self, session: AsyncSession) -> None:
        user = await register(session)
        pair = await login(session, user.email)
        detached = User(
            id=user.id,
            email=user.email,
            email_normalized=user.email_normalized,
            display_name=user.display_name,
        )
        await auth.logout_all(session, detached)
        await session.refresh(user)
        with pytest.raises(AuthenticationError):
            await auth.authenticate_bearer(session, pair.access_token)


class TestChangePassword:
    NEW = "a brand new passphrase"

    async def test_changes_it_and_ends_every_session(self, session: AsyncSession) -> None:
        user = await register(session)
        pair = await login(session, user.email)
        await auth.change_password(session, user, current_password=PASSWORD, new_password=self.NEW)
        with pytest.raises(AuthenticationError):
            await auth.authenticate_bearer(session, pair.access_token)
        with pytest.raises(AuthenticationError):
            await auth.refresh(session, pair.refresh_token)
        with pytest.raises(auth.LoginFailedError):
            await login(session, user.email, PASSWORD)
        await login(session, user.email, self.NEW)

    async def test_wrong_current_password(self, session: AsyncSession) -> None:
        user = await register(session)
        with pytest.raises(auth.WrongPasswordError) as wrong:
            await auth.change_password(
                session, user, current_password="not my password", new_password=self.NEW
            )
        assert wrong.value.status == 422
        assert wrong.value.keep_changes is True
        assert [e.loc for e in wrong.value.errors] == [("current_password",)]
        await login(session, user.email, PASSWORD)  # unchanged

    async def test_wrong_current_passwords_are_throttled(
        self, session: AsyncSession, configure: Callable[..., None]
    ) -> None:
        configure(login_attempts_per_account=2)
        user = await register(session)
        for _ in range(2):
            with pytest.raises(auth.WrongPasswordError):
                await auth.change_password(
                    session, user, current_password="guess guess", new_password=self.NEW
                )
        with pytest.raises(RateLimitedError):
            await auth.change_password(
                session, user, current_password=PASSWORD, new_password=self.NEW
            )

    async def test_new_password_must_meet_the_policy(self, session: AsyncSession) -> None:
        user = await register(session)
        with pytest.raises(ValidationError) as weak:
            await auth.change_password(
                session, user, current_password=PASSWORD, new_password="password"
            )
        assert [e.loc for e in weak.value.errors] == [("new_password",)]

    async def test_account_without_a_password(self, session: AsyncSession) -> None:
        user = await users.create_local(session, display_name="Local", email=new_email())
        with pytest.raises(ValidationError, match="no password"):
            await auth.change_password(
                session, user, current_password="anything", new_password=self.NEW
            )


# --- Google sign-in, offline --------------------------------------------------------------------

CLIENT_ID = "client-1.apps.googleusercontent.com"
KEY_ID = "test-key-1"


@dataclass
class FakeResponse:
    status: int
    data: bytes
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass
class FakeGoogle:
    """Serves ``{kid: certificate}`` where google-auth fetches Google's certificates."""

    certs: dict[str, str]
    status: int = 200
    requests: list[str] = field(default_factory=list)

    def __call__(self, url: str, method: str = "GET", **kwargs: Any) -> FakeResponse:
        self.requests.append(url)
        return FakeResponse(self.status, json.dumps(self.certs).encode())


@dataclass
class GoogleKeys:
    signer: google_crypt.RSASigner
    cert_pem: str


def _make_keys(key_id: str) -> GoogleKeys:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "test google")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    private_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    return GoogleKeys(
        signer=google_crypt.RSASigner.from_string(private_pem, key_id=key_id),
        cert_pem=cert.public_bytes(serialization.Encoding.PEM).decode(),
    )


@pytest.fixture(scope="module")
def google_keys() -> GoogleKeys:
    return _make_keys(KEY_ID)


@pytest.fixture
def google(google_keys: GoogleKeys) -> FakeGoogle:
    return FakeGoogle({KEY_ID: google_keys.cert_pem})


@pytest.fixture
def google_configured(configure: Callable[..., None]) -> None:
    configure(google_client_ids=[CLIENT_ID, "another-client.apps.googleusercontent.com"])


def id_token(keys: GoogleKeys, **changes: Any) -> str:
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": "https://accounts.google.com",
        "aud": CLIENT_ID,
        "azp": CLIENT_ID,
        "sub": "1" + uuid.uuid4().int.__str__()[:20],
        "email": new_email(),
        "email_verified": True,
        "name": "Gina Google",
        "iat": now,
        "exp": now + 3600,
    }
    claims.update(changes)
    claims = {k: v for k, v in claims.items() if v is not ...}
    return google_jwt.encode(keys.signer, claims).decode()


@pytest.mark.usefixtures("google_configured")
class TestGoogleLogin:
    async def test_new_identity_creates_an_account(
        self, session: AsyncSession, google: FakeGoogle, google_keys: GoogleKeys
    ) -> None:
        token = id_token(google_keys, sub="1234567890", email="Gina@Example.org")
        pair = await auth.google_login(session, token, request=google)
        principal = await auth.authenticate_bearer(session, pair.access_token)
        assert principal.user.google_subject == "1234567890"
        assert principal.user.email_normalized == "gina@example.org"
        assert principal.user.display_name == "Gina Google"
        assert principal.user.password_hash is None
        assert google.requests == ["https://www.googleapis.com/oauth2/v1/certs"]
        # The next sign-in finds the same account by subject.
        again = await auth.google_login(
            session,
            id_token(google_keys, sub="1234567890", email="gina@example.org"),
            request=google,
        )
        assert (
            await auth.authenticate_bearer(session, again.access_token)
        ).user.id == principal.user.id

    @pytest.mark.parametrize(
        ("sent", "kept"),
        [
            pytest.param("Gina\x1b[2J\x00 Google\n", "Gina [2J Google", id="controls"),
            pytest.param("\t\u2028", None, id="nothing left: the email's name"),
        ],
    )
    async def test_a_name_with_control_characters_is_made_clean(
        self,
        session: AsyncSession,
        google: FakeGoogle,
        google_keys: GoogleKeys,
        sent: str,
        kept: str | None,
    ) -> None:
        token = id_token(google_keys, name=sent, email="gina.g@example.org")
        pair = await auth.google_login(session, token, request=google)
        user = (await auth.authenticate_bearer(session, pair.access_token)).user
        assert user.display_name == (kept or "gina.g")

    async def test_issuer_without_scheme_and_second_client_id(
        self, session: AsyncSession, google: FakeGoogle, google_keys: GoogleKeys
    ) -> None:
        token = id_token(
            google_keys, iss="accounts.google.com", aud="another-client.apps.googleusercontent.com"
        )
        await auth.google_login(session, token, request=google)

    @pytest.mark.parametrize(
        "changes",
        [
            pytest.param(
                {"aud": "someone-elses-client.apps.googleusercontent.com"}, id="wrong audience"
            ),
            pytest.param({"aud": ...}, id="no audience"),
            pytest.param({"iss": "https://evil.example.com"}, id="wrong issuer"),
            pytest.param({"iss": ...}, id="no issuer"),
            pytest.param({"exp": -3600, "iat": -7200}, id="expired"),
            pytest.param({"iat": 3600, "exp": 7200}, id="issued in the future"),
            pytest.param({"email_verified": False}, id="email not verified"),
            pytest.param({"email_verified": ...}, id="email_verified missing"),
            pytest.param({"email_verified": "false"}, id="email_verified 'false'"),
            pytest.param({"email": ...}, id="no email"),
            pytest.param({"sub": ...}, id="no subject"),
        ],
    )
    async def test_refused(
        self,
        session: AsyncSession,
        google: FakeGoogle,
        google_keys: GoogleKeys,
        changes: dict[str, Any],
    ) -> None:
        now = int(time.time())
        for claim in ("iat", "exp"):  # given relative to now
            if claim in changes:
                changes = {**changes, claim: now + changes[claim]}
        with pytest.raises(AuthenticationError):
            await auth.google_login(session, id_token(google_keys, **changes), request=google)
        assert (
            await session.scalar(
                select(func.count()).select_from(User).where(User.google_subject.is_not(None))
            )
            == 0
        )

    async def test_small_clock_skew_is_tolerated(
        self, session: AsyncSession, google: FakeGoogle, google_keys: GoogleKeys
    ) -> None:
        now = int(time.time())
        await auth.google_login(
            session, id_token(google_keys, iat=now + 5, exp=now + 3600), request=google
        )

    async def test_signed_by_another_key(self, session: AsyncSession, google: FakeGoogle) -> None:
        impostor = _make_keys(KEY_ID)  # same key id, different key
        with pytest.raises(AuthenticationError):
            await auth.google_login(session, id_token(impostor), request=google)

    async def test_unknown_key_id(
        self, session: AsyncSession, google: FakeGoogle, google_keys: GoogleKeys
    ) -> None:
        google.certs = {"other-kid": google_keys.cert_pem}
        with pytest.raises(AuthenticationError):
            await auth.google_login(session, id_token(google_keys), request=google)

    async def test_not_a_jwt(self, session: AsyncSession, google: FakeGoogle) -> None:
        with pytest.raises(AuthenticationError):
            await auth.google_login(session, "not-a-token", request=google)

    async def test_certificates_unavailable(
        self, session: AsyncSession, google: FakeGoogle, google_keys: GoogleKeys
    ) -> None:
        google.status = 503
        with pytest.raises(AuthenticationError, match="certificates"):
            await auth.google_login(session, id_token(google_keys), request=google)

    async def test_never_takes_over_a_password_account(
        self, session: AsyncSession, google: FakeGoogle, google_keys: GoogleKeys
    ) -> None:
        owner = await register(session)
        token = id_token(google_keys, email=owner.email.upper())
        with pytest.raises(ConflictError, match="already exists"):
            await auth.google_login(session, token, request=google)
        await session.refresh(owner)
        assert owner.google_subject is None

    async def test_inactive_google_user(
        self, session: AsyncSession, google: FakeGoogle, google_keys: GoogleKeys
    ) -> None:
        pair = await auth.google_login(session, id_token(google_keys, sub="42"), request=google)
        user = (await auth.authenticate_bearer(session, pair.access_token)).user
        user.is_active = False
        await session.flush()
        with pytest.raises(AuthenticationError):
            await auth.google_login(session, id_token(google_keys, sub="42"), request=google)


async def test_google_not_configured(session: AsyncSession, google_keys: GoogleKeys) -> None:
    google = FakeGoogle({KEY_ID: google_keys.cert_pem})
    with pytest.raises(AuthenticationError, match="not configured"):
        await auth.google_login(session, id_token(google_keys), request=google)
    assert google.requests == []


class TestCachingCertsTransport:
    def fetches(
        self, monkeypatch: pytest.MonkeyPatch, transport: auth.CachingCertsTransport, header: str
    ) -> list[str]:
        calls: list[str] = []

        def fake_fetch(url: str, headers: Mapping[str, str], timeout: float) -> Any:
            calls.append(url)
            return auth._Response(200, {"cache-control": header}, b"{}")

        monkeypatch.setattr(transport, "_fetch", fake_fetch)
        return calls

    def test_caches_for_max_age(self, monkeypatch: pytest.MonkeyPatch) -> None:
        transport = auth.CachingCertsTransport()
        calls = self.fetches(monkeypatch, transport, "public, max-age=19000, must-revalidate")
        url = "https://www.googleapis.com/oauth2/v1/certs"
        for _ in range(3):
            assert transport(url, method="GET").status == 200
        assert calls == [url]
        expires, _ = transport._cache[url]
        assert 18000 < expires - time.monotonic() <= 19000

    def test_expired_entry_is_fetched_again(self, monkeypatch: pytest.MonkeyPatch) -> None:
        transport = auth.CachingCertsTransport(min_age=0)
        calls = self.fetches(monkeypatch, transport, "max-age=0")
        transport("https://example.org/certs")
        transport("https://example.org/certs")
        assert len(calls) == 2

    @pytest.mark.parametrize(
        ("url", "method"), [("http://example.org/certs", "GET"), ("https://example.org", "POST")]
    )
    def test_only_https_get(self, url: str, method: str) -> None:
        from google.auth.exceptions import TransportError

        with pytest.raises(TransportError):
            auth.CachingCertsTransport()(url, method=method)

    def test_shared_per_process(self) -> None:
        assert auth.google_certs_transport() is auth.google_certs_transport()


# --- bearer authentication with API tokens ------------------------------------------------------


class TestApiTokens:
    async def test_create_shows_the_token_once_and_stores_its_hash(
        self, session: AsyncSession
    ) -> None:
        user = await register(session)
        created = await auth.create_api_token(
            session,
            auth.Principal.person(user),
            ApiTokenCreate(name="backup script", scope="read", expires_in_days=30),
        )
        assert created.token.startswith("pwt_")
        assert created.token.startswith(created.prefix)
        assert len(created.prefix) == len("pwt_") + 8
        assert created.scope == "read"
        assert not created.revoked
        assert created.last_used_at is None
        assert dt.timedelta(days=29, hours=23) < created.expires_at - created.created_at
        row = await session.get(ApiToken, created.id)
        assert row is not None
        assert row.token_hash == hashlib.sha256(created.token.encode()).hexdigest()
        listed = await auth.list_api_tokens(session, user)
        assert [t.id for t in listed] == [created.id]
        assert "token" not in listed[0].model_dump()

    async def test_authenticates_with_its_scope(self, session: AsyncSession) -> None:
        user = await register(session)
        read = await auth.create_api_token(
            session, auth.Principal.person(user), ApiTokenCreate(name="r", scope="read")
        )
        write = await auth.create_api_token(
            session, auth.Principal.person(user), ApiTokenCreate(name="w", scope="write")
        )
        as_read = await auth.authenticate_bearer(session, read.token)
        as_write = await auth.authenticate_bearer(session, write.token)
        assert (as_read.scope, as_read.via, as_read.can_write) == ("read", "api_token", False)
        assert (as_write.scope, as_write.can_write) == ("write", True)
        assert as_read.user.id == user.id

    async def test_last_used_is_recorded_at_most_once_a_minute(self, session: AsyncSession) -> None:
        user = await register(session)
        created = await auth.create_api_token(
            session, auth.Principal.person(user), ApiTokenCreate(name="s")
        )
        await auth.authenticate_bearer(session, created.token)
        row = await session.get(ApiToken, created.id)
        assert row is not None
        assert row.last_used_at is not None
        first_use = row.last_used_at
        await auth.authenticate_bearer(session, created.token)
        assert row.last_used_at == first_use
        row.last_used_at = first_use - dt.timedelta(minutes=5)
        await session.flush()
        await auth.authenticate_bearer(session, created.token)
        assert row.last_used_at > first_use
        [listed] = await auth.list_api_tokens(session, user)
        assert listed.last_used_at == row.last_used_at

    async def test_revoked_and_expired_are_refused(self, session: AsyncSession) -> None:
        user = await register(session)
        revoked = await auth.create_api_token(
            session, auth.Principal.person(user), ApiTokenCreate(name="a")
        )
        expired = await auth.create_api_token(
            session, auth.Principal.person(user), ApiTokenCreate(name="b")
        )
        await auth.revoke_api_token(session, user, revoked.id)
        await auth.revoke_api_token(session, user, revoked.id)  # again: fine
        row = await session.get(ApiToken, expired.id)
        assert row is not None
        row.expires_at = utcnow() - dt.timedelta(seconds=1)
        await session.flush()
        for token in (revoked.token, expired.token):
            with pytest.raises(AuthenticationError):
                await auth.authenticate_bearer(session, token)
        listed = {t.id: t for t in await auth.list_api_tokens(session, user)}
        assert listed[revoked.id].revoked
        assert not listed[expired.id].revoked

    async def test_inactive_user(self, session: AsyncSession) -> None:
        user = await register(session)
        created = await auth.create_api_token(
            session, auth.Principal.person(user), ApiTokenCreate(name="a")
        )
        user.is_active = False
        await session.flush()
        with pytest.raises(AuthenticationError):
            await auth.authenticate_bearer(session, created.token)

    async def test_survives_logout_all(self, session: AsyncSession) -> None:
        user = await register(session)
        created = await auth.create_api_token(
            session, auth.Principal.person(user), ApiTokenCreate(name="cron")
        )
        await auth.logout_all(session, user)
        await auth.authenticate_bearer(session, created.token)

    async def test_another_users_token_is_not_found(self, session: AsyncSession) -> None:
        ann, bob = await register(session), await register(session)
        created = await auth.create_api_token(
            session, auth.Principal.person(ann), ApiTokenCreate(name="a")
        )
        with pytest.raises(NotFoundError):
            await auth.revoke_api_token(session, bob, created.id)
        with pytest.raises(NotFoundError):
            await auth.revoke_api_token(session, bob, uuid.uuid4())
        assert await auth.list_api_tokens(session, bob) == []
        await auth.authenticate_bearer(session, created.token)  # still alive

    @pytest.mark.parametrize("scope", ["read", "write"])
    async def test_an_api_token_cannot_mint_api_tokens(
        self, session: AsyncSession, scope: str
    ) -> None:
        user = await register(session)
        script = await auth.create_api_token(
            session, auth.Principal.person(user), ApiTokenCreate(name="script", scope=scope)
        )
        principal = await auth.authenticate_bearer(session, script.token)
        assert principal.via == "api_token"
        with pytest.raises(PermissionDeniedError, match="API token cannot create"):
            await auth.create_api_token(session, principal, ApiTokenCreate(name="more"))
        assert [t.id for t in await auth.list_api_tokens(session, user)] == [script.id]
        # The same user, signed in with an access token, may.
        pair = await login(session, user.email)
        person = await auth.authenticate_bearer(session, pair.access_token)
        assert person.via == "jwt"
        await auth.create_api_token(session, person, ApiTokenCreate(name="more"))

    async def test_active_tokens_are_bounded(
        self, session: AsyncSession, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(auth, "MAX_ACTIVE_API_TOKENS", 2)
        user = await register(session)
        first = await auth.create_api_token(
            session, auth.Principal.person(user), ApiTokenCreate(name="1")
        )
        await auth.create_api_token(session, auth.Principal.person(user), ApiTokenCreate(name="2"))
        with pytest.raises(ConflictError):
            await auth.create_api_token(
                session, auth.Principal.person(user), ApiTokenCreate(name="3")
            )
        await auth.revoke_api_token(session, user, first.id)
        await auth.create_api_token(session, auth.Principal.person(user), ApiTokenCreate(name="3"))

    @pytest.mark.parametrize(
        "data",
        [
            {"name": "x", "expires_in_days": 0},
            {"name": "x", "expires_in_days": 366},
            {"name": "x", "scope": "admin"},
            {"name": ""},
            {"name": "x", "extra": 1},
        ],
    )
    def test_input_bounds(self, data: dict[str, Any]) -> None:
        with pytest.raises(PydanticValidationError):
            ApiTokenCreate.model_validate(data)


class TestAuthenticateBearer:
    @pytest.mark.parametrize("token", ["", "x" * 5000, "pwt_", "Bearer abc"])
    async def test_garbage(self, session: AsyncSession, token: str) -> None:
        with pytest.raises(AuthenticationError):
            await auth.authenticate_bearer(session, token)

    async def test_inactive_user(self, session: AsyncSession) -> None:
        user = await register(session)
        pair = await login(session, user.email)
        user.is_active = False
        await session.flush()
        with pytest.raises(AuthenticationError):
            await auth.authenticate_bearer(session, pair.access_token)


class TestPurge:
    async def test_deletes_only_what_is_expired(
        self, session: AsyncSession, configure: Callable[..., None]
    ) -> None:
        configure(login_window_seconds=60)
        user = await register(session)
        old = await login(session, user.email)
        live = await login(session, user.email)
        await session.execute(
            update(RefreshToken)
            .where(RefreshToken.token_hash == tokens.hash_opaque_token(old.refresh_token))
            .values(expires_at=utcnow() - dt.timedelta(days=1))
        )
        with pytest.raises(auth.LoginFailedError):
            await login(session, user.email, "wrong password here")
        await session.execute(
            update(LoginAttempt).values(attempted_at=utcnow() - dt.timedelta(minutes=5))
        )
        assert await auth.purge_expired(session) == 1 + 2
        assert await session.scalar(select(func.count()).select_from(LoginAttempt)) == 0
        await auth.refresh(session, live.refresh_token)
