"""Invites: a single-use, expiring token that lets a user claim a placeholder member.

An admin makes an invite for a placeholder ("Bob", who has no account yet) and sends the
token to Bob; when Bob, signed in, accepts it, the placeholder becomes Bob's member, with
its history and balances. Only the token's SHA-256 is stored.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from pennywise_core import tokens
from pennywise_core.auth_schemas import InviteCreate, InviteCreated, InviteRead
from pennywise_core.errors import ConflictError, NotFoundError
from pennywise_core.models import Group, Invite, Member, Role, User, utcnow
from pennywise_core.schemas import MemberRead
from pennywise_core.services import activity
from pennywise_core.services.access import membership
from pennywise_core.services.members import snapshot, to_read

_NOT_FOUND = "invite not found: check the link, or ask for a new one"


async def create_invite(
    session: AsyncSession, actor: User, group_id: uuid.UUID, data: InviteCreate
) -> InviteCreated:
    """Invite someone to claim the placeholder ``data.member_id`` (admins and owners).

    The member must be a current placeholder of this group: another group's member is a
    404 like any unknown id; a member who already has an account is a 409.
    """
    await membership(session, actor, group_id, min_role=Role.ADMIN, writable=True)
    member = await session.scalar(
        select(Member).where(
            Member.id == data.member_id, Member.group_id == group_id, Member.removed_at.is_(None)
        )
    )
    if member is None:
        raise NotFoundError(f"member {data.member_id} not found in this group")
    if not member.is_placeholder:
        raise ConflictError(f"{member.display_name} already has an account in this group")
    token, token_hash = tokens.new_opaque_token(tokens.INVITE_PREFIX)
    now = utcnow()
    invite = Invite(
        group_id=group_id,
        member_id=member.id,
        token_hash=token_hash,
        created_by=actor.id,
        created_at=now,
        expires_at=now + timedelta(hours=data.expires_in_hours),
    )
    session.add(invite)
    await session.flush()
    activity.record(
        session,
        actor,
        group_id=group_id,
        action="invite.create",
        target_type="member",
        target_id=member.id,
        after={"invite_id": str(invite.id), "expires_at": invite.expires_at.isoformat()},
    )
    return InviteCreated(
        **InviteRead.model_validate(invite).model_dump(),
        token=token,
    )


async def accept_invite(session: AsyncSession, actor: User, token: str) -> MemberRead:
    """Claim the invite's placeholder: it becomes the actor's member of the group.

    Refused: an unknown token (404), a used or expired one, a group the actor is already a
    member of, a placeholder that is gone or was claimed meanwhile, an archived group (409).
    Using the invite is one conditional UPDATE, so two accepts of one token cannot both win.
    """
    if (
        not isinstance(token, str)
        or len(token) > 200
        or not tokens.has_prefix(token, tokens.INVITE_PREFIX)
    ):
        raise NotFoundError(_NOT_FOUND)
    invite = await session.scalar(
        select(Invite).where(Invite.token_hash == tokens.hash_opaque_token(token))
    )
    if invite is None:
        raise NotFoundError(_NOT_FOUND)
    group = await session.get(Group, invite.group_id)
    if group is None or group.deleted_at is not None:
        raise NotFoundError(_NOT_FOUND)
    now = utcnow()
    if invite.used_at is not None:
        raise ConflictError("this invite has already been used; ask for a new one")
    if invite.expires_at <= now:
        raise ConflictError("this invite has expired; ask for a new one")
    if group.archived_at is not None:
        raise ConflictError(f"group {group.name!r} is archived; ask an admin to unarchive it")
    mine = await session.scalar(
        select(Member).where(Member.group_id == group.id, Member.user_id == actor.id)
    )
    if mine is not None:
        if mine.removed_at is None:
            raise ConflictError(f"you are already a member of {group.name!r}")
        raise ConflictError(
            f"you were a member of {group.name!r} before; ask an admin to add you back"
        )
    member = await session.scalar(
        select(Member).where(Member.id == invite.member_id, Member.group_id == group.id)
    )
    if member is None or member.removed_at is not None or not member.is_placeholder:
        raise ConflictError("the member this invite was for has been removed or claimed")
    # Conditional UPDATEs: of two concurrent accepts, the second finds nothing to update
    # (PostgreSQL re-checks the WHERE after the first commits; SQLite serialises writers).
    used = cast(
        CursorResult[Any],
        await session.execute(
            update(Invite)
            .where(Invite.id == invite.id, Invite.used_at.is_(None))
            .values(used_at=now)
        ),
    )
    if used.rowcount != 1:
        raise ConflictError("this invite has already been used; ask for a new one")
    before = snapshot(member)
    try:
        async with session.begin_nested():
            claimed = cast(
                CursorResult[Any],
                await session.execute(
                    update(Member)
                    .where(
                        Member.id == member.id,
                        Member.user_id.is_(None),
                        Member.removed_at.is_(None),
                    )
                    .values(user_id=actor.id)
                ),
            )
    except IntegrityError:  # (group_id, user_id) is unique: joined by another invite meanwhile
        raise ConflictError(f"you are already a member of {group.name!r}") from None
    if claimed.rowcount != 1:
        raise ConflictError("the member this invite was for has been removed or claimed")
    activity.record(
        session,
        actor,
        group_id=group.id,
        action="member.claim",
        target_type="member",
        target_id=member.id,
        before=before,
        after={**snapshot(member), "invite_id": str(invite.id)},
    )
    await session.flush()
    return to_read(member)
