"""Groups and members: ownership, archiving, removal rules, versions, activity."""

from __future__ import annotations

import pytest

from pennywise_core.errors import ConflictError, StaleVersionError, ValidationError
from pennywise_core.models import Role
from pennywise_core.schemas import GroupCreate, GroupUpdate, MemberCreate, MemberUpdate
from pennywise_core.services import activity, groups, invites, members, settle_up
from tests.ledger import join_by_invite, make_user, make_world


class TestGroups:
    async def test_the_creator_is_the_owner(self, session) -> None:
        user = await make_user(session, "Ann")
        group = await groups.create(
            session, user, GroupCreate(name=" Flat ", default_currency="chf")
        )
        assert (group.name, group.default_currency, group.my_role) == ("Flat", "CHF", Role.OWNER)
        assert [g.id for g in await groups.list_groups(session, user)] == [group.id]

    async def test_unknown_currency(self, session) -> None:
        user = await make_user(session, "Ann")
        with pytest.raises(ValidationError, match="currency"):
            await groups.create(session, user, GroupCreate(name="X", default_currency="XYZ"))

    async def test_update_bumps_the_version_and_refuses_a_stale_one(self, session) -> None:
        world = await make_world(session)
        updated = await groups.update_group(
            session, world.owner, world.group_id, GroupUpdate(name="Trip 2"), expected_version=1
        )
        assert updated.version == 2
        with pytest.raises(StaleVersionError):
            await groups.update_group(
                session, world.owner, world.group_id, GroupUpdate(name="Trip 3"), expected_version=1
            )

    async def test_an_archived_group_is_read_only_until_unarchived(self, session) -> None:
        world = await make_world(session, "Bob")
        await groups.update_group(session, world.owner, world.group_id, GroupUpdate(archived=True))
        with pytest.raises(ConflictError, match="archived"):
            await world.expense("1.00")
        await groups.update_group(session, world.owner, world.group_id, GroupUpdate(archived=False))
        await world.expense("1.00")


class TestMembers:
    async def test_placeholder_and_registered_user(self, session) -> None:
        world = await make_world(session, "Bob")
        zoe = await members.add(
            session, world.owner, world.group_id, MemberCreate(display_name="Zoe")
        )
        assert zoe.is_placeholder
        listed = await members.list_members(session, world.owner, world.group_id)
        assert [m.display_name for m in listed] == ["Ann", "Bob", "Zoe"]
        assert [m.is_placeholder for m in listed] == [False, False, True]

    async def test_an_unknown_email_makes_a_placeholder_to_claim(self, session) -> None:
        # It used to say "no Pennywise account has the email": an account oracle.
        world = await make_world(session)
        added = await members.add(
            session, world.owner, world.group_id, MemberCreate(email="nobody@example.org")
        )
        assert (added.display_name, added.is_placeholder) == ("nobody", True)

    async def test_names_are_unique_in_a_group(self, session) -> None:
        world = await make_world(session, "Bob")
        with pytest.raises(ConflictError, match="bob"):
            await members.add(
                session, world.owner, world.group_id, MemberCreate(display_name="bob")
            )

    async def test_a_member_added_again_by_email_stays_one_member(self, session) -> None:
        # The answer does not tell that the email is a member's; accepting it is refused.
        world = await make_world(session, "Bob")
        bob = world.people["Bob"]
        again = await members.add(
            session, world.owner, world.group_id, MemberCreate(email=bob.email)
        )
        assert again.is_placeholder
        (invite,) = await invites.received(session, bob)
        with pytest.raises(ConflictError, match="already a member"):
            await invites.accept_received(session, bob, invite.id)

    async def test_removal_is_refused_while_the_balance_is_not_zero(self, session) -> None:
        world = await make_world(session, "Bob")
        await world.expense("10.00")
        with pytest.raises(ConflictError, match=r"-5\.00 EUR"):
            await members.remove(session, world.owner, world.group_id, world.member_ids["Bob"])
        await settle_up.record(session, world.owner, world.group_id)
        await members.remove(session, world.owner, world.group_id, world.member_ids["Bob"])
        names = [
            m.display_name for m in await members.list_members(session, world.owner, world.group_id)
        ]
        assert names == ["Ann"]

    async def test_a_group_keeps_an_owner(self, session) -> None:
        world = await make_world(session, "Bob")
        ann = world.member_ids["Ann"]
        with pytest.raises(ConflictError, match="owner"):
            await members.update(
                session, world.owner, world.group_id, ann, MemberUpdate(role=Role.MEMBER)
            )
        with pytest.raises(ConflictError, match="owner"):
            await members.remove(session, world.owner, world.group_id, ann)
        await members.update(
            session,
            world.owner,
            world.group_id,
            world.member_ids["Bob"],
            MemberUpdate(role=Role.OWNER),
        )
        demoted = await members.update(
            session, world.owner, world.group_id, ann, MemberUpdate(role=Role.MEMBER)
        )
        assert demoted.role is Role.MEMBER

    async def test_a_user_who_leaves_and_returns_gets_their_member_back(self, session) -> None:
        world = await make_world(session, "Bob")
        bob = world.people["Bob"]
        await members.remove(session, world.owner, world.group_id, world.member_ids["Bob"])
        again = await join_by_invite(session, world.owner, world.group_id, bob)
        assert again.id == world.member_ids["Bob"]


class TestActivity:
    async def test_every_change_is_recorded_with_before_and_after(self, session) -> None:
        world = await make_world(session, "Bob")
        tx = await world.expense("10.00", description="Taxi")
        from pennywise_core.schemas import TransactionUpdate
        from pennywise_core.services import transactions

        await transactions.update(session, world.owner, tx.id, TransactionUpdate(amount="12.00"))
        await transactions.delete(session, world.owner, tx.id)
        await transactions.restore(session, world.owner, tx.id)
        await members.update(
            session,
            world.owner,
            world.group_id,
            world.member_ids["Bob"],
            MemberUpdate(role=Role.VIEWER),
        )
        page = await activity.list_activity(session, world.owner, world.group_id)
        actions = [a.action for a in page.items]
        assert actions == [
            "member.update",
            "transaction.restore",
            "transaction.delete",
            "transaction.update",
            "transaction.create",
            "member.claim",  # Bob joined: added by email, invited, and he accepted
            "invite.create",
            "member.add",
            "group.create",
        ]
        by_action = {a.action: a for a in page.items}
        update = by_action["transaction.update"]
        assert update.actor_id == world.owner.id
        assert update.target_id == tx.id
        assert (update.before["amount"], update.after["amount"]) == ("10.00", "12.00")
        assert by_action["member.update"].before["role"] == "member"
        assert by_action["member.update"].after["role"] == "viewer"
        assert by_action["transaction.create"].after["description"] == "Taxi"

    async def test_pages(self, session) -> None:
        world = await make_world(session, "Bob", "Carol")
        for _ in range(3):
            await world.expense("1.00")
        first = await activity.list_activity(session, world.owner, world.group_id, limit=6)
        second = await activity.list_activity(
            session, world.owner, world.group_id, limit=6, cursor=first.next_cursor
        )
        ids = [a.id for a in first.items + second.items]
        # create group, 2 members joining (added by email, invited, claimed), 3 transactions
        assert len(ids) == len(set(ids)) == 10
        assert second.next_cursor is None
