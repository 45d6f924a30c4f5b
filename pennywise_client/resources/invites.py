"""``pw.invites``: invites to claim a placeholder member, sent and received."""

from __future__ import annotations

from pennywise_client._generated.api.invites import (
    invites_accept,
    invites_accept_received,
    invites_create,
    invites_decline,
    invites_received,
)
from pennywise_client._generated.models import (
    InviteAccept,
    InviteCreate,
    InviteCreated,
    InviteReceived,
    MemberRead,
)
from pennywise_client._generated.types import UNSET, Unset
from pennywise_client._resource import Call, Id, _async, _AsyncResource, _id, _Resource, _sync


class InviteCalls:
    @staticmethod
    def create(
        group_id: Id, member_id: Id, *, expires_in_hours: int | Unset = UNSET
    ) -> Call[InviteCreated]:
        """An invite to claim placeholder ``member_id``; its ``token`` is shown once."""
        body = InviteCreate(member_id=_id(member_id), expires_in_hours=expires_in_hours)
        return Call(invites_create, {"group_id": _id(group_id), "body": body})

    @staticmethod
    def accept(token: str) -> Call[MemberRead]:
        """Become the placeholder member an invite names, with its history."""
        return Call(invites_accept, {"body": InviteAccept(token=token)})

    @staticmethod
    def received() -> Call[list[InviteReceived]]:
        """The invites addressed to your email (someone added you by email), newest first."""
        return Call(invites_received)

    @staticmethod
    def accept_received(invite_id: Id) -> Call[MemberRead]:
        """Join the group of an invite addressed to you, as the member it names."""
        return Call(invites_accept_received, {"invite_id": _id(invite_id)})

    @staticmethod
    def decline(invite_id: Id) -> Call[None]:
        """Decline an invite addressed to you."""
        return Call(invites_decline, {"invite_id": _id(invite_id)})


class Invites(_Resource):
    create = _sync(InviteCalls.create)
    accept = _sync(InviteCalls.accept)
    received = _sync(InviteCalls.received)
    accept_received = _sync(InviteCalls.accept_received)
    decline = _sync(InviteCalls.decline)


class AsyncInvites(_AsyncResource):
    create = _async(InviteCalls.create)
    accept = _async(InviteCalls.accept)
    received = _async(InviteCalls.received)
    accept_received = _async(InviteCalls.accept_received)
    decline = _async(InviteCalls.decline)
