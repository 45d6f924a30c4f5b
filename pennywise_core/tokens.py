"""Token primitives: access JWTs and opaque random tokens.

**Access tokens** are short-lived JWTs signed with HS256 and ``settings.jwt_secret``. The
algorithm is pinned on both sides and every claim is required: ``exp``, ``iat``, ``sub``
(the user id), ``iss``, ``aud``, ``jti`` and ``typ: "access"``, so that no other token
(a refresh token, an ID token from elsewhere, a JWT minted for another audience) is ever
accepted as an access token. python-jose checks ``exp``/``aud``/``iss`` only when they are
present unless told to require them (mpdavis/python-jose#407), and it coerces claim values
with ``int()``: :func:`decode_access_token` therefore passes every ``require_*`` option and
then checks the claims' types and values itself.

``iat`` carries microseconds (a JWT NumericDate may be fractional, RFC 7519 §2) so that it
can be compared exactly with ``User.sessions_valid_after``: with whole seconds, a token
issued in the same second as a logout would either survive the logout or a fresh login
right after it would be refused.

**Opaque tokens** (refresh ``pwr_…``, API ``pwt_…``, invite ``pwi_…``) are 256 random bits,
shown once and stored only as their SHA-256. A fast unsalted hash is right here, unlike for
passwords: the input is uniformly random with 256 bits of entropy, so there is nothing to
guess or precompute, and a lookup by hash must be a single indexed equality. The prefix
tells a reader (and a secret scanner) what a token is and lets :func:`authenticate_bearer
<pennywise_core.services.auth.authenticate_bearer>` route it without a database round trip.

**The secret.** In production ``PENNYWISE_JWT_SECRET`` must be set (:func:`check_secret`
says what is wrong; the API calls it at start-up and refuses to start). In development and
test, with no secret set, each process signs with an ephemeral random secret of its own:
tokens then die with the process and are not shared between workers, which is what a
developer's single ``pennywise serve`` wants and never what production wants.
"""

from __future__ import annotations

import hashlib
import math
import secrets
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from itertools import pairwise
from typing import Any, Final

from jose import jwt
from jose.exceptions import JOSEError

from pennywise_core.errors import AuthenticationError
from pennywise_core.settings import Settings, get_settings

ALGORITHM: Final = "HS256"
ACCESS_TYPE: Final = "access"
LEEWAY_SECONDS: Final = 10
"""Clock difference tolerated between the API hosts that issue and check a token."""

MIN_SECRET_LENGTH: Final = 32
"""HS256 wants a key at least as long as its output, 256 bits (RFC 7518 §3.2)."""
MIN_SECRET_BITS: Final = 160
"""The least :func:`estimated_secret_bits` a secret must show. ``secrets.token_urlsafe(32)``
(32 random bytes, 43 characters) scores about 208 and in 200,000 draws never below 182;
``"abcdefgh" * 4`` scores 96. A run such as ``abc…xyz012345`` scores 160 but is refused as a
run (:func:`_is_a_run`)."""
MAKE_A_SECRET: Final = '`python -c "import secrets; print(secrets.token_urlsafe(32))"`'  # noqa: S105 (a recipe)
"""How to make a good secret, as the error messages and the README say it."""

REFRESH_PREFIX: Final = "pwr"
API_TOKEN_PREFIX: Final = "pwt"  # noqa: S105 (a prefix)
INVITE_PREFIX: Final = "pwi"

_REQUIRED_CLAIMS = ("exp", "iat", "sub", "iss", "aud", "jti", "typ")
_DECODE_OPTIONS: Final = {
    "verify_signature": True,
    "verify_aud": True,
    "verify_iat": True,
    "verify_exp": True,
    "verify_nbf": True,
    "verify_iss": True,
    "verify_sub": True,
    "verify_jti": True,
    "require_exp": True,
    "require_aud": True,
    "require_iat": True,
    "require_sub": True,
    "require_iss": True,
    "require_jti": True,
    "leeway": LEEWAY_SECONDS,
}
_WEAK_SECRETS = frozenset(
    {"", "changeme", "change-me", "secret", "jwt-secret", "pennywise", "development", "test"}
)
_INVALID = "invalid or expired access token"


# --- the signing secret --------------------------------------------------------------------


class InsecureSecretError(ValueError):
    """The configured JWT secret must not be used (missing, short or a known default)."""


def check_secret(settings: Settings | None = None) -> None:
    """Raise :class:`InsecureSecretError` when the JWT secret is unfit for the environment.

    * production: the secret must be set, at least :data:`MIN_SECRET_LENGTH` characters,
      not a well-known placeholder, and look random: :func:`estimated_secret_bits` at least
      :data:`MIN_SECRET_BITS`, not a run of consecutive characters;
    * test: a secret that is set must meet the same bar (an empty one means ephemeral);
    * development: anything goes; an empty secret means an ephemeral per-process one.
    """
    settings = settings or get_settings()
    secret = settings.jwt_secret.get_secret_value()
    if settings.environment == "development":
        return
    if not secret:
        if settings.environment == "production":
            raise InsecureSecretError(
                f"PENNYWISE_JWT_SECRET is not set; generate one with {MAKE_A_SECRET}"
            )
        return
    if len(secret) < MIN_SECRET_LENGTH:
        raise InsecureSecretError(
            f"PENNYWISE_JWT_SECRET is too short ({len(secret)} characters); use at least "
            f"{MIN_SECRET_LENGTH} random characters: generate one with {MAKE_A_SECRET}"
        )
    if secret.strip().lower() in _WEAK_SECRETS or len(set(secret)) < 8:
        raise InsecureSecretError(
            f"PENNYWISE_JWT_SECRET is a placeholder; generate a random one with {MAKE_A_SECRET}"
        )
    bits = estimated_secret_bits(secret)
    if bits < MIN_SECRET_BITS or _is_a_run(secret):
        raise InsecureSecretError(
            f"PENNYWISE_JWT_SECRET is too predictable (its characters repeat or run in order: "
            f"about {bits:.0f} bits where {MIN_SECRET_BITS} are needed, like 32 random bytes "
            f"give); generate one with {MAKE_A_SECRET}"
        )


