"""Reading ``text/event-stream`` (the WHATWG HTML standard's event stream parsing), line by
line: what :meth:`pennywise_client.resources.events.Events.stream` reads."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Frame:
    """One dispatched event: its type (``message`` if none was named), its data, and the
    stream's last event id when it was dispatched."""

    event: str
    data: str
    last_id: str | None


@dataclass(slots=True)
class Parser:
    """Feed it the stream's lines (without their line ends); it answers each line with the
    frame that line dispatched, if any. ``last_id`` and ``retry_ms`` are the stream's as
    the standard keeps them: an ``id`` line with no event still moves ``last_id``."""

    last_id: str | None = None
    retry_ms: int | None = None
    _event: str = ""
    _data: list[str] = field(default_factory=list)

    def feed(self, line: str) -> Frame | None:
        if line == "":
            return self._dispatch()
        if line.startswith(":"):
            return None  # a comment: the server's keep-alive
        name, colon, value = line.partition(":")
        if colon and value.startswith(" "):
            value = value[1:]
        if name == "data":
            self._data.append(value)
        elif name == "event":
            self._event = value
        elif name == "id" and "\0" not in value:
            self.last_id = value
        elif name == "retry" and value.isascii() and value.isdigit():
            self.retry_ms = int(value)
        return None

    def _dispatch(self) -> Frame | None:
        data, event = self._data, self._event
        self._data, self._event = [], ""
        if not data:
            return None
        return Frame(event=event or "message", data="\n".join(data), last_id=self.last_id)
