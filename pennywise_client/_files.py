"""Files in and out: the upload a call holds open, and the download streamed to disk.

An upload (``imports.run``) is an :func:`_upload`: the caller's path, bytes or binary file as
the seekable file the generated multipart body reads, opened only while the call runs. A
download (``exports.download``) is a :class:`Download`: the GET to send, which the client
streams into :func:`destination` chunk by chunk (the generated function would read and
parse the whole body), and describes afterwards as a :class:`Downloaded`.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, cast
from urllib.parse import unquote

import httpx

from pennywise_client._generated.types import File

Source = str | os.PathLike[str] | bytes | IO[bytes]
"""A file to upload: a path, its bytes, or a binary file (read from its start)."""
Destination = str | os.PathLike[str] | IO[bytes]
"""Where a download goes: a path (written whole or not at all) or a binary file."""

_MEDIA_TYPES = {".json": "application/json", ".csv": "text/csv"}
_SPOOL_IN_MEMORY = 8 << 20


# --- uploads --------------------------------------------------------------------------------


@contextlib.contextmanager
def _upload(source: Source) -> Iterator[File]:
    """``source`` as a seekable binary file for the generated multipart body.

    A path is opened (and closed after); bytes are wrapped; a binary file is used as it is
    when it can seek (the upload, and every retry of it, reads it from its start), else
    copied to a temporary file first (in memory up to 8 MiB, then on disk), so that its
    length is known and a retry sends the same bytes.
    """
    with contextlib.ExitStack() as stack:
        name: str | None
        if isinstance(source, bytes):
            payload: IO[bytes] = io.BytesIO(source)
            name = None
        elif isinstance(source, str | os.PathLike):
            path = Path(source)
            payload = stack.enter_context(path.open("rb"))
            name = path.name
        elif isinstance(source, io.TextIOBase):
            raise TypeError("open the file to import in binary mode ('rb')")
        else:
            raw_name = getattr(source, "name", None)
            name = Path(raw_name).name if isinstance(raw_name, str) else None
            if source.seekable():
                payload = source
            else:
                payload = stack.enter_context(
                    tempfile.SpooledTemporaryFile(max_size=_SPOOL_IN_MEMORY)
                )
                shutil.copyfileobj(source, payload)
                payload.seek(0)
        media_type = _MEDIA_TYPES.get(Path(name).suffix.lower()) if name else None
        yield File(
            payload=cast(Any, payload),
            file_name=name or "upload",
            mime_type=media_type or "application/octet-stream",
        )


# --- downloads ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Download:
    """A streamed ``GET path?params``, written to ``to`` chunk by chunk, never held whole
    in memory.

    The resource writes the path and the parameters (``resources/exports.py``; a test
    checks them against the generated endpoint's request); the client sends them through
    its retrying httpx client (typed errors, retries of the GET) but reads the body as a
    stream, which the generated function (it parses the whole body) cannot do.
    """

    path: str
    params: dict[str, str]
    to: Destination


@dataclass(frozen=True)
class Downloaded:
    """What a download wrote: ``size`` bytes of ``media_type``, to ``path`` (when the
    destination was a path); ``filename`` is the name the server suggests."""

    size: int
    media_type: str
    filename: str | None
    path: Path | None


@contextlib.contextmanager
def destination(to: Destination) -> Iterator[tuple[IO[bytes], Path | None]]:
    """``to`` as a binary file to write, and its path when it is one.

    A path gets a temporary file beside it, renamed over it when the block ends without an
    error and deleted when it raises: the path holds the whole download or is untouched.
    """
    if not isinstance(to, str | os.PathLike):
        if isinstance(to, io.TextIOBase):
            raise TypeError("open the export's destination in binary mode ('wb')")
        yield to, None
        return
    path = Path(to)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            yield out, path
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def suggested_filename(content_disposition: str | None) -> str | None:
    """The file name a ``Content-Disposition`` header suggests (``filename*`` first)."""
    if not content_disposition:
        return None
    utf8 = re.search(r"filename\*=UTF-8''([^;]+)", content_disposition, re.IGNORECASE)
    if utf8:
        return unquote(utf8.group(1).strip())
    plain = re.search(r'filename="([^"]*)"', content_disposition)
    return plain.group(1) if plain else None


def _downloaded(response: httpx.Response, size: int, path: Path | None) -> Downloaded:
    """The :class:`Downloaded` for ``size`` bytes of ``response`` written (to ``path``)."""
    return Downloaded(
        size=size,
        media_type=response.headers.get("content-type", ""),
        filename=suggested_filename(response.headers.get("content-disposition")),
        path=path,
    )
