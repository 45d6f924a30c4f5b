"""``pw.groups``: the groups you belong to."""

from __future__ import annotations

from pennywise_client._generated.api.groups import (
    groups_create,
    groups_delete,
    groups_get,
    groups_list,
    groups_update,
)
from pennywise_client._generated.models import GroupCreate, GroupRead, GroupUpdate
from pennywise_client._generated.types import UNSET, Unset
from pennywise_client._resource import Call, Id, _async, _AsyncResource, _id, _Resource, _sync, etag


class GroupCalls:
    @staticmethod
    def create(
        name: str,
        *,
        default_currency: str | Unset = UNSET,
        idempotency_key: str | None = None,
    ) -> Call[GroupRead]:
        """Create a group; you become its owner."""
        body = GroupCreate(name=name, default_currency=default_currency)
        return Call(groups_create, {"body": body, "idempotency_key": idempotency_key})

    @staticmethod
    def list(*, include_archived: bool = True) -> Call[list[GroupRead]]:
        """Every group you belong to, by name."""
        return Call(groups_list, {"include_archived": include_archived})

    @staticmethod
    def get(group_id: Id) -> Call[GroupRead]:
        return Call(groups_get, {"group_id": _id(group_id)})

    @staticmethod
    def update(
        group_id: Id,
        *,
        name: str | Unset = UNSET,
        default_currency: str | Unset = UNSET,
        archived: bool | Unset = UNSET,
        if_match: int | str | None = None,
    ) -> Call[GroupRead]:
        """Change what is given; ``if_match`` (a version or ETag): only if still current."""
        body = GroupUpdate(name=name, default_currency=default_currency, archived=archived)
        return Call(
            groups_update,
            {"group_id": _id(group_id), "body": body, "if_match": etag(if_match)},
        )

    @staticmethod
    def archive(group_id: Id, *, if_match: int | str | None = None) -> Call[GroupRead]:
        """Archive the group (read-only history; it stays listed)."""
        return GroupCalls.update(group_id, archived=True, if_match=if_match)

    @staticmethod
    def unarchive(group_id: Id, *, if_match: int | str | None = None) -> Call[GroupRead]:
        return GroupCalls.update(group_id, archived=False, if_match=if_match)

    @staticmethod
    def delete(group_id: Id, *, if_match: int | str | None = None) -> Call[None]:
        """Delete the group (owners only)."""
        return Call(groups_delete, {"group_id": _id(group_id), "if_match": etag(if_match)})


class Groups(_Resource):
    create = _sync(GroupCalls.create)
    list = _sync(GroupCalls.list)
    get = _sync(GroupCalls.get)
    update = _sync(GroupCalls.update)
    archive = _sync(GroupCalls.archive)
    unarchive = _sync(GroupCalls.unarchive)
    delete = _sync(GroupCalls.delete)


class AsyncGroups(_AsyncResource):
    create = _async(GroupCalls.create)
    list = _async(GroupCalls.list)
    get = _async(GroupCalls.get)
    update = _async(GroupCalls.update)
    archive = _async(GroupCalls.archive)
    unarchive = _async(GroupCalls.unarchive)
    delete = _async(GroupCalls.delete)
