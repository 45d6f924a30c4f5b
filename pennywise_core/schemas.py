"""Input and output shapes of the services, separate from the ORM.

One family per resource: ``XCreate`` (input, ``extra="forbid"``), ``XUpdate`` (every field
optional; services apply ``model_dump(exclude_unset=True)``) and ``XRead`` (output).
Amounts travel as decimal strings; services turn them into integer minor units with
:func:`pennywise_core.money.parse_amount`, where the currency is known and a precise error
can name the field.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import (
    AfterValidator,
    AliasChoices,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    EmailStr,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    StrictBool,
    StrictInt,
    StringConstraints,
    WithJsonSchema,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, core_schema

from pennywise_core import passwords
from pennywise_core import text as text_rules
from pennywise_core.models import Role, SplitMode, TransactionKind

MAX_ENTRIES = 500
"""Most members one transaction may name (payers or split entries)."""


def _no_numbers(value: Any) -> Any:
    # JSON numbers are floats in many languages: 0.1 + 0.2 is not 0.3. Money must arrive as
    # text so that what the user typed is exactly what we store.
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        raise ValueError('must be a decimal string like "12.34", not a number')
    return value


DecimalStr = Annotated[
    str,
    BeforeValidator(_no_numbers),
    StringConstraints(strip_whitespace=True, min_length=1, max_length=40),
]
"""An amount, share or percentage as text; checked against its currency by the services."""

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _iso_date(value: Any) -> Any:
    # JSON has no date type: a date travels as "YYYY-MM-DD", as the schema says. pydantic
    # would also take a number, or a string of digits, as a Unix timestamp: "date": 0 would
    # quietly be 1970-01-01. Python callers may pass a date.
    if isinstance(value, dt.date) or (isinstance(value, str) and _ISO_DATE.fullmatch(value)):
        return value
    raise ValueError('must be a date as "YYYY-MM-DD"')


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]
"""A calendar date as ``"YYYY-MM-DD"`` (or a :class:`datetime.date`), never a timestamp."""


def _whole(value: Any) -> Any:
    # JSON Schema's "integer" is any number with a zero fraction: 250.0 is one (and is what
    # some JSON encoders write), 250.5 is not. Strings and booleans stay refused.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


WholeNumber = Annotated[StrictInt, BeforeValidator(_whole)]
"""An integer as JSON Schema means it: ``250`` or ``250.0``, never ``"250"`` or ``true``."""


@dataclass(frozen=True, slots=True)
class CleanText:
    """A text field's metadata: refuse control characters (:func:`pennywise_core.text.check`)
    and say so in the JSON Schema (its ``pattern``). ``multiline`` also takes tab and line
    breaks. Put it after any ``StringConstraints``: the text is checked once stripped."""

    multiline: bool = False

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        check = functools.partial(text_rules.check, multiline=self.multiline)
        return core_schema.no_info_after_validator_function(check, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        json_schema = handler(schema)
        json_schema["pattern"] = (
            text_rules.LINES_PATTERN if self.multiline else text_rules.LINE_PATTERN
        )
        return json_schema


LINE = CleanText()
"""One line of text: no control character, tab or line break."""
LINES = CleanText(multiline=True)
"""Text of several lines: tab and line breaks allowed, no other control character."""

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100), LINE]
CurrencyCode = Annotated[
    str,
    StringConstraints(strip_whitespace=True, to_upper=True, pattern=r"^[A-Za-z]{3}$"),
]


WEIGHT_PATTERN = r"^(?=[0-9.]*[1-9])[0-9]{1,9}(\.[0-9]{1,6})?$"
"""A positive plain decimal: at most 9 digits before the point and 6 after, and a digit
other than 0 somewhere (the lookahead), so the schema refuses "0" and "0.000" as the
validator does."""
_WEIGHT = re.compile(WEIGHT_PATTERN)


def _weight_text(value: Any) -> Any:
    # A plain decimal, bounded: "1e999999999" is a valid Decimal of 11 characters that
    # would print as a billion digits (exports print weights in fixed-point notation).
    value = _no_numbers(value)
    if isinstance(value, str) and not _WEIGHT.fullmatch(value):
        if re.fullmatch(r"[0.]+", value):
            raise ValueError("must be a positive number")
        raise ValueError(
            'must be a plain decimal like "1" or "1.5" (at most 9 digits before the point '
            "and 6 after)"
        )
    return value


def _positive_weight(value: Decimal) -> Decimal:
    # Python callers may pass a Decimal, which skips the text check.
    if not value.is_finite() or value <= 0:
        raise ValueError("must be a positive number")
    return value


Weight = Annotated[
    Decimal,
    BeforeValidator(_weight_text),
    AfterValidator(_positive_weight),
    # What the validators take, stated: a string (a JSON number is refused), not the
    # "number or string" pydantic would declare for a Decimal.
    WithJsonSchema(
        {"type": "string", "pattern": WEIGHT_PATTERN, "examples": ["1", "1.5"]},
        mode="validation",
    ),
]
"""A member's default weight in shares splits: a positive decimal string."""


