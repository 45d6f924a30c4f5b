"""``pw.users``: your account, renaming yourself, and your spending summary."""

from __future__ import annotations

from pennywise_client._generated.api.users import users_me, users_summary, users_update_me
from pennywise_client._generated.models import SummaryRead, UserRead, UserRenamed, UserUpdate
from pennywise_client._generated.models.users_summary_by import UsersSummaryBy
from pennywise_client._generated.types import UNSET
from pennywise_client._resource import (
    Call,
    DateLike,
    Id,
    _async,
    _AsyncResource,
    _date,
    _opt_id,
    _Resource,
    _sync,
)


class UserCalls:
    @staticmethod
    def me() -> Call[UserRead]:
        """The account the token belongs to."""
        return Call(users_me)

    @staticmethod
    def update_me(*, display_name: str) -> Call[UserRenamed]:
        """Rename yourself: your account, and your member in each of your groups where it
        still has the old name (``unchanged_in``: the groups where it was kept)."""
        return Call(users_update_me, {"body": UserUpdate(display_name=display_name)})

    @staticmethod
    def summary(
        by: UsersSummaryBy = "month",
        *,
        date_from: DateLike | None = None,
        date_to: DateLike | None = None,
        group_id: Id | None = None,
    ) -> Call[SummaryRead]:
        """Your share of spending and of money received per currency (``spent``,
        ``received``, ``net``), ``by`` ``"month"`` or ``"category"``; ``date_from`` and
        ``date_to`` (inclusive) and ``group_id`` narrow it."""
        return Call(
            users_summary,
            {
                "by": by,
                "date_from": UNSET if date_from is None else _date(date_from),
                "date_to": UNSET if date_to is None else _date(date_to),
                "group_id": _opt_id(group_id),
            },
        )


class Users(_Resource):
    me = _sync(UserCalls.me)
    update_me = _sync(UserCalls.update_me)
    summary = _sync(UserCalls.summary)


class AsyncUsers(_AsyncResource):
    me = _async(UserCalls.me)
    update_me = _async(UserCalls.update_me)
    summary = _async(UserCalls.summary)
