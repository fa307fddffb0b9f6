"""A partner's server for the webhook tests: a real HTTP server in a thread that can fail, stall or redirect."""

from __future__ import annotations

import contextlib
import threading
import time
from dataclasses import dataclass, field
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from innerwork.api.models import Partner
from innerwork.api.webhooks.models import EVENT_TYPES
from innerwork.api.webhooks.services import webhook_endpoint_create


@dataclass
class Received:
    path: str
    headers: Message  # case-insensitive, as HTTP header names are
    body: bytes


@dataclass
class Receiver:
    """Records every POST; answers `status` (500) to the first `failures` of them, then 200.

    `delay` stalls each answer (for timeouts); `redirect_to` answers every POST with a 302 there.
    """

    url: str = ""
    failures: int = 0
    status: int = 500
    delay: float = 0.0
    redirect_to: str = ""
    requests: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def fail_first(self, count: int, *, status: int = 500) -> None:
        self.failures, self.status = count, status

    def answer(self, received: Received) -> tuple[int, dict]:
        with self.lock:
            self.requests.append(received)
            number = len(self.requests)
        if self.delay:
            time.sleep(self.delay)
        if self.redirect_to:
            return 302, {"Location": self.redirect_to}
        return (self.status if number <= self.failures else 200), {}


def _handler(receiver: Receiver):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            status, headers = receiver.answer(Received(path=self.path, headers=self.headers, body=body))
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            answer = b'{"received": true}' if status < 300 else b"not today"
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            with contextlib.suppress(OSError):  # the sender gave up waiting (timeout tests)
                self.wfile.write(answer)

        def log_message(self, format, *args):
            pass

    return Handler


@pytest.fixture
def receiver():
    """A partner's webhook server on a free local port, stopped after the test."""
    state = Receiver()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    server.daemon_threads = True
    server.block_on_close = False
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/innerwork"
    yield state
    server.shutdown()
    server.server_close()


def partner_make(name: str = "Wellbeing Portal", *, is_active: bool = True) -> Partner:
    slug = name.lower().replace(" ", "-")
    return Partner.objects.create(name=name, contact_email=f"tech@{slug}.example", is_active=is_active)


@pytest.fixture
def partner(db) -> Partner:
    return partner_make()


@pytest.fixture
def endpoint(partner, receiver):
    """An endpoint of `partner` listening to every event type at `receiver`; `endpoint.plain_secret` is its secret."""
    created, secret = webhook_endpoint_create(partner=partner, url=receiver.url, event_types=list(EVENT_TYPES))
    created.plain_secret = secret
    return created
