"""A real webhook receiver on loopback: an HTTP server in a thread that verifies every
request the way the Standard Webhooks library does and keeps what it was sent.

``Receiver.failing(2)`` answers 500 to the first two requests of each ``webhook-id``, then
200: what a receiver that is down for a while looks like to the sender.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from standardwebhooks.webhooks import Webhook


@dataclass
class Received:
    id: str
    headers: dict[str, str]
    body: bytes
    verified: bool
    answered: int

    @property
    def payload(self) -> dict[str, Any]:
        return json.loads(self.body)


@dataclass
class Receiver:
    url: str
    secret: str | None = None
    """Verify with this secret (set it once the subscription is made)."""
    fail_first: int = 0
    """Answer 500 to this many requests of each webhook-id first."""
    delay: float = 0.0
    """Seconds to wait before answering."""
    requests: list[Received] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, headers: dict[str, str], body: bytes) -> int:
        message_id = headers.get("webhook-id", "")
        verified = False
        if self.secret is not None:
            try:
                Webhook(self.secret).verify(body, headers)
                verified = True
            except Exception:
                verified = False
        with self._lock:
            earlier = sum(1 for r in self.requests if r.id == message_id)
            status = 500 if earlier < self.fail_first else 200
            self.requests.append(Received(message_id, headers, body, verified, status))
        return status

    def delivered(self) -> list[Received]:
        """The requests it answered 200, in order."""
        with self._lock:
            return [r for r in self.requests if r.answered == 200]

    def wait_for(self, count: int, *, seconds: float = 20.0) -> list[Received]:
        """Until ``count`` requests were answered 200 (at most ``seconds``)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            done = self.delivered()
            if len(done) >= count:
                return done
            time.sleep(0.02)
        raise AssertionError(f"{count} deliveries expected, {len(self.delivered())} arrived")


@contextmanager
def receiving(**options: Any) -> Iterator[Receiver]:
    """A receiver listening on 127.0.0.1 (a free port) while the context lasts."""
    receiver: Receiver | None = None

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", 0)))
            assert receiver is not None
            if receiver.delay:
                time.sleep(receiver.delay)
            status = receiver.answer({k.lower(): v for k, v in self.headers.items()}, body)
            reply = b"ok" if status == 200 else b"x" * 5000  # a long error page
            try:
                self.send_response(status)
                self.send_header("content-length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)
            except BrokenPipeError:
                pass  # the sender gave up waiting: what a timeout looks like from here

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    receiver = Receiver(url=f"http://127.0.0.1:{server.server_address[1]}/hook", **options)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
