"""``/groups/{group_id}/export``: the whole group as a file, streamed.

Any member (viewers too) may export. Access and the format are checked before the response
starts, so a refusal is an ordinary problem+json. Memory does not grow with the group:
:func:`pennywise_core.exports.stream` reads the transactions in keyset pages and hands back
chunks of about 64 KiB, all on one snapshot of the database
(:data:`~pennywise_api.deps.StreamingSessionDep`, open until the response is sent).

* PostgreSQL: the chunks are sent as they are read, from a REPEATABLE READ transaction
  (which blocks no writer).
* SQLite: every transaction holds the database's write lock, so a slow download must not
  keep one open: the export is first written to a temporary file (in memory up to 1 MiB,
  then on disk), the transaction ends, and the file is sent.
"""

from __future__ import annotations

import re
import tempfile
import unicodedata
import uuid
from collections.abc import AsyncIterator
from typing import IO, Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse

from pennywise_api.deps import StreamingReadUser, StreamingSessionDep
from pennywise_api.responses import problem_responses
from pennywise_core import exports, vocabulary
from pennywise_core.services import groups

router = APIRouter(prefix="/groups/{group_id}/export", tags=["exports"])

ExportFormat = vocabulary.ExportFormatName
""":data:`pennywise_core.vocabulary.EXPORT_FORMATS` as a ``Literal`` (for the OpenAPI
document)."""

_SPOOL_IN_MEMORY = 1 << 20
_CHUNK = 1 << 16

_DOWNLOAD: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The export, streamed: `pennywise-json` is `application/json` (the "
        "lossless document); the CSV formats are `text/csv` (UTF-8 with a BOM, formulas "
        "escaped).",
        "content": {
            "application/json": {"schema": {"type": "object"}},
            "text/csv": {"schema": {"type": "string"}},
        },
        "headers": {
            "Content-Disposition": {
                "description": "`attachment` with a file name made of the group's name.",
                "schema": {"type": "string"},
            }
        },
    }
}


def content_disposition(group_name: str, format: str) -> str:
    """``attachment; filename="trip.pennywise.json"`` (plus ``filename*`` in UTF-8 when the
    group's name is not plain ASCII)."""
    spec = exports.FORMATS[format]
    suffix = f".{format.rsplit('-', 1)[0]}.{spec.extension}"
    folded = unicodedata.normalize("NFKD", group_name).encode("ascii", "ignore").decode()
    ascii_name = re.sub(r"[^A-Za-z0-9_.-]+", "-", folded).strip("-.")[:80] or "group"
    value = f'attachment; filename="{ascii_name}{suffix}"'
    if ascii_name != group_name:
        value += f"; filename*=UTF-8''{quote(group_name[:80] + suffix, safe='')}"
    return value


@router.get(
    "",
    name="download",
    response_class=StreamingResponse,
    responses={**_DOWNLOAD, **problem_responses(401, 404, 422)},
)
async def download(
    group_id: uuid.UUID,
    session: StreamingSessionDep,
    user: StreamingReadUser,
    format: Annotated[
        ExportFormat,
        Query(
            description="`pennywise-json`: everything, lossless (import it back to restore "
            "the group); `pennywise-csv`: one row per transaction; `splitwise-csv`: "
            "Splitwise's spreadsheet layout."
        ),
    ] = "pennywise-json",
) -> StreamingResponse:
    """Download the group: every member and transaction, streamed as it is read."""
    chunks = await exports.stream(session, user, group_id, format=format)
    group = await groups.get(session, user, group_id)
    body: AsyncIterator[str] | AsyncIterator[bytes] = chunks
    if session.get_bind().dialect.name == "sqlite":
        body = _read(await _spool(chunks))
        await session.commit()  # the write lock goes before the client starts reading
    return StreamingResponse(
        body,
        media_type=exports.FORMATS[format].media_type,
        headers={"Content-Disposition": content_disposition(group.name, format)},
    )


async def _spool(chunks: AsyncIterator[str]) -> IO[bytes]:
    """The whole export in a temporary file (in memory up to 1 MiB), rewound."""
    spool = tempfile.SpooledTemporaryFile(max_size=_SPOOL_IN_MEMORY)  # noqa: SIM115 - closed by _read
    try:
        async for chunk in chunks:
            spool.write(chunk.encode("utf-8"))
        spool.seek(0)
    except BaseException:
        spool.close()
        raise
    return spool


async def _read(spool: IO[bytes]) -> AsyncIterator[bytes]:
    with spool:
        while block := spool.read(_CHUNK):
            yield block
