"""The dependencies every router shares: the session, the caller, versions and idempotency.

* :func:`get_session`: one session per request; commit when the handler returned, roll back
  when it raised. It is ``scope="function"``, so the commit happens *before* the response
  is sent: a failed commit is an error response, never a 2xx for a lost write.
  :data:`StreamingSessionDep` (with :data:`StreamingReadUser`) is the read-only exception:
  open until a streamed body is sent, on one snapshot.
* :data:`CurrentPrincipal` / :data:`ReadUser` / :data:`WriteUser`: ``Authorization:
  Bearer`` through ``services.auth.authenticate_bearer``. Missing credentials are a 401
  problem (never a 422); a read-scope API token on a mutating route is a 403.
* :data:`ExpectedVersion`: ``If-Match`` as the ``expected_version`` the services check.
* :class:`Idempotency`: ``Idempotency-Key`` on creating POSTs, except those whose response
  holds a secret (an API token, an invite): a replay would have to store it in clear. A
  route whose body is too big to fingerprint from memory (an upload) takes
  :data:`IdempotencyKey` and calls :func:`claim_idempotency_key` with its own fingerprint.
* :func:`google_certs_transport`: how Google sign-in fetches Google's certificates; tests
  override it (``app.dependency_overrides``) to serve a local key offline.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Header, Query, Request, Response
from fastapi.encoders import jsonable_encoder
from fastapi.security import OAuth2PasswordBearer
from google.auth import transport as google_transport
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.responses import JSONResponse

from pennywise_core import db
from pennywise_core.errors import AuthenticationError, PennywiseError, PermissionDeniedError
from pennywise_core.models import User
from pennywise_core.services import auth, idempotency

API_PREFIX = "/api/v1"
TOKEN_URL = f"{API_PREFIX}/auth/token"

T = TypeVar("T")

# --- the database session ------------------------------------------------------------------


@asynccontextmanager
async def _transaction(request: Request, *, snapshot: bool = False) -> AsyncIterator[AsyncSession]:
    maker: async_sessionmaker[AsyncSession] | None = getattr(
        request.app.state, "session_maker", None
    )
    if maker is None:
        raise RuntimeError("the database is not open: run the app with its lifespan")
    async with maker() as session:
        try:
            if snapshot:
                await db.begin_snapshot(session)
            yield session
        except PennywiseError as exc:
            # A few errors record something that must outlive the failed request (a failed
            # login is counted, a reused refresh token revokes its family): they say so.
            if getattr(exc, "keep_changes", False):
                await session.commit()
            else:
                await session.rollback()
            raise
        except BaseException:
            await session.rollback()
            raise
        else:
            await session.commit()


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    async with _transaction(request) as session:
        yield session


async def get_streaming_session(request: Request) -> AsyncIterator[AsyncSession]:
    async with _transaction(request, snapshot=True) as session:
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]

StreamingSessionDep = Annotated[AsyncSession, Depends(get_streaming_session, scope="request")]
"""A session that stays open until the response has been sent, on one snapshot of the
database: for a response streamed from the database as it is read (``GET /groups/{id}/
export``). Only for routes that write nothing: a failed commit could no longer change the
status. Authenticate with :data:`StreamingReadUser` on the same session (on SQLite every
transaction takes the write lock: a second session in the same request would wait for the
first)."""

# --- the caller ----------------------------------------------------------------------------

oauth2_scheme = OAuth2PasswordBearer(
    tokenUrl=TOKEN_URL,
    auto_error=False,
    description="An access token from `POST /auth/token` (or Google sign-in), or a "
    "personal API token.",
)


async def _authenticate(
    request: Request, session: AsyncSession, token: str | None
) -> auth.Principal:
    if not token:
        raise AuthenticationError("this needs a bearer token in the Authorization header")
    principal = await auth.authenticate_bearer(session, token)
    request.state.user_id = principal.user.id
    return principal


async def get_principal(
    request: Request,
    session: SessionDep,
    token: Annotated[str | None, Depends(oauth2_scheme)],
) -> auth.Principal:
    return await _authenticate(request, session, token)


CurrentPrincipal = Annotated[auth.Principal, Depends(get_principal)]


async def get_streaming_user(
    request: Request,
    session: StreamingSessionDep,
    token: Annotated[str | None, Depends(oauth2_scheme)],
) -> User:
    return (await _authenticate(request, session, token)).user


async def get_user(principal: CurrentPrincipal) -> User:
    return principal.user


async def get_writing_user(principal: CurrentPrincipal) -> User:
    if principal.scope != "write":
        raise PermissionDeniedError("this API token is read-only; this operation needs write")
    return principal.user


ReadUser = Annotated[User, Depends(get_user)]
"""The authenticated user, for routes that only read."""
WriteUser = Annotated[User, Depends(get_writing_user)]
"""The authenticated user, for routes that change something (read-only tokens get 403)."""
StreamingReadUser = Annotated[User, Depends(get_streaming_user)]
"""The authenticated user, through :data:`StreamingSessionDep`: for a streamed read."""

# --- Google's certificates -----------------------------------------------------------------


def google_certs_transport() -> google_transport.Request:
    """The google-auth transport that fetches Google's certificates for ``POST /auth/google``:
    the core's process-wide caching one. Override this dependency to serve other keys (the
    tests sign ID tokens with a local RSA key and serve its certificate offline)."""
    return auth.google_certs_transport()


GoogleCertsTransport = Annotated[google_transport.Request, Depends(google_certs_transport)]

# --- versions: ETag and If-Match -----------------------------------------------------------

_STRONG_ETAG = re.compile(r'^\s*"(\d{1,18})"\s*$')


def etag(version: int) -> str:
    """A strong entity tag for a versioned resource: ``"<version>"``."""
    return f'"{version}"'


def set_etag(response: Response, version: int) -> None:
    response.headers["ETag"] = etag(version)


def _expected_version(
    if_match: Annotated[
        str | None,
        Header(
            alias="If-Match",
            description='The ETag you read (`"<version>"`): the write is refused with 412 if '
            "the resource changed since. `*` or no header: no check.",
        ),
    ] = None,
) -> int | None:
    if if_match is None or if_match.strip() == "*":
        return None
    match = _STRONG_ETAG.match(if_match)
    # A tag we never handed out (weak, a list, garbage) can match no current version:
    # version 0 never exists, so the service answers 412 with the current version.
    return int(match.group(1)) if match else 0


ExpectedVersion = Annotated[int | None, Depends(_expected_version)]

# --- idempotency ---------------------------------------------------------------------------

REPLAYED_HEADER = "Idempotent-Replayed"
_KEPT_HEADERS = ("etag", "location")


class IdempotentReplay(Exception):
    """Raised by :class:`Idempotency` to answer with a stored response instead of running."""

    def __init__(self, response: Response) -> None:
        self.response = response


async def replay_handler(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, IdempotentReplay)
    return exc.response


class Idempotency:
    """``Idempotency-Key`` on a creating POST.

    Never on a route whose response carries a secret (a new API token or invite token): the
    stored response is kept as it was sent, so the secret would sit in clear in
    ``idempotency_records`` for a day. Those routes do not take this dependency and ignore
    the header.

    Before the handler runs: a stored response for (user, key) is replayed as it was (with
    ``Idempotent-Replayed: true``); the same key with a different request is a 422 (raised by
    the core). After the service call, :meth:`save` stores the response in the same
    database transaction as the write, so either both happen or neither. The fingerprint is
    the SHA-256 of method, path and body.
    """

    def __init__(self, session: AsyncSession, user: User, key: str | None, fingerprint: str):
        self.session = session
        self.user = user
        self.key = key
        self.fingerprint = fingerprint

    async def save(self, response: Response, result: T, *, status_code: int) -> T:
        """Remember ``result`` as the answer to this key; returns ``result`` unchanged."""
        if self.key is not None:
            headers = {k: v for k, v in response.headers.items() if k.lower() in _KEPT_HEADERS}
            await idempotency.save(
                self.session,
                user_id=self.user.id,
                key=self.key,
                fingerprint=self.fingerprint,
                status=status_code,
                body=jsonable_encoder(result),
                headers=headers,
            )
        return result


IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=idempotency.MAX_KEY_LENGTH,
        pattern=r"^[ -~]+$",
        description="Any unique string (a UUID is ideal), reused when retrying this same "
        "request: a retry gets the first answer back instead of creating twice. Kept for "
        f"at least 24 hours. 1 to {idempotency.MAX_KEY_LENGTH} printable ASCII characters.",
    ),
]
"""The ``Idempotency-Key`` header, for a route that fingerprints its request itself."""


def request_target(request: Request) -> str:
    """The path and query of the request, as fingerprints name it."""
    return request.url.path + (f"?{request.url.query}" if request.url.query else "")


async def claim_idempotency_key(
    session: AsyncSession, user: User, key: str | None, fingerprint: str
) -> Idempotency:
    """Replay the stored response for ``key`` (raises :class:`IdempotentReplay`), or claim
    the key for this request; no key: nothing to claim."""
    if key is not None:
        stored = await idempotency.lookup(
            session, user_id=user.id, key=key, fingerprint=fingerprint
        )
        if stored is not None:
            headers = dict(stored.headers or {})
            headers[REPLAYED_HEADER] = "true"
            raise IdempotentReplay(
                JSONResponse(stored.body, status_code=stored.status, headers=headers)
            )
    return Idempotency(session, user, key, fingerprint)


async def get_idempotency(
    request: Request,
    session: SessionDep,
    user: WriteUser,
    idempotency_key: IdempotencyKey = None,
) -> Idempotency:
    fingerprint = idempotency.fingerprint(
        request.method, request_target(request), await request.body()
    )
    return await claim_idempotency_key(session, user, idempotency_key, fingerprint)


IdempotencyDep = Annotated[Idempotency, Depends(get_idempotency)]


CURRENCY_PATTERN = r"^[A-Za-z]{3}$"
"""A currency in a query string: three letters, any case (routes upper-case it)."""


def currency_query(description: str, *, alias: str | None = None) -> Any:
    """A query parameter holding an ISO 4217 code (``?currency=``, ``?in=``)."""
    return Query(alias=alias, pattern=CURRENCY_PATTERN, description=description)


CurrencyFilter = Annotated[str | None, currency_query("Only this currency (ISO 4217 code).")]
"""``?currency=``: only this currency's rows."""
