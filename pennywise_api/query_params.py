"""An unknown query parameter is a 422 naming it, on every route of the API.

Without this a misspelt or guessed filter (``?search=`` where the route took ``?text=``)
is ignored, and the answer looks right while it is not. FastAPI can forbid extra query
parameters only for a route that takes them as one pydantic model (``extra="forbid"``);
this is one app-wide dependency instead, so every route keeps its plain parameters: it
compares the request's query names with those the route declares (its own and its
dependencies', aliases included) and raises the framework's own validation error, which
the 422 problem handler reports like any other bad input (``loc: ["query", name]``).

Routes left out of the OpenAPI document (the Swagger UI page and its OAuth2 redirect,
``/metrics``) are not checked: they are not the API, and the redirect takes what an
identity provider sends.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.dependencies.models import Dependant
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import AliasChoices, BaseModel

_CACHE = "_pennywise_query_params"  # the route's names, worked out at its first request


def declared_query_params(route: APIRoute) -> frozenset[str]:
    """Every query parameter name ``route`` accepts, with the aliases it also takes."""
    found: frozenset[str] | None = getattr(route, _CACHE, None)
    if found is not None:
        return found
    names: set[str] = set()
    for field in (f for d in _tree(route.dependant) for f in d.query_params):
        names.add(field.alias)
        alias = field.field_info.validation_alias
        if isinstance(alias, AliasChoices):
            names.update(choice for choice in alias.choices if isinstance(choice, str))
        elif isinstance(alias, str):
            names.add(alias)
        model = field.field_info.annotation
        if isinstance(model, type) and issubclass(model, BaseModel):  # a query model
            names.update(f.alias or name for name, f in model.model_fields.items())
    found = frozenset(names)
    setattr(route, _CACHE, found)
    return found


def _tree(dependant: Dependant) -> list[Dependant]:
    """The dependant and all its dependencies, depth first."""
    found = [dependant]
    for sub in dependant.dependencies:
        found += _tree(sub)
    return found


async def reject_unknown_query_params(request: Request) -> None:
    """422 for any query parameter the matched route does not declare."""
    if not request.query_params:
        return
    route = request.scope.get("route")
    if not isinstance(route, APIRoute) or not route.include_in_schema:
        return
    known = declared_query_params(route)
    unknown = [name for name in dict.fromkeys(request.query_params.keys()) if name not in known]
    if not unknown:
        return
    takes = ", ".join(sorted(known)) if known else "none"
    raise RequestValidationError(
        [
            {
                "type": "extra_forbidden",
                "loc": ("query", name),
                "msg": f"unknown query parameter (this operation takes: {takes})",
            }
            for name in unknown
        ]
    )
