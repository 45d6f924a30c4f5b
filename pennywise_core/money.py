"""Money: currencies, exact parsing and formatting of amounts, and fair division.

An amount is an ``int`` number of *minor units* (cents, fils, yen) together with an
ISO 4217 currency whose *exponent* says how many decimals the major unit has: EUR 2, JPY 0,
BHD 3. No float ever holds money here. Amounts cross the boundary of the program as decimal
strings (``"12.34"``) and are parsed with a regular expression into integers, never through
``float`` and never through :class:`decimal.Decimal`, whose constructor happily accepts
``"NaN"``, ``"Infinity"``, ``"1e3"`` and ``"1_000"`` (see :func:`parse_amount`).

Dividing an amount (:func:`allocate`) uses the largest-remainder method on exact rationals,
so the parts always add up to the whole: 100.00 split three ways is 33.34 + 33.33 + 33.33.
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from types import MappingProxyType
from typing import Final, TypeAlias

import iso4217

from pennywise_core.errors import ValidationError

__all__ = [
    "MAX_MINOR_UNITS",
    "Currency",
    "Loc",
    "allocate",
    "format_amount",
    "get_currency",
    "parse_amount",
]

Loc: TypeAlias = str | tuple[str | int, ...]
"""Where a bad value sits in the caller's input: ``"amount"`` or ``("row", 17, "amount")``."""

MAX_MINOR_UNITS: Final = 10**15 - 1
"""The largest absolute amount :func:`parse_amount` accepts, in minor units.

Ten trillion euros is far beyond any real expense, so a bigger number is a typo or an
attack, not a purchase. The bound also keeps every derived number safe: balances are sums
of many amounts, and 10**15 leaves a factor of about 9 000 of headroom below the signed
64-bit ``BIGINT`` limit (about 9.2 * 10**18) in which they are stored; and it is below
2**53, so a JSON consumer that reads integers into doubles (JavaScript) still reads every
amount exactly.
"""

# Codes that ISO 4217 lists without a minor unit are not money, and are refused: XXX
# ("no currency involved": an amount in XXX can never be settled against a real currency),
# XTS (reserved for testing), the metals traded by weight (gold XAU, silver XAG, platinum
# XPT, palladium XPD), the IMF's SDR XDR, the bond-market units XBA..XBD, XSU and XUA
# (units of account between central banks). Inventing an exponent for them would be a
# guess. A source that books in XXX (ihatemoney) is read in the group's currency instead.
_NOT_MONEY: Final[Mapping[str, str]] = MappingProxyType(
    {
        "XXX": 'it is ISO 4217\'s code for "no currency"; book the amount in a real currency',
        "XTS": "it is ISO 4217's code reserved for testing",
    }
)


@dataclass(frozen=True, slots=True)
class Currency:
    """An ISO 4217 currency: its code, its minor-unit exponent and its English name."""

    code: str
    """Three upper-case letters, e.g. ``"EUR"``."""
    exponent: int
    """Number of decimals of the major unit: 2 for EUR (cents), 0 for JPY, 3 for BHD."""
    name: str
    """The ISO 4217 name, e.g. ``"Euro"``."""


def _load_currencies() -> tuple[Mapping[str, Currency], frozenset[str]]:
    """Build the code → :class:`Currency` table from the ``iso4217`` package.

    Returns the supported currencies and, separately, the codes ISO 4217 knows but that are
    deliberately unsupported, so :func:`get_currency` can tell "unknown" from "refused".
    """
    supported: dict[str, Currency] = {}
    refused: set[str] = set()
    for entry in iso4217.Currency:
        if entry.exponent is None:
            refused.add(entry.code)
        else:
            supported[entry.code] = Currency(entry.code, entry.exponent, entry.currency_name)
    return MappingProxyType(supported), frozenset(refused)


# Built once at import: this dict *is* the lookup cache. The table is small (about 180
# entries) and immutable, so there is nothing to evict and no reason to build it lazily.
_CURRENCIES, _REFUSED_CODES = _load_currencies()