class Input(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Output(BaseModel):
    model_config = ConfigDict(from_attributes=True)


# --- users ----------------------------------------------------------------------------


NewPassword = Annotated[
    str,
    Field(
        min_length=passwords.MIN_LENGTH,
        max_length=passwords.MAX_LENGTH,
        description=f"{passwords.MIN_LENGTH} to {passwords.MAX_LENGTH} characters, any "
        "Unicode, never truncated; not one of the most common passwords.",
    ),
]
"""A password being chosen. The schema states the policy's length bounds; the policy
(:func:`pennywise_core.passwords.check_policy`) still applies them to the NFKC form and
refuses common passwords."""


class UserCreate(Input):
    model_config = ConfigDict(extra="forbid", frozen=True, hide_input_in_errors=True)

    email: EmailStr
    password: NewPassword
    display_name: Name


class UserRead(Output):
    id: uuid.UUID
    email: str
    display_name: str
    created_at: dt.datetime


class UserUpdate(Input):
    """What you may change of your account: your display name."""

    display_name: Name


class UserRenamed(Output):
    """Your account after a rename, and the groups where your member kept its old name
    (another member there has the new one, or your role may not rename members)."""

    user: UserRead
    unchanged_in: list[str]


# --- groups and members ---------------------------------------------------------------


class GroupCreate(Input):
    name: Name
    default_currency: CurrencyCode = "EUR"


class GroupUpdate(Input):
    name: Name | None = None
    default_currency: CurrencyCode | None = None
    archived: StrictBool | None = None


class GroupRead(Output):
    id: uuid.UUID
    name: str
    default_currency: str
    archived: bool
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime
    my_role: Role
    my_member_id: uuid.UUID


class MemberCreate(Input):
    """A placeholder: ``display_name``, or ``email`` to invite that person to claim it."""

    display_name: Name | None = None
    """The member's name in the group; with an ``email``, by default its local part."""
    email: EmailStr | None = None
    """Invite the person with this email: they join as this member when they accept (the
    answer is the same whether or not an account has the email)."""
    role: Role = Role.MEMBER
    weight: Weight = Decimal(1)


class MemberUpdate(Input):
    display_name: Name | None = None
    role: Role | None = None
    weight: Weight | None = None


class MemberRead(Output):
    id: uuid.UUID
    group_id: uuid.UUID
    user_id: uuid.UUID | None
    display_name: str
    role: Role
    weight: Decimal
    is_placeholder: bool
    created_at: dt.datetime


# --- transactions ---------------------------------------------------------------------


class PayerIn(Input):
    member_id: uuid.UUID
    amount: DecimalStr | None = None
    """May be left out when there is one payer: they paid everything."""


class SplitEntryIn(Input):
    member_id: uuid.UUID
    shares: DecimalStr | None = None
    percent: DecimalStr | None = None
    amount: DecimalStr | None = None


class SplitIn(Input):
    mode: SplitMode = SplitMode.EQUAL
    entries: list[SplitEntryIn] | None = Field(default=None, max_length=MAX_ENTRIES)
    """Who shares the cost. ``None`` means every current member (``equal`` only)."""


Description = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), LINE
]
Category = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50), LINE
]
Notes = Annotated[str, StringConstraints(max_length=5000), LINES]
CategoryFilter = Annotated[str, StringConstraints(max_length=50), LINE]
"""``?category=``: the category of the transactions to list."""
SearchText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=100), LINE]
"""``?search=``: a piece of the description or the notes."""
SEARCH_ALIASES = AliasChoices("search", "text")
"""``search``, and ``text``: its older name, still accepted."""


