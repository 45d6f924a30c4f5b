"""What routes declare in ``responses=``: problem statuses and the headers they set."""

from __future__ import annotations

from typing import Any

from pennywise_api.problems import problem_responses

__all__ = ["headers", "problem_responses"]

_HEADERS: dict[str, dict[str, Any]] = {
    "ETag": {
        "description": 'The version of the resource, `"<version>"`: send it back as '
        "`If-Match` to update or delete only if nobody changed it since.",
        "schema": {"type": "string"},
    },
    "Location": {
        "description": "The URL of the created resource.",
        "schema": {"type": "string"},
    },
    "Cache-Control": {
        "description": "`no-store`: the response holds credentials.",
        "schema": {"type": "string"},
    },
}


def headers(*names: str) -> dict[str, Any]:
    """A response entry declaring these headers: ``{201: headers("ETag", "Location")}``."""
    return {"headers": {name: _HEADERS[name] for name in names}}
