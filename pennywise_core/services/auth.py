"""Authentication: passwords, Google sign-in, refresh-token rotation, API tokens.

Everything here keeps its state in the database (refresh-token families, failed-login
counters, API tokens), so any number of API processes behave like one.

**Failures that must be kept.** A failed login is counted, and a replayed refresh token
revokes its family, *and then* an error is raised. The caller owns the transaction and
normally rolls back on an error, which would undo exactly the write that matters. Those
errors therefore carry ``keep_changes = True`` (:class:`LoginFailedError`,
:class:`RefreshTokenReusedError`, :class:`WrongPasswordError`): the caller commits the
session and then reports the error. Every other error may be rolled back as usual::

    except PennywiseError as exc:
        await (session.commit() if getattr(exc, "keep_changes", False) else session.rollback())
        raise
"""

from __future__ import annotations

import asyncio
import hashlib
import ipaddress
import math
import re
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import Message
from functools import cache
from typing import Any, ClassVar, Literal, cast

from google.auth import exceptions as google_exceptions
from google.auth import transport as google_transport
from google.oauth2 import id_token as google_id_token
from sqlalchemy import CursorResult, delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from pennywise_core import passwords, text, tokens
from pennywise_core.auth_schemas import ApiTokenCreate, ApiTokenCreated, ApiTokenRead, TokenPair
from pennywise_core.errors import (
    AuthenticationError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
    ValidationError,
)
from pennywise_core.models import ApiToken, LoginAttempt, RefreshToken, User, utcnow
from pennywise_core.schemas import UserCreate
from pennywise_core.services import users
from pennywise_core.settings import get_settings

Scope = Literal["read", "write"]

GOOGLE_CLOCK_SKEW_SECONDS = 10
MAX_ACTIVE_API_TOKENS = 50
API_TOKEN_TOUCH_INTERVAL = timedelta(minutes=1)
"""``last_used_at`` is written at most this often per token: a script's every GET must not
turn into a write."""

_BAD_REFRESH = "invalid or expired refresh token"
_BAD_API_TOKEN = "invalid, expired or revoked API token"  # noqa: S105 (a message)
_BAD_ACCESS = "invalid or expired access token"
_BAD_LOGIN = "incorrect email or password"


@dataclass(frozen=True)
class Principal:
    """Who is calling and what they may do.

    An access JWT (a person signed in) may write; an API token may do what its scope says.
    """

    user: User
    scope: Scope
    via: Literal["jwt", "api_token"]

    @classmethod
    def person(cls, user: User) -> Principal:
        """The user acting in person: signed in with an access token (or, in process, the
        CLI's local mode and tests). Full rights, including minting API tokens."""
        return cls(user=user, scope="write", via="jwt")

    @property
    def can_write(self) -> bool:
        return self.scope == "write"


class LoginFailedError(AuthenticationError):
    """Wrong email or password. The failure was counted: commit, then answer 401."""

    keep_changes: ClassVar[bool] = True


class RefreshTokenReusedError(AuthenticationError):
    """A used refresh token came back; its family is revoked: commit, then answer 401."""

    keep_changes: ClassVar[bool] = True


class WrongPasswordError(ValidationError):
    """The current password given to change it is wrong. Counted: commit, then answer 422."""

    keep_changes: ClassVar[bool] = True


# --- registration and password sign-in ------------------------------------------------------


async def register(session: AsyncSession, data: UserCreate) -> User:
    """Create an account with a password (the policy applies; the email must be free)."""
    return await users.create(session, data)