def _id_prefix(value: str) -> str:
    digits = value.replace("-", "").lower()
    if not digits:
        raise ValueError("must have at least one hex digit")
    if len(digits) > 32:
        raise ValueError("an id has 32 hex digits; this has more")
    return digits


IdPrefix = Annotated[
    str,
    StringConstraints(pattern=r"^[0-9A-Fa-f-]{1,36}$"),
    AfterValidator(_id_prefix),
]
"""``?id_prefix=``: the start of a transaction id, 1 to 32 hex digits (dashes ignored, as in
``3f2a9c1e`` or ``3f2a9c1e-5b``); kept as lowercase digits without dashes."""


class TransactionCreate(Input):
    group_id: uuid.UUID
    kind: TransactionKind = TransactionKind.EXPENSE
    description: Description
    amount: DecimalStr
    currency: CurrencyCode | None = None
    """Defaults to the group's currency."""
    date: IsoDate | None = None
    """Defaults to today (UTC)."""
    category: Category | None = None
    notes: Notes | None = None
    paid_by: list[PayerIn] | None = Field(default=None, min_length=1, max_length=MAX_ENTRIES)
    """Defaults to the acting user's member paying everything."""
    split: SplitIn | None = None
    """Defaults to an equal split over every current member."""
    import_key: Annotated[str, StringConstraints(max_length=200), LINE] | None = None
    convert: StrictBool = False
    """Entered in ``currency``, booked in the group's currency: the amount is converted at
    ``rate``, or else at the group's rate for ``date``, or else the reference rate; the
    transaction keeps what was entered and the rate (``conversion``)."""
    rate: DecimalStr | None = None
    """``1 currency = rate <group currency>`` for this transaction (implies ``convert``)."""


class TransactionUpdate(Input):
    kind: TransactionKind | None = None
    description: Description | None = None
    amount: DecimalStr | None = None
    currency: CurrencyCode | None = None
    date: IsoDate | None = None
    category: Category | None = None
    notes: Notes | None = None
    paid_by: list[PayerIn] | None = Field(default=None, min_length=1, max_length=MAX_ENTRIES)
    split: SplitIn | None = None
    rate: DecimalStr | None = None
    """A new rate for a converted transaction (its booked amount is computed again)."""


class EntryRead(BaseModel):
    member_id: uuid.UUID
    paid: str
    owed: str


class PayerRead(BaseModel):
    member_id: uuid.UUID
    amount: str


class SplitEntryRead(BaseModel):
    member_id: uuid.UUID
    shares: str | None = None
    percent: str | None = None
    amount: str | None = None


class SplitRead(BaseModel):
    mode: SplitMode
    entries: list[SplitEntryRead]


class ConversionRead(BaseModel):
    """What was entered, when a transaction was booked in another currency than entered."""

    amount: str
    """The amount as entered, in ``currency``."""
    currency: str
    rate: str
    """``1 currency = rate <the transaction's currency>``."""
    rate_source: str
    """``manual`` (given with the transaction, or the group's rate) or ``ECB``."""
    rate_date: dt.date
    """The day the rate is for (set for, or published on)."""


class RateUsed(BaseModel):
    """The rate an answer converted with: which, from where, for which day."""

    currency: str
    base: str
    rate: str
    """``1 currency = rate base``."""
    source: str
    """``manual`` (the group's own rate) or ``ECB`` (the bundled reference rates)."""
    valid_from: dt.date
    """The day the rate was set for or published on; it is the latest on or before the
    day asked for."""


class ExchangeRead(BaseModel):
    """A conversion's batch: the transactions (one per currency) that moved every balance
    into ``into`` at ``rates`` on ``date``, recorded together and deleted together."""

    batch_id: uuid.UUID
    into: str
    date: dt.date
    rates: list[RateUsed]


class TransactionRead(BaseModel):
    id: uuid.UUID
    group_id: uuid.UUID
    kind: TransactionKind
    description: str
    amount: str
    currency: str
    date: dt.date
    category: str | None
    notes: str | None
    paid_by: list[PayerRead]
    split: SplitRead
    entries: list[EntryRead]
    version: int
    created_by: uuid.UUID | None
    created_at: dt.datetime
    updated_at: dt.datetime
    deleted: bool
    conversion: ConversionRead | None = None
    """Set when the amount was entered in another currency and converted."""
    exchange: ExchangeRead | None = None
    """Set for a ``conversion``: its batch, target currency and rates."""


