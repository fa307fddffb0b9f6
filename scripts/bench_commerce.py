#!/usr/bin/env python
"""Commerce benchmarks: checkout creation and webhook ingest, end to end on one machine.

Prepares a PostgreSQL database (migrate, seed_demo), starts the Stripe emulator and gunicorn
(2 workers, DEBUG off) pointed at it, registers the site's webhook endpoint through the API
(so the signing secret is the emulator's), and gives each of N new buyers a cart with one
paid course. Then:

1. checkout creation: every buyer POSTs /checkout/ (CSRF token, session cookie, each from its
   own loopback address, as distinct customers would), C at a time; each answer must be the
   303 to a Checkout Session on the emulator. Requests/s and latency percentiles.
2. the emulator pays every session with 4242 4242 4242 4242 (not timed). Its own webhook
   deliveries are switched off, so the events reach the site only through step 3.
3. webhook ingest: every `checkout.session.completed` event the emulator produced is POSTed to
   dj-stripe's endpoint, signed with the endpoint's secret exactly as Stripe signs it
   (`Stripe-Signature: t=…,v1=HMAC-SHA256(secret, "t.body")`), C at a time: signature check,
   WebhookEventTrigger log, dj-stripe sync, our handler, fulfilment (enrollment, coupon,
   e-mails through the outbox). Events/s and latency percentiles.
4. the same events delivered again (Stripe's at-least-once delivery): the duplicate path.

Finally it checks the outcome: N paid orders, N enrollments, N confirmation e-mails, and not
one more after the duplicates.

    make bench        # or: .venv/bin/python scripts/bench_commerce.py --orders 200 --concurrency 1 [--fresh]
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import http.client
import json
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts.bench_pages import VENV_BIN, bench_env, free_port, manage, prepare_database  # noqa: E402
from stripe_emulator.testing import DEFAULT_API_KEY, run_emulator  # noqa: E402

CHECKOUT_PATH = "/checkout/"

# Runs in `manage.py shell`: N buyers, each signed in (a session row) with one paid course in the cart.
# Prints one line per buyer: session key. Buyers are new on every run, so nothing they own blocks checkout.
BUYERS = """
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore
from commerce.models import Cart, CartItem
from courses.models import Course