async def login(
    session: AsyncSession, *, email: str, password: str, client_address: str | None
) -> TokenPair:
    """Exchange an email and password for a token pair.

    Failed attempts are counted per account *from one client network* (the normalised
    email, whether or not an account has it, together with the network) and per client
    network alone (an IPv4 address, or the /64 of an IPv6 one: see :func:`client_network`).
    Over either limit within ``login_window_seconds``: :class:`RateLimitedError` with
    ``retry_after``, before the password is even checked. There is deliberately no limit
    per account alone: a stranger's failures from their network would then lock the owner
    out from theirs. A wrong email and a wrong password give the same
    :class:`LoginFailedError` at the same cost (one Argon2 verification). A successful
    login clears the count of that account from that network.

    Two attempts racing past the check may both be counted: the limit can be exceeded by
    the number of requests in flight at once, never more.
    """
    settings = get_settings()
    window = timedelta(seconds=settings.login_window_seconds)
    network = client_network(client_address)
    account = _throttle_key("account-from", f"{users.normalize_email(email)} {network}")
    address = _throttle_key("address", network)
    await _check_throttle(
        session,
        [
            (account, settings.login_attempts_per_account),
            (address, settings.login_attempts_per_address),
        ],
        window,
    )
    try:
        user = await users.authenticate(session, email, password)
    except AuthenticationError:
        await _count_failure(session, [("account", account), ("address", address)], window)
        raise LoginFailedError(_BAD_LOGIN) from None
    await session.execute(delete(LoginAttempt).where(LoginAttempt.key_hash == account))
    return await _issue_pair(session, user, family_id=uuid.uuid4())


def _throttle_key(kind: str, value: str) -> str:
    return hashlib.sha256(f"{kind}:{value}".encode()).hexdigest()


NOT_AN_ADDRESS = "not-an-address"
"""The network every client without a parseable address is counted as, together."""


def client_network(client_address: str | None) -> str:
    """The unit a client is counted by: its IPv4 address, or its IPv6 /64 (one host
    usually holds a whole /64, so counting single IPv6 addresses counts nothing).

    Anything that does not parse as an IP address (no client, a unix socket, a garbage
    ``X-Forwarded-For`` relayed by a proxy) is :data:`NOT_AN_ADDRESS`, one client for the
    throttle: rotating made-up values do not buy fresh counters.
    """
    try:
        ip = ipaddress.ip_address((client_address or "").strip())
    except ValueError:
        return NOT_AN_ADDRESS
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


async def _check_throttle(
    session: AsyncSession, keys: list[tuple[str, int]], window: timedelta
) -> None:
    now = utcnow()
    waits: list[int] = []
    for key_hash, limit in keys:
        # The newest ``limit`` failures inside the window: if there are that many, the key
        # is free again when the oldest of them leaves the window.
        recent = (
            await session.scalars(
                select(LoginAttempt.attempted_at)
                .where(LoginAttempt.key_hash == key_hash, LoginAttempt.attempted_at > now - window)
                .order_by(LoginAttempt.attempted_at.desc())
                .limit(limit)
            )
        ).all()
        if len(recent) >= limit:
            waits.append(max(1, math.ceil((recent[-1] + window - now).total_seconds())))
    if waits:
        retry_after = max(waits)
        raise RateLimitedError(
            f"too many failed sign-in attempts; try again in {retry_after} seconds",
            retry_after=retry_after,
        )


async def _count_failure(
    session: AsyncSession, keys: list[tuple[str, str]], window: timedelta
) -> None:
    now = utcnow()
    hashes = [key_hash for _, key_hash in keys]
    # Forget what has left the window for these keys, so the table stays small on its own.
    await session.execute(
        delete(LoginAttempt).where(
            LoginAttempt.key_hash.in_(hashes), LoginAttempt.attempted_at <= now - window
        )
    )
    session.add_all(
        LoginAttempt(kind=kind, key_hash=key_hash, attempted_at=now) for kind, key_hash in keys
    )
    await session.flush()


# --- token pairs, refresh, logout -----------------------------------------------------------


async def _issue_pair(session: AsyncSession, user: User, *, family_id: uuid.UUID) -> TokenPair:
    settings = get_settings()
    now = utcnow()
    refresh_token, token_hash = tokens.new_opaque_token(tokens.REFRESH_PREFIX)
    session.add(
        RefreshToken(
            user_id=user.id,
            family_id=family_id,
            token_hash=token_hash,
            issued_at=now,
            expires_at=now + timedelta(days=settings.refresh_token_days),
        )
    )
    await session.flush()
    access_token, expires_in = tokens.create_access_token(user.id, now=now, settings=settings)
    return TokenPair(access_token=access_token, refresh_token=refresh_token, expires_in=expires_in)


def _looks_like(token: object, prefix: str) -> bool:
    return isinstance(token, str) and len(token) <= 200 and tokens.has_prefix(token, prefix)


