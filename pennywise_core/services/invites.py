"""Invites: the only way a registered user joins a group, by claiming a placeholder member.

An admin makes a placeholder ("Bob") and invites someone to claim it, in one of two ways:

* a **link**: :func:`create_invite` returns a single-use token (``pwi_…``) the admin sends to
  Bob; whoever holds it, signed in, accepts it (:func:`accept_invite`);
* **by email**: adding a member by ``email`` (:func:`pennywise_core.services.members.add`)
  makes the placeholder and an invite addressed to that email (:func:`invite_email`). The
  user with that email sees it (:func:`received`) and accepts (:func:`accept_received`) or
  declines it (:func:`decline_received`). Nobody is put in a group, or owes anything in it,
  without having said yes; and adding by email never looks the email up, so it cannot tell
  whether an account has it.

Accepting makes the placeholder the user's member, with its history and balances. A user
who was a member before and left gets their old member back instead, when the placeholder
has no transactions yet. Only a token's SHA-256 is stored.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, exists, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from pennywise_core import tokens
from pennywise_core.auth_schemas import InviteCreate, InviteCreated, InviteRead, InviteReceived
from pennywise_core.errors import ConflictError, NotFoundError
from pennywise_core.models import Entry, Group, Invite, Member, Role, User, utcnow
from pennywise_core.schemas import MemberRead
from pennywise_core.services import activity
from pennywise_core.services.access import membership
from pennywise_core.services.members import snapshot, to_read
from pennywise_core.services.users import normalize_email

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
    invite, token = _new_invite(session, actor, member, hours=data.expires_in_hours, email=None)
    await session.flush()
    return InviteCreated(**InviteRead.model_validate(invite).model_dump(), token=token)


def invite_email(session: AsyncSession, actor: User, member: Member, email: str) -> Invite:
    """Address an invite to claim ``member`` (a placeholder just made) to ``email``.

    The caller has checked the actor may add members. Nothing here reads ``users``: the
    same rows are written whether or not an account has the email.
    """
    invite, _ = _new_invite(session, actor, member, hours=DEFAULT_HOURS, email=email)
    return invite


DEFAULT_HOURS: int = InviteCreate.model_fields["expires_in_hours"].default
"""How long an invite lasts unless its maker says otherwise (also an email invite's life)."""


def _new_invite(
    session: AsyncSession, actor: User, member: Member, *, hours: int, email: str | None
) -> tuple[Invite, str]:
    # An email invite has a token too (the column is the lookup key of every invite), but
    # it is never shown: only the addressee, signed in, can accept it.
    token, token_hash = tokens.new_opaque_token(tokens.INVITE_PREFIX)
    now = utcnow()
    invite = Invite(
        id=uuid.uuid4(),
        group_id=member.group_id,
        member_id=member.id,
        token_hash=token_hash,
        created_by=actor.id,
        created_at=now,
        expires_at=now + timedelta(hours=hours),
        email=normalize_email(email) if email is not None else None,
    )
    session.add(invite)
    activity.record(
        session,
        actor,
        group_id=member.group_id,
        action="invite.create",
        target_type="member",
        target_id=member.id,
        # Not the email: every member of the group can read the activity.
        after={"invite_id": str(invite.id), "expires_at": invite.expires_at.isoformat()},
    )
    return invite, token


async def accept_invite(session: AsyncSession, actor: User, token: str) -> MemberRead:
    """Claim the invite's placeholder: it becomes the actor's member of the group.

    Refused: an unknown token or one of an invite addressed to an email (404), a used or
    expired one, a group the actor is already a member of, a placeholder that is gone or was
    claimed meanwhile, an archived group (409). Using the invite is one conditional UPDATE,
    so two accepts of one invite cannot both win. A user who was a member before gets that
    member back (see :func:`_return`).
    """
    if (
        not isinstance(token, str)
        or len(token) > 200
        or not tokens.has_prefix(token, tokens.INVITE_PREFIX)
    ):
        raise NotFoundError(_NOT_FOUND)
    invite = await session.scalar(
        select(Invite).where(
            Invite.token_hash == tokens.hash_opaque_token(token), Invite.email.is_(None)
        )
    )
    if invite is None:
        raise NotFoundError(_NOT_FOUND)
    return await _claim(session, actor, invite)


def _addressed_to(actor: User) -> list[Any]:
    return [Invite.email == actor.email_normalized, Invite.email.is_not(None)]


async def received(session: AsyncSession, actor: User) -> list[InviteReceived]:
    """The invites addressed to the actor's email that can still be accepted, newest first."""
    inviter = aliased(User)
    rows = (
        await session.execute(
            select(Invite, Group, Member, inviter.display_name)
            .join(Group, Group.id == Invite.group_id)
            .join(Member, (Member.id == Invite.member_id) & (Member.group_id == Invite.group_id))
            .outerjoin(inviter, inviter.id == Invite.created_by)
            .where(
                *_addressed_to(actor),
                Invite.used_at.is_(None),
                Invite.expires_at > utcnow(),
                Group.deleted_at.is_(None),
                Member.removed_at.is_(None),
                Member.user_id.is_(None),
            )
            .order_by(Invite.created_at.desc(), Invite.id)
        )
    ).all()
    return [
        InviteReceived(
            id=invite.id,
            group_id=group.id,
            group_name=group.name,
            member_id=member.id,
            display_name=member.display_name,
            role=member.role,
            invited_by=invited_by,
            expires_at=invite.expires_at,
        )
        for invite, group, member, invited_by in rows
    ]


async def _received(session: AsyncSession, actor: User, invite_id: uuid.UUID) -> Invite:
    # Someone else's invite is a 404, the same as an unknown id.
    invite = await session.scalar(
        select(Invite).where(Invite.id == invite_id, *_addressed_to(actor))
    )
    if invite is None:
        raise NotFoundError(f"invite {invite_id} not found")
    return invite


async def accept_received(session: AsyncSession, actor: User, invite_id: uuid.UUID) -> MemberRead:
    """Accept an invite addressed to the actor's email: join the group as its member."""
    return await _claim(session, actor, await _received(session, actor, invite_id))


async def decline_received(session: AsyncSession, actor: User, invite_id: uuid.UUID) -> None:
    """Decline an invite addressed to the actor's email: it can no longer be accepted (the
    placeholder stays, for the admins to remove or invite someone else to)."""
    invite = await _received(session, actor, invite_id)
    if invite.used_at is not None:
        raise ConflictError("this invite has already been used")
    invite.used_at = utcnow()
    activity.record(
        session,
        actor,
        group_id=invite.group_id,
        action="invite.decline",
        target_type="member",
        target_id=invite.member_id,
        after={"invite_id": str(invite.id)},
    )
    await session.flush()


async def _claim(session: AsyncSession, actor: User, invite: Invite) -> MemberRead:
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
    if mine is not None and mine.removed_at is None:
        raise ConflictError(f"you are already a member of {group.name!r}")
    member = await session.scalar(
        select(Member).where(Member.id == invite.member_id, Member.group_id == group.id)
    )
    if member is None or member.removed_at is not None or not member.is_placeholder:
        raise ConflictError("the member this invite was for has been removed or claimed")
    if mine is not None and await session.scalar(
        select(exists().where(Entry.group_id == group.id, Entry.member_id == member.id))
    ):
        # (group_id, user_id) is unique: the user's old member keeps their history, and a
        # placeholder with transactions of its own cannot be folded into it.
        raise ConflictError(
            f"you were a member of {group.name!r} before, and {member.display_name!r} already "
            "has transactions; ask an admin to invite you with a new placeholder"
        )
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
    if mine is not None:
        return await _return(session, actor, invite, member, mine, now)
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


async def _return(
    session: AsyncSession,
    actor: User,
    invite: Invite,
    placeholder: Member,
    mine: Member,
    now: datetime,
) -> MemberRead:
    """A user who left comes back: their old member (and its history) returns, with the
    placeholder's name, role and weight; the placeholder, which has no transactions, goes."""
    removed = cast(
        CursorResult[Any],
        await session.execute(
            update(Member)
            .where(
                Member.id == placeholder.id,
                Member.user_id.is_(None),
                Member.removed_at.is_(None),
            )
            .values(removed_at=now)
        ),
    )
    if removed.rowcount != 1:
        raise ConflictError("the member this invite was for has been removed or claimed")
    before = snapshot(mine)
    mine.display_name = placeholder.display_name
    mine.role = placeholder.role
    mine.weight = placeholder.weight
    mine.removed_at = None
    await session.flush()
    activity.record(
        session,
        actor,
        group_id=mine.group_id,
        action="member.return",
        target_type="member",
        target_id=mine.id,
        before=before,
        after={
            **snapshot(mine),
            "invite_id": str(invite.id),
            "placeholder_id": str(placeholder.id),
        },
    )
    await session.flush()
    return to_read(mine)
