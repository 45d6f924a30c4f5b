"""Accounts: create, look up, authenticate with a password."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pennywise_core import passwords
from pennywise_core.errors import AuthenticationError, ConflictError, NotFoundError
from pennywise_core.models import User
from pennywise_core.schemas import UserCreate


def normalize_email(email: str) -> str:
    return email.strip().lower()


async def get_by_email(session: AsyncSession, email: str) -> User | None:
    return await session.scalar(select(User).where(User.email_normalized == normalize_email(email)))


async def get(session: AsyncSession, user_id: uuid.UUID) -> User:
    user = await session.get(User, user_id)
    if user is None or not user.is_active:
        raise NotFoundError(f"user {user_id} not found")
    return user


async def create(
    session: AsyncSession, data: UserCreate, *, check_password_policy: bool = True
) -> User:
    """Register a user with a password. The email is unique, case-insensitively."""
    password = passwords.check_policy(data.password) if check_password_policy else data.password
    if await get_by_email(session, data.email) is not None:
        raise ConflictError(f"an account with the email {data.email} already exists")
    user = User(
        email=data.email.strip(),
        email_normalized=normalize_email(data.email),
        display_name=data.display_name,
        password_hash=passwords.hash_password(password),
    )
    session.add(user)
    await session.flush()
    return user


async def create_local(session: AsyncSession, *, display_name: str, email: str) -> User:
    """A user with no password, for the embedded single-user CLI (it never logs in)."""
    user = User(email=email, email_normalized=normalize_email(email), display_name=display_name)
    session.add(user)
    await session.flush()
    return user


async def authenticate(session: AsyncSession, email: str, password: str) -> User:
    """The user with this email and password, or AuthenticationError.

    The error never says which of the two was wrong, and an unknown email costs one hash
    verification like a known one, so neither the answer nor its timing reveals whether
    an account exists.
    """
    user = await get_by_email(session, email)
    if user is None or user.password_hash is None or not user.is_active:
        passwords.verify_password(password, passwords.dummy_hash())
        raise AuthenticationError("incorrect email or password")
    if not passwords.verify_password(password, user.password_hash):
        raise AuthenticationError("incorrect email or password")
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
        await session.flush()
    return user


async def rename(session: AsyncSession, actor: User, display_name: str) -> list[str]:
    """Change the actor's display name (``display_name`` already a valid ``Name``).

    Groups created from now on use it; in each of the actor's groups, their member is
    renamed too where it still has the old name (as a member change, with its activity
    record). Returns the names of the groups where that was refused (another member
    already has the name, or the role is too low to rename), where the old name stays.
    """
    from pennywise_core.errors import PennywiseError
    from pennywise_core.schemas import MemberUpdate
    from pennywise_core.services import members
    from pennywise_core.services.access import memberships_of

    old = actor.display_name
    actor.display_name = display_name
    await session.flush()
    kept: list[str] = []
    for group, member in (await session.execute(memberships_of(actor))).all():
        if member.display_name != old or old == display_name:
            continue
        try:
            async with session.begin_nested():
                await members.update(
                    session, actor, group.id, member.id, MemberUpdate(display_name=display_name)
                )
        except PennywiseError:
            kept.append(group.name)
    return kept
