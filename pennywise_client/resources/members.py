"""``pw.members``: a group's members (placeholders, or people invited by email)."""

from __future__ import annotations

from pennywise_client._generated.api.members import (
    members_add,
    members_get,
    members_list,
    members_remove,
    members_update,
)
from pennywise_client._generated.models import MemberCreate, MemberRead, MemberUpdate
from pennywise_client._generated.models.role import Role
from pennywise_client._generated.types import UNSET, Unset
from pennywise_client._resource import (
    Amount,
    Call,
    Id,
    _async,
    _AsyncResource,
    _id,
    _opt_decimal,
    _Resource,
    _sync,
    decimal_string,
)


class MemberCalls:
    @staticmethod
    def add(
        group_id: Id,
        *,
        display_name: str | Unset = UNSET,
        email: str | Unset = UNSET,
        role: Role | Unset = UNSET,
        weight: Amount | Unset = UNSET,
        idempotency_key: str | None = None,
    ) -> Call[MemberRead]:
        """Add a placeholder (``display_name``), or invite ``email`` to claim it: they join
        when they accept (``invites.received()``); the answer is the placeholder either way."""
        body = MemberCreate(
            display_name=display_name,
            email=email,
            role=role,
            weight=UNSET if isinstance(weight, Unset) else decimal_string(weight, "weight"),
        )
        return Call(
            members_add,
            {"group_id": _id(group_id), "body": body, "idempotency_key": idempotency_key},
        )

    @staticmethod
    def list(group_id: Id) -> Call[list[MemberRead]]:
        """The group's current members, in the order they joined."""
        return Call(members_list, {"group_id": _id(group_id)})

    @staticmethod
    def get(group_id: Id, member_id: Id) -> Call[MemberRead]:
        return Call(members_get, {"group_id": _id(group_id), "member_id": _id(member_id)})

    @staticmethod
    def update(
        group_id: Id,
        member_id: Id,
        *,
        display_name: str | Unset = UNSET,
        role: Role | Unset = UNSET,
        weight: Amount | Unset = UNSET,
    ) -> Call[MemberRead]:
        """Rename, reweight or change the role of a member."""
        body = MemberUpdate(
            display_name=display_name, role=role, weight=_opt_decimal(weight, "weight")
        )
        return Call(
            members_update,
            {"group_id": _id(group_id), "member_id": _id(member_id), "body": body},
        )

    @staticmethod
    def remove(group_id: Id, member_id: Id) -> Call[None]:
        """Remove a member (yourself: leave). Refused (409) while their balance is not zero."""
        return Call(members_remove, {"group_id": _id(group_id), "member_id": _id(member_id)})


class Members(_Resource):
    add = _sync(MemberCalls.add)
    list = _sync(MemberCalls.list)
    get = _sync(MemberCalls.get)
    update = _sync(MemberCalls.update)
    remove = _sync(MemberCalls.remove)


class AsyncMembers(_AsyncResource):
    add = _async(MemberCalls.add)
    list = _async(MemberCalls.list)
    get = _async(MemberCalls.get)
    update = _async(MemberCalls.update)
    remove = _async(MemberCalls.remove)
