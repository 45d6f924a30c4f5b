"""Authorization by query scope: load a group only through the actor's membership."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from pennywise_core.errors import ConflictError, NotFoundError, PermissionDeniedError
from pennywise_core.models import Group, Member, Role, User


@dataclass(frozen=True, slots=True)
class Membership:
    """The actor's standing in one group."""

    group: Group
    member: Member

    @property
    def role(self) -> Role:
        return self.member.role


def memberships_of(actor: User) -> Select[Group, Member]:
    """Every live group the actor belongs to, with their member row."""
    return (
        select(Group, Member)
        .join(Member, Member.group_id == Group.id)
        .where(
            Member.user_id == actor.id,
            Member.removed_at.is_(None),
            Group.deleted_at.is_(None),
        )
    )


def readable_group_ids(actor: User) -> Select[uuid.UUID]:
    """A subquery of the ids of every group the actor can read."""
    return (
        select(Member.group_id)
        .join(Group, Group.id == Member.group_id)
        .where(
            Member.user_id == actor.id,
            Member.removed_at.is_(None),
            Group.deleted_at.is_(None),
        )
    )


async def membership(
    session: AsyncSession,
    actor: User,
    group_id: uuid.UUID,
    *,
    min_role: Role = Role.VIEWER,
    writable: bool = False,
) -> Membership:
    """The actor's membership of ``group_id``, checked against ``min_role``.

    Not a member (or no such group): :class:`NotFoundError`. A member whose role ranks
    below ``min_role``: :class:`PermissionDeniedError`. ``writable`` also refuses an
    archived group, whose ledger is closed until someone unarchives it.
    """
    row = (await session.execute(memberships_of(actor).where(Group.id == group_id))).first()
    if row is None:
        raise NotFoundError(f"group {group_id} not found")
    found = Membership(row[0], row[1])
    require_role(found, min_role)
    if writable and found.group.archived_at is not None:
        raise ConflictError(f"group {found.group.name!r} is archived; unarchive it to change it")
    return found


def require_role(found: Membership, min_role: Role) -> None:
    if found.role.rank < min_role.rank:
        raise PermissionDeniedError(
            f"this needs the {min_role} role or higher in {found.group.name!r}; "
            f"you are {found.role}"
        )
