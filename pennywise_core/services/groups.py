"""Groups: create (the creator becomes owner), read, update, archive, delete.

A group's name is unique among each user's own groups (ignoring case): creating or
renaming to a name one of theirs has is a conflict naming that group.
"""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from pennywise_core.errors import ConflictError, ValidationError
from pennywise_core.models import Group, Member, Role, User, utcnow
from pennywise_core.money import get_currency
from pennywise_core.schemas import GroupCreate, GroupRead, GroupUpdate
from pennywise_core.services import activity
from pennywise_core.services.access import Membership, membership, memberships_of
from pennywise_core.services.versions import check_version, flush_versioned


def to_read(found: Membership) -> GroupRead:
    group = found.group
    return GroupRead(
        id=group.id,
        name=group.name,
        default_currency=group.default_currency,
        archived=group.archived_at is not None,
        version=group.version,
        created_at=group.created_at,
        updated_at=group.updated_at,
        my_role=found.member.role,
        my_member_id=found.member.id,
    )


def snapshot(group: Group) -> dict[str, object]:
    return {
        "name": group.name,
        "default_currency": group.default_currency,
        "archived": group.archived_at is not None,
        "version": group.version,
    }


def _check_currency(code: str) -> None:
    """An unknown or refused code is a 422 naming the field, ``default_currency``."""
    try:
        get_currency(code)
    except ValidationError as exc:
        raise ValidationError.at("default_currency", exc.errors[0].msg) from None


async def _check_name_free(
    session: AsyncSession, actor: User, name: str, *, renaming: uuid.UUID | None = None
) -> None:
    """Refuse a name one of the actor's groups already has (ignoring case, archived groups
    included): the CLI and people name groups by name, and two of the same name could then
    be told apart by id only. Other people's groups may share it."""
    rows = (await session.execute(memberships_of(actor))).all()
    for group, _member in rows:
        if group.id != renaming and group.name.casefold() == name.casefold():
            raise ConflictError(
                f"you already have a group named {group.name!r} (id {group.id}): choose "
                "another name, or rename or delete that group first"
            )


async def create(session: AsyncSession, actor: User, data: GroupCreate) -> GroupRead:
    _check_currency(data.default_currency)
    await _check_name_free(session, actor, data.name)
    group = Group(name=data.name, default_currency=data.default_currency, created_by=actor.id)
    session.add(group)
    await session.flush()
    owner = Member(
        group_id=group.id, user_id=actor.id, display_name=actor.display_name, role=Role.OWNER
    )
    session.add(owner)
    await session.flush()
    activity.record(
        session,
        actor,
        group_id=group.id,
        action="group.create",
        target_type="group",
        target_id=group.id,
        after=snapshot(group),
    )
    return to_read(Membership(group, owner))


async def get(session: AsyncSession, actor: User, group_id: uuid.UUID) -> GroupRead:
    return to_read(await membership(session, actor, group_id))


async def list_groups(
    session: AsyncSession, actor: User, *, include_archived: bool = True
) -> list[GroupRead]:
    query = memberships_of(actor).order_by(Group.name, Group.id)
    if not include_archived:
        query = query.where(Group.archived_at.is_(None))
    rows = (await session.execute(query)).all()
    return [to_read(Membership(group, member)) for group, member in rows]


async def update_group(
    session: AsyncSession,
    actor: User,
    group_id: uuid.UUID,
    data: GroupUpdate,
    *,
    expected_version: int | None = None,
) -> GroupRead:
    """Rename, change the default currency, archive or unarchive (admin or owner)."""
    found = await membership(session, actor, group_id, min_role=Role.ADMIN)
    group = found.group
    check_version("group", group.version, expected_version)
    changes = data.model_dump(exclude_unset=True)
    before = snapshot(group)
    if "default_currency" in changes and changes["default_currency"] is not None:
        _check_currency(changes["default_currency"])
        group.default_currency = changes["default_currency"]
    if changes.get("name") is not None:
        await _check_name_free(session, actor, changes["name"], renaming=group.id)
        group.name = changes["name"]
    if changes.get("archived") is not None:
        group.archived_at = utcnow() if changes["archived"] else None
    if snapshot(group) != before:
        await flush_versioned(session, "group")
        action = "group.update"
        if before["archived"] != snapshot(group)["archived"]:
            action = "group.archive" if group.archived_at else "group.unarchive"
        activity.record(
            session,
            actor,
            group_id=group.id,
            action=action,
            target_type="group",
            target_id=group.id,
            before=before,
            after=snapshot(group),
        )
    return to_read(found)


async def delete(
    session: AsyncSession, actor: User, group_id: uuid.UUID, *, expected_version: int | None = None
) -> None:
    """Delete a group (owners only). Soft: its rows stay, every read stops seeing it."""
    found = await membership(session, actor, group_id, min_role=Role.OWNER)
    check_version("group", found.group.version, expected_version)
    before = snapshot(found.group)
    found.group.deleted_at = utcnow()
    await flush_versioned(session, "group")
    activity.record(
        session,
        actor,
        group_id=group_id,
        action="group.delete",
        target_type="group",
        target_id=group_id,
        before=before,
    )
    await session.flush()