class TransactionFilter(Input):
    """Filters for listing transactions; every one is optional and they combine with AND."""

    group_id: uuid.UUID | None = None
    date_from: IsoDate | None = None
    date_to: IsoDate | None = None
    member_id: uuid.UUID | None = None
    category: CategoryFilter | None = None
    search: SearchText | None = Field(default=None, validation_alias=SEARCH_ALIASES)
    """In the description or the notes, any case (``text=``: the older name)."""
    kind: TransactionKind | None = None
    deleted: Literal["exclude", "include", "only"] = "exclude"
    id_prefix: IdPrefix | None = None
    """Only transactions whose id starts with these hex digits (``tx show 3f2a9c1e``)."""


T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None
    """Pass back as ``cursor`` to get the next page; ``None`` on the last page."""


# --- balances, settle-up, activity, summary -------------------------------------------


class BalanceRead(BaseModel):
    member_id: uuid.UUID
    display_name: str
    currency: str
    balance: str


class BalanceDrift(BaseModel):
    member_id: uuid.UUID
    currency: str
    stored: str
    computed: str


class VerifyReport(BaseModel):
    ok: bool
    drift: list[BalanceDrift]
    repaired: bool


class TransferRead(BaseModel):
    from_member_id: uuid.UUID
    to_member_id: uuid.UUID
    amount: str
    currency: str


class SettlementRead(BaseModel):
    transfers: list[TransferRead]
    proven_minimal: bool
    converted_to: str | None = None
    """With ``in=``: the one currency every balance was converted to first."""
    rates: list[RateUsed] = []
    """With ``in=``: the rate each other currency was converted at."""


# --- exchange rates -------------------------------------------------------------------


class RateSet(Input):
    """A group's own rate for a currency: ``1 currency = rate <the group's currency>``."""

    currency: CurrencyCode
    rate: DecimalStr
    """Decimal text with at most 10 significant digits, e.g. ``"0.9194"``."""
    valid_from: IsoDate | None = None
    """The first day it applies to (until a later rate of the currency); default today."""


class RateRead(Output):
    id: uuid.UUID
    group_id: uuid.UUID
    currency: str
    base: str
    """The group's currency."""
    rate: str
    valid_from: dt.date
    created_by: uuid.UUID | None
    created_at: dt.datetime


class ConvertedBalances(BaseModel):
    """Every member's balance over all currencies, converted to one (``in=``); the
    converted balances sum to exactly zero."""

    currency: str
    date: dt.date
    """The day whose rates were used."""
    balances: list[BalanceRead]
    rates: list[RateUsed]


class ActivityRead(Output):
    id: uuid.UUID
    group_id: uuid.UUID
    actor_id: uuid.UUID | None
    action: str
    target_type: str
    target_id: uuid.UUID
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    created_at: dt.datetime


class EventRead(Output):
    """One thing a group's listeners are told, as the event stream and webhooks send it."""

    id: str
    """Its position in the group's stream (``Last-Event-ID`` resumes after it)."""
    type: str
    """One of :data:`pennywise_core.vocabulary.EVENT_TYPES`."""
    group_id: uuid.UUID
    actor_id: uuid.UUID | None
    target_type: str
    target_id: uuid.UUID
    data: dict[str, Any]
    """The thing changed, as the API answers with it (a transaction as ``GET
    /transactions/{id}`` gives it; an import its report's totals)."""
    created_at: dt.datetime


class SummaryRow(BaseModel):
    period: str | None
    """``YYYY-MM`` when grouped by month."""
    category: str | None
    currency: str
    spent: str
    """Your share of the expenses (what you owe of them, whoever paid)."""
    received: str
    """Your share of the money received (income, refunds), whoever got it."""
    net: str
    """``received − spent``: positive when more came in than went out."""


class SummaryRead(BaseModel):
    by: Literal["month", "category"]
    rows: list[SummaryRow]
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    group_id: uuid.UUID | None = None
    """The filters the totals were made with (None: all dates, all your groups)."""
