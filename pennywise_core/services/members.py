"""Members: add users or placeholders, change roles, remove.

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
from pennywise_core.services.users import get_by_email


def to_read(member: Member) -> MemberRead:
    return MemberRead.model_validate(member)


def snapshot(member: Member) -> dict[str, object]:
    return {
        "display_name": member.display_name,
        "role": member.role.value,
        "weight": str(member.weight),
        "user_id": str(member.user_id) if member.user_id else None,
    }


async def current_members(session: AsyncSession, group_id: uuid.UUID) -> list[Member]:
    """The group's current members in a stable order (joined first)."""
    return list(
        (
            await session.scalars(
                select(Member)
                .where(Member.group_id == group_id, Member.removed_at.is_(None))
                .order_by(Member.created_at, Member.id)
            )
        ).all()
    )


async def list_members(session: AsyncSession, actor: User, group_id: uuid.UUID) -> list[MemberRead]:
    await membership(session, actor, group_id)
    return [to_read(m) for m in await current_members(session, group_id)]


async def _load(session: AsyncSession, group_id: uuid.UUID, member_id: uuid.UUID) -> Member:
    member = await session.scalar(
        select(Member).where(
            Member.id == member_id, Member.group_id == group_id, Member.removed_at.is_(None)
        )
    )
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
    """Add a registered user (``email``) or a placeholder (``display_name`` only)."""
    found = await membership(session, actor, group_id, min_role=Role.ADMIN, writable=True)
    _check_grant(found, data.role)
    user: User | None = None
    if data.email is not None:
        user = await get_by_email(session, data.email)
        if user is None:
            raise ValidationError.at(
                "email",
                f"no Pennywise account has the email {data.email}; add a placeholder "
                "with display_name instead and invite them to claim it",
            )
        already = await session.scalar(
            select(Member).where(
                Member.group_id == group_id, Member.user_id == user.id, Member.removed_at.is_(None)
            )
        )
        if already is not None:
            raise ConflictError(f"{data.email} is already a member of this group")
    elif data.display_name is None:
        raise ValidationError.at("display_name", "give a display_name (placeholder) or an email")
    name = data.display_name or (user.display_name if user else "")
    await _check_name_free(session, group_id, name, field="display_name")
    member = await _reuse_removed(session, group_id, user) if user else None
    if member is None:
        member = Member(group_id=group_id, user_id=user.id if user else None)
        session.add(member)
    member.display_name = name
    member.role = data.role
    member.weight = data.weight
    member.removed_at = None
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
    return to_read(member)


async def _reuse_removed(session: AsyncSession, group_id: uuid.UUID, user: User) -> Member | None:
    # (group_id, user_id) is unique: a user who left and comes back gets their old member
    # row (and its history) back.
    return await session.scalar(
        select(Member).where(Member.group_id == group_id, Member.user_id == user.id)
    )


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
    member = await _load(session, group_id, member_id)
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