async def refresh(session: AsyncSession, refresh_token: str) -> TokenPair:
    """Rotate: mark this refresh token used and return a new pair in the same family.

    A token that was already used is a copy in someone else's hands (or a client that lost
    a response): the whole family is revoked, so both the thief and the victim must sign in
    again (:class:`RefreshTokenReusedError`, ``keep_changes``). Marking a token used is one
    conditional UPDATE, so of two concurrent refreshes with the same token exactly one wins
    and the other counts as reuse.
    """
    if not _looks_like(refresh_token, tokens.REFRESH_PREFIX):
        raise AuthenticationError(_BAD_REFRESH)
    row = await session.scalar(
        select(RefreshToken).where(
            RefreshToken.token_hash == tokens.hash_opaque_token(refresh_token)
        )
    )
    now = utcnow()
    if row is None or row.revoked_at is not None or row.expires_at <= now:
        raise AuthenticationError(_BAD_REFRESH)
    if row.used_at is not None:
        await _revoke_family(session, row.family_id)
        raise RefreshTokenReusedError(
            "this refresh token was already used, so it may have been copied; every session "
            "it belonged to has been ended: sign in again"
        )
    claimed = cast(
        CursorResult[Any],
        await session.execute(
            update(RefreshToken)
            .where(
                RefreshToken.id == row.id,
                RefreshToken.used_at.is_(None),
                RefreshToken.revoked_at.is_(None),
            )
            .values(used_at=now)
            .execution_options(synchronize_session=False)
        ),
    )
    if claimed.rowcount != 1:  # a concurrent refresh used it first
        await _revoke_family(session, row.family_id)
        raise RefreshTokenReusedError(
            "this refresh token was used by another request at the same time; every session "
            "it belonged to has been ended: sign in again"
        )
    user = await session.get(User, row.user_id)
    if user is None or not user.is_active or row.issued_at < user.sessions_valid_after:
        raise AuthenticationError(_BAD_REFRESH)
    return await _issue_pair(session, user, family_id=row.family_id)