def estimated_secret_bits(secret: str) -> float:
    """An upper estimate of a secret's entropy: its length times the Shannon entropy of its
    characters' frequencies. Repetition lowers it (``"abcdefgh" * 4``: 8 symbols evenly
    used, 3 bits each, 96 in all); a truly random secret scores close to its real entropy."""
    counts = Counter(secret)
    n = len(secret)
    return -sum(c * math.log2(c / n) for c in counts.values())


def _is_a_run(secret: str) -> bool:
    """Whether at least half of the neighbouring characters step by one code point
    (``abcdef…``, ``987654…``): high Shannon entropy, nothing random about it. Random text
    over 64 symbols steps by one about once in 32 pairs."""
    steps = sum(1 for a, b in pairwise(secret) if abs(ord(a) - ord(b)) == 1)
    return steps * 2 >= len(secret) - 1


@cache
def _ephemeral_secret() -> str:
    return secrets.token_urlsafe(48)


def signing_key(settings: Settings | None = None) -> str:
    """The HS256 key: the configured secret, or (outside production) a per-process one."""
    settings = settings or get_settings()
    secret = settings.jwt_secret.get_secret_value()
    if secret:
        return secret
    if settings.environment == "production":
        # Never sign with a key the other workers do not have; check_secret explains.
        raise InsecureSecretError("PENNYWISE_JWT_SECRET is not set")
    return _ephemeral_secret()


# --- access tokens -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AccessClaims:
    """What a valid access token says."""

    user_id: uuid.UUID
    issued_at: datetime
    expires_at: datetime
    jti: str


def create_access_token(
    user_id: uuid.UUID, *, now: datetime | None = None, settings: Settings | None = None
) -> tuple[str, int]:
    """A signed access token for ``user_id`` and its lifetime in seconds."""
    settings = settings or get_settings()
    now = now or datetime.now(UTC)
    lifetime = settings.access_token_minutes * 60
    claims: dict[str, Any] = {
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "sub": str(user_id),
        "iat": now.timestamp(),
        "exp": math.floor((now + timedelta(seconds=lifetime)).timestamp()),
        "jti": secrets.token_urlsafe(16),
        "typ": ACCESS_TYPE,
    }
    return jwt.encode(claims, signing_key(settings), algorithm=ALGORITHM), lifetime


def _number(claims: dict[str, Any], name: str) -> float:
    value = claims.get(name)
    # bool is an int to Python; a string "999999999999" is an int to python-jose.
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise AuthenticationError(_INVALID)
    return float(value)


def decode_access_token(token: str, *, settings: Settings | None = None) -> AccessClaims:
    """Verify an access token; anything wrong with it is an :class:`AuthenticationError`.

    Refused: another algorithm (``none``, HS512, RS256…), a bad signature, a missing or
    mistyped claim, a wrong audience or issuer, ``exp`` in the past, ``iat`` in the future,
    and any ``typ`` but ``"access"``. The error says no more than "invalid or expired".
    """
    settings = settings or get_settings()
    if not isinstance(token, str) or token.count(".") != 2 or len(token) > 4096:
        raise AuthenticationError(_INVALID)
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            signing_key(settings),
            algorithms=[ALGORITHM],
            audience=settings.jwt_audience,
            issuer=settings.jwt_issuer,
            options=dict(_DECODE_OPTIONS),
        )
        # python-jose lets several malformed inputs escape as plain Python errors.
    except (JOSEError, ValueError, TypeError, KeyError, AttributeError):
        raise AuthenticationError(_INVALID) from None
    if any(name not in claims for name in _REQUIRED_CLAIMS):
        raise AuthenticationError(_INVALID)
    if (
        claims["typ"] != ACCESS_TYPE
        or claims["aud"] != settings.jwt_audience
        or claims["iss"] != settings.jwt_issuer
        or not isinstance(claims["jti"], str)
        or not claims["jti"]
    ):
        raise AuthenticationError(_INVALID)
    iat, exp = _number(claims, "iat"), _number(claims, "exp")
    now = datetime.now(UTC).timestamp()
    if exp < now - LEEWAY_SECONDS or iat > now + LEEWAY_SECONDS or iat > exp:
        raise AuthenticationError(_INVALID)
    try:
        user_id = uuid.UUID(claims["sub"])
        issued_at = datetime.fromtimestamp(iat, UTC)
        expires_at = datetime.fromtimestamp(exp, UTC)
    except (ValueError, TypeError, AttributeError, OverflowError, OSError):
        raise AuthenticationError(_INVALID) from None
    return AccessClaims(
        user_id=user_id, issued_at=issued_at, expires_at=expires_at, jti=claims["jti"]
    )


# --- opaque tokens -------------------------------------------------------------------------


def hash_opaque_token(token: str) -> str:
    """SHA-256 (hex) of an opaque token: what the database stores and looks up."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_opaque_token(prefix: str) -> tuple[str, str]:
    """A fresh ``<prefix>_<43 url-safe characters>`` token (256 random bits) and its hash."""
    token = f"{prefix}_{secrets.token_urlsafe(32)}"
    return token, hash_opaque_token(token)


def has_prefix(token: str, prefix: str) -> bool:
    return token.startswith(prefix + "_")
