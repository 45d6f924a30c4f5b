"""Exchange rates as pure maths: parsing, exact conversion, zero-sum conversion of
balances, and the bundled ECB reference rates read as text."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pennywise_core.errors import NotFoundError, ValidationError
from pennywise_core.money import get_currency
from pennywise_core.rates import (
    ReferenceRates,
    convert_amount,
    convert_balances,
    install_reference_file,
    parse_rate,
    reference_file,
    reference_rates,
)

EUR, USD, JPY, BHD = (get_currency(c) for c in ("EUR", "USD", "JPY", "BHD"))


class TestParseRate:
    @pytest.mark.parametrize(
        ("text", "value"),
        [("0.9194", "0.9194"), ("158.3", "158.3"), ("1", "1"), ("1.2500000000", "1.25")],
    )
    def test_decimal_text_is_read_exactly(self, text: str, value: str) -> None:
        assert parse_rate(text) == Decimal(value)

    @pytest.mark.parametrize(
        ("value", "message"),
        [
            (0.92, "not a number"),
            ("1e3", "is not a rate"),
            ("-1", "is not a rate"),
            ("NaN", "is not a rate"),
            (" 1", "is not a rate"),
            ("0.000", "greater than zero"),
            ("1.2345678901", "11 significant digits"),
        ],
    )
    def test_anything_else_is_refused_naming_the_field(self, value: object, message: str) -> None:
        with pytest.raises(ValidationError) as caught:
            parse_rate(value, field="rate")
        assert caught.value.errors[0].loc == ("rate",)
        assert message.replace("not a number", "a number") in str(caught.value)


class TestConvertAmount:
    def test_exact_product_rounded_once_half_even(self) -> None:
        assert convert_amount(2000, USD, Decimal("0.9"), EUR) == 1800
        # 5 yen at 0.005 is 2.5 cents: to the even 2; 15 yen is 7.5 cents: to 8.
        assert convert_amount(5, JPY, Decimal("0.005"), EUR) == 2
        assert convert_amount(15, JPY, Decimal("0.005"), EUR) == 8
        # exponents on both sides: 1.234 BHD at 2.5 EUR is 3.085 EUR, half-even 3.08.
        assert convert_amount(1234, BHD, Decimal("2.5"), EUR) == 308
        assert convert_amount(100, EUR, Decimal("158.3"), JPY) == 158


class TestConvertBalances:
    def test_largest_remainder_keeps_the_sum_at_zero(self) -> None:
        a, b, c = sorted(uuid.uuid4() for _ in range(3))
        # 1.00, -0.50, -0.50 USD at 0.333: exactly 0.333, -0.1665, -0.1665 EUR. Floors
        # 0.33, -0.17, -0.17 leave one cent; the largest remainder (0.0035, tie: b before c)
        # takes it.
        got = convert_balances({"USD": {a: 100, b: -50, c: -50}}, {"USD": Decimal("0.333")}, EUR)
        assert got == {a: 33, b: -16, c: -17}

    def test_currencies_are_summed_before_rounding(self) -> None:
        a, b = uuid.uuid4(), uuid.uuid4()
        got = convert_balances(
            {"EUR": {a: 1000, b: -1000}, "JPY": {a: -500, b: 500}},
            {"JPY": Decimal("0.0061")},
            EUR,
        )
        assert got == {a: 695, b: -695}  # 10.00 − 500 × 0.0061 = 6.95

    @given(
        st.lists(
            st.tuples(
                st.sampled_from(["USD", "JPY", "BHD", "GBP"]),
                st.lists(st.integers(-(10**9), 10**9), min_size=1, max_size=6),
                st.decimals(min_value="0.0001", max_value="9999", places=4),
            ),
            min_size=1,
            max_size=4,
            unique_by=lambda t: t[0],
        )
    )
    def test_any_zero_sum_ledgers_convert_to_zero_sum_within_a_unit(self, ledgers) -> None:
        members = [uuid.UUID(int=i + 1) for i in range(7)]
        balances = {}
        rates = {}
        for code, amounts, rate in ledgers:
            column = dict(zip(members, amounts, strict=False))
            column[members[len(amounts)]] = -sum(amounts)  # every ledger sums to zero
            balances[code] = column
            rates[code] = rate
        got = convert_balances(balances, rates, EUR)
        assert sum(got.values()) == 0
        for member, value in got.items():
            exact = sum(
                Fraction(col.get(member, 0))
                * Fraction(rates[code])
                * Fraction(10**2, 10 ** get_currency(code).exponent)
                for code, col in balances.items()
            )
            assert abs(value - exact) < 1


SAMPLE = """Date,USD,JPY,GBP,CYP,
2024-01-03,1.0919,155.52,0.86285,N/A,
2024-01-02,1.0956,155.34,0.86760,N/A,
1999-01-04,1.1789,133.73,0.7111,0.58231,
"""


class TestReferenceRates:
    def test_the_day_asked_for_or_the_last_published_before_it(self) -> None:
        ref = ReferenceRates(SAMPLE, name="sample")
        on_day = ref.quote("EUR", "USD", dt.date(2024, 1, 2))
        assert (on_day.rate, on_day.valid_from, on_day.source) == (
            Decimal("1.0956"),
            dt.date(2024, 1, 2),
            "ECB",
        )
        saturday = ref.quote("EUR", "USD", dt.date(2024, 1, 6))
        assert (saturday.rate, saturday.valid_from) == (Decimal("1.0919"), dt.date(2024, 1, 3))

    def test_other_pairs_are_cross_rates_of_ten_significant_digits(self) -> None:
        ref = ReferenceRates(SAMPLE, name="sample")
        usd_in_eur = ref.quote("USD", "EUR", dt.date(2024, 1, 3)).rate
        assert usd_in_eur == Decimal("0.9158347834")  # 1 / 1.0919 = 0.91583478340…
        gbp_in_usd = ref.quote("GBP", "USD", dt.date(2024, 1, 3)).rate
        assert gbp_in_usd == Decimal("1.265457496")  # 1.0919 / 0.86285 = 1.26545749550…

    def test_no_rate_names_the_currency_and_the_day(self) -> None:
        ref = ReferenceRates(SAMPLE, name="sample")
        with pytest.raises(NotFoundError, match=r"no rate for USD in EUR on 1998-12-31"):
            ref.quote("USD", "EUR", dt.date(1998, 12, 31))
        with pytest.raises(NotFoundError, match=r"do not quote XAF"):
            ref.quote("XAF", "EUR", dt.date(2024, 1, 3))
        with pytest.raises(NotFoundError, match=r"no rate for CYP in EUR on 2024-01-03"):
            ref.quote("CYP", "EUR", dt.date(2024, 1, 3))  # quoted in 1999, not since

    def test_the_bundled_history_is_the_ecbs_from_1999(self) -> None:
        ref = reference_rates()
        assert ref.first_day == dt.date(1999, 1, 4)
        assert ref.last_day >= dt.date(2026, 10, 30)
        # The ECB's first fixing: 1 EUR = 1.1789 USD (4 January 1999).
        assert ref.quote("EUR", "USD", dt.date(1999, 1, 4)).rate == Decimal("1.1789")


class TestRefresh:
    def test_a_history_is_installed_and_used(self, tmp_path, monkeypatch) -> None:
        monkeypatch.setenv("PENNYWISE_HOME", str(tmp_path))
        monkeypatch.delenv("PENNYWISE_RATES_FILE", raising=False)
        bundled = reference_rates()
        installed = install_reference_file(SAMPLE.encode())
        assert reference_file() == tmp_path / "eurofxref-hist.zip"
        assert reference_rates().last_day == installed.last_day == dt.date(2024, 1, 3)
        assert reference_rates().last_day != bundled.last_day

    def test_anything_else_is_refused_and_changes_nothing(self, tmp_path, monkeypatch) -> None:
        monkeypatch.setenv("PENNYWISE_HOME", str(tmp_path))
        monkeypatch.delenv("PENNYWISE_RATES_FILE", raising=False)
        for junk in (b"<html>Service unavailable</html>", b"Date\n", b"PK\x03\x04broken"):
            with pytest.raises(ValidationError, match="not an ECB reference rates history"):
                install_reference_file(junk)
        assert not (tmp_path / "eurofxref-hist.zip").exists()
        assert reference_file().name == "eurofxref-hist.zip"  # the bundled one
        assert reference_file().parent != tmp_path
