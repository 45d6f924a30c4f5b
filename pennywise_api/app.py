"""The application factory: ``uvicorn pennywise_api.app:create_app --factory``.

With no configuration the app opens the embedded SQLite database (created at the latest
revision on first use) and serves ``/api/v1``; ``PENNYWISE_*`` settings point it at
PostgreSQL, set the JWT secret, CORS origins and the rest (see
:class:`pennywise_core.settings.Settings`). The process keeps no state of its own: any
number of them on one database behave like one.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.middleware import Middleware

from pennywise_api import metrics, scheduler
from pennywise_api import webhooks as webhook_worker
from pennywise_api.deps import API_PREFIX, IdempotentReplay, replay_handler
from pennywise_api.docs import install_docs
from pennywise_api.logs import configure_logging, get_logger
from pennywise_api.middleware import (
    REQUEST_ID_HEADER,
    BodySizeLimitMiddleware,
    DatabaseRetryMiddleware,
    RequestContextMiddleware,
    SettingsMiddleware,
)
from pennywise_api.problems import (
    install_exception_handlers,
    problem_responses,
    problem_schemas,
)
from pennywise_api.query_params import reject_unknown_query_params
from pennywise_api.rate_limits import RateLimitMiddleware
from pennywise_api.routers import (
    activity,
    api_tokens,
    auth,
    balances,
    events,
    exports,
    groups,
    health,
    imports,
    invites,
    members,
    rates,
    recurring,
    settle_up,
    transactions,
    users,
    webhooks,
)
from pennywise_core import __version__, ratelimit, tokens
from pennywise_core.db import open_database, session_factory
from pennywise_core.settings import Settings, get_settings

TITLE = "Pennywise"
DESCRIPTION = """\
Shared and personal expenses: groups, members, transactions in every split mode, balances
and the fewest transfers that settle them.

* Authenticate with `POST /api/v1/auth/token` (OAuth2 password form, `username` is the
  email) and send `Authorization: Bearer <access_token>`; or use a personal API token.
* Amounts are decimal strings (`"12.34"`) with their ISO 4217 currency; a JSON number is
  refused.
* Errors are `application/problem+json` (RFC 9457) with a `request_id`.
* Creating POSTs accept `Idempotency-Key`, except those that return a new secret (API
  tokens, invites and webhooks), which never store their response; groups and transactions carry an
  `ETag`, and their PATCH and DELETE take `If-Match`.
* Imports are multipart uploads to `POST /api/v1/groups/{group_id}/imports` (all or
  nothing; a dry run writes nothing), up to the server's `PENNYWISE_MAX_IMPORT_BYTES`;
  `GET /api/v1/groups/{group_id}/export` streams the group as a file.
"""

ROUTERS = (
    auth.router,
    api_tokens.router,
    users.router,
    groups.router,
    members.router,
    invites.group_router,
    invites.router,
    balances.router,
    rates.router,
    events.router,
    settle_up.router,
    activity.router,
    imports.router,
    exports.router,
    recurring.router,
    transactions.router,
    webhooks.router,
)


def operation_id(route: APIRoute) -> str:
    """``<tag>_<name>``, e.g. ``groups_create``: the generated client's method names."""
    prefix = f"{route.tags[0]}_" if route.tags else ""
    return f"{prefix}{route.name}".replace("-", "_")


