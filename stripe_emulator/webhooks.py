"""Signed webhook delivery: queued with the event, sent by background threads, retried with back-off.

A delivery row is written in the same transaction as its event, so an event is never lost nor sent
before it is committed. Worker threads claim due deliveries, POST them without holding the lock, and
record each attempt (the delivery log). Failures (non-2xx, timeout, refused connection, redirect) are
retried on Stripe's growing schedule, multiplied by `webhook_retry_scale` so tests need not wait hours.
Modes set through the control API make delivery misbehave on purpose: pause, duplicate, reorder, delay
or drop.
"""

from __future__ import annotations

import fnmatch
import hashlib
import hmac
import json
import logging
import random
import threading
import time
import urllib.error
import urllib.request
from typing import TYPE_CHECKING, Any

from stripe_emulator.ids import new_id
from stripe_emulator.objects import API_VERSION
from stripe_emulator.wire import on_the_wire

if TYPE_CHECKING:
    from stripe_emulator.app import Emulator
    from stripe_emulator.context import Ctx
    from stripe_emulator.storage import Store

log = logging.getLogger("stripe_emulator.webhooks")

# Seconds to wait after the 1st, 2nd, ... failed attempt. In live mode Stripe backs off exponentially for up
# to three days; in test mode (a sandbox: the emulator only takes test keys) it "retries three times over a
# few hours" (docs.stripe.com/webhooks, "Automatic retries"). Stripe does not publish the test-mode
# intervals: these keep the live schedule's first step and stop after three retries, about 2.5 hours in.
LIVE_RETRY_DELAYS = (60, 300, 1800, 7200, 18000, 36000, 36000, 36000, 36000, 36000, 36000)
TEST_RETRY_DELAYS = (60, 1800, 7200)
RETRY_SCHEDULES = {"test": TEST_RETRY_DELAYS, "live": LIVE_RETRY_DELAYS}
RETRY_DELAYS = TEST_RETRY_DELAYS
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
ENDPOINT_DISABLED = "endpoint disabled or deleted: no further attempts"
USER_AGENT = "Stripe/1.0 (+https://stripe.com/docs/webhooks)"

DEFAULT_MODE: dict[str, Any] = {
    "paused": False,  # queue deliveries but send nothing until resumed
    "duplicate": 1,  # deliver each event this many times
    "order": "fifo",  # fifo | reverse | shuffle: which due delivery goes first
    "drop": False,  # record deliveries as dropped and never send them
    "delay_seconds": 0.0,  # hold each new delivery this long (emulator clock) before the first attempt
    "event_types": None,  # when a list: duplicate/drop/delay apply only to these types ("charge.*" allowed)
    "concurrency": 1,  # deliveries in flight at once per endpoint
}


