"""Input and output shapes of authentication, API tokens and invites.

Inputs forbid unknown fields; a token in clear appears only in the ``…Created`` and
:class:`TokenPair` shapes, the one response that hands it over.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from pennywise_core.models import Role
from pennywise_core.schemas import LINE, Input, Name, NewPassword, Output, WholeNumber

Scope = Literal["read", "write"]


class TokenPair(BaseModel):
    """What a sign-in or a refresh returns (the OAuth2 token response shape)."""

    access_token: str
    refresh_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 (not a secret)
    expires_in: int
    """Seconds until the access token expires."""


# --- personal API tokens --------------------------------------------------------------------


class ApiTokenCreate(Input):
    name: Name
    scope: Scope = "read"
    expires_in_days: WholeNumber = Field(default=90, ge=1, le=365)


class ApiTokenRead(Output):
    id: uuid.UUID
    name: str
    scope: Scope
    prefix: str
    """The token's first characters, to tell tokens apart; never enough to use one."""
    created_at: dt.datetime
    expires_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked: bool


class ApiTokenCreated(ApiTokenRead):
    token: str
    """The token itself. Shown this once: only its hash is kept."""


# --- invites --------------------------------------------------------------------------------


class InviteCreate(Input):
    member_id: uuid.UUID
    """The placeholder member the invited person will become."""
    expires_in_hours: WholeNumber = Field(default=7 * 24, ge=1, le=30 * 24)


class InviteRead(Output):
    id: uuid.UUID
    group_id: uuid.UUID
    member_id: uuid.UUID
    expires_at: dt.datetime


class InviteCreated(InviteRead):
    token: str
    """The invite token (``pwi_…``). Shown this once: only its hash is kept."""


class InviteAccept(Input):
    token: Annotated[str, StringConstraints(min_length=1, max_length=200), LINE]


class InviteReceived(BaseModel):
    """An invite addressed to your email: accept it to join the group as that member."""

    id: uuid.UUID
    group_id: uuid.UUID
    group_name: str
    member_id: uuid.UUID
    display_name: str
    """The member you would become (with whatever is booked on them)."""
    role: Role
    invited_by: str | None
    """The display name of whoever invited you (None if their account is gone)."""
    expires_at: dt.datetime


# --- passwords ------------------------------------------------------------------------------

PASSWORD_INPUT_MAX_LENGTH = 1024
"""The longest password taken to *check* (sign-in, the current password on a change). No
account can have a longer one (new passwords stop at 128 characters), and refusing it
before hashing keeps the cost of a request out of the sender's hands."""
EMAIL_MAX_LENGTH = 320
"""The longest email address taken as a sign-in name (64 for the local part, @, 255)."""
SignInName = Annotated[str, StringConstraints(min_length=1, max_length=EMAIL_MAX_LENGTH), LINE]
"""The ``username`` of the token form: an email, one line of clean text."""


class PasswordChange(Input):
    model_config = ConfigDict(extra="forbid", frozen=True, hide_input_in_errors=True)

    current_password: str = Field(min_length=1, max_length=PASSWORD_INPUT_MAX_LENGTH)
    new_password: NewPassword