def get_currency(code: str) -> Currency:
    """Return the currency with this ISO 4217 code, or raise a :class:`ValidationError`.

    Codes are matched exactly: ``"eur"`` is refused (the message suggests ``"EUR"``) rather
    than upper-cased. A currency code is an identifier that ends up in the database and in
    the per-currency balances; accepting several spellings here would invite a caller to
    store the spelling it received and split one currency's balances in two. Front ends
    that want to be lenient (the CLI) can upper-case before calling.
    """
    if not isinstance(code, str):
        raise ValidationError.at(
            "currency", f"must be an ISO 4217 code like 'EUR', not {_type_name(code)}"
        )
    currency = _CURRENCIES.get(code)
    if currency is not None:
        return currency
    if code in _REFUSED_CODES:
        why = _NOT_MONEY.get(code) or (
            "ISO 4217 defines no minor unit for it (precious metals, bond-market units and "
            "units of account such as XDR are refused)"
        )
        raise ValidationError.at("currency", f"currency {code!r} is not supported: {why}")
    hint = ""
    if code.upper() in _CURRENCIES:
        hint = f"; codes are upper case, did you mean {code.upper()!r}?"
    raise ValidationError.at(
        "currency", f"unknown currency code {_shown(code)!r} (ISO 4217 expected){hint}"
    )


_STORED_BEFORE: Final[Mapping[str, Currency]] = MappingProxyType(
    {code: Currency(code, 2, code) for code in _NOT_MONEY}
)
"""XXX and XTS were taken, with 2 decimals, before they were refused: amounts stored in them
still print (a list, an export), though no new amount can be entered in them."""


def _resolve(currency: str | Currency) -> Currency:
    if isinstance(currency, Currency):
        return currency
    return _CURRENCIES.get(currency) or _STORED_BEFORE.get(currency) or get_currency(currency)


# The one accepted spelling: an optional minus, ASCII digits, and optionally a point
# followed by at least one ASCII digit. `[0-9]` rather than `\d`, which would also match
# other scripts' digits such as "١٢". Used with fullmatch, so nothing may follow.
_AMOUNT_RE: Final = re.compile(r"(?P<minus>-)?(?P<whole>[0-9]+)(?:\.(?P<fraction>[0-9]+))?")

# Used only to explain a refusal; never to accept anything.
_NAN_OR_INFINITY_RE: Final = re.compile(r"[+-]?(s?nan|inf(inity)?)", re.IGNORECASE)
# Each pattern is written so that a string can match it in only one way: an ambiguous one
# such as "[0-9]+\.?[0-9]*" backtracks quadratically on a long run of digits.
_EXPONENT_RE: Final = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)e[+-]?[0-9]+", re.IGNORECASE)
# Digits grouped with separators ("1,234.56", "1 234", "1.000.000", "12,34").
_GROUPED_RE: Final = re.compile(r"[+-]?[0-9][0-9.,'_ \u00a0\u202f]*[0-9]")
_EXAMPLE: Final = 'a decimal string like "12.34"'
_MAX_DIGITS: Final = len(str(MAX_MINOR_UNITS))


def parse_amount(
    value: object,
    currency: str | Currency,
    *,
    field: Loc = "amount",
    signed: bool = False,
) -> int:
    """Parse a decimal string into an exact number of minor units of ``currency``.

    ``"12.34"`` EUR is 1234, ``"100"`` JPY is 100, ``"1.005"`` BHD is 1005 and ``"12.3"`` EUR
    is 1230. Every refusal is a :class:`ValidationError` located at ``field`` (a name or a
    path such as ``("row", 17, "amount")``) that says what is wrong; an unknown currency code
    is reported at ``"currency"``, because the amount itself is not what is wrong.

    The accepted spelling is deliberately narrow, so that a value means one thing only:

    * Only ``str`` is accepted. A JSON number may already have been rounded through a
      binary float by the time it reaches us (``0.1 + 0.2``), so numbers are refused rather
      than guessed at; so are ``bool`` and ``None``.
    * Surrounding whitespace is stripped. Inside, only ASCII digits and one ``.`` are
      allowed, with digits on both sides of the point (``".5"`` and ``"5."`` are refused).
    * No ``"+"`` sign: :func:`format_amount` never writes one, and one spelling per value
      keeps imports and comparisons simple. ``"-"`` is accepted only when ``signed`` is true.
    * No thousands separators (``"1,234.56"``, ``"1 234"``, ``"1_000"``) and no decimal
      comma: ``"1,234"`` means 1.234 in half of Europe and 1234 in the other half.
    * No ``NaN``, ``Infinity`` or exponent notation (``"1e3"``).
    * At most as many decimals as the currency has. Trailing zeros beyond that are
      accepted because they lose nothing (``"1500.00"`` JPY, as some bank exports write
      it, is 1500); a non-zero digit beyond it is refused, never rounded.
    * Leading zeros are accepted (``"007.50"`` is 750).
    * The magnitude is at most :data:`MAX_MINOR_UNITS`.
    """
    resolved = currency if isinstance(currency, Currency) else get_currency(currency)
    if not isinstance(value, str):
        raise ValidationError.at(field, _not_a_string(value))
    text = value.strip()
    # The common case first, without the regular expression: ASCII digits, maybe a point
    # and more ASCII digits, no more decimals than the currency has, not too large.
    whole, point, fraction = text.partition(".")
    if (
        whole.isdigit()
        and whole.isascii()
        and (not point or (fraction.isdigit() and fraction.isascii()))
    ):
        exponent = resolved.exponent
        fraction = fraction.rstrip("0")
        if len(fraction) <= exponent:
            digits = (whole + fraction.ljust(exponent, "0")).lstrip("0")
            if len(digits) <= _MAX_DIGITS:
                minor = int(digits) if digits else 0
                if minor <= MAX_MINOR_UNITS:
                    return minor
        # Too precise or too large: the general path below says which.
    if not text:
        raise ValidationError.at(field, f"must not be empty; expected {_EXAMPLE}")
    match = _AMOUNT_RE.fullmatch(text)
    if match is None:
        raise ValidationError.at(field, _why_malformed(text))
    if match["minus"] and not signed:
        raise ValidationError.at(field, f"must not be negative (got {_shown(text)!r})")

    # Work on the digit strings, not on int(text): this keeps the arithmetic exact and
    # bounds the size of the integers we build (Python refuses to convert strings of more
    # than 4 300 digits, and a megabyte of zeros should fail politely, not with that error).
    fraction = (match["fraction"] or "").rstrip("0")
    exponent = resolved.exponent
    if len(fraction) > exponent:
        raise ValidationError.at(field, f"{_decimals_allowed(resolved)} (got {_shown(text)!r})")
    digits = (match["whole"] + fraction.ljust(exponent, "0")).lstrip("0") or "0"
    if len(digits) > _MAX_DIGITS:  # only a guard against building a huge int
        raise _too_large(field, resolved)
    minor = int(digits)
    if minor > MAX_MINOR_UNITS:  # the actual rule
        raise _too_large(field, resolved)
    return -minor if match["minus"] else minor


