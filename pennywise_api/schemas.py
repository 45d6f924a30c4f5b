"""Request shapes that exist only at the HTTP boundary (the core takes keyword arguments).

Candidates to move into :mod:`pennywise_core.schemas` when the CLI wants them too.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from pennywise_core.bank_mapping import BankMapping
from pennywise_core.schemas import CurrencyCode, IsoDate


class SettleUpRecord(BaseModel):
    """Which suggestion to record: one currency or all, dated today unless given; or, with
    ``in``, every currency settled in one after a conversion at the rates of ``rates_date``."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    currency: CurrencyCode | None = None
    date: IsoDate | None = None
    in_: CurrencyCode | None = Field(default=None, alias="in")
    rates_date: IsoDate | None = None


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


class BankMappingIn(BankMapping):
    # The core's BankMapping under the name the API (and so the SDK) has always given it.
    __doc__ = BankMapping.__doc__
