"""Currencies, and exact parsing and formatting of amounts (pennywise_core.money)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import iso4217
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pennywise_core.errors import ValidationError
from pennywise_core.money import (
    MAX_MINOR_UNITS,
    Currency,
    format_amount,
    get_currency,
    parse_amount,
)

CODES = ["EUR", "JPY", "BHD", "CLF"]  # exponents 2, 0, 3, 4


def refusal(excinfo: pytest.ExceptionInfo[ValidationError]) -> tuple[tuple[str | int, ...], str]:
    """The single field error carried by a refusal: (loc, msg)."""
    (error,) = excinfo.value.errors
    return error.loc, error.msg


# --- currencies ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "exponent", "name"),
    [("EUR", 2, "Euro"), ("JPY", 0, "Yen"), ("BHD", 3, "Bahraini Dinar"), ("CLF", 4, None)],
)
def test_get_currency_reads_iso_4217(code: str, exponent: int, name: str | None) -> None:
    currency = get_currency(code)
    assert currency.code == code
    assert currency.exponent == exponent
    if name is not None:
        assert currency.name == name


def test_every_iso_currency_with_a_minor_unit_is_available() -> None:
    for entry in iso4217.Currency:
        if entry.exponent is not None:
            assert get_currency(entry.code).exponent == entry.exponent


@pytest.mark.parametrize(
    ("code", "why"),
    [("XXX", 'ISO 4217\'s code for "no currency"'), ("XTS", "reserved for testing")],
)
def test_no_currency_and_the_test_code_are_not_money(code: str, why: str) -> None:
    with pytest.raises(ValidationError) as excinfo:
        get_currency(code)
    loc, msg = refusal(excinfo)
    assert loc == ("currency",)
    assert msg.startswith(f"currency {code!r} is not supported: ")
    assert why in msg
    with pytest.raises(ValidationError):
        parse_amount("1.00", code)
    # Amounts stored in them before they were refused still print.
    assert format_amount(150, code) == "1.50"


def test_get_currency_is_cached() -> None:
    assert get_currency("EUR") is get_currency("EUR")


def test_unknown_currency_code() -> None:
    with pytest.raises(ValidationError) as excinfo:
        get_currency("ABC")
    assert refusal(excinfo) == (("currency",), "unknown currency code 'ABC' (ISO 4217 expected)")
    assert str(excinfo.value) == "currency: unknown currency code 'ABC' (ISO 4217 expected)"


def test_lower_case_code_is_refused_with_a_hint() -> None:
    with pytest.raises(ValidationError) as excinfo:
        get_currency("eur")
    loc, msg = refusal(excinfo)
    assert loc == ("currency",)
    assert "did you mean 'EUR'?" in msg


@pytest.mark.parametrize("code", ["XAU", "XAG", "XDR", "XBA"])
def test_codes_without_a_minor_unit_are_refused(code: str) -> None:
    with pytest.raises(ValidationError) as excinfo:
        get_currency(code)
    loc, msg = refusal(excinfo)
    assert loc == ("currency",)
    assert f"{code!r} is not supported" in msg


@pytest.mark.parametrize("code", [None, 978, b"EUR"])
def test_a_code_must_be_a_string(code: object) -> None:
    with pytest.raises(ValidationError) as excinfo:
        get_currency(code)  # type: ignore[arg-type]
    assert refusal(excinfo)[0] == ("currency",)


# --- parsing -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code", "minor"),
    [
        ("12.34", "EUR", 1234),
        ("12.3", "EUR", 1230),
        ("12", "EUR", 1200),
        ("0.01", "EUR", 1),
        ("0", "EUR", 0),
        ("100", "JPY", 100),
        ("1.005", "BHD", 1005),
        ("1.5", "BHD", 1500),
        ("  12.34\n", "EUR", 1234),  # surrounding whitespace is stripped
        ("007.50", "EUR", 750),  # leading zeros are harmless
        ("12.340", "EUR", 1234),  # so are trailing zeros: nothing is lost
        ("1500.00", "JPY", 1500),
        ("9999999999999.99", "EUR", MAX_MINOR_UNITS),
        ("999999999999999", "JPY", MAX_MINOR_UNITS),
    ],
)
def test_parse_amount(text: str, code: str, minor: int) -> None:
    assert parse_amount(text, code) == minor
    assert parse_amount(text, get_currency(code)) == minor


@pytest.mark.parametrize(("text", "minor"), [("-5.00", -500), ("-0.05", -5), ("-0", 0)])
def test_parse_signed_amount(text: str, minor: int) -> None:
    assert parse_amount(text, "EUR", signed=True) == minor


@pytest.mark.parametrize(
    ("value", "code", "reason"),
    [
        (12.34, "EUR", 'must be a decimal string like "12.34", not a number'),
        (12, "EUR", 'must be a decimal string like "12.34", not a number'),
        (Decimal("12.34"), "EUR", 'must be a decimal string like "12.34", not a number'),
        (Fraction(1, 2), "EUR", 'must be a decimal string like "12.34", not a number'),
        (True, "EUR", "not a boolean"),
        (None, "EUR", "is missing"),
        (["12.34"], "EUR", "not list"),
        ("", "EUR", "must not be empty"),
        ("   ", "EUR", "must not be empty"),
        ("12.345", "EUR", "EUR allows at most 2 decimals"),
        ("12.001", "EUR", "EUR allows at most 2 decimals"),
        ("1.5", "JPY", "JPY allows no decimals"),
        ("1.0005", "BHD", "BHD allows at most 3 decimals"),
        ("NaN", "EUR", "must be a finite decimal"),
        ("-Infinity", "EUR", "must be a finite decimal"),
        ("inf", "EUR", "must be a finite decimal"),
        ("1e3", "EUR", "must not use exponent notation"),
        ("1.5E-2", "EUR", "must not use exponent notation"),
        ("1,234.56", "EUR", "no thousands separators"),
        ("12,34", "EUR", 'must use "." as the decimal point'),
        ("1_000", "EUR", "must not contain digit separators"),
        ("1 000", "EUR", "must not contain digit separators"),
        ("1'000", "EUR", "must not contain digit separators"),
        ("+5", "EUR", 'must not have a "+" sign'),
        ("-5.00", "EUR", "must not be negative"),
        (".5", "EUR", 'must be a decimal string like "12.34"'),
        ("5.", "EUR", 'must be a decimal string like "12.34"'),
        ("12.34 EUR", "EUR", 'must be a decimal string like "12.34"'),
        ("٣", "EUR", 'must be a decimal string like "12.34"'),  # Arabic-Indic digit
        ("0x10", "EUR", 'must be a decimal string like "12.34"'),
        ("10000000000000.00", "EUR", "is too large: at most 9999999999999.99 EUR"),
        ("1000000000000000", "JPY", "is too large: at most 999999999999999 JPY"),
        ("9" * 5000, "EUR", "is too large"),  # far beyond Python's int-from-str limit
    ],
)
def test_parse_amount_refusals_name_the_field_and_the_reason(
    value: object, code: str, reason: str
) -> None:
    with pytest.raises(ValidationError) as excinfo:
        parse_amount(value, code)
    loc, msg = refusal(excinfo)
    assert loc == ("amount",)
    assert reason in msg
    assert str(excinfo.value).startswith("amount: ")


def test_refusal_quotes_the_bad_value_but_not_all_of_a_huge_one() -> None:
    with pytest.raises(ValidationError) as excinfo:
        parse_amount("1,5" + "0" * 10_000, "EUR")
    _, msg = refusal(excinfo)
    assert "'1,500" in msg
    assert len(msg) < 200


def test_parse_amount_reports_at_the_given_field() -> None:
    with pytest.raises(ValidationError) as excinfo:
        parse_amount(1.5, "EUR", field="price")
    assert refusal(excinfo)[0] == ("price",)
    with pytest.raises(ValidationError) as excinfo:
        parse_amount("abc", "EUR", field=("row", 17, "amount"))
    assert refusal(excinfo)[0] == ("row", 17, "amount")
    assert str(excinfo.value).startswith("row.17.amount: ")


def test_parse_amount_reports_an_unknown_currency_at_currency() -> None:
    with pytest.raises(ValidationError) as excinfo:
        parse_amount("12.34", "ABC")
    assert refusal(excinfo) == (("currency",), "unknown currency code 'ABC' (ISO 4217 expected)")


@given(st.text(max_size=30), st.sampled_from(CODES), st.booleans())
def test_parse_amount_either_returns_minor_units_or_refuses(
    text: str, code: str, signed: bool
) -> None:
    try:
        minor: int | None = parse_amount(text, code, signed=signed)
    except ValidationError as error:
        minor, locs = None, [e.loc for e in error.errors]
    if minor is None:
        assert locs == [("amount",)]  # nothing but a ValidationError, at the field
    else:
        assert abs(minor) <= MAX_MINOR_UNITS
        assert signed or minor >= 0


# --- formatting ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("minor", "code", "text"),
    [
        (1234, "EUR", "12.34"),
        (-5, "EUR", "-0.05"),
        (0, "EUR", "0.00"),
        (100, "EUR", "1.00"),
        (100, "JPY", "100"),
        (-100, "JPY", "-100"),
        (1005, "BHD", "1.005"),
        (1, "CLF", "0.0001"),
        (10**20, "EUR", "1000000000000000000.00"),  # balances may exceed MAX_MINOR_UNITS
    ],
)
def test_format_amount(minor: int, code: str, text: str) -> None:
    assert format_amount(minor, code) == text
    assert format_amount(minor, get_currency(code)) == text


@pytest.mark.parametrize("minor", [12.34, True, Decimal(1), "1234"])
def test_format_amount_refuses_non_integers(minor: object) -> None:
    with pytest.raises(TypeError):
        format_amount(minor, "EUR")  # type: ignore[arg-type]


def test_format_amount_unknown_currency() -> None:
    with pytest.raises(ValidationError):
        format_amount(1, "ABC")


@given(st.integers(-MAX_MINOR_UNITS, MAX_MINOR_UNITS), st.sampled_from(CODES))
def test_format_then_parse_round_trips(minor: int, code: str) -> None:
    assert parse_amount(format_amount(minor, code), code, signed=True) == minor


@given(st.integers(0, MAX_MINOR_UNITS), st.sampled_from(CODES))
def test_unsigned_round_trip(minor: int, code: str) -> None:
    assert parse_amount(format_amount(minor, code), code) == minor


@given(st.decimals(min_value=-(10**12), max_value=10**12, places=2))
def test_parse_agrees_with_decimal_on_plain_strings(value: Decimal) -> None:
    text = f"{value:f}"
    assert parse_amount(text, "EUR", signed=True) == int(value * 100)


def test_currency_is_a_plain_value() -> None:
    assert get_currency("EUR") == Currency("EUR", 2, "Euro")
    with pytest.raises(AttributeError):
        get_currency("EUR").exponent = 3  # type: ignore[misc]


@pytest.mark.parametrize("tail", ["x", "e", ".5e", ",5x", "1_0x"])
def test_a_long_malformed_value_is_refused_in_linear_time(tail: str) -> None:
    # A regular expression that can match a run of digits in many ways would take
    # minutes here (quadratic backtracking); this must return at once.
    with pytest.raises(ValidationError):
        parse_amount("1" * 200_000 + tail, "EUR")
