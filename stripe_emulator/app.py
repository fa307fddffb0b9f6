"""The emulator process: configuration, the threaded HTTP server, webhook workers and the clock ticker."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from http.server import ThreadingHTTPServer
from pathlib import Path

from stripe_emulator.storage import Store
from stripe_emulator.webhooks import Dispatcher

log = logging.getLogger("stripe_emulator")


@dataclass
class Config:
    data_dir: Path
    host: str = "127.0.0.1"
    port: int = 12111
    public_url: str | None = None  # the address browsers use for hosted pages (default: http://host:port)
    webhook_retry_scale: float = 1.0  # multiplies Stripe's retry back-off (0.001 turns hours into seconds)
    webhook_timeout: float = 10.0  # seconds before an unanswered delivery counts as failed
    webhook_workers: int = 4
    webhook_retry_schedule: str = "test"  # test: 3 retries over a few hours (Stripe's sandbox); live: 3 days
    webhook_max_attempts: int | None = None  # default: the schedule's retries + 1
    refund_failure_delay: float = 5.0  # seconds (emulator clock) before a 4000 0000 0000 5126 refund fails
    tick_seconds: float = 0.2  # how often expiry and scheduled tasks are checked
    quiet: bool = False


class Emulator:
    """One running emulator; `start()` binds and starts every thread, `stop()` ends them."""

    def __init__(self, config: Config):
        from stripe_emulator.server import make_handler

        self.config = config
        self.store = Store(Path(config.data_dir))
        self.dispatcher = Dispatcher(self)
        self.httpd = ThreadingHTTPServer((config.host, config.port), make_handler(self))
        self.httpd.daemon_threads = True
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    @property
    def port(self) -> int:
        return self.httpd.server_address[1]

    @property
    def url(self) -> str:
        host = "127.0.0.1" if self.config.host in ("0.0.0.0", "") else self.config.host  # noqa: S104
        return f"http://{host}:{self.port}"

    @property
    def base_url(self) -> str:
        return (self.config.public_url or self.url).rstrip("/")

    def wake_dispatcher(self) -> None:
        self.dispatcher.wake()

    def start(self) -> None:
        self.dispatcher.start(self.config.webhook_workers)
        for name, target in (("http", self.httpd.serve_forever), ("ticker", self._tick)):
            thread = threading.Thread(target=target, name=f"stripe-emulator-{name}", daemon=True)
            thread.start()
            self._threads.append(thread)
        log.info("Stripe emulator listening on %s (data in %s)", self.url, self.config.data_dir)

    def stop(self) -> None:
        self._stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.dispatcher.stop()
        for thread in self._threads:
            thread.join(timeout=2)
        self.store.close()

    def run_due_work(self) -> None:
        """Expire sessions past `expires_at` and run scheduled tasks whose time has come (emulator clock)."""
        from stripe_emulator.api import checkout, refunds
        from stripe_emulator.context import Ctx

        ctx = Ctx(self)
        with self.store.tx():
            checkout.expire_due(ctx)
            for kind, payload in self.store.pop_due_tasks():
                if kind == "refund_fail":
                    refunds.run_scheduled_failure(ctx, payload)

    def _tick(self) -> None:
        while not self._stop.wait(self.config.tick_seconds):
            try:
                self.run_due_work()
            except Exception:  # the ticker must outlive one bad task; the log says what happened
                log.exception("scheduled work failed")
