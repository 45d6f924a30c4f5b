"""Where each value is in a bank's CSV: the one definition of the ``bank-csv`` mapping.

The core's importer reads a file with it, the API takes it as the ``bank_mapping`` field
(``BankMappingIn`` on the wire, the same model), and the CLI builds it from a mapping file
and its flags. Every error it gives names the field as the API does: ``bank_mapping.<key>``.

Light on purpose (pydantic and the money table, no SQLAlchemy): the CLI checks a mapping
before it talks to a server.
"""

from __future__ import annotations

import codecs
import uuid
from collections.abc import Mapping
from typing import Annotated, Any, Literal, Self

import pydantic
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from pennywise_core.errors import FieldError, ValidationError
from pennywise_core.money import get_currency

FIELD = "bank_mapping"
"""The mapping's name in every error (and the API's form field)."""

Column = Annotated[
    str | int,
    Field(description="A column: its header text (case-insensitive) or its 0-based position."),
]
Person = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
"""A member of the group: their id, or their name (an id given as a ``UUID`` is taken too)."""
Shares = Annotated[str, StringConstraints(pattern=r"^[0-9]{1,9}(\.[0-9]{1,6})?$")]
CurrencyCode = Annotated[
    str, StringConstraints(strip_whitespace=True, to_upper=True, pattern=r"^[A-Za-z]{3}$")
]


class BankMapping(BaseModel):
    """Where each value is in a bank's CSV, and who pays and shares its rows (``bank-csv``).

    Money out (a negative amount, or a debit) is an expense ``paid_by`` paid; money in is
    income they received; both are split by ``split``.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    date: Column
    description: Column
    amount: Column | None = Field(
        default=None, description="One signed amount column; or give `debit` and/or `credit`."
    )
    debit: Column | None = None
    credit: Column | None = None
    date_format: str = Field(
        default="%Y-%m-%d", min_length=2, max_length=50, description="A `strptime` format."
    )
    currency: CurrencyCode | None = Field(
        default=None, description="One currency for every row (default: the group's)."
    )
    currency_column: Column | None = None
    category: Column | None = None
    id_column: Column | None = Field(
        default=None,
        description="The bank's unique reference for a row, if it has one: the most stable "
        "import key.",
    )
    delimiter: str = Field(default=",", min_length=1, max_length=1)
    decimal: Literal[".", ","] = "."
    thousands: Literal["", ".", ",", " ", "'"] = ""
    encoding: str = Field(default="utf-8-sig", min_length=1, max_length=40)
    skip_lines: int = Field(
        default=0, ge=0, le=1000, description="Lines above the header (account details)."
    )
    paid_by: Person | None = Field(
        default=None, description="A member id or name (default: your member)."
    )
    split: list[Person] | dict[str, Shares] | None = Field(
        default=None,
        description="Members sharing equally (a list of ids or names), or "
        '`{"id or name": "shares"}`; default: every current member, equally.',
    )
    negative_is_expense: bool = Field(
        default=True,
        description="With one `amount` column: whether a negative amount is money out.",
    )

    @field_validator("encoding")
    @classmethod
    def _known_encoding(cls, value: str) -> str:
        try:
            codecs.lookup(value)
        except LookupError:
            raise ValueError(f"unknown text encoding {value!r}") from None
        return value

    @field_validator("currency")
    @classmethod
    def _known_currency(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            return get_currency(value).code
        except ValidationError as exc:
            raise ValueError(exc.errors[0].msg if exc.errors else exc.detail) from None

    @field_validator("paid_by", "split", mode="before")
    @classmethod
    def _ids_as_text(cls, value: Any) -> Any:
        """Members may be given as ``UUID`` objects (from Python) and shares as numbers (a
        TOML mapping file's ``{ me = 1, Bob = 2 }``); both travel as text."""
        if isinstance(value, uuid.UUID):
            return str(value)
        if isinstance(value, list | tuple):
            return [str(p) if isinstance(p, uuid.UUID) else p for p in value]
        if isinstance(value, Mapping):
            return {
                str(p) if isinstance(p, uuid.UUID) else p: _shares_text(w) for p, w in value.items()
            }
        return value

    @classmethod
    def problems(cls, data: Mapping[str, Any]) -> list[FieldError]:
        """What is wrong with the keys ``data`` gives (unknown keys, bad values), one error
        per key, leaving out the keys it does not give: for part of a mapping (a mapping
        file that the command line completes)."""
        try:
            cls.model_validate(dict(data))
        except pydantic.ValidationError as exc:
            return [e for e in _errors(exc) if e.loc[1:] and e.loc[1] in data]
        return []

    @classmethod
    def parse(cls, data: Mapping[str, Any]) -> Self:
        """A mapping from plain data (a mapping file, the CLI's flags, JSON), with every
        problem as a :class:`ValidationError` naming ``bank_mapping.<key>``."""
        try:
            mapping = cls.model_validate(dict(data))
        except pydantic.ValidationError as exc:
            errors = _errors(exc)
            detail = str(errors[0]) if len(errors) == 1 else f"{len(errors)} bank mapping errors"
            raise ValidationError(detail, errors) from None
        mapping.check()
        return mapping

    def check(self) -> None:
        """The rules between fields (each field's own are checked when it is made)."""
        errors = []
        if self.amount is None and self.debit is None and self.credit is None:
            errors.append(FieldError((FIELD, "amount"), "give an amount column or debit/credit"))
        if self.amount is not None and (self.debit is not None or self.credit is not None):
            errors.append(
                FieldError((FIELD, "amount"), "give an amount column or debit/credit, not both")
            )
        if self.thousands == self.decimal:
            errors.append(FieldError((FIELD, "thousands"), "must differ from the decimal mark"))
        if isinstance(self.split, Mapping):
            errors += [
                FieldError(
                    (FIELD, "split", person),
                    f"{shares!r} is not a share: give a positive decimal number like 2",
                )
                for person, shares in self.split.items()
                if not any(c in "123456789" for c in shares)
            ]
        if errors:
            raise ValidationError(str(errors[0]), errors)


def _shares_text(value: Any) -> Any:
    """A number of shares as its text (``2`` → ``"2"``; a float by its shortest repr, which
    the pattern then checks); anything else as given."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return repr(value)
    return value


_TYPE_TAGS = frozenset({"str", "int", "list", "dict", "none"})


def _errors(exc: pydantic.ValidationError) -> list[FieldError]:
    """One error per key (each member of a union fails on its own), the first of each."""
    found: dict[tuple[str | int, ...], FieldError] = {}
    for error in map(_field_error, exc.errors()):
        found.setdefault(error.loc, error)
    # A union's other member failing as a whole says less than this one failing inside.
    return [
        e
        for e in found.values()
        if not any(len(o) > len(e.loc) and o[: len(e.loc)] == e.loc for o in found)
    ]


def _field_error(error: Any) -> FieldError:
    """A pydantic error as ``bank_mapping.<key>[.<member>]``, without pydantic's type tags."""
    loc = tuple(
        part
        for part in error["loc"]
        if not (isinstance(part, str) and (part in _TYPE_TAGS or "[" in part))
    )
    kind = error["type"]
    if kind == "extra_forbidden":
        keys = ", ".join(BankMapping.model_fields)
        return FieldError((FIELD, *loc), f"is not a mapping key (its keys: {keys})")
    if kind == "missing":
        return FieldError((FIELD, *loc), "is required")
    message = str(error["msg"]).removeprefix("Value error, ")
    given = repr(error.get("input"))
    return FieldError((FIELD, *loc), message if given in message else f"{message}, not {given}")
