"""Password hashing (Argon2id through passlib's API, from the maintained ``libpass`` fork)
and the password policy.

Why libpass: passlib 1.7.4 is unmaintained and breaks with bcrypt 5 (every hash raises);
libpass keeps the same ``passlib`` import. Why Argon2id: memory-hard, no 72-byte truncation
(bcrypt silently ignores everything after byte 72), and the current OWASP first choice.
"""

from __future__ import annotations

import unicodedata
from functools import cache
from importlib.resources import files
from typing import TYPE_CHECKING

from pennywise_core.errors import ValidationError

if TYPE_CHECKING:
    from passlib.context import CryptContext

MIN_LENGTH = 8
MAX_LENGTH = 128
"""The policy's bounds, in characters (code points) of the NFKC form; the input schemas
(``UserCreate.password``, ``PasswordChange.new_password``) declare the same bounds."""


@cache
def _common_passwords() -> frozenset[str]:
    """The head of the public most-common-passwords lists: what attackers try first."""
    text = (files("pennywise_core") / "data" / "common-passwords.txt").read_text("utf-8")
    return frozenset(
        line.strip().casefold() for line in text.splitlines() if line and line[0] != "#"
    )


def _costs() -> tuple[int, int, int]:
    """Argon2id's memory (KiB), passes and lanes from the settings in use."""
    from pennywise_core.settings import get_settings  # here: importing schemas stays cheap

    settings = get_settings()
    return (
        settings.password_hash_memory_kib,
        settings.password_hash_time_cost,
        settings.password_hash_parallelism,
    )


def _context() -> CryptContext:
    return _context_at(*_costs())


@cache
def _context_at(memory_kib: int, time_cost: int, parallelism: int) -> CryptContext:
    # Built (and passlib imported) on first use, not at import: importing the core, or the
    # schemas that share this module's bounds, must stay cheap.
    from passlib.context import CryptContext

    return CryptContext(
        schemes=["argon2"],
        deprecated="auto",
        argon2__type="ID",
        argon2__memory_cost=memory_kib,
        argon2__rounds=time_cost,
        argon2__parallelism=parallelism,
    )


def normalize(password: str) -> str:
    """NFKC, so the same password typed on two keyboards hashes the same (NIST 800-63B)."""
    return unicodedata.normalize("NFKC", password)


def check_policy(password: str, *, field: str = "password") -> str:
    """Return the normalised password, or raise a ValidationError saying what is wrong."""
    normalized = normalize(password)
    if len(normalized) < MIN_LENGTH:
        raise ValidationError.at(field, f"must be at least {MIN_LENGTH} characters long")
    if len(normalized) > MAX_LENGTH:
        raise ValidationError.at(field, f"must be at most {MAX_LENGTH} characters long")
    if normalized.casefold() in _common_passwords():
        raise ValidationError.at(field, "is one of the most common passwords; choose another")
    return normalized


def hash_password(password: str) -> str:
    return str(_context().hash(normalize(password)))


def verify_password(password: str, password_hash: str) -> bool:
    return bool(_context().verify(normalize(password), password_hash))


def needs_rehash(password_hash: str) -> bool:
    return bool(_context().needs_update(password_hash))


def dummy_hash() -> str:
    """A hash to verify against when there is no user, so both paths cost the same (at the
    costs in use)."""
    return _dummy_hash_at(*_costs())


@cache
def _dummy_hash_at(memory_kib: int, time_cost: int, parallelism: int) -> str:
    return str(_context_at(memory_kib, time_cost, parallelism).hash("pennywise-timing-equaliser"))
