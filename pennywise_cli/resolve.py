"""Naming things on the command line: a group or a member by name or id.

What the user typed is matched, in order, against the full id, the name (ignoring case),
and the start of the id (at least 4 characters, as tables show the first 8; transactions
take all 8, see ``commands.tx.find_transaction_id``). One match
wins; several are an error that lists them (exit 1); none is "not found" (exit 3) with the
candidates. For members, ``me`` is the caller's own member (unless someone is called "me").

Presentation only: the matching runs over what the backend lists, which is already scoped
to what the caller may see.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from pennywise_cli.errors import AmbiguousNameError, CliError, NameNotFoundError

JSON = dict[str, Any]

_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_ID_PREFIX = re.compile(r"^[0-9a-f][0-9a-f-]{3,35}$")
_MAX_LISTED = 10


def is_uuid(text: str) -> bool:
    return bool(_UUID.match(text.strip().lower()))


def _listing(items: Sequence[JSON], label: Callable[[JSON], str]) -> str:
    shown = ", ".join(f"{label(it)} ({str(it['id'])[:8]})" for it in items[:_MAX_LISTED])
    more = len(items) - _MAX_LISTED
    return shown + (f" and {more} more" if more > 0 else "")


def pick(
    kind: str,
    query: str,
    items: Sequence[JSON],
    *,
    label: Callable[[JSON], str],
    where: str = "",
) -> JSON:
    """The one item ``query`` names: by full id, by name (case-insensitive), by id prefix."""
    text = query.strip()
    lowered = text.lower()
    for item in items:
        if str(item["id"]) == lowered:
            return item
    by_name = [item for item in items if label(item).casefold() == text.casefold()]
    if len(by_name) == 1:
        return by_name[0]
    if len(by_name) > 1:
        raise AmbiguousNameError(
            f"{text!r} names {len(by_name)} {kind}s{where}: {_listing(by_name, label)}; "
            f"name the {kind} by its id instead"
        )
    if _ID_PREFIX.match(lowered):
        by_prefix = [item for item in items if str(item["id"]).startswith(lowered)]
        if len(by_prefix) == 1:
            return by_prefix[0]
        if len(by_prefix) > 1:
            raise AmbiguousNameError(
                f"{text!r} is the start of {len(by_prefix)} {kind} ids{where}: "
                f"{_listing(by_prefix, label)}; give more of the id"
            )
    known = f"; there are: {_listing(list(items), label)}" if items else ""
    raise NameNotFoundError(f"no {kind} {text!r}{where}{known}")


def group_label(group: JSON) -> str:
    return str(group["name"])


def member_label(member: JSON) -> str:
    return str(member["display_name"])


def pick_group(query: str, groups: Sequence[JSON]) -> JSON:
    return pick("group", query, groups, label=group_label)


def pick_member(query: str, members: Sequence[JSON], *, group: JSON) -> JSON:
    """A member of ``group`` by name, id, or ``me``."""
    text = query.strip()
    if text.casefold() == "me" and not any(m["display_name"].casefold() == "me" for m in members):
        for member in members:
            if member["id"] == group["my_member_id"]:
                return member
        raise CliError(f"you are not a current member of {group['name']!r}")
    return pick("member", text, members, label=member_label, where=f" in {group['name']!r}")


YOU = "you"
"""How tables name the caller's own member (machine formats keep the display name)."""


class Names:
    """Member id to display name (falls back to the short id).

    Calling it gives the name a table shows: :data:`YOU` for the caller's own members
    (``mine``: the groups' ``my_member_id``); :meth:`name` gives the display name, for
    machine formats.
    """

    def __init__(self, members: Sequence[JSON] = (), *, mine: Sequence[object] = ()) -> None:
        self._names: dict[str, str] = {}
        self._mine: set[str] = set()
        self.add(members, mine=mine)

    def add(self, members: Sequence[JSON], *, mine: Sequence[object] = ()) -> None:
        for member in members:
            self._names[str(member["id"])] = str(member["display_name"])
        self._mine.update(str(m) for m in mine if m)

    def name(self, member_id: object) -> str:
        key = str(member_id)
        return self._names.get(key, key[:8])

    def __call__(self, member_id: object) -> str:
        return YOU if str(member_id) in self._mine else self.name(member_id)
