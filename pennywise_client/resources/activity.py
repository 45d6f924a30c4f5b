"""``pw.activity``: a group's activity log, paged."""

from __future__ import annotations

from pennywise_client._generated.api.activity import activity_list
from pennywise_client._generated.models import ActivityRead
from pennywise_client._resource import (
    DEFAULT_PAGE_SIZE,
    Call,
    Id,
    Paged,
    _async_list,
    _AsyncResource,
    _id,
    _or,
    _renamed,
    _Resource,
    _sync_list,
)


class ActivityCalls:
    @staticmethod
    def list(
        group_id: Id, *, limit: int | None = None, page_size: int | None = None
    ) -> Paged[ActivityRead]:
        """The group's activity log, newest first, every page in turn. ``limit``: items per
        request (default 100); ``page_size`` is its older name."""
        gid = _id(group_id)
        size = _renamed(limit, page_size, "limit", "page_size") or DEFAULT_PAGE_SIZE
        return Paged(
            lambda cursor: Call(
                activity_list, {"group_id": gid, "limit": size, "cursor": _or(cursor)}
            )
        )


class Activity(_Resource):
    list = _sync_list(ActivityCalls.list)


class AsyncActivity(_AsyncResource):
    list = _async_list(ActivityCalls.list)
