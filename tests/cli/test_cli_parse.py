"""The fast-entry syntax and name lookups, as plain functions (no backend)."""

from __future__ import annotations

import datetime as dt

import pytest
import typer

from pennywise_cli.errors import AmbiguousNameError, NameNotFoundError
from pennywise_cli.parse import (
    Pair,
    build_payers,
    build_split,
    parse_date,
    parse_pairs,
    parse_payers,
    parse_split,
)
from pennywise_cli.resolve import Names, pick_group, pick_member

MEMBERS = [
    {"id": "aaaa1111-0000-4000-8000-000000000001", "display_name": "Ann"},
    {"id": "bbbb2222-0000-4000-8000-000000000002", "display_name": "Bob"},
    {"id": "cccc3333-0000-4000-8000-000000000003", "display_name": "Carol"},
]
GROUP = {
    "id": "99990000-0000-4000-8000-000000000000",
    "name": "Trip",
    "my_member_id": MEMBERS[0]["id"],
}


def member_id(name: str) -> str:
    return str(pick_member(name, MEMBERS, group=GROUP)["id"])


class TestParsePairs:
    def test_commas_and_repeated_options(self) -> None:
        assert parse_pairs(["bob:2, carol:1", "dave"], "--split") == [
            Pair("bob", "2"),
            Pair("carol", "1"),
            Pair("dave", None),
        ]

    def test_names_with_spaces_and_decimal_values(self) -> None:
        assert parse_pairs(["Mary Ann:12.50"], "--exact") == [Pair("Mary Ann", "12.50")]

    @pytest.mark.parametrize("text", ["bob:x", ":2", "bob:1.", "bob:1e3"])
    def test_malformed(self, text: str) -> None:
        with pytest.raises(typer.BadParameter):
            parse_pairs([text], "--split")


class TestParseSplit:
    def test_no_option_is_the_default_split(self) -> None:
        assert parse_split() is None

    def test_names_alone_split_equally_among_them(self) -> None:
        spec = parse_split(split=["bob,carol"])
        assert spec is not None
        assert build_split(spec, MEMBERS, member_id) == {
            "mode": "equal",
            "entries": [{"member_id": MEMBERS[1]["id"]}, {"member_id": MEMBERS[2]["id"]}],
        }

    def test_values_make_shares(self) -> None:
        spec = parse_split(split=["bob:2,carol:1"])
        assert spec is not None
        assert build_split(spec, MEMBERS, member_id)["entries"] == [
            {"member_id": MEMBERS[1]["id"], "shares": "2"},
            {"member_id": MEMBERS[2]["id"], "shares": "1"},
        ]

    def test_percent_and_exact(self) -> None:
        percent = parse_split(percent=["bob:60,carol:40"])
        exact = parse_split(exact=["bob:10.00,carol:32.50"])
        assert percent is not None
        assert exact is not None
        assert build_split(percent, MEMBERS, member_id)["entries"][0]["percent"] == "60"
        assert build_split(exact, MEMBERS, member_id)["entries"][1]["amount"] == "32.50"

    def test_adjustment_is_over_everyone_unless_names_are_given(self) -> None:
        everyone = parse_split(adjust=["bob:5.00"])
        assert everyone is not None
        assert build_split(everyone, MEMBERS, member_id) == {
            "mode": "adjustment",
            "entries": [
                {"member_id": MEMBERS[0]["id"]},
                {"member_id": MEMBERS[1]["id"], "amount": "5.00"},
                {"member_id": MEMBERS[2]["id"]},
            ],
        }
        some = parse_split(split=["ann"], adjust=["carol:1"])
        assert some is not None
        assert [e["member_id"] for e in build_split(some, MEMBERS, member_id)["entries"]] == [
            MEMBERS[0]["id"],
            MEMBERS[2]["id"],
        ]

    @pytest.mark.parametrize(
        "options",
        [
            {"split": ["bob:2,carol"]},
            {"percent": ["bob"]},
            {"exact": ["bob:1"], "percent": ["bob:100"]},
            {"split": ["bob:1"], "adjust": ["bob:1"]},
            {"adjust": ["bob"]},
        ],
    )
    def test_refused(self, options: dict[str, list[str]]) -> None:
        with pytest.raises(typer.BadParameter):
            parse_split(**options)


class TestPayers:
    def test_one_payer_pays_everything(self) -> None:
        assert build_payers(parse_payers(["me"]), member_id) == [{"member_id": MEMBERS[0]["id"]}]

    def test_several_payers_need_amounts(self) -> None:
        assert build_payers(parse_payers(["ann:30,bob:12.50"]), member_id) == [
            {"member_id": MEMBERS[0]["id"], "amount": "30"},
            {"member_id": MEMBERS[1]["id"], "amount": "12.50"},
        ]
        with pytest.raises(typer.BadParameter):
            parse_payers(["ann,bob:2"])


class TestDates:
    def test_words_and_iso(self) -> None:
        today = dt.datetime.now().astimezone().date()
        assert parse_date("today") == today.isoformat()
        assert parse_date("Yesterday") == (today - dt.timedelta(days=1)).isoformat()
        assert parse_date("2026-11-20") == "2026-11-20"

    @pytest.mark.parametrize("text", ["someday", "20/11/2026", "2026-13-01"])
    def test_refused(self, text: str) -> None:
        with pytest.raises(typer.BadParameter):
            parse_date(text)


GROUPS = [
    {"id": "11110000-0000-4000-8000-000000000000", "name": "Trip"},
    {"id": "22220000-0000-4000-8000-000000000000", "name": "trip"},
    {"id": "33330000-0000-4000-8000-000000000000", "name": "Flat"},
]


class TestNames:
    def test_by_name_id_and_prefix(self) -> None:
        assert pick_group("flat", GROUPS)["name"] == "Flat"
        assert pick_group(GROUPS[0]["id"], GROUPS)["name"] == "Trip"
        assert pick_group("2222", GROUPS)["name"] == "trip"

    def test_ambiguous_lists_the_matches(self) -> None:
        with pytest.raises(AmbiguousNameError, match=r"2 groups.*11110000.*22220000"):
            pick_group("TRIP", GROUPS)

    def test_not_found_lists_the_candidates(self) -> None:
        with pytest.raises(NameNotFoundError, match="Flat"):
            pick_group("Home", GROUPS)

    def test_me_is_my_member_unless_someone_is_called_me(self) -> None:
        assert pick_member("me", MEMBERS, group=GROUP)["display_name"] == "Ann"
        called_me = [*MEMBERS, {"id": "dddd4444-0000-4000-8000-000000000004", "display_name": "Me"}]
        assert pick_member("me", called_me, group=GROUP)["display_name"] == "Me"

    def test_names_fall_back_to_short_ids(self) -> None:
        names = Names(MEMBERS)
        assert names(MEMBERS[1]["id"]) == "Bob"
        assert names("eeee5555-0000-4000-8000-000000000005") == "eeee5555"
