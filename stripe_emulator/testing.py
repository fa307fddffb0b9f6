"""Run the emulator from tests and drive its control API.

    with run_emulator(tmp_path) as emulator:          # a subprocess on a free port
        stripe.api_base, stripe.api_key = emulator.url, emulator.api_key
        session = stripe.checkout.Session.create(...)
        emulator.pay_checkout_session(session.id, card="4000000000000002")
        emulator.fault("/v1/refunds", "api_error", count=3)
        emulator.advance_clock(seconds=25 * 3600)
        emulator.wait_for_webhooks()

`stripe_emulator.pytest_plugin` wraps this in fixtures. Only the standard library is needed here; stripe-python
is imported lazily by `configure_stripe()`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

# dj-stripe refuses keys that do not look like Stripe's (`sk_test_` + 24 or more letters and digits).
DEFAULT_API_KEY = "sk_test_InnerWorkStripeEmulatorDemo0000"
PACKAGE_ROOT = Path(__file__).resolve().parent.parent
_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class EmulatorError(RuntimeError):
    """The control API answered with an error (its message is the emulator's)."""


@dataclass
class EmulatorHandle:
    """A running emulator: `.url`, `.api_key`, and one method per control endpoint (see README.md)."""

    url: str
    data_dir: Path
    api_key: str = DEFAULT_API_KEY
    process: subprocess.Popen | None = None
    emulator: Any = None  # the in-process `stripe_emulator.app.Emulator`, when started with in_process=True
    options: dict[str, Any] = field(default_factory=dict)

    # -- raw access ----------------------------------------------------------------------------
    def control(self, method: str, path: str, body: dict | None = None, *, timeout: float = 30) -> dict:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(  # noqa: S310 - our own http URL
            self.url + path, data=data, method=method, headers={"Content-Type": "application/json"}
        )
        try:
            with _NO_PROXY.open(request, timeout=timeout) as response:
                return json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            payload = json.loads(error.read() or b"{}")
            raise EmulatorError(payload.get("error", {}).get("message", str(error))) from None

    def state(self) -> dict:
        return self.control("GET", "/_emulator/state")

    # -- state and time ------------------------------------------------------------------------
    def reset(self) -> None:
        """Forget every object, event, delivery, fault and webhook mode; the clock returns to real time."""
        self.control("POST", "/_emulator/reset")

    def now(self) -> int:
        return self.control("GET", "/_emulator/clock")["now"]

    def advance_clock(self, seconds: float) -> int:
        """Move the emulator's clock; sessions past `expires_at` expire and due retries run. Returns the new now."""
        return self.control("POST", "/_emulator/clock/advance", {"seconds": seconds})["now"]

    # -- faults --------------------------------------------------------------------------------
    def fault(self, path: str, kind: str, *, count: int = 1, method: str | None = None, **options: Any) -> dict:
        """Make the next `count` requests to `path` (glob) fail: kind `api_error` (500), `rate_limit` (429) or
        `timeout` (hang `seconds`, then carry the request out unless `process=False`)."""
        body = {"path": path, "kind": kind, "count": count, "method": method, **options}
        return self.control("POST", "/_emulator/faults", body)

    def clear_faults(self) -> None:
        self.control("DELETE", "/_emulator/faults")

    # -- webhooks ------------------------------------------------------------------------------
    def webhook_mode(self, **changes: Any) -> dict:
        """Change delivery: paused, duplicate, order (fifo/reverse/shuffle), drop, delay_seconds, event_types,
        concurrency. Without arguments, return the current mode."""
        if not changes:
            return self.control("GET", "/_emulator/webhooks/mode")
        return self.control("POST", "/_emulator/webhooks/mode", changes)

    def pause_webhooks(self) -> dict:
        return self.control("POST", "/_emulator/webhooks/pause")

    def resume_webhooks(self) -> dict:
        return self.control("POST", "/_emulator/webhooks/resume")

    def wait_for_webhooks(self, timeout: float = 15) -> None:
        """Block until no delivery is in flight or due (retries scheduled later do not count)."""
        if not self.control("GET", f"/_emulator/webhooks/idle?timeout={timeout}", timeout=timeout + 5)["idle"]:
            raise TimeoutError(f"webhook deliveries still running after {timeout}s")

    def deliveries(self, event_id: str | None = None) -> list[dict]:
        query = f"?event_id={urllib.parse.quote(event_id)}" if event_id else ""
        return self.control("GET", f"/_emulator/webhooks/deliveries{query}")["data"]

    def resend_event(self, event_id: str, endpoint: str | None = None) -> int:
        return self.control("POST", f"/_emulator/events/{event_id}/resend", {"endpoint": endpoint})["deliveries"]

    def webhook_secret(self, endpoint_id: str) -> str:
        return self.control("GET", f"/_emulator/webhook_endpoints/{endpoint_id}/secret")["secret"]

    # -- payments ------------------------------------------------------------------------------
    def pay_checkout_session(
        self,
        session_id: str,
        *,
        card: str = "4242424242424242",
        email: str | None = "jenny.rosen@example.com",
        name: str = "Jenny Rosen",
        exp: str = "12/34",
        cvc: str | None = None,
        promotion_code: str | None = None,
    ) -> dict:
        """Pay as a customer on the hosted page would (same code path). Returns `status` (succeeded, declined,
        requires_action, invalid, closed), `message`, `redirect`, `error` and the `session`."""
        body = {"card": card.replace(" ", ""), "email": email, "name": name, "exp": exp}
        if cvc is not None:
            body["cvc"] = cvc
        if promotion_code is not None:
            body["promotion_code"] = promotion_code
        return self.control("POST", f"/_emulator/checkout/sessions/{session_id}/pay", body)

    def authenticate(self, payment_intent_id: str, *, approve: bool = True) -> dict:
        """Answer the 3-D Secure challenge of a payment made with 4000 0025 0000 3155 or 4000 0027 6000 3184."""
        return self.control(
            "POST", f"/_emulator/payment_intents/{payment_intent_id}/authenticate", {"approve": approve}
        )

    def fail_refund(
        self, refund_id: str, *, failure_reason: str = "expired_or_canceled_card", after_seconds: float = 0
    ) -> dict:
        """Have the bank return a refund: `refund.updated` (status failed), `refund.failed`, `charge.refund.updated`."""
        body = {"failure_reason": failure_reason, "after_seconds": after_seconds}
        return self.control("POST", f"/_emulator/refunds/{refund_id}/fail", body)

    def dashboard_refund(self, charge_id: str, *, amount: int | None = None, reason: str | None = None) -> dict:
        """Refund as staff would in Stripe's dashboard (outside the product): same refund and events as the API."""
        return self.control("POST", f"/_emulator/charges/{charge_id}/refund", {"amount": amount, "reason": reason})

    def open_dispute(self, charge_id: str, *, reason: str = "fraudulent") -> dict:
        """Have the cardholder's bank dispute a paid charge: `charge.dispute.created`, funds withdrawn."""
        return self.control("POST", f"/_emulator/charges/{charge_id}/dispute", {"reason": reason})

    def move_dispute(self, dispute_id: str, status: str) -> dict:
        """The bank's next step: `under_review` (`charge.dispute.updated`), `won` or `lost` (`...closed`)."""
        return self.control("POST", f"/_emulator/disputes/{dispute_id}/status", {"status": status})

    # -- pointing stripe-python at it ----------------------------------------------------------
    @contextmanager
    def configure_stripe(self) -> Iterator[None]:
        """Point stripe-python's global configuration at this emulator for the duration of the block."""
        import stripe

        saved = (stripe.api_base, stripe.api_key)
        stripe.api_base, stripe.api_key = self.url, self.api_key
        try:
            yield
        finally:
            stripe.api_base, stripe.api_key = saved

    # -- lifecycle -----------------------------------------------------------------------------
    def stop(self) -> None:
        if self.emulator is not None:
            self.emulator.stop()
            self.emulator = None
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None

    def restart(self) -> None:
        """Stop and start again on the same port and data directory (state must survive)."""
        port = int(self.url.rsplit(":", 1)[1])
        in_process = self.emulator is not None
        self.stop()
        started = _start(self.data_dir, port=port, in_process=in_process, **self.options)
        self.url, self.process, self.emulator = started.url, started.process, started.emulator


def _start(data_dir: Path, *, port: int, in_process: bool, **options: Any) -> EmulatorHandle:
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    if in_process:
        from stripe_emulator.app import Config, Emulator

        emulator = Emulator(Config(data_dir=data_dir, port=port, **{"quiet": True, **options}))
        emulator.start()
        return EmulatorHandle(url=emulator.url, data_dir=data_dir, emulator=emulator, options=options)
    ready = data_dir / "ready.json"
    ready.unlink(missing_ok=True)
    command = [sys.executable, "-m", "stripe_emulator", "--port", str(port), "--data-dir", str(data_dir)]
    command += ["--ready-file", str(ready), "--quiet"]
    for name, value in options.items():
        command += ["--" + name.replace("_", "-"), str(value)]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(PACKAGE_ROOT), os.environ.get("PYTHONPATH")]))}
    log = (data_dir / "emulator.log").open("ab")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=PACKAGE_ROOT)  # noqa: S603
    deadline = time.monotonic() + 20
    while not ready.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError("the Stripe emulator did not start:\n" + (data_dir / "emulator.log").read_text()[-3000:])
        time.sleep(0.02)
    url = json.loads(ready.read_text())["url"]
    return EmulatorHandle(url=url, data_dir=data_dir, process=process, options=options)


