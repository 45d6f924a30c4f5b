"""A group's name is unique among each user's own groups (issue 17, item 2)."""

from __future__ import annotations

import pytest

from pennywise_core.errors import ConflictError
from pennywise_core.schemas import GroupCreate, GroupUpdate
from pennywise_core.services import groups
from tests.ledger import make_world


class TestGroupNames:
    async def test_create_and_rename_refuse_a_name_of_yours(self, session) -> None:
        world = await make_world(session)  # Ann's "Trip"
        with pytest.raises(ConflictError, match="'Trip'"):
            await groups.create(session, world.owner, GroupCreate(name="TRIP"))
        flat = await groups.create(session, world.owner, GroupCreate(name="Flat"))
        with pytest.raises(ConflictError, match=str(world.group_id)):
            await groups.update_group(session, world.owner, flat.id, GroupUpdate(name="trip"))
        renamed = await groups.update_group(session, world.owner, flat.id, GroupUpdate(name="FLAT"))
        assert renamed.name == "FLAT"  # its own name in another case is fine

    async def test_other_peoples_groups_and_deleted_ones_do_not_count(self, session) -> None:
        ann = await make_world(session)
        eve = await make_world(session, owner="Eve")  # Eve's own "Trip": fine
        assert eve.group_id != ann.group_id
        await groups.delete(session, ann.owner, ann.group_id)
        again = await groups.create(session, ann.owner, GroupCreate(name="Trip"))
        assert again.name == "Trip"