async def _revoke_family(session: AsyncSession, family_id: uuid.UUID) -> None:
    await session.execute(
        update(RefreshToken)
        .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    await session.flush()


async def logout(session: AsyncSession, refresh_token: str) -> None:
    """End the session this refresh token belongs to (its whole family).

    An unknown or malformed token is ignored: logging out twice is not an error. The
    access token of the session stays valid until it expires (minutes).
    """
    if not _looks_like(refresh_token, tokens.REFRESH_PREFIX):
        return
    family_id = await session.scalar(
        select(RefreshToken.family_id).where(
            RefreshToken.token_hash == tokens.hash_opaque_token(refresh_token)
        )
    )
    if family_id is not None:
        await _revoke_family(session, family_id)


async def logout_all(session: AsyncSession, actor: User) -> None:
    """End every session of the actor, everywhere: all refresh tokens are revoked, and
    access tokens issued until now are refused (``sessions_valid_after``).

    Personal API tokens are not touched: they belong to scripts and are revoked one by one.
    """
    now = utcnow()
    await session.execute(
        update(User).where(User.id == actor.id).values(sessions_valid_after=now, updated_at=now)
    )
    if actor not in session:
        actor.sessions_valid_after = now
    await session.execute(
        update(RefreshToken)
        .where(RefreshToken.user_id == actor.id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )
    await session.flush()


async def change_password(
    session: AsyncSession, actor: User, *, current_password: str, new_password: str
) -> None:
    """Set a new password after checking the current one, then end every session
    (including the caller's: the client signs in again with the new password).

    Wrong current passwords are counted per account, wherever they come from (only someone
    signed in as the account can make them), so a stolen access token cannot be used to
    guess the password from many addresses; this count is apart from sign-in's, so it never
    locks the owner out of signing in.
    """
    user = await session.get(User, actor.id)
    if user is None or not user.is_active:
        raise AuthenticationError(_BAD_ACCESS)
    if user.password_hash is None:
        raise ValidationError.at(
            "current_password", "this account has no password: it signs in with Google"
        )
    new = passwords.check_policy(new_password, field="new_password")
    settings = get_settings()
    window = timedelta(seconds=settings.login_window_seconds)
    account = _throttle_key("account", user.email_normalized)
    await _check_throttle(session, [(account, settings.login_attempts_per_account)], window)
    if not passwords.verify_password(current_password, user.password_hash):
        await _count_failure(session, [("account", account)], window)
        raise WrongPasswordError.at("current_password", "is incorrect")
    user.password_hash = passwords.hash_password(new)
    await session.flush()
    await logout_all(session, user)


# --- Google sign-in -------------------------------------------------------------------------


async def google_login(
    session: AsyncSession, id_token: str, *, request: google_transport.Request | None = None
) -> TokenPair:
    """Sign in with a Google ID token, creating the account on first use.

    The token is verified by google-auth: signature against Google's certificates (fetched
    through ``request``, by default :func:`google_certs_transport`, which caches them),
    audience among ``settings.google_client_ids`` (always checked), issuer
    ``accounts.google.com``, ``exp``/``iat`` with :data:`GOOGLE_CLOCK_SKEW_SECONDS` of
    skew. The email must be verified. The identity is Google's ``sub``; a new ``sub``
    whose email already belongs to an account is refused (:class:`ConflictError`), never
    merged into it: whoever controls that Google account is not thereby the owner of the
    Pennywise account.
    """
    client_ids = list(get_settings().google_client_ids)
    if not client_ids:
        raise AuthenticationError("Google sign-in is not configured")
    if not isinstance(id_token, str) or not id_token or len(id_token) > 8192:
        raise AuthenticationError("invalid Google ID token")
    transport = request if request is not None else google_certs_transport()
    try:
        # Synchronous (and may fetch certificates): keep it off the event loop.
        info: Mapping[str, Any] = await asyncio.to_thread(
            google_id_token.verify_oauth2_token,
            id_token,
            transport,
            client_ids,
            clock_skew_in_seconds=GOOGLE_CLOCK_SKEW_SECONDS,
        )
    except google_exceptions.TransportError:
        raise AuthenticationError(
            "could not fetch Google's certificates to verify the sign-in; try again later"
        ) from None
    except (google_exceptions.GoogleAuthError, ValueError, TypeError, KeyError):
        raise AuthenticationError("invalid Google ID token") from None
    if info.get("email_verified") not in (True, "true"):
        raise AuthenticationError("the Google account's email address is not verified")
    subject, email = info.get("sub"), info.get("email")
    if not isinstance(subject, str) or not subject or not isinstance(email, str) or not email:
        raise AuthenticationError("invalid Google ID token")
    user = await _google_user(session, subject, email, info)
    if not user.is_active:
        raise AuthenticationError("this account is disabled")
    return await _issue_pair(session, user, family_id=uuid.uuid4())


async def _google_user(
    session: AsyncSession, subject: str, email: str, info: Mapping[str, Any]
) -> User:
    by_subject = select(User).where(User.google_subject == subject)
    user = await session.scalar(by_subject)
    if user is not None:
        return user
    if await users.get_by_email(session, email) is not None:
        raise ConflictError(
            f"an account with the email {email} already exists; sign in to it with its "
            "password instead (Google sign-in never takes over an existing account)"
        )
    name = info.get("name")
    # Google's name is taken as it comes, so it is made clean text rather than refused.
    display_name = text.one_line(name if isinstance(name, str) else "")[:100].rstrip()
    display_name = display_name or email.split("@", 1)[0][:100] or "Google user"
    user = User(
        email=email.strip(),
        email_normalized=users.normalize_email(email),
        display_name=display_name,
        google_subject=subject,
    )
    try:
        async with session.begin_nested():  # a concurrent first sign-in may win the race
            session.add(user)
    except IntegrityError:
        existing = await session.scalar(by_subject)
        if existing is None:
            raise ConflictError(f"an account with the email {email} already exists") from None
        return existing
    return user


class _Response(google_transport.Response):
    def __init__(self, status: int, headers: Mapping[str, str], data: bytes) -> None:
        self._status, self._headers, self._data = status, dict(headers), data

    @property
    def status(self) -> int:
        return self._status

    @property
    def headers(self) -> Mapping[str, str]:
        return self._headers

    @property
    def data(self) -> bytes:
        return self._data


_MAX_AGE = re.compile(r"max-age=(\d+)")


class CachingCertsTransport(google_transport.Request):
    """A google-auth transport for fetching Google's public certificates, with a cache.

    google-auth's own transports need ``requests`` or ``urllib3`` (neither is a dependency
    of the core) or handle plain ``http`` only, and none caches: without a cache every
    Google sign-in would fetch the certificates again. This one uses the standard library
    (``urllib.request``, TLS verified against the system's CAs), serves only HTTPS GETs,
    and keeps each successful response for its ``Cache-Control: max-age`` (Google sends
    hours), clamped to [``min_age``, ``max_age``]. One lock serialises fetches, so a burst
    of sign-ins after expiry makes one request. The cache is per process.
    """

    def __init__(
        self, *, timeout: float = 10.0, min_age: float = 60.0, max_age: float = 24 * 3600.0
    ) -> None:
        self.timeout, self.min_age, self.max_age = timeout, min_age, max_age
        self._lock = threading.Lock()
        self._cache: dict[str, tuple[float, _Response]] = {}

    def __call__(
        self,
        url: str,
        method: str = "GET",
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: float | None = None,
        **kwargs: Any,
    ) -> _Response:
        if method != "GET" or body is not None or not url.startswith("https://"):
            raise google_exceptions.TransportError(  # type: ignore[no-untyped-call]
                "only HTTPS GET requests are supported"
            )
        with self._lock:
            cached = self._cache.get(url)
            if cached is not None and cached[0] > time.monotonic():
                return cached[1]
            response = self._fetch(url, headers or {}, timeout or self.timeout)
            if response.status == 200:
                match = _MAX_AGE.search(response.headers.get("cache-control", ""))
                age = float(match.group(1)) if match else self.min_age
                age = min(max(age, self.min_age), self.max_age)
                self._cache[url] = (time.monotonic() + age, response)
            return response

    def _fetch(self, url: str, headers: Mapping[str, str], timeout: float) -> _Response:
        request = urllib.request.Request(url, headers=dict(headers), method="GET")  # noqa: S310 (https only, checked above)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as raw:  # noqa: S310
                return _Response(raw.status, _lower(raw.headers), raw.read(1 << 20))
        except urllib.error.HTTPError as error:
            return _Response(error.code, _lower(error.headers), b"")
        except (OSError, ValueError) as error:
            raise google_exceptions.TransportError(str(error)) from error  # type: ignore[no-untyped-call]


def _lower(headers: Message) -> dict[str, str]:
    return {key.lower(): value for key, value in headers.items()}


@cache
def google_certs_transport() -> CachingCertsTransport:
    """The process's shared, caching transport for Google's certificates."""
    return CachingCertsTransport()


# --- bearer tokens --------------------------------------------------------------------------


async def authenticate_bearer(session: AsyncSession, token: str) -> Principal:
    """The principal behind an ``Authorization: Bearer`` token, or AuthenticationError.

    ``pwt_…`` is a personal API token: it must exist, be neither revoked nor expired, and
    belong to an active user; its ``last_used_at`` is updated (at most once a minute, so the
    caller should commit even a read request). Anything else must be a valid access JWT
    (:func:`pennywise_core.tokens.decode_access_token`) of an existing, active user, issued
    no earlier than the user's ``sessions_valid_after``.
    """
    if not isinstance(token, str) or not token or len(token) > 4096:
        raise AuthenticationError(_BAD_ACCESS)
    if tokens.has_prefix(token, tokens.API_TOKEN_PREFIX):
        return await _authenticate_api_token(session, token)
    claims = tokens.decode_access_token(token)
    user = await session.get(User, claims.user_id)
    if user is None or not user.is_active:
        raise AuthenticationError(_BAD_ACCESS)
    if claims.issued_at < user.sessions_valid_after:
        raise AuthenticationError("this session has ended; sign in again")
    return Principal.person(user)


def bearer_identity(token: str | None) -> str | None:
    """Who a bearer token speaks for, without the database, for the rate limits: a personal
    API token is itself (``api-token:<hash>``), a valid access token its user
    (``user:<id>``, the same for every sign-in); anything else (no token, an expired or
    forged one) is nobody, and counts by its client address alone."""
    if not token or len(token) > 4096:
        return None
    if tokens.has_prefix(token, tokens.API_TOKEN_PREFIX):
        return f"api-token:{tokens.hash_opaque_token(token)}"
    try:
        return f"user:{tokens.decode_access_token(token).user_id}"
    except AuthenticationError:
        return None


async def _authenticate_api_token(session: AsyncSession, token: str) -> Principal:
    row = (
        await session.execute(
            select(ApiToken, User)
            .join(User, User.id == ApiToken.user_id)
            .where(ApiToken.token_hash == tokens.hash_opaque_token(token))
        )
    ).first()
    now = utcnow()
    if row is None:
        raise AuthenticationError(_BAD_API_TOKEN)
    api_token, user = row
    if api_token.revoked_at is not None or api_token.expires_at <= now or not user.is_active:
        raise AuthenticationError(_BAD_API_TOKEN)
    if api_token.last_used_at is None or now - api_token.last_used_at >= API_TOKEN_TOUCH_INTERVAL:
        api_token.last_used_at = now
        await session.flush()
    return Principal(user=user, scope=_scope(api_token.scope), via="api_token")


def _scope(value: str) -> Scope:
    return "write" if value == "write" else "read"


# --- personal API tokens --------------------------------------------------------------------


def _api_token_read(row: ApiToken) -> ApiTokenRead:
    return ApiTokenRead(
        id=row.id,
        name=row.name,
        scope=_scope(row.scope),
        prefix=row.prefix,
        created_at=row.created_at,
        expires_at=row.expires_at,
        last_used_at=row.last_used_at,
        revoked=row.revoked_at is not None,
    )


async def create_api_token(
    session: AsyncSession, principal: Principal, data: ApiTokenCreate
) -> ApiTokenCreated:
    """Create a personal API token; the token itself is in the result and nowhere else.

    Only a person may create one (:meth:`Principal.person`, i.e. an access token): a
    principal that is itself an API token gets :class:`PermissionDeniedError`, whatever
    its scope, so a leaked script token cannot mint longer-lived or wider ones. At most
    :data:`MAX_ACTIVE_API_TOKENS` unrevoked, unexpired tokens per user.
    """
    if principal.via != "jwt":
        raise PermissionDeniedError(
            "an API token cannot create API tokens; sign in (with an access token) to create one"
        )
    actor = principal.user
    now = utcnow()
    active = await session.scalar(
        select(func.count())
        .select_from(ApiToken)
        .where(
            ApiToken.user_id == actor.id, ApiToken.revoked_at.is_(None), ApiToken.expires_at > now
        )
    )
    if (active or 0) >= MAX_ACTIVE_API_TOKENS:
        raise ConflictError(
            f"you already have {MAX_ACTIVE_API_TOKENS} active API tokens; revoke one first"
        )
    token, token_hash = tokens.new_opaque_token(tokens.API_TOKEN_PREFIX)
    row = ApiToken(
        user_id=actor.id,
        name=data.name,
        scope=data.scope,
        token_hash=token_hash,
        prefix=token[: len(tokens.API_TOKEN_PREFIX) + 9],
        created_at=now,
        expires_at=now + timedelta(days=data.expires_in_days),
    )
    session.add(row)
    await session.flush()
    return ApiTokenCreated(**_api_token_read(row).model_dump(), token=token)


async def list_api_tokens(session: AsyncSession, actor: User) -> list[ApiTokenRead]:
    """The actor's API tokens, newest first, revoked and expired ones included."""
    rows = await session.scalars(
        select(ApiToken)
        .where(ApiToken.user_id == actor.id)
        .order_by(ApiToken.created_at.desc(), ApiToken.id)
    )
    return [_api_token_read(row) for row in rows]


async def revoke_api_token(session: AsyncSession, actor: User, token_id: uuid.UUID) -> None:
    """Revoke one of the actor's API tokens (again is fine; another user's is a 404)."""
    row = await session.scalar(
        select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == actor.id)
    )
    if row is None:
        raise NotFoundError(f"API token {token_id} not found")
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        await session.flush()


# --- housekeeping ---------------------------------------------------------------------------


async def purge_expired(session: AsyncSession, *, now: datetime | None = None) -> int:
    """Delete refresh tokens past their expiry and failed-login records past the window.

    Safe at any time (a periodic job, or ``pennywise db`` maintenance); returns the number
    of rows deleted.
    """
    now = now or utcnow()
    window = timedelta(seconds=get_settings().login_window_seconds)
    deleted = 0
    for statement in (
        delete(RefreshToken).where(RefreshToken.expires_at < now),
        delete(LoginAttempt).where(LoginAttempt.attempted_at < now - window),
    ):
        result = cast(CursorResult[Any], await session.execute(statement))
        deleted += result.rowcount
    return deleted
