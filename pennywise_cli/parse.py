"""Fast-entry syntax: dates, ``name:value`` lists, split and payer options.

Pure functions, no backend: they turn what was typed into structures that name members by
what the user wrote; :func:`build_split` and :func:`build_payers` then swap names for ids
(with :mod:`pennywise_cli.resolve`) and produce the API's ``split`` and ``paid_by`` shapes.
Amounts stay decimal strings: the core checks them against the currency.

A malformed option value is a usage error (exit 2); a well-formed one that breaks a rule
(percentages that do not add up to 100) is left to the core, which names the field.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import typer

from pennywise_core.vocabulary import SPLIT_VALUE_FIELD, SplitMode

JSON = dict[str, Any]

_NUMBER = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")


DATE_WORDS = {"today": 0, "yesterday": -1, "tomorrow": 1}
"""The words a date option takes, as days from today (local time)."""
DATE_HELP = "today, yesterday, tomorrow or YYYY-MM-DD"


def parse_date(text: str, *, future: bool = False) -> str:
    """``today``, ``yesterday``, ``tomorrow`` or an ISO date, as ``YYYY-MM-DD`` (local time).

    A date after today is refused unless ``future`` (``--future`` on the commands that
    record a date, always for a filter such as ``--to``), so that a typo in the year does
    not book an expense in 2062 without a word.
    """
    word = text.strip().lower()
    today = dt.datetime.now().astimezone().date()
    if word in DATE_WORDS:
        date = today + dt.timedelta(days=DATE_WORDS[word])
    else:
        try:
            date = dt.date.fromisoformat(word)
        except ValueError:
            raise typer.BadParameter(f"{text!r} is not a date: use {DATE_HELP}") from None
    if date > today and not future:
        raise typer.BadParameter(
            f"{text.strip()!r} is in the future ({date.isoformat()}): add --future to record "
            "a date after today"
        )
    return date.isoformat()


_SIGNED = re.compile(r"^\s*[-+]")
REFUND_HINT = (
    "amounts have no sign: for money received (a refund, income) use "
    "`pennywise tx add GROUP AMOUNT DESCRIPTION --income`; to correct an expense, "
    "`pennywise tx edit` it"
)


def parse_amount(text: str, option: str) -> str:
    """An amount as typed (a decimal string, checked by the core), refusing a sign."""
    if _SIGNED.match(text):
        raise typer.BadParameter(f"{text.strip()!r}: {REFUND_HINT}", param_hint=option)
    return text.strip()


def parse_rate_text(text: str, option: str) -> str:
    """A rate as typed (``0.92``): decimal text, checked by the core (at most 10
    significant digits, greater than zero); a sign is refused here."""
    if _SIGNED.match(text):
        raise typer.BadParameter(f"{text.strip()!r}: a rate has no sign", param_hint=option)
    return text.strip()


def looks_like_number(text: str) -> bool:
    """``-5``, ``-12.50``, ``-1,5``: a negative amount Click took for an option."""
    return bool(re.fullmatch(r"-[0-9]+([.,][0-9]*)?", text.strip()))


@dataclass(frozen=True)
class Pair:
    """One ``name[:value]`` item: a member as typed, and the number after the colon."""

    name: str
    value: str | None


def parse_pairs(values: Sequence[str], option: str) -> list[Pair]:
    """``["bob:2,carol:1", "dave"]`` → Bob 2, Carol 1, Dave None.

    Items are separated by commas (or given as repeated options); the value follows the
    last colon and must be a decimal number (``2``, ``12.50``).
    """
    pairs: list[Pair] = []
    for value in values:
        for raw in value.split(","):
            item = raw.strip()
            if not item:
                continue
            name, colon, number = item.rpartition(":")
            if not colon:
                name, parsed = item, None
            elif _NUMBER.match(number.strip()):
                name, parsed = name.strip(), number.strip()
            else:
                raise typer.BadParameter(
                    f"{number.strip()!r} in {item!r} is not a number", param_hint=option
                )
            if not name:
                raise typer.BadParameter(f"{item!r} names no member", param_hint=option)
            pairs.append(Pair(name, parsed))
    if not pairs and values:
        raise typer.BadParameter("names no member", param_hint=option)
    return pairs


def _require_values(pairs: Sequence[Pair], option: str, what: str) -> None:
    missing = [p.name for p in pairs if p.value is None]
    if missing:
        raise typer.BadParameter(
            f"give every member {what} as name:value (missing for {', '.join(missing)})",
            param_hint=option,
        )


@dataclass(frozen=True)
class SplitSpec:
    """How to split, with members as typed. ``entries`` None means every current member."""

    mode: str
    entries: list[Pair] | None
    extras: list[Pair]
    """``adjustment`` only: the per-member extras on top of the equal split."""


def parse_split(
    *,
    split: Sequence[str] = (),
    percent: Sequence[str] = (),
    exact: Sequence[str] = (),
    adjust: Sequence[str] = (),
) -> SplitSpec | None:
    """The split the options describe; None when none was given (the default split).

    ``--split a,b`` equal among them; ``--split a:2,b:1`` shares; ``--percent a:60,b:40``;
    ``--exact a:10.00,b:32.50``; ``--adjust a:5.00`` equal over everyone (or over the
    ``--split`` names) plus those extras.
    """
    split_pairs = parse_pairs(split, "--split")
    given = [name for name, v in (("--percent", percent), ("--exact", exact)) if v]
    weighted = any(p.value is not None for p in split_pairs)
    if weighted:
        given.insert(0, "--split name:share")
    if adjust:
        given.append("--adjust")
    if len(given) > 1:
        raise typer.BadParameter(f"use one split mode at a time, not {' and '.join(given)}")
    if percent:
        pairs = parse_pairs(percent, "--percent")
        _require_values(pairs, "--percent", "a percentage")
        return SplitSpec("percent", pairs, [])
    if exact:
        pairs = parse_pairs(exact, "--exact")
        _require_values(pairs, "--exact", "an amount")
        return SplitSpec("exact", pairs, [])
    if adjust:
        extras = parse_pairs(adjust, "--adjust")
        _require_values(extras, "--adjust", "an extra amount")
        return SplitSpec("adjustment", split_pairs or None, extras)
    if weighted:
        _require_values(split_pairs, "--split", "a share (or none of them)")
        return SplitSpec("shares", split_pairs, [])
    if split_pairs:
        return SplitSpec("equal", split_pairs, [])
    return None


def build_split(spec: SplitSpec, members: Sequence[JSON], member_id: Callable[[str], str]) -> JSON:
    """The API's ``split`` for ``spec``; ``member_id`` resolves a typed name to an id."""
    if spec.mode == "adjustment":
        base = (
            [member_id(p.name) for p in spec.entries]
            if spec.entries is not None
            else [str(m["id"]) for m in members]
        )
        extras = {member_id(p.name): p.value for p in spec.extras}
        ids = base + [m for m in extras if m not in base]
        entries: list[JSON] = []
        for mid in ids:
            entry: JSON = {"member_id": mid}
            if extras.get(mid) is not None:
                entry[SPLIT_VALUE_FIELD[SplitMode.ADJUSTMENT] or "amount"] = extras[mid]
            entries.append(entry)
        return {"mode": "adjustment", "entries": entries}
    assert spec.entries is not None
    field = SPLIT_VALUE_FIELD[SplitMode(spec.mode)]
    entries = []
    for pair in spec.entries:
        entry = {"member_id": member_id(pair.name)}
        if field is not None:
            entry[field] = pair.value
        entries.append(entry)
    return {"mode": spec.mode, "entries": entries}


def parse_payers(values: Sequence[str]) -> list[Pair]:
    """``--paid-by alice`` (pays all) or ``--paid-by alice:30,bob:12.50`` (several payers)."""
    pairs = parse_pairs(values, "--paid-by")
    if len(pairs) > 1:
        _require_values(pairs, "--paid-by", "the amount they paid")
    return pairs


def build_payers(pairs: Sequence[Pair], member_id: Callable[[str], str]) -> list[JSON]:
    """The API's ``paid_by`` for pairs from :func:`parse_payers`."""
    payers: list[JSON] = []
    for pair in pairs:
        payer: JSON = {"member_id": member_id(pair.name)}
        if pair.value is not None:
            payer["amount"] = pair.value
        payers.append(payer)
    return payers
