"""``services.invites``: claim a placeholder with a single-use, expiring token, or with an
invite addressed to your email (adding a member by email), which you accept or decline."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import uuid
from dataclasses import dataclass

import pytest
from pydantic import ValidationError as PydanticValidationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from pennywise_core import tokens
from pennywise_core.auth_schemas import InviteCreate
from pennywise_core.errors import (
    ConflictError,
    NotFoundError,
    PennywiseError,
    PermissionDeniedError,
)
from pennywise_core.models import Activity, Invite, Member, Role, User, utcnow
from pennywise_core.schemas import (
    GroupCreate,
    GroupUpdate,
    MemberCreate,
    MemberRead,
    SplitEntryIn,
    SplitIn,
    TransactionCreate,
)
from pennywise_core.services import balances, groups, invites, members, summary, transactions, users
from tests.ledger import join_by_invite


async def make_user(session: AsyncSession, name: str) -> User:
    return await users.create_local(
        session, display_name=name, email=f"{name.lower()}-{uuid.uuid4().hex[:8]}@example.org"
    )


@dataclass
class Trip:
    group_id: uuid.UUID
    owner: User
    admin: User
    member: User
    bob: uuid.UUID
    """A placeholder member, for someone without an account yet."""


async def make_trip(session: AsyncSession) -> Trip:
    owner = await make_user(session, "Olga")
    group = await groups.create(session, owner, GroupCreate(name="Trip", default_currency="EUR"))
    admin, member = await make_user(session, "Adam"), await make_user(session, "Mia")
    await join_by_invite(session, owner, group.id, admin, role=Role.ADMIN)
    await join_by_invite(session, owner, group.id, member)
    bob = await members.add(session, owner, group.id, MemberCreate(display_name="Bob"))
    return Trip(group.id, owner, admin, member, bob.id)


@pytest.fixture
async def trip(session: AsyncSession) -> Trip:
    return await make_trip(session)


async def book_on(
    session: AsyncSession, actor: User, group_id: uuid.UUID, member_id: uuid.UUID, amount: str
) -> None:
    """``actor`` pays ``amount`` for ``member_id`` alone: the member owes it all."""
    await transactions.create(
        session,
        actor,
        TransactionCreate(
            group_id=group_id,
            description="Hotel",
            amount=amount,
            currency="EUR",
            split=SplitIn(mode="exact", entries=[SplitEntryIn(member_id=member_id, amount=amount)]),
        ),
    )


class TestCreateInvite:
    async def test_admin_creates_an_invite(self, session: AsyncSession, trip: Trip) -> None:
        before = utcnow()
        created = await invites.create_invite(
            session,
            trip.admin,
            trip.group_id,
            InviteCreate(member_id=trip.bob, expires_in_hours=48),
        )
        assert created.token.startswith("pwi_")
        assert (created.group_id, created.member_id) == (trip.group_id, trip.bob)
        assert before + dt.timedelta(hours=48) <= created.expires_at
        assert created.expires_at <= utcnow() + dt.timedelta(hours=48)
        row = await session.get(Invite, created.id)
        assert row is not None
        assert row.token_hash == hashlib.sha256(created.token.encode()).hexdigest()
        assert row.created_by == trip.admin.id
        assert row.used_at is None
        logged = await session.scalar(
            select(Activity).where(
                Activity.group_id == trip.group_id,
                Activity.action == "invite.create",
                Activity.actor_id == trip.admin.id,
            )
        )
        assert logged is not None
        assert logged.target_id == trip.bob
        assert created.token not in str(logged.after)

    async def test_member_may_not(self, session: AsyncSession, trip: Trip) -> None:
        with pytest.raises(PermissionDeniedError):
            await invites.create_invite(
                session, trip.member, trip.group_id, InviteCreate(member_id=trip.bob)
            )

    async def test_stranger_gets_404(self, session: AsyncSession, trip: Trip) -> None:
        stranger = await make_user(session, "Sam")
        with pytest.raises(NotFoundError):
            await invites.create_invite(
                session, stranger, trip.group_id, InviteCreate(member_id=trip.bob)
            )

    async def test_member_of_another_group_is_404(self, session: AsyncSession, trip: Trip) -> None:
        other = await make_trip(session)
        with pytest.raises(NotFoundError):
            await invites.create_invite(
                session, trip.owner, trip.group_id, InviteCreate(member_id=other.bob)
            )
        with pytest.raises(NotFoundError):
            await invites.create_invite(
                session, trip.owner, trip.group_id, InviteCreate(member_id=uuid.uuid4())
            )

    async def test_member_with_an_account_is_409(self, session: AsyncSession, trip: Trip) -> None:
        mia = await session.scalar(
            select(Member).where(Member.group_id == trip.group_id, Member.user_id == trip.member.id)
        )
        assert mia is not None
        with pytest.raises(ConflictError):
            await invites.create_invite(
                session, trip.owner, trip.group_id, InviteCreate(member_id=mia.id)
            )

    async def test_removed_placeholder_is_404(self, session: AsyncSession, trip: Trip) -> None:
        await members.remove(session, trip.owner, trip.group_id, trip.bob)
        with pytest.raises(NotFoundError):
            await invites.create_invite(
                session, trip.owner, trip.group_id, InviteCreate(member_id=trip.bob)
            )

    async def test_archived_group(self, session: AsyncSession, trip: Trip) -> None:
        await groups.update_group(
            session, trip.owner, trip.group_id, GroupUpdate(archived=True), expected_version=None
        )
        with pytest.raises(ConflictError, match="archived"):
            await invites.create_invite(
                session, trip.owner, trip.group_id, InviteCreate(member_id=trip.bob)
            )

    @pytest.mark.parametrize("hours", [0, 30 * 24 + 1])
    def test_expiry_bounds(self, hours: int) -> None:
        with pytest.raises(PydanticValidationError):
            InviteCreate(member_id=uuid.uuid4(), expires_in_hours=hours)


class TestAcceptInvite:
    async def invite(self, session: AsyncSession, trip: Trip) -> str:
        created = await invites.create_invite(
            session, trip.owner, trip.group_id, InviteCreate(member_id=trip.bob)
        )
        return created.token

    async def test_claims_the_placeholder(self, session: AsyncSession, trip: Trip) -> None:
        token = await self.invite(session, trip)
        bob = await make_user(session, "Robert")
        member = await invites.accept_invite(session, bob, token)
        assert isinstance(member, MemberRead)
        assert member.id == trip.bob
        assert member.user_id == bob.id
        assert not member.is_placeholder
        assert member.display_name == "Bob"  # the group's name for him stays
        assert member.role is Role.MEMBER
        # Bob now sees the group and can act in it.
        found = await groups.get(session, bob, trip.group_id)
        assert found.my_member_id == trip.bob
        logged = await session.scalar(
            select(Activity).where(
                Activity.group_id == trip.group_id,
                Activity.action == "member.claim",
                Activity.target_id == trip.bob,
            )
        )
        assert logged is not None
        assert logged.actor_id == bob.id
        assert logged.target_id == trip.bob
        assert logged.before is not None
        assert logged.before["user_id"] is None
        assert logged.after is not None
        assert logged.after["user_id"] == str(bob.id)

    async def test_single_use(self, session: AsyncSession, trip: Trip) -> None:
        token = await self.invite(session, trip)
        await invites.accept_invite(session, await make_user(session, "Robert"), token)
        with pytest.raises(ConflictError, match="already been used"):
            await invites.accept_invite(session, await make_user(session, "Eve"), token)

    async def test_expired(self, session: AsyncSession, trip: Trip) -> None:
        token = await self.invite(session, trip)
        row = await session.scalar(
            select(Invite).where(Invite.token_hash == tokens.hash_opaque_token(token))
        )
        assert row is not None
        row.expires_at = utcnow() - dt.timedelta(seconds=1)
        await session.flush()
        with pytest.raises(ConflictError, match="expired"):
            await invites.accept_invite(session, await make_user(session, "Robert"), token)

    @pytest.mark.parametrize(
        "token", ["", "pwi_", "pwi_" + "A" * 43, "pwr_" + "A" * 43, "x" * 500, "pwi_" + "A" * 300]
    )
    async def test_unknown_token(self, session: AsyncSession, token: str) -> None:
        with pytest.raises(NotFoundError):
            await invites.accept_invite(session, await make_user(session, "Robert"), token)

    async def test_already_a_member(self, session: AsyncSession, trip: Trip) -> None:
        token = await self.invite(session, trip)
        with pytest.raises(ConflictError, match="already a member"):
            await invites.accept_invite(session, trip.member, token)
        # The invite is still usable by the right person.
        await invites.accept_invite(session, await make_user(session, "Robert"), token)

    async def test_former_member_gets_their_member_back(
        self, session: AsyncSession, trip: Trip
    ) -> None:
        mia = await session.scalar(
            select(Member).where(Member.group_id == trip.group_id, Member.user_id == trip.member.id)
        )
        assert mia is not None
        await members.remove(session, trip.member, trip.group_id, mia.id)
        token = await self.invite(session, trip)
        back = await invites.accept_invite(session, trip.member, token)
        assert (back.id, back.user_id, back.display_name) == (mia.id, trip.member.id, "Bob")
        listed = await members.list_members(session, trip.owner, trip.group_id)
        assert trip.bob not in {m.id for m in listed}  # the placeholder made way

    async def test_former_member_and_a_placeholder_with_transactions(
        self, session: AsyncSession, trip: Trip
    ) -> None:
        mia = await session.scalar(
            select(Member).where(Member.group_id == trip.group_id, Member.user_id == trip.member.id)
        )
        assert mia is not None
        await members.remove(session, trip.member, trip.group_id, mia.id)
        await book_on(session, trip.owner, trip.group_id, trip.bob, "12.00")
        token = await self.invite(session, trip)
        with pytest.raises(ConflictError, match="before"):
            await invites.accept_invite(session, trip.member, token)

    async def test_placeholder_removed_after_the_invite(
        self, session: AsyncSession, trip: Trip
    ) -> None:
        token = await self.invite(session, trip)
        await members.remove(session, trip.owner, trip.group_id, trip.bob)
        with pytest.raises(ConflictError, match="removed or claimed"):
            await invites.accept_invite(session, await make_user(session, "Robert"), token)

    async def test_two_invites_for_one_placeholder(self, session: AsyncSession, trip: Trip) -> None:
        first, second = await self.invite(session, trip), await self.invite(session, trip)
        await invites.accept_invite(session, await make_user(session, "Robert"), first)
        with pytest.raises(ConflictError, match="removed or claimed"):
            await invites.accept_invite(session, await make_user(session, "Eve"), second)

    async def test_archived_group(self, session: AsyncSession, trip: Trip) -> None:
        token = await self.invite(session, trip)
        await groups.update_group(session, trip.owner, trip.group_id, GroupUpdate(archived=True))
        with pytest.raises(ConflictError, match="archived"):
            await invites.accept_invite(session, await make_user(session, "Robert"), token)

    async def test_deleted_group(self, session: AsyncSession, trip: Trip) -> None:
        token = await self.invite(session, trip)
        group = await groups.get(session, trip.owner, trip.group_id)
        await groups.delete(session, trip.owner, trip.group_id, expected_version=group.version)
        with pytest.raises(NotFoundError):
            await invites.accept_invite(session, await make_user(session, "Robert"), token)

    async def test_concurrent_accepts(
        self, session_maker: async_sessionmaker[AsyncSession]
    ) -> None:
        async with session_maker() as session, session.begin():
            trip = await make_trip(session)
            token = await self.invite(session, trip)
            people = [await make_user(session, "Robert"), await make_user(session, "Eve")]

        async def accept(user: User) -> MemberRead | PennywiseError:
            async with session_maker() as session:
                try:
                    async with session.begin():
                        return await invites.accept_invite(session, user, token)
                except PennywiseError as error:
                    return error

        results = await asyncio.gather(*(accept(user) for user in people))
        claimed = [r for r in results if isinstance(r, MemberRead)]
        refused = [r for r in results if isinstance(r, PennywiseError)]
        assert len(claimed) == 1
        assert len(refused) == 1
        assert isinstance(refused[0], ConflictError)
        async with session_maker() as session:
            bob = await session.get(Member, trip.bob)
            assert bob is not None
            assert bob.user_id == claimed[0].user_id


class TestInviteByEmail:
    """Adding a member by email: a placeholder and an invite; nobody joins without a yes."""

    async def test_a_registered_user_is_not_a_member_until_they_accept(
        self, session: AsyncSession, trip: Trip
    ) -> None:
        victim = await make_user(session, "Vic")
        added = await members.add(
            session, trip.owner, trip.group_id, MemberCreate(email=victim.email)
        )
        assert (added.is_placeholder, added.user_id) == (True, None)
        await book_on(session, trip.owner, trip.group_id, added.id, "500.00")
        assert await groups.list_groups(session, victim) == []
        with pytest.raises(NotFoundError):
            await groups.get(session, victim, trip.group_id)
        assert (await summary.spending(session, victim)).model_dump()["rows"] == []
        row = await session.get(Member, added.id)
        assert row is not None
        assert row.user_id is None
        # What they see: an invite, naming the group, the member and who sent it.
        (invite,) = await invites.received(session, victim)
        assert (invite.group_name, invite.member_id, invite.invited_by) == (
            "Trip",
            added.id,
            "Olga",
        )

    async def test_the_same_answer_whether_or_not_an_account_has_the_email(
        self, session: AsyncSession, trip: Trip
    ) -> None:
        registered = await make_user(session, "Reg")
        unknown = f"nobody-{uuid.uuid4().hex[:8]}@example.org"
        answers = [
            await members.add(
                session, trip.owner, trip.group_id, MemberCreate(display_name=name, email=email)
            )
            for name, email in (("R", registered.email), ("U", unknown))
        ]

        def shape(member: MemberRead) -> dict[str, object]:
            return member.model_dump(exclude={"id", "created_at", "display_name"})

        assert shape(answers[0]) == shape(answers[1])
        rows = (
            await session.scalars(
                select(Invite).where(Invite.member_id.in_([a.id for a in answers]))
            )
        ).all()
        assert sorted(r.email or "" for r in rows) == sorted(
            [registered.email.lower(), unknown.lower()]
        )

    async def test_the_name_is_the_emails_local_part_unless_given(
        self, session: AsyncSession, trip: Trip
    ) -> None:
        added = await members.add(
            session, trip.owner, trip.group_id, MemberCreate(email="Zoe.K@example.org")
        )
        assert added.display_name == "Zoe.K"

    async def test_accepting_claims_the_placeholder_and_its_balance(
        self, session: AsyncSession, trip: Trip
    ) -> None:
        vic = await make_user(session, "Vic")
        added = await members.add(
            session, trip.owner, trip.group_id, MemberCreate(email=f"  {vic.email.upper()} ")
        )
        await book_on(session, trip.owner, trip.group_id, added.id, "30.00")
        (invite,) = await invites.received(session, vic)
        joined = await invites.accept_received(session, vic, invite.id)
        assert (joined.id, joined.user_id, joined.is_placeholder) == (added.id, vic.id, False)
        assert (await groups.get(session, vic, trip.group_id)).my_member_id == added.id
        mine = [
            b for b in await balances.read(session, vic, trip.group_id) if b.member_id == added.id
        ]
        assert [(b.currency, str(b.balance)) for b in mine] == [("EUR", "-30.00")]
        assert await invites.received(session, vic) == []
        with pytest.raises(ConflictError, match="already been used"):
            await invites.accept_received(session, vic, invite.id)

    async def test_only_the_addressee_sees_or_accepts_it(
        self, session: AsyncSession, trip: Trip
    ) -> None:
        vic, eve = await make_user(session, "Vic"), await make_user(session, "Eve")
        await members.add(session, trip.owner, trip.group_id, MemberCreate(email=vic.email))
        (invite,) = await invites.received(session, vic)
        assert await invites.received(session, eve) == []
        with pytest.raises(NotFoundError):
            await invites.accept_received(session, eve, invite.id)
        with pytest.raises(NotFoundError):
            await invites.decline_received(session, eve, invite.id)

    async def test_declining(self, session: AsyncSession, trip: Trip) -> None:
        vic = await make_user(session, "Vic")
        added = await members.add(session, trip.owner, trip.group_id, MemberCreate(email=vic.email))
        (invite,) = await invites.received(session, vic)
        await invites.decline_received(session, vic, invite.id)
        assert await invites.received(session, vic) == []
        with pytest.raises(ConflictError):
            await invites.accept_received(session, vic, invite.id)
        listed = await members.list_members(session, trip.owner, trip.group_id)
        assert added.id in {m.id for m in listed}  # the placeholder stays, for the admins

    async def test_a_member_invited_again_cannot_join_twice(
        self, session: AsyncSession, trip: Trip
    ) -> None:
        await members.add(session, trip.owner, trip.group_id, MemberCreate(email=trip.member.email))
        (invite,) = await invites.received(session, trip.member)
        with pytest.raises(ConflictError, match="already a member"):
            await invites.accept_received(session, trip.member, invite.id)

    async def test_an_email_invites_token_is_not_a_link(
        self, session: AsyncSession, trip: Trip
    ) -> None:
        # Not shown to anyone; were it to leak, it would still not work as a link.
        vic = await make_user(session, "Vic")
        added = await members.add(session, trip.owner, trip.group_id, MemberCreate(email=vic.email))
        row = await session.scalar(select(Invite).where(Invite.member_id == added.id))
        assert row is not None
        token, token_hash = tokens.new_opaque_token(tokens.INVITE_PREFIX)
        row.token_hash = token_hash
        await session.flush()
        with pytest.raises(NotFoundError):
            await invites.accept_invite(session, vic, token)