run, count = "{run}", {count}
courses = list(Course.objects.published().filter(price_amount__gt=0).order_by("id").values_list("pk", flat=True))
User = get_user_model()
for n in range(count):
    email = f"bench-{{run}}-{{n}}@innerwork.test"
    user = User.objects.create_user(email=email, password=None, full_name=f"Bench Buyer {{n}}")
    cart = Cart.objects.create(user=user)
    CartItem.objects.create(cart=cart, kind="course", ref=str(courses[n % len(courses)]))
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    print(store.session_key)
"""

ENDPOINT = """
from commerce.stripe_gateway.webhooks import webhook_endpoint_ensure
endpoint, _ = webhook_endpoint_ensure(base_url="{base_url}")
print(endpoint.djstripe_uuid, endpoint.id, endpoint.secret)
"""

OUTCOME = """
from commerce.models import Order
from courses.models import Enrollment
from innerwork.core.models import OutboxEmail
orders = Order.objects.filter(user__email__startswith="bench-{run}-")
print(
    orders.filter(status="paid").count(),
    Enrollment.objects.filter(user__email__startswith="bench-{run}-").count(),
    OutboxEmail.objects.filter(kind="commerce/order_confirmation", to__0__startswith="bench-{run}-").count(),
    OutboxEmail.objects.filter(kind="courses/enrollment_welcome", to__0__startswith="bench-{run}-").count(),
)
"""


@dataclass
class Timings:
    """Wall-clock latencies (seconds) of one phase, and how many answers were not what we expected."""

    seconds: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    elapsed: float = 0.0

    def row(self, name: str, unit: str) -> str:
        done = len(self.seconds)
        rate = done / self.elapsed if self.elapsed else 0.0
        ms = sorted(s * 1000 for s in self.seconds) or [0.0]
        p50 = statistics.median(ms)
        p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
        return f"| {name} | {done} | {rate:.1f} {unit} | {p50:.0f} | {p95:.0f} | {ms[-1]:.0f} | {len(self.failures)} |"


def drop_database(database_url: str) -> None:
    import psycopg

    name = database_url.rsplit("/", 1)[1]
    with psycopg.connect(database_url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run_phase(items: list, work, concurrency: int) -> Timings:
    """Call `work(item)` for every item, `concurrency` at a time; `work` returns an error text or ""."""
    timings = Timings()

    def timed(item):
        started = time.perf_counter()
        error = work(item)
        return time.perf_counter() - started, error

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        for seconds, error in pool.map(timed, items):
            timings.seconds.append(seconds)
            if error:
                timings.failures.append(error)
    timings.elapsed = time.perf_counter() - started
    return timings


def loopback_address(n: int) -> str:
    # Every buyer connects from its own 127.x address: the checkout's per-address rate limit then
    # treats them as the distinct customers they stand for (Linux routes all of 127/8 to lo).
    return f"127.{1 + n // 62500 % 254}.{n // 250 % 250}.{2 + n % 250}"


def post(base_url: str, path: str, body: bytes, headers: dict, *, source: str = "") -> tuple[int, dict, bytes]:
    parts = urllib.parse.urlsplit(base_url)
    connection = http.client.HTTPConnection(
        parts.hostname, parts.port, timeout=60, source_address=(source, 0) if source else None
    )
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def checkout(base_url: str, emulator_url: str, n: int, session_key: str, sessions: dict) -> str:
    token = secrets.token_hex(16)  # a 32-character CSRF secret: the cookie and the form field carry it
    status, headers, _ = post(
        base_url,
        CHECKOUT_PATH,
        urllib.parse.urlencode({"csrfmiddlewaretoken": token}).encode(),
        {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"sessionid={session_key}; csrftoken={token}",
            "Referer": base_url + "/cart/",
        },
        source=loopback_address(n),
    )
    location = headers.get("Location", "")
    if status != 303 or not location.startswith(emulator_url) or "/c/pay/" not in location:
        return f"checkout {n}: HTTP {status} → {location!r}"
    sessions[n] = location.rsplit("/", 1)[1]
    return ""


def session_keys(output: str) -> list[str]:
    # `manage.py shell` may print log lines first; session keys are 32 lowercase letters and digits.
    return [line for line in output.split() if len(line) == 32 and line.isalnum() and line.islower()]


def pay(emulator, session_id: str) -> str:
    result = emulator.pay_checkout_session(session_id, card="4242424242424242")
    return "" if result["status"] == "succeeded" else f"pay {session_id}: {result['status']} {result.get('message')}"


def signed(payload: bytes, secret: str) -> str:
    timestamp = int(time.time())
    signature = hmac.new(secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={signature}"


def deliver(base_url: str, path: str, secret: str, payload: bytes) -> str:
    status, _, body = post(
        base_url,
        path,
        payload,
        {"Content-Type": "application/json; charset=utf-8", "Stripe-Signature": signed(payload, secret)},
    )
    return "" if status == 200 else f"webhook: HTTP {status} {body[:200]!r}"


def session_of(event: bytes) -> str:
    return json.loads(event)["data"]["object"]["id"]


def completed_events(emulator, since: int) -> list[bytes]:
    """Every checkout.session.completed event since `since`, serialised the way the emulator sends it."""
    events, after = [], ""
    while True:
        query = f"type=checkout.session.completed&created[gte]={since}&limit=100"
        query += f"&starting_after={after}" if after else ""
        request = urllib.request.Request(
            f"{emulator.url}/v1/events?{query}", headers={"Authorization": f"Bearer {DEFAULT_API_KEY}"}
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            page = json.loads(response.read())
        events += [json.dumps(event, separators=(",", ":")).encode() for event in page["data"]]
        if not page["has_more"]:
            return events
        after = page["data"][-1]["id"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orders", type=int, default=300, help="checkouts, payments and events (default 300)")
    parser.add_argument("--concurrency", type=int, default=4, help="requests in flight (default 4)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument(
        "--database-url",
        default="postgres://postgres@127.0.0.1:5432/innerwork_bench_commerce",
        help="PostgreSQL database to prepare and use (created if missing)",
    )
    parser.add_argument("--fresh", action="store_true", help="start from an empty database and emulator")
    args = parser.parse_args()

    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    # The database mirrors this emulator's objects (a course's Stripe Price, a buyer's Customer), so the two
    # live and die together: without the emulator's state, the database starts again from scratch.
    data_dir = Path(tempfile.gettempdir()) / "innerwork-bench" / (args.database_url.rsplit("/", 1)[1] + "-stripe")
    if args.fresh or not data_dir.exists():
        drop_database(args.database_url)
        shutil.rmtree(data_dir, ignore_errors=True)
    started_at = int(time.time())
    with run_emulator(data_dir, webhook_retry_scale=1.0) as emulator:
        emulator.webhook_mode(drop=True)  # only the benchmark delivers events to the site
        env = {
            **bench_env(args.database_url, ""),  # no Redis: the figures in docs/benchmarks.md were taken without it
            "SITE_URL": base_url,
            "STRIPE_API_HOST": emulator.url,
            "STRIPE_ALLOW_API_HOST": "true",
            "STRIPE_TEST_SECRET_KEY": DEFAULT_API_KEY,
            "STRIPE_LIVE_MODE": "false",
            # E-mails are rendered, stored in the outbox and "sent" (to nowhere): the whole path, no printing.
            "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        }
        prepare_database(args.database_url, env, scale=0)
        server = subprocess.Popen(
            [str(VENV_BIN / "gunicorn"), "innerwork.wsgi", "-w", str(args.workers), "-b", f"127.0.0.1:{port}",
             "--log-level", "warning", "--timeout", "120"],
            cwd=ROOT, env=env,
        )  # fmt: skip
        try:
            for _ in range(150):
                try:
                    urllib.request.urlopen(base_url + "/robots.txt", timeout=1)
                    break
                except OSError:
                    time.sleep(0.2)
            output = manage(env, "shell", "--no-imports", "-c", ENDPOINT.format(base_url=base_url))
            endpoint_uuid, endpoint_id, secret = output.splitlines()[-1].split()
            webhook_path = f"/stripe/webhook/{endpoint_uuid}/"
            print(f"Webhook endpoint {endpoint_id} at {webhook_path}", flush=True)

            run = secrets.token_hex(3)
            warmup = session_keys(manage(env, "shell", "--no-imports", "-c", BUYERS.format(run=run + "w", count=12)))
            buyers = session_keys(manage(env, "shell", "--no-imports", "-c", BUYERS.format(run=run, count=args.orders)))
            print(f"{len(buyers)} buyers with a course in their cart (run {run}).", flush=True)

            # Warm-up, not timed: the first checkout of each course creates its Stripe Product and Price.
            warm_sessions: dict = {}
            for n, key in enumerate(warmup):
                checkout(base_url, emulator.url, 100_000 + n, key, warm_sessions)

            sessions: dict = {}
            print(f"Checkout creation: {len(buyers)} × POST {CHECKOUT_PATH}, {args.concurrency} at a time ...")
            checkouts = run_phase(
                list(enumerate(buyers)),
                lambda item: checkout(base_url, emulator.url, item[0], item[1], sessions),
                args.concurrency,
            )
            print(f"Paying {len(sessions)} sessions on the emulator with 4242 4242 4242 4242 ...", flush=True)
            paid = run_phase(
                list(sessions.values()),
                lambda session_id: pay(emulator, session_id),
                args.concurrency,
            )
            ours = set(sessions.values())
            events = [event for event in completed_events(emulator, started_at) if session_of(event) in ours]
            print(f"Webhook ingest: {len(events)} signed checkout.session.completed events ...", flush=True)
            ingest = run_phase(events, lambda event: deliver(base_url, webhook_path, secret, event), args.concurrency)
            print("Duplicate deliveries: the same events again ...", flush=True)
            replay = run_phase(events, lambda event: deliver(base_url, webhook_path, secret, event), args.concurrency)
            outcome = manage(env, "shell", "--no-imports", "-c", OUTCOME.format(run=run)).splitlines()[-1].split()
        finally:
            server.terminate()
            server.wait(timeout=10)

    paid_orders, enrollments, confirmations, welcomes = map(int, outcome)
    print()
    print(
        f"{args.orders} orders, {args.concurrency} in flight, gunicorn -w {args.workers}, emulator on the same machine"
    )
    print()
    print("| phase | count | throughput | p50 ms | p95 ms | max ms | failures |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    print(checkouts.row("checkout creation (POST /checkout/ → 303 to Stripe)", "req/s"))
    print(ingest.row("webhook ingest (checkout.session.completed → fulfilled)", "events/s"))
    print(replay.row("duplicate delivery of the same events", "events/s"))
    print()
    print(
        f"Outcome: {paid_orders} paid orders, {enrollments} enrollments, {confirmations} confirmations, "
        f"{welcomes} welcome e-mails (expected {args.orders} of each)."
    )
    for failure in (checkouts.failures + paid.failures + ingest.failures + replay.failures)[:5]:
        print("  failure:", failure)
    expected = args.orders
    ok = (paid_orders, enrollments, confirmations, welcomes) == (expected,) * 4
    ok &= not (checkouts.failures or paid.failures or ingest.failures or replay.failures)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
