"""Request shapes that exist only at the HTTP boundary (the core takes keyword arguments).

Candidates to move into :mod:`pennywise_core.schemas` when the CLI wants them too.
"""

from __future__ import annotations

import codecs
import uuid
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from pennywise_core.imports import BankMapping
from pennywise_core.schemas import CurrencyCode, IsoDate


class SettleUpRecord(BaseModel):
    """Which suggestion to record: one currency or all, dated today unless given."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    currency: CurrencyCode | None = None
    date: IsoDate | None = None


class HealthRead(BaseModel):
    status: Literal["ok"]


class ReadinessRead(BaseModel):
    status: Literal["ready"]
    revision: str


class RefreshTokenIn(BaseModel):
    """A refresh token, to rotate (``/auth/refresh``) or to end its session (``/auth/logout``)."""

    model_config = ConfigDict(extra="forbid", frozen=True, hide_input_in_errors=True)

    refresh_token: str = Field(min_length=1, max_length=200)


class GoogleSignIn(BaseModel):
    """A Google ID token, from Google Identity Services in the client."""

    model_config = ConfigDict(extra="forbid", frozen=True, hide_input_in_errors=True)

    id_token: str = Field(min_length=1, max_length=8192)


# --- imports --------------------------------------------------------------------------------

Column = Annotated[
    str | int,
    Field(description="A column: its header text (case-insensitive) or its 0-based position."),
]
Person = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
"""A member of the group: their id, or their name."""
Shares = Annotated[str, StringConstraints(pattern=r"^[0-9]{1,9}(\.[0-9]{1,6})?$")]


def _person(value: str) -> str | uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        return value


class BankMappingIn(BaseModel):
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

    def to_core(self) -> BankMapping:
        fields = self.model_dump(exclude={"paid_by", "split"})
        split: list[str | uuid.UUID] | dict[str | uuid.UUID, str] | None
        if isinstance(self.split, dict):
            split = {_person(k): v for k, v in self.split.items()}
        elif self.split is not None:
            split = [_person(p) for p in self.split]
        else:
            split = None
        return BankMapping(
            **fields,
            paid_by=_person(self.paid_by) if self.paid_by is not None else None,
            split=split,
        )
