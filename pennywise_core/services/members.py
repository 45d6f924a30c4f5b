"""Members: add placeholders (and invite people by email to claim them), change roles, remove.

A registered user joins a group only by accepting an invite (:mod:`invites`): nobody is
put in a group, or owes anything in it, without having said yes.

Rules: admins and owners manage members; only owners grant or take away ``owner`` and
``admin`` or change an owner; a group always keeps at least one owner; a member whose
balance is not zero in some currency cannot be removed (settle up first).
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from pennywise_core.errors import ConflictError, NotFoundError, ValidationError
from pennywise_core.models import Balance, Member, Role, User, utcnow
from pennywise_core.money import format_amount
from pennywise_core.schemas import MemberCreate, MemberRead, MemberUpdate
from pennywise_core.services import activity
from pennywise_core.services.access import Membership, membership, require_role


def to_read(member: Member) -> MemberRead:
    return MemberRead.model_validate(member)


def snapshot(member: Member) -> dict[str, object]:
    return {
        "display_name": member.display_name,
        "role": member.role.value,
        "weight": str(member.weight),
        "user_id": str(member.user_id) if member.user_id else None,
    }


async def current_members(
    session: AsyncSession, group_id: uuid.UUID, *, for_write: bool = False
) -> list[Member]:
    """The group's current members in a stable order (joined first).

    ``for_write``: the caller books entries for them, so on PostgreSQL their rows are
    locked ``FOR KEY SHARE`` until the transaction ends. That lock lets writers run side by
    side and lets a member be renamed, but it holds back :func:`remove` (``FOR UPDATE``)
    until the write has committed, so the removal sees the balance the write leaves; and a
    write that starts while a removal is in flight waits for it and no longer finds that
    member. SQLite runs one writer at a time and needs neither.
    """
    query = (
        select(Member)
        .where(Member.group_id == group_id, Member.removed_at.is_(None))
        .order_by(Member.created_at, Member.id)
    )
    if for_write:
        query = query.with_for_update(read=True, key_share=True)
    return list((await session.scalars(query)).all())


def in_default_split(member: Member) -> bool:
    """Whether a member shares a transaction whose split names nobody (``{"mode": "equal"}``):
    every current member but the viewers, who only read. A split that names a viewer still
    counts them."""
    return member.role is not Role.VIEWER


async def list_members(session: AsyncSession, actor: User, group_id: uuid.UUID) -> list[MemberRead]:
    await membership(session, actor, group_id)
    return [to_read(m) for m in await current_members(session, group_id)]


async def _load(
    session: AsyncSession, group_id: uuid.UUID, member_id: uuid.UUID, *, lock: bool = False
) -> Member:
    """The current member; ``lock``: ``FOR UPDATE`` (see :func:`current_members`)."""
    query = select(Member).where(
        Member.id == member_id, Member.group_id == group_id, Member.removed_at.is_(None)
    )
    member = await session.scalar(query.with_for_update() if lock else query)
    if member is None:
        raise NotFoundError(f"member {member_id} not found in this group")
    return member


async def get(
    session: AsyncSession, actor: User, group_id: uuid.UUID, member_id: uuid.UUID
) -> MemberRead:
    await membership(session, actor, group_id)
    return to_read(await _load(session, group_id, member_id))


def _check_grant(found: Membership, role: Role) -> None:
    # Admins manage ordinary members and viewers; the powers of admin and owner are the
    # owners' to give.
    if role.rank >= Role.ADMIN.rank:
        require_role(found, Role.OWNER)


async def _check_name_free(
    session: AsyncSession, group_id: uuid.UUID, name: str, *, field: str
) -> None:
    taken = await session.scalar(
        select(func.count())
        .select_from(Member)
        .where(
            Member.group_id == group_id,
            Member.removed_at.is_(None),
            func.lower(Member.display_name) == name.lower(),
        )
    )
    if taken:
        raise ConflictError(f"{field}: the group already has a member called {name!r}")


async def add(
    session: AsyncSession, actor: User, group_id: uuid.UUID, data: MemberCreate
) -> MemberRead:
    """Add a placeholder member: a named person without an account in this group.

    With ``email``, the placeholder (named ``display_name``, by default the email's local
    part) also gets an invite addressed to that email (:mod:`~pennywise_core.services.invites`):
    its owner, if the email has an account now or later, sees it and accepts it to become
    this member, with whatever was booked on the placeholder meanwhile. Until then nothing
    in the group is theirs. This never reads the users table: the answer, and the work
    done, are the same whether or not an account has the email.
    """
    found = await membership(session, actor, group_id, min_role=Role.ADMIN, writable=True)
    _check_grant(found, data.role)
    if data.display_name is not None:
        name = data.display_name
    elif data.email is not None:
        name = data.email.rsplit("@", 1)[0]  # an email's local part has 1 to 64 characters
    else:
        raise ValidationError.at("display_name", "give a display_name (placeholder) or an email")
    await _check_name_free(session, group_id, name, field="display_name")
    member = Member(
        group_id=group_id, user_id=None, display_name=name, role=data.role, weight=data.weight
    )
    session.add(member)
    await session.flush()
    activity.record(
        session,
        actor,
        group_id=group_id,
        action="member.add",
        target_type="member",
        target_id=member.id,
        after=snapshot(member),
    )
    if data.email is not None:
        # Imported here: invites builds on this module (snapshot, to_read).
        from pennywise_core.services import invites

        invites.invite_email(session, actor, member, data.email)
        await session.flush()
    return to_read(member)


async def _owners(session: AsyncSession, group_id: uuid.UUID) -> int:
    return int(
        await session.scalar(
            select(func.count())
            .select_from(Member)
            .where(
                Member.group_id == group_id,
                Member.role == Role.OWNER,
                Member.removed_at.is_(None),
            )
        )
        or 0
    )


async def update(
    session: AsyncSession,
    actor: User,
    group_id: uuid.UUID,
    member_id: uuid.UUID,
    data: MemberUpdate,
) -> MemberRead:
    """Rename, reweight, or change the role of a member."""
    found = await membership(session, actor, group_id, min_role=Role.ADMIN, writable=True)
    member = await _load(session, group_id, member_id)
    changes = data.model_dump(exclude_unset=True)
    before = snapshot(member)
    if member.role is Role.OWNER:
        require_role(found, Role.OWNER)
    if changes.get("role") is not None and changes["role"] is not member.role:
        new_role = Role(changes["role"])
        _check_grant(found, new_role)
        if member.role is Role.OWNER and await _owners(session, group_id) <= 1:
            raise ConflictError("a group needs at least one owner; make someone else owner first")
        member.role = new_role
    if changes.get("display_name") is not None and changes["display_name"] != member.display_name:
        if changes["display_name"].lower() != member.display_name.lower():
            await _check_name_free(session, group_id, changes["display_name"], field="display_name")
        member.display_name = changes["display_name"]
    if changes.get("weight") is not None:
        member.weight = Decimal(changes["weight"])
    if snapshot(member) != before:
        await session.flush()
        activity.record(
            session,
            actor,
            group_id=group_id,
            action="member.update",
            target_type="member",
            target_id=member.id,
            before=before,
            after=snapshot(member),
        )
    return to_read(member)


async def remove(
    session: AsyncSession, actor: User, group_id: uuid.UUID, member_id: uuid.UUID
) -> None:
    """Remove a member: refused while they hold a non-zero balance or are the last owner.

    Anyone may leave (remove themselves); removing others takes admin, and removing an
    owner takes owner.
    """
    found = await membership(session, actor, group_id, writable=True)
    # Locked before its balances are read: a write booking entries for this member commits
    # first, and its balance is then seen (see current_members).
    member = await _load(session, group_id, member_id, lock=True)
    if member.id != found.member.id:
        require_role(found, Role.OWNER if member.role is Role.OWNER else Role.ADMIN)
    if member.role is Role.OWNER and await _owners(session, group_id) <= 1:
        raise ConflictError("a group needs at least one owner; make someone else owner first")
    open_balances = (
        await session.scalars(
            select(Balance).where(
                Balance.group_id == group_id, Balance.member_id == member_id, Balance.amount != 0
            )
        )
    ).all()
    if open_balances:
        owing = ", ".join(
            format_amount(b.amount, b.currency) + " " + b.currency for b in open_balances
        )
        raise ConflictError(
            f"{member.display_name} still has a balance ({owing}); settle up before removing them"
        )
    before = snapshot(member)
    member.removed_at = utcnow()
    await session.flush()
    activity.record(
        session,
        actor,
        group_id=group_id,
        action="member.remove",
        target_type="member",
        target_id=member.id,
        before=before,
    )