@contextmanager
def run_emulator(
    data_dir: Path | str,
    *,
    port: int = 0,
    webhook_retry_scale: float = 0.001,
    webhook_timeout: float = 5.0,
    refund_failure_delay: float = 0.5,
    in_process: bool = False,
    api_key: str = DEFAULT_API_KEY,
    **options: Any,
) -> Iterator[EmulatorHandle]:
    """A running emulator for the block: a subprocess (default) or threads in this process (`in_process=True`).

    `port=0` picks a free port, so parallel test workers never collide. The retry back-off is compressed
    1000 times by default (Stripe's 1-hour retry becomes 3.6 s).
    """
    handle = _start(
        Path(data_dir),
        port=port,
        in_process=in_process,
        webhook_retry_scale=webhook_retry_scale,
        webhook_timeout=webhook_timeout,
        refund_failure_delay=refund_failure_delay,
        **options,
    )
    handle.api_key = api_key
    try:
        yield handle
    finally:
        handle.stop()


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: str

    @property
    def json(self) -> dict:
        return json.loads(self.body)


class WebhookReceiver:
    """A local HTTP endpoint that records what it receives and answers with scripted status codes.

    `statuses=[500, 500]` fails the first two deliveries, then answers `default_status`; `delay` holds each
    answer that many seconds (to make the emulator time out).
    """

    def __init__(self, *, statuses: list[int] | None = None, default_status: int = 200, delay: float = 0.0):
        self.statuses = list(statuses or [])
        self.default_status = default_status
        self.delay = delay
        self.received: list[Received] = []
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                with receiver._lock:
                    receiver.received.append(Received(self.path, dict(self.headers), body))
                    status = receiver.statuses.pop(0) if receiver.statuses else receiver.default_status
                if receiver.delay:
                    time.sleep(receiver.delay)
                try:
                    self.send_response(status)
                    self.send_header("Content-Length", "2")
                    self.end_headers()
                    self.wfile.write(b"ok")
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/webhook"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> WebhookReceiver:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def events(self) -> list[dict]:
        with self._lock:
            return [item.json for item in self.received]

    def wait_for(self, count: int, timeout: float = 10) -> list[Received]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if len(self.received) >= count:
                    return list(self.received)
            time.sleep(0.02)
        raise TimeoutError(f"expected {count} deliveries, got {len(self.received)} in {timeout}s")
