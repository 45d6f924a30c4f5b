"""Input schemas take what their JSON schema says, and nothing pydantic would coerce.

schemathesis (``tests/api/test_schemathesis.py``) sends values that violate the declared
schema and expects them refused; these are the cases it found, pinned down at the core.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from pennywise_core.auth_schemas import ApiTokenCreate, InviteCreate
from pennywise_core.schemas import (
    WEIGHT_PATTERN,
    GroupUpdate,
    MemberCreate,
    MemberUpdate,
    TransactionCreate,
    TransactionFilter,
    TransactionUpdate,
)


class TestWeight:
    @pytest.mark.parametrize(
        ("text", "value"),
        [("1", Decimal(1)), ("2", Decimal(2)), ("0.5", Decimal("0.5")), ("123456789.123456", None)],
    )
    def test_plain_decimals(self, text: str, value: Decimal | None) -> None:
        weight = MemberCreate(display_name="A", weight=text).weight
        assert weight == (value if value is not None else Decimal(text))
        assert MemberUpdate(weight=text).weight == weight

    @pytest.mark.parametrize(
        "weight",
        [
            2,
            2.5,
            Decimal(2),  # numbers: JSON numbers are floats somewhere
            "1e999999999",  # 11 characters, a billion digits in fixed-point notation
            "1E3",
            " 2",
            "+2",
            ".5",
            "2.",
            "NaN",
            "Infinity",
            "0",
            "0.000",
            "1234567890",
            "1.1234567",
            "",
            "٣",  # a digit, but not an ASCII one
        ],
    )
    def test_refused(self, weight: Any) -> None:
        with pytest.raises(ValidationError):
            MemberCreate(display_name="A", weight=weight)
        with pytest.raises(ValidationError):
            MemberUpdate(weight=weight)

    def test_the_schema_says_string(self) -> None:
        declared = MemberCreate.model_json_schema()["properties"]["weight"]
        assert declared["type"] == "string"
        assert declared["pattern"] == WEIGHT_PATTERN


class TestDates:
    @pytest.mark.parametrize("value", [0, 1700000000, "0", "1700000000", "2026-1-5", "5/1/2026"])
    def test_a_timestamp_or_another_spelling_is_not_a_date(self, value: Any) -> None:
        group_id = uuid.uuid4()
        with pytest.raises(ValidationError):
            TransactionCreate(group_id=group_id, description="x", amount="1", date=value)
        with pytest.raises(ValidationError):
            TransactionUpdate(date=value)
        with pytest.raises(ValidationError):
            TransactionFilter(date_from=value)

    @pytest.mark.parametrize("value", ["2026-01-05", dt.date(2026, 1, 5)])
    def test_iso_dates_and_python_dates(self, value: Any) -> None:
        assert TransactionUpdate(date=value).date == dt.date(2026, 1, 5)
        assert TransactionFilter(date_to=value).date_to == dt.date(2026, 1, 5)


class TestStrictScalars:
    @pytest.mark.parametrize("value", [0, 1, "true", "false", "yes"])
    def test_archived_is_a_boolean(self, value: Any) -> None:
        with pytest.raises(ValidationError):
            GroupUpdate(archived=value)
        assert GroupUpdate(archived=True).archived is True

    @pytest.mark.parametrize("value", ["30", 30.5, True])
    def test_lifetimes_are_integers(self, value: Any) -> None:
        with pytest.raises(ValidationError):
            ApiTokenCreate(name="x", expires_in_days=value)
        with pytest.raises(ValidationError):
            InviteCreate(member_id=uuid.uuid4(), expires_in_hours=value)
        assert ApiTokenCreate(name="x", expires_in_days=30).expires_in_days == 30
        # JSON Schema's integer: a number with a zero fraction is one.
        assert ApiTokenCreate(name="x", expires_in_days=30.0).expires_in_days == 30
