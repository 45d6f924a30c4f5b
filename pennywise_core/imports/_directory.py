"""Who the people of a file are: members of the group, or placeholders to create."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from pennywise_core.errors import FieldError, ValidationError
from pennywise_core.models import Member, Role

from ._common import MEMBER_REF, MemberDecl


@dataclass(slots=True)
class NewMember:
    id: uuid.UUID
    name: str
    weight: Decimal
    role: Role
    removed: bool
    registered: bool
    eager: bool


class Directory:
    """Who a ref in the file is: a member of the group, or a placeholder to create."""

    def __init__(
        self,
        members: list[Member],
        member_map: Mapping[str, uuid.UUID],
        warn: Callable[[str], None],
    ) -> None:
        self._warn = warn
        self.current = {m.id for m in members if m.removed_at is None}
        self.names: dict[uuid.UUID, str] = {m.id: m.display_name for m in members}
        self.order: dict[uuid.UUID, int] = {m.id: i for i, m in enumerate(members)}
        self._by_name = {m.display_name.casefold(): m.id for m in members if m.removed_at is None}
        errors = [
            FieldError(("member_map", name), f"{member_id} is not a current member of this group")
            for name, member_id in member_map.items()
            if member_id not in self.current
        ]
        if errors:
            raise ValidationError(str(errors[0]), errors)
        self._map = {name.strip().casefold(): member_id for name, member_id in member_map.items()}
        self._decls: dict[str, MemberDecl] = {}
        self._refs: dict[str, uuid.UUID] = {}
        self.new: dict[str, NewMember] = {}
        # Members by a small index, for the hot path (ints hash fast, UUIDs do not).
        self.ref_index: dict[str, int] = {}
        """``{ref: index}`` of every ref resolved so far."""
        self.ids: list[uuid.UUID] = []
        """The member of each index."""
        self.id_text: list[str] = []
        """``str(member id)`` of each index."""
        self._index: dict[uuid.UUID, int] = {}

    def declare(self, decl: MemberDecl) -> None:
        self._decls[decl.ref] = decl
        if decl.eager:
            self.resolve(decl.ref)

    def resolve(self, ref: str) -> uuid.UUID:
        found = self._refs.get(ref)
        if found is not None:
            return found
        if ref.startswith(MEMBER_REF):
            member_id = uuid.UUID(ref.removeprefix(MEMBER_REF))
            if member_id not in self.current:
                raise ValidationError.at(
                    "member", f"{member_id} is not a current member of this group"
                )
            self._refs[ref] = member_id
            return member_id
        decl = self._decls.get(ref)
        name = decl.name if decl is not None else ref
        key = name.casefold()
        matched = self._map.get(key) or self._by_name.get(key)
        if matched is None:
            planned = self.new.get(key)
            if planned is None:
                planned = NewMember(
                    id=uuid.uuid4(),
                    name=name,
                    weight=decl.weight if decl else Decimal(1),
                    role=decl.role if decl else Role.MEMBER,
                    removed=decl.removed if decl else False,
                    registered=decl.registered if decl else False,
                    eager=decl.eager if decl else False,
                )
                self.new[key] = planned
                self.names[planned.id] = name
                self.order[planned.id] = len(self.order)
                if planned.registered:
                    self._warn(
                        f"{name} was a registered user in the file but matches no member of "
                        "this group; added as a placeholder (invite them to claim it)"
                    )
            matched = planned.id
        self._refs[ref] = matched
        return matched

    def index_of(self, ref: str) -> int:
        """The index of the member ``ref`` resolves to (see :meth:`resolve`)."""
        found = self.ref_index.get(ref)
        if found is None:
            found = self.ref_index[ref] = self.member_index(self.resolve(ref))
        return found

    def member_index(self, member_id: uuid.UUID) -> int:
        found = self._index.get(member_id)
        if found is None:
            found = self._index[member_id] = len(self.ids)
            self.ids.append(member_id)
            self.id_text.append(str(member_id))
        return found