def format_amount(minor: int, currency: str | Currency) -> str:
    """Write ``minor`` units of ``currency`` as the decimal string :func:`parse_amount` reads.

    Lossless and canonical: exactly ``exponent`` decimals, no ``"+"``, no separators.
    1234 EUR is ``"12.34"``, -5 EUR is ``"-0.05"``, 100 JPY is ``"100"``, 1005 BHD is
    ``"1.005"``. For any ``|minor| <= MAX_MINOR_UNITS``,
    ``parse_amount(format_amount(minor, c), c, signed=True) == minor``.

    Any integer is formatted (balances may exceed :data:`MAX_MINOR_UNITS`); a float or a bool
    is a programming error and raises :class:`TypeError` instead of producing a wrong string.
    """
    if isinstance(minor, bool) or not isinstance(minor, int):
        raise TypeError(f"minor units must be an int, not {type(minor).__name__}")
    resolved = _resolve(currency)
    sign = "-" if minor < 0 else ""
    if resolved.exponent == 0:
        return f"{sign}{abs(minor)}"
    whole, fraction = divmod(abs(minor), 10**resolved.exponent)
    return f"{sign}{whole}.{fraction:0{resolved.exponent}d}"


def allocate(
    total: int,
    weights: Sequence[int | Decimal | Fraction],
    *,
    field: Loc = "weights",
) -> list[int]:
    """Split ``total`` minor units into integer parts proportional to ``weights``.

    The parts always add up to ``total``, and each part is within one unit of its exact
    share ``total * w / sum(weights)``. This is the largest-remainder (Hamilton) method:
    every part first gets the floor of its exact share, and the units left over go, one
    each, to the parts with the largest fractional remainders. Equal remainders are broken
    by position: the lower index gets the extra unit, so the result is deterministic and
    callers control the tie-break by the order in which they list members.

    ``allocate(10000, [1, 1, 1]) == [3334, 3333, 3333]``.

    The method works on ``abs(total)`` and restores the sign at the end, so a refund is the
    exact mirror of the expense: ``allocate(-t, w) == [-p for p in allocate(t, w)]``.
    (Flooring a negative share directly would hand the extra units to different people.)

    A weight of zero always gets 0. Weights are taken as exact rationals, so
    ``Decimal("33.3")`` means exactly 333/10; floats are refused with :class:`TypeError`
    because a float weight is a programming error, not user input.

    Raises :class:`ValidationError` located at ``field`` for an empty list, a negative or
    non-finite weight (located at ``(field, index)``), or weights that are all zero.
    """
    if isinstance(total, bool) or not isinstance(total, int):
        raise TypeError(f"total must be an int, not {type(total).__name__}")
    if not weights:
        raise ValidationError.at(field, "must not be empty")
    magnitude = abs(total)
    count = len(weights)
    first = weights[0]
    if type(first) is int and first > 0 and all(type(w) is int and w == first for w in weights):
        # Equal weights (an equal split): every exact share is magnitude/count, so every
        # remainder is the same and the leftover units go to the lowest indices.
        floor, leftover = divmod(magnitude, count)
        parts = [floor + 1] * leftover + [floor] * (count - leftover)
        return parts if total >= 0 else [-part for part in parts]
    ratios = [_weight_as_ratio(weight, field, index) for index, weight in enumerate(weights)]
    if not any(numerator for numerator, _ in ratios):
        raise ValidationError.at(field, "at least one weight must be greater than zero")

    # Scale the rational weights to integers with a common denominator, so that each exact
    # share total*w/W is the integer division below: its quotient is the floor and its
    # remainder (over W) is the fractional part. Exact, and cheaper than Fraction maths.
    denominator = math.lcm(*(d for _, d in ratios))
    scaled = [n if d == denominator else n * (denominator // d) for n, d in ratios]
    weight_sum = sum(scaled)
    shares = [divmod(magnitude * weight, weight_sum) for weight in scaled]
    parts = [floor for floor, _ in shares]

    # The leftover equals the sum of the remainders divided by W, and every remainder is
    # below W, so fewer parts than have a non-zero remainder receive a unit: a zero weight
    # (remainder 0) never gets one, and no part moves a whole unit away from its share.
    leftover = magnitude - sum(parts)
    if leftover:
        by_largest_remainder = sorted(range(count), key=lambda index: (-shares[index][1], index))
        for index in by_largest_remainder[:leftover]:
            parts[index] += 1
    return parts if total >= 0 else [-part for part in parts]


def _weight_as_ratio(weight: object, field: Loc, index: int) -> tuple[int, int]:
    """``weight`` as ``(numerator, denominator)`` in lowest terms (exact), or the refusal."""
    if type(weight) is int:
        if weight < 0:
            raise ValidationError.at(_at(field, index), "must not be negative")
        return weight, 1
    if isinstance(weight, bool) or not isinstance(weight, int | Decimal | Fraction):
        raise TypeError(
            f"a weight must be an int, Decimal or Fraction, not {type(weight).__name__}"
        )
    if isinstance(weight, Decimal) and not weight.is_finite():
        raise ValidationError.at(_at(field, index), "must be a finite number")
    numerator, denominator = weight.as_integer_ratio()
    if numerator < 0:
        raise ValidationError.at(_at(field, index), "must not be negative")
    return numerator, denominator


def _at(field: Loc, index: int) -> tuple[str | int, ...]:
    return (field, index) if isinstance(field, str) else (*field, index)


def _not_a_string(value: object) -> str:
    if value is None:
        return f"is missing; expected {_EXAMPLE}"
    if isinstance(value, bool):
        return f"must be {_EXAMPLE}, not a boolean"
    if isinstance(value, numbers.Number):
        return f"must be {_EXAMPLE}, not a number"
    return f"must be {_EXAMPLE}, not {_type_name(value)}"


def _why_malformed(text: str) -> str:
    """Explain, as precisely as we can, why ``text`` is not an accepted amount."""
    shown = _shown(text)
    if _NAN_OR_INFINITY_RE.fullmatch(text):
        return f'must be a finite decimal like "12.34", not {shown!r}'
    if _EXPONENT_RE.fullmatch(text):
        return f"must not use exponent notation (got {shown!r}); write the digits out"
    if _GROUPED_RE.fullmatch(text):
        if "," in text:
            return (
                'must use "." as the decimal point and no thousands separators '
                f'(got {shown!r}, expected e.g. "1234.56")'
            )
        return f'must not contain digit separators (got {shown!r}, expected e.g. "1234.56")'
    if text.startswith("+") and _AMOUNT_RE.fullmatch(text[1:]):
        return f'must not have a "+" sign (got {shown!r})'
    return f"must be {_EXAMPLE} (got {shown!r})"


def _too_large(field: Loc, currency: Currency) -> ValidationError:
    largest = format_amount(MAX_MINOR_UNITS, currency)
    return ValidationError.at(field, f"is too large: at most {largest} {currency.code}")


def _decimals_allowed(currency: Currency) -> str:
    if currency.exponent == 0:
        return f"{currency.code} allows no decimals"
    plural = "decimal" if currency.exponent == 1 else "decimals"
    return f"{currency.code} allows at most {currency.exponent} {plural}"


def _shown(text: str, limit: int = 40) -> str:
    """``text`` cut to ``limit`` characters, so a huge bad value cannot bloat the message."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _type_name(value: object) -> str:
    return type(value).__name__