def create_app(settings: Settings | None = None, *, engine: AsyncEngine | None = None) -> FastAPI:
    """Build the app.

    ``engine``: an engine the caller owns (tests, an embedding program). The app then uses
    it as it is, without checking the schema and without disposing of it. Otherwise the
    lifespan opens ``settings.database_url`` with :func:`~pennywise_core.db.open_database`
    (refusing a schema that is behind, and in production an empty database too) and
    disposes of the engine on shutdown.

    ``settings``: what the app and every core service it calls read (through
    :func:`~pennywise_core.settings.get_settings`, see
    :class:`~pennywise_api.middleware.SettingsMiddleware`); default the environment's.

    Outside development, an unusable JWT secret stops the app here, before it serves.
    """
    given = settings
    settings = settings or get_settings()
    tokens.check_secret(settings)
    configure_logging()

    def use_engine(app: FastAPI, engine: AsyncEngine) -> None:
        app.state.engine = engine
        app.state.session_maker = session_factory(engine)
        app.state.rate_limiter = ratelimit.from_settings(settings, engine)
        if settings.metrics_enabled:
            metrics.instrument_pool(engine)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if engine is not None:
            try:
                yield
            finally:
                await _close_rate_limiter(app)
            return
        # Production never migrates at start: `pennywise db upgrade` is the one-shot step
        # (several workers creating one schema at once is what that step prevents).
        create = settings.environment != "production"
        opened = await open_database(settings.database_url, create=create)
        use_engine(app, opened)
        get_logger().info("database open", url=opened.url.render_as_string(hide_password=True))
        try:
            async with (
                scheduler.running(
                    opened,
                    settings.recurring_interval_seconds,
                    retention_days=settings.events_retention_days,
                ),
                webhook_worker.running(opened, settings),
            ):
                yield
        finally:
            app.state.session_maker = None
            await _close_rate_limiter(app)
            await opened.dispose()

    # Outermost first. The request id and the access log wrap everything; the metrics see
    # every answer (429 and 503 included); the rate limit decides before the body is read
    # and outside the database retry, so a request run again is counted once.
    middleware = [
        Middleware(RequestContextMiddleware),
        Middleware(
            RateLimitMiddleware,
            settings=settings,
            exempt=[
                *(route.path for route in health.router.routes if isinstance(route, APIRoute)),
                metrics.METRICS_PATH,
            ],
        ),
        Middleware(BodySizeLimitMiddleware, routes=[imports.body_limit(settings)]),
        Middleware(DatabaseRetryMiddleware),
    ]
    if settings.metrics_enabled:
        middleware.insert(1, Middleware(metrics.MetricsMiddleware))
    if settings.cors_origins:
        middleware.insert(
            0,
            Middleware(
                CORSMiddleware,
                allow_origins=settings.cors_origins,
                allow_methods=["GET", "POST", "PATCH", "DELETE"],
                allow_headers=[
                    "Authorization",
                    "Content-Type",
                    "Idempotency-Key",
                    "If-Match",
                    REQUEST_ID_HEADER,
                ],
                expose_headers=[
                    "ETag",
                    "Location",
                    "Retry-After",
                    REQUEST_ID_HEADER,
                    "Idempotent-Replayed",
                ],
                max_age=600,
            ),
        )

    if given is not None:  # else the core reads the environment, as the app did
        middleware.insert(0, Middleware(SettingsMiddleware, settings=given))
    app = FastAPI(
        title=TITLE,
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        swagger_ui_oauth2_redirect_url=None,
        generate_unique_id_function=operation_id,
        middleware=middleware,
        dependencies=[Depends(reject_unknown_query_params)],
    )
    app.state.settings = settings
    app.state.engine = None
    app.state.session_maker = None
    app.state.rate_limiter = None
    if engine is not None:
        use_engine(app, engine)

    install_exception_handlers(app)
    app.add_exception_handler(IdempotentReplay, replay_handler)
    for router in ROUTERS:
        # Any route may answer 429 (RateLimitMiddleware), and any that touches the database
        # 503 (DatabaseRetryMiddleware).
        app.include_router(router, prefix=API_PREFIX, responses=problem_responses(429, 503))
    app.include_router(health.router)
    if settings.metrics_enabled:
        metrics.install_metrics(app, settings)
    install_docs(app)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app


async def _close_rate_limiter(app: FastAPI) -> None:
    limiter = app.state.rate_limiter
    app.state.rate_limiter = None
    if limiter is not None:
        await limiter.close()


def _openapi(app: FastAPI) -> dict[str, Any]:
    """FastAPI's schema plus the problem+json schemas the error responses refer to."""
    if app.openapi_schema is None:
        schema = get_openapi(
            title=app.title,
            version=app.version,
            openapi_version=app.openapi_version,
            description=app.description,
            routes=app.routes,
            tags=app.openapi_tags,
        )
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components.update(problem_schemas())
        _mark_binary_uploads(components)
        schema["components"]["schemas"] = dict(sorted(components.items()))
        app.openapi_schema = schema
    return app.openapi_schema


def _mark_binary_uploads(components: dict[str, Any]) -> None:
    """Give uploaded files ``format: binary`` beside OpenAPI 3.1's ``contentMediaType``.

    Pydantic describes an ``UploadFile`` the 3.1 way only; client generators (ours
    included) recognise a file by ``format: binary``, and would send a plain string.
    """
    for model in components.values():
        for prop in model.get("properties", {}).values():
            if prop.get("type") == "string" and (
                prop.get("contentMediaType") == "application/octet-stream"
            ):
                prop.setdefault("format", "binary")