def sign(payload: str, secret: str, timestamp: int) -> str:
    """The `Stripe-Signature` header value, as `stripe.Webhook.construct_event` verifies it."""
    signature = hmac.new(secret.encode(), f"{timestamp}.{payload}".encode(), hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={signature}"


def get_mode(store: Store) -> dict[str, Any]:
    return {**DEFAULT_MODE, **store.kv_get("webhook_mode", {})}


def set_mode(store: Store, changes: dict[str, Any]) -> dict[str, Any]:
    with store.tx():
        mode = {**get_mode(store), **changes}
        store.kv_set("webhook_mode", mode)
    return mode


def _applies(mode: dict[str, Any], event_type: str) -> bool:
    patterns = mode.get("event_types")
    return patterns is None or any(fnmatch.fnmatchcase(event_type, pattern) for pattern in patterns)


def listening_endpoints(store: Store, event_type: str) -> list[dict]:
    return [
        endpoint
        for endpoint in store.all("webhook_endpoint", oldest_first=True)
        if endpoint["status"] == "enabled"
        and ("*" in endpoint["enabled_events"] or event_type in endpoint["enabled_events"])
    ]


def _insert_delivery(store: Store, event: dict, endpoint: dict, *, status: str, due_at: float) -> None:
    store.execute(
        "INSERT INTO deliveries (id, event_id, event_type, endpoint_id, url, status, due_at, created)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (new_id("whd"), event["id"], event["type"], endpoint["id"], endpoint["url"], status, due_at, store.now_float()),
    )


def enqueue(ctx: Ctx, event: dict) -> int:
    """Queue `event` for every listening endpoint (inside the caller's transaction); returns how many endpoints."""
    store = ctx.store
    mode = get_mode(store)
    endpoints = listening_endpoints(store, event["type"])
    applies = _applies(mode, event["type"])
    due_at = store.now_float() + (float(mode["delay_seconds"]) if applies else 0.0)
    for endpoint in endpoints:
        if applies and mode["drop"]:
            _insert_delivery(store, event, endpoint, status="dropped", due_at=due_at)
            continue
        for _ in range(int(mode["duplicate"]) if applies else 1):
            _insert_delivery(store, event, endpoint, status="pending", due_at=due_at)
    if endpoints:
        ctx.emulator.wake_dispatcher()
    return len(endpoints)


def resend(ctx: Ctx, event_id: str, endpoint_id: str | None = None) -> int:
    """Deliver an event again (the dashboard's "Resend"), to one endpoint or to every listening one."""
    event = ctx.store.get("event", event_id)
    if event is None:
        return 0
    endpoints = [e for e in listening_endpoints(ctx.store, event["type"]) if endpoint_id in (None, e["id"])]
    for endpoint in endpoints:
        _insert_delivery(ctx.store, event, endpoint, status="pending", due_at=ctx.store.now_float())
    ctx.emulator.wake_dispatcher()
    return len(endpoints)


def pending_count(store: Store, event_id: str) -> int:
    """Stripe's `pending_webhooks`: endpoints this event has not yet been delivered to successfully."""
    rows = store.execute(
        "SELECT endpoint_id, MAX(status = 'succeeded') AS ok FROM deliveries WHERE event_id = ? GROUP BY endpoint_id",
        (event_id,),
    ).fetchall()
    return sum(1 for row in rows if not row["ok"])


def deliveries(store: Store, *, event_id: str | None = None, limit: int = 200) -> list[dict]:
    sql = "SELECT * FROM deliveries"
    args: list[Any] = []
    if event_id:
        sql += " WHERE event_id = ?"
        args.append(event_id)
    sql += " ORDER BY seq DESC LIMIT ?"
    args.append(limit)
    rows = [dict(row) for row in store.execute(sql, args).fetchall()]
    for row in rows:
        row.pop("seq")
        row["attempt_log"] = [
            {key: attempt[key] for key in ("number", "at", "duration_ms", "status_code", "error", "response")}
            for attempt in store.execute(
                "SELECT * FROM attempts WHERE delivery_id = ? ORDER BY number", (row["id"],)
            ).fetchall()
        ]
    return rows


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # Stripe counts a redirect as a failed delivery
        return None


class Dispatcher:
    """Worker threads that send due deliveries; `wake()` after queueing, `stop()` to end them."""

    def __init__(self, emulator: Emulator):
        self.emulator = emulator
        self.store = emulator.store
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect)

    def start(self, workers: int) -> None:
        with self.store.tx():
            self.store.execute("UPDATE deliveries SET status = 'pending' WHERE status = 'sending'")
        for index in range(workers):
            thread = threading.Thread(target=self._run, name=f"webhook-{index}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def wake(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        for thread in self._threads:
            thread.join(timeout=2)

    def idle(self) -> bool:
        """True when nothing is being sent and nothing due is waiting (paused deliveries count as waiting)."""
        with self.store.tx():
            row = self.store.execute(
                "SELECT COUNT(*) AS n FROM deliveries WHERE status = 'sending' OR (status = 'pending' AND due_at <= ?)",
                (self.store.now_float(),),
            ).fetchone()
        return row["n"] == 0

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                job = self._claim()
            except Exception:  # a worker must survive a bad row; the log says what happened
                log.exception("claiming a webhook delivery failed")
                job = None
            if job is None:
                self._wake.wait(timeout=0.1)
                self._wake.clear()
                continue
            self._deliver(job)

    def _claim(self) -> dict | None:
        store = self.store
        with store.tx():
            mode = get_mode(store)
            if mode["paused"]:
                return None
            rows = store.execute(
                "SELECT * FROM deliveries WHERE status = 'pending' AND due_at <= ? ORDER BY due_at, seq",
                (store.now_float(),),
            ).fetchall()
            if not rows:
                return None
            in_flight = {
                row["endpoint_id"]: row["n"]
                for row in store.execute(
                    "SELECT endpoint_id, COUNT(*) AS n FROM deliveries WHERE status = 'sending' GROUP BY endpoint_id"
                ).fetchall()
            }
            eligible = [row for row in rows if in_flight.get(row["endpoint_id"], 0) < int(mode["concurrency"])]
            if not eligible:
                return None
            if mode["order"] == "reverse":
                row = max(eligible, key=lambda r: r["seq"])
            elif mode["order"] == "shuffle":
                row = random.choice(eligible)
            else:
                row = eligible[0]
            event = store.get("event", row["event_id"])
            endpoint = store.get("webhook_endpoint", row["endpoint_id"])
            if event is None:  # the state was reset meanwhile
                store.execute(
                    "UPDATE deliveries SET status = 'failed', last_error = ? WHERE id = ?", ("gone", row["id"])
                )
                return None
            if endpoint is None or endpoint["status"] != "enabled":
                # Stripe stops retrying once the endpoint is disabled or deleted (re-enabled in time, it goes on)
                store.execute(
                    "UPDATE deliveries SET status = 'failed', last_error = ? WHERE id = ?",
                    (ENDPOINT_DISABLED, row["id"]),
                )
                event["pending_webhooks"] = pending_count(store, event["id"])
                store.update("event", event)
                return None
            store.execute(
                "UPDATE deliveries SET status = 'sending', attempts = attempts + 1 WHERE id = ?", (row["id"],)
            )
            event["api_version"] = endpoint["api_version"] or API_VERSION
            event["pending_webhooks"] = pending_count(store, event["id"])
            secret = store.internal("webhook_endpoint", endpoint["id"])["secret"]
            return {"delivery": dict(row), "event": event, "url": row["url"], "secret": secret}

    def _deliver(self, job: dict) -> None:
        payload = json.dumps(on_the_wire(job["event"]), indent=2)
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "Accept": "*/*; q=0.5, application/xml",
            "Cache-Control": "no-cache",
            "User-Agent": USER_AGENT,
            "Stripe-Signature": sign(payload, job["secret"], int(time.time())),
        }
        # Endpoint URLs are checked to be http(s) when the endpoint is created.
        request = urllib.request.Request(job["url"], data=payload.encode(), headers=headers, method="POST")  # noqa: S310
        started = time.monotonic()
        status_code, error, response = None, None, ""
        try:
            with self._opener.open(request, timeout=self.emulator.config.webhook_timeout) as reply:
                status_code, response = reply.status, reply.read(500).decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            status_code, response = exc.code, exc.read(500).decode("utf-8", "replace")
        except Exception as exc:  # timeouts, refused connections: all count as a failed attempt
            error = f"{type(exc).__name__}: {exc}"
        self._record(job["delivery"], status_code, error, response, int((time.monotonic() - started) * 1000))

    def _record(
        self, delivery: dict, status_code: int | None, error: str | None, response: str, duration_ms: int
    ) -> None:
        store = self.store
        config = self.emulator.config
        delays = RETRY_SCHEDULES[config.webhook_retry_schedule]
        with store.tx():
            row = store.execute("SELECT attempts FROM deliveries WHERE id = ?", (delivery["id"],)).fetchone()
            if row is None:  # the state was reset while this attempt was in flight
                return
            attempts = row["attempts"]
            store.execute(
                "INSERT INTO attempts (delivery_id, number, at, duration_ms, status_code, error, response)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (delivery["id"], attempts, store.now_float(), duration_ms, status_code, error, response),
            )
            if status_code is not None and 200 <= status_code < 300:
                status, due_at = "succeeded", delivery["due_at"]
            elif attempts >= (config.webhook_max_attempts or len(delays) + 1):
                status, due_at = "failed", delivery["due_at"]
            else:
                delay = delays[min(attempts, len(delays)) - 1] * config.webhook_retry_scale
                status, due_at = "pending", store.now_float() + delay
            store.execute(
                "UPDATE deliveries SET status = ?, due_at = ?, last_status_code = ?, last_error = ? WHERE id = ?",
                (status, due_at, status_code, error, delivery["id"]),
            )
            event = store.get("event", delivery["event_id"])
            if event is not None:
                event["pending_webhooks"] = pending_count(store, event["id"])
                store.update("event", event)
        if status == "pending":
            self.wake()
