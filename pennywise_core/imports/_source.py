"""Reading a source once, as text, in bounded memory; and a streaming JSON reader.

A source is a binary file or any iterable of ``bytes`` chunks (an upload arriving in
pieces). :class:`Source` peeks at the head (for format detection) without losing it and
decodes the rest lazily. A parser that must read the file twice (its prescan) gets a
second reading: a seekable file is rewound, anything else is copied to an anonymous
temporary file on disk as it is read the first time.

:func:`iter_json` walks a JSON document and hands back the elements of its big arrays one
at a time, each parsed by the C decoder (``raw_decode``) from a sliding buffer, so a
document of any length needs memory for one element, not for the document. Numbers come
back as their exact text (``parse_float=str``, ``parse_int=str``): money never passes
through a float.
"""

from __future__ import annotations

import io
import json
import re
import tempfile
from collections.abc import Iterable, Iterator
from typing import IO, Any, BinaryIO, TextIO, cast

from pennywise_core.errors import ValidationError

CHUNK = 1 << 16
HEAD = 1 << 16


class _ChunkReader(io.RawIOBase):
    """A raw binary stream over an iterator of chunks (so TextIOWrapper can decode it)."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._pending:
            try:
                self._pending = next(self._chunks)
            except StopIteration:
                return 0
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size


class Source:
    """Bytes from a binary file or an iterable of chunks, read forward once (or replayed)."""

    def __init__(self, source: BinaryIO | IO[bytes] | Iterable[bytes]) -> None:
        self._file: IO[bytes] | None = None
        self._start = 0
        if hasattr(source, "read"):
            file = cast(IO[bytes], source)
            self._file = file
            try:
                self._start = file.tell() if file.seekable() else 0
            except (OSError, ValueError):
                self._start = 0
            self._chunks: Iterator[bytes] = self._read_file(file)
        else:
            self._chunks = iter(source)
        self._head = b""
        self._head_done = False
        self.bytes_read = 0
        self._spool: IO[bytes] | None = None
        self._teeing: Iterator[bytes] | None = None

    @staticmethod
    def _read_file(file: IO[bytes]) -> Iterator[bytes]:
        while True:
            chunk = file.read(CHUNK)
            if not chunk:
                return
            if not isinstance(chunk, bytes | bytearray | memoryview):
                raise ValidationError.at("file", "the source must be opened in binary mode")
            yield bytes(chunk)

    def head(self, size: int = HEAD) -> bytes:
        """The first ``size`` bytes (fewer for a short file), kept for the reading."""
        while len(self._head) < size and not self._head_done:
            try:
                chunk = next(self._chunks)
            except StopIteration:
                self._head_done = True
                break
            if not isinstance(chunk, bytes | bytearray | memoryview):
                raise ValidationError.at("file", "the source must yield bytes")
            self._head += bytes(chunk)
        return self._head[:size]

    def _stream(self) -> Iterator[bytes]:
        head, self._head = self._head, b""
        if head:
            self.bytes_read += len(head)
            yield head
        for chunk in self._chunks:
            if not isinstance(chunk, bytes | bytearray | memoryview):
                raise ValidationError.at("file", "the source must yield bytes")
            self.bytes_read += len(chunk)
            yield bytes(chunk)

    def text(self, encoding: str, *, keep: bool = False) -> TextIO:
        """The source as text. With ``keep``, it can be read once more by :meth:`again`."""
        chunks = self._stream()
        if keep and not self._seekable():
            self._spool = tempfile.TemporaryFile()  # noqa: SIM115 (closed in close())
            chunks = self._teeing = self._tee(chunks, self._spool)
        return _decode(_ChunkReader(chunks), encoding)

    @staticmethod
    def _tee(chunks: Iterator[bytes], spool: IO[bytes]) -> Iterator[bytes]:
        for chunk in chunks:
            spool.write(chunk)
            yield chunk

    def _seekable(self) -> bool:
        try:
            return self._file is not None and self._file.seekable()
        except (OSError, ValueError):
            return False

    def again(self, encoding: str) -> TextIO:
        """A second reading, from the start, of what :meth:`text` (``keep=True``) read."""
        if self._teeing is not None:  # the first reading may have stopped early
            for _ in self._teeing:
                pass
            self._teeing = None
        self.bytes_read = 0
        if self._spool is not None:
            self._spool.seek(0)
            return _decode(_ChunkReader(self._counted(Source._read_file(self._spool))), encoding)
        assert self._file is not None
        assert self._seekable()
        self._file.seek(self._start)
        return _decode(_ChunkReader(self._counted(Source._read_file(self._file))), encoding)

    def _counted(self, chunks: Iterator[bytes]) -> Iterator[bytes]:
        for chunk in chunks:
            self.bytes_read += len(chunk)
            yield chunk

    def close(self) -> None:
        if self._spool is not None:
            self._spool.close()
            self._spool = None


def _decode(raw: io.RawIOBase, encoding: str) -> TextIO:
    # newline="" keeps "\r\n" inside quoted CSV cells as the csv module expects.
    return io.TextIOWrapper(io.BufferedReader(raw, CHUNK), encoding=encoding, newline="")


def decoding_error(exc: UnicodeDecodeError, encoding: str) -> ValidationError:
    return ValidationError.at(
        "file",
        f"the file is not valid {encoding.removesuffix('-sig').upper()} text ({exc.reason}); "
        "save it as UTF-8, or give the encoding of a bank file in its mapping",
    )


# --- streaming JSON -------------------------------------------------------------------------

_WS = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder(parse_float=str, parse_int=str, parse_constant=lambda c: c)


class JsonStream:
    """A cursor over a JSON text read in chunks; values are decoded by ``raw_decode``."""

    def __init__(self, text: TextIO) -> None:
        self._text = text
        self._buf = ""
        self._pos = 0
        self._eof = False
        self._line = 1  # the line of self._counted
        self._counted = 0

    # -- buffer --

    def _fill(self, at_least: int = CHUNK) -> bool:
        if self._eof:
            return False
        chunk = self._text.read(max(CHUNK, at_least))
        if not chunk:
            self._eof = True
            return False
        if self._pos > CHUNK:
            self._line += self._buf.count("\n", self._counted, self._pos)
            self._buf = self._buf[self._pos :]
            self._counted = 0
            self._pos = 0
        self._buf += chunk
        return True

    @property
    def line(self) -> int:
        """The line the cursor is on (1-based)."""
        self._line += self._buf.count("\n", self._counted, self._pos)
        self._counted = self._pos
        return self._line

    def _skip_ws(self) -> None:
        while True:
            match = _WS.match(self._buf, self._pos)
            assert match is not None
            self._pos = match.end()
            if self._pos < len(self._buf) or not self._fill():
                return

    def peek(self) -> str:
        self._skip_ws()
        return self._buf[self._pos : self._pos + 1]

    def expect(self, char: str) -> None:
        if self.peek() != char:
            self.fail(f"expected {char!r}")
        self._pos += 1

    def fail(self, message: str) -> None:
        found = self._buf[self._pos : self._pos + 20]
        where = f"line {self.line}"
        raise ValidationError.at(
            "file", f"not valid JSON at {where}: {message}" + (f" near {found!r}" if found else "")
        )

    def value(self) -> Any:
        """Decode the value at the cursor and move past it."""
        self._skip_ws()
        while True:
            try:
                value, end = _DECODER.raw_decode(self._buf, self._pos)
            except json.JSONDecodeError as exc:
                # Incomplete in the buffer, or really malformed? Read more and retry;
                # each retry reads at least as much again, so a big value costs O(size).
                if self._fill(len(self._buf) - self._pos):
                    continue
                self._pos = exc.pos
                self.fail(exc.msg)
            # A number or a literal at the very end of the buffer may continue.
            if end == len(self._buf) and self._fill(len(self._buf) - self._pos):
                continue
            self._pos = end
            return value

    def end(self) -> None:
        if self.peek():
            self.fail("unexpected text after the end of the document")


def iter_json(
    text: TextIO, *, streamed: frozenset[str]
) -> Iterator[tuple[str, int | None, Any, int]]:
    """Walk a JSON document: ``(key, index, value, line)``.

    A top-level array yields each element as ``("", index, element, line)``. A top-level
    object yields ``(key, None, value, line)`` per key, except for the keys in ``streamed``
    whose value is an array: those yield ``(key, index, element, line)`` per element.
    """
    stream = JsonStream(text)
    first = stream.peek()
    if first == "[":
        yield from _array(stream, "")
    elif first == "{":
        stream.expect("{")
        if stream.peek() == "}":
            stream.expect("}")
        else:
            while True:
                line = stream.line
                key = stream.value()
                if not isinstance(key, str):
                    stream.fail("expected a key")
                stream.expect(":")
                if key in streamed and stream.peek() == "[":
                    yield from _array(stream, key)
                else:
                    yield key, None, stream.value(), line
                if stream.peek() == ",":
                    stream.expect(",")
                    continue
                stream.expect("}")
                break
    else:
        stream.fail("expected a JSON object or array")
    stream.end()


def _array(stream: JsonStream, key: str) -> Iterator[tuple[str, int | None, Any, int]]:
    stream.expect("[")
    if stream.peek() == "]":
        stream.expect("]")
        return
    index = 0
    while True:
        line = stream.line
        yield key, index, stream.value(), line
        index += 1
        if stream.peek() == ",":
            stream.expect(",")
            continue
        stream.expect("]")
        return
