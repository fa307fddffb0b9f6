#!/usr/bin/env python
"""Commerce benchmarks: checkout creation and Stripe webhooks, end to end on one machine, in one run.

Prepares a PostgreSQL database (migrate, seed_demo), starts the Stripe emulator and gunicorn
(2 workers, DEBUG off, `scripts.bench_wsgi`: the site plus the floor address) pointed at it with
a Redis broker (redis://127.0.0.1:6379/6 unless --broker), registers the site's webhook endpoint
through the API (so the signing secret is the emulator's), and gives B × N new buyers a cart
with one paid course and their Stripe Customer (made as the task queued by a first cart item
makes it), B being the number of fulfilment batches (--fulfilment-workers, default 1,2,3: three
batches). Then, C requests in flight unless said otherwise:

1. checkout creation: every buyer POSTs /checkout/ (CSRF token, session cookie, each from its
   own loopback address); each answer must be the 303 to a Checkout Session on the emulator.
   Half of them one at a time (what the request itself adds), half C at a time (with the queueing
   of C requests on the gunicorn workers).
2. the Stripe call alone: N × POST /v1/checkout/sessions for prepared Customers, made directly to
   the emulator, 1 and then C at a time: what checkout creation cannot be faster than. The
   difference of the percentiles at the same concurrency is what the site adds.
3. the emulator pays every session (not timed). Its own deliveries are off: events reach the
   site only from here, signed as Stripe signs them (`Stripe-Signature: t=…,v1=HMAC`).
4. floor: batch A's N `checkout.session.completed` events POSTed to /bench/floor/<uuid>/
   (verify the signature, INSERT one row, 200).
5. acknowledgement: the same events POSTed to the real address /stripe/webhook/<uuid>/ with no
   worker running: verify, store, queue, 200.
6. fulfilment, 1 worker: one Celery worker process (`-P solo`) starts and drains batch A.
   Sustained rate = deliveries processed / time between the first and last one processed.
7. fulfilment, 2 and 3 workers: the next batch acknowledged, then that many worker processes drain it.
8. duplicates: every event delivered again and drained (by the last batch's workers): nothing more happens.

Finally it checks the outcome: B × N paid orders, enrollments, confirmation and welcome e-mails.

    .venv/bin/python scripts/bench_commerce.py                 # the documented run: 3 × 100 orders
    .venv/bin/python scripts/bench_commerce.py --orders 20     # a quick look [--fresh]
    .venv/bin/python scripts/bench_commerce.py --fulfilment-workers 1,2   # two batches only
    .venv/bin/python scripts/bench_commerce.py --cache redis://127.0.0.1:6379/12   # with production's Redis cache
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
STRIPE_AUTH = {"Authorization": f"Bearer {DEFAULT_API_KEY}", "Content-Type": "application/x-www-form-urlencoded"}

# Runs in `manage.py shell`: N buyers, each signed in (a session row) with one paid course in the cart.
# Prints one line per buyer: session key. Buyers are new on every run, so nothing they own blocks checkout.
BUYERS = """
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore
from commerce.checkout.customers import customer_prepare
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
    customer_prepare(user_id=user.pk)  # what the task queued by that first cart item does before they click
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

    def add(self, other: Timings) -> None:
        self.seconds += other.seconds
        self.failures += other.failures
        self.elapsed += other.elapsed

    def rate(self) -> float:
        return len(self.seconds) / self.elapsed if self.elapsed else 0.0

    def _ms(self) -> list[float]:
        return sorted(s * 1000 for s in self.seconds) or [0.0]

    def p50(self) -> float:
        return statistics.median(self._ms())

    def p95(self) -> float:
        ms = self._ms()
        return ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]

    def row(self, name: str, unit: str) -> str:
        return (
            f"| {name} | {len(self.seconds)} | {self.rate():.1f} {unit} | {self.p50():.0f} | {self.p95():.0f} "
            f"| {self._ms()[-1]:.0f} | {len(self.failures)} |"
        )


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


def deliver(base_url: str, path: str, secret: str, payload: bytes, ids: list | None = None) -> str:
    status, _, body = post(
        base_url,
        path,
        payload,
        {"Content-Type": "application/json; charset=utf-8", "Stripe-Signature": signed(payload, secret)},
    )
    if status != 200:
        return f"webhook: HTTP {status} {body[:200]!r}"
    if ids is not None:
        ids.append(int(body))
    return ""


def stripe_customer(emulator_url: str, n: int) -> str:
    """A Customer made directly on the emulator (not timed: a buyer's is made before they check out)."""
    status, _, body = post(
        emulator_url, "/v1/customers", urllib.parse.urlencode({"email": f"alone-{n}@x.test"}).encode(), STRIPE_AUTH
    )
    if status != 200:
        raise RuntimeError(f"customer: HTTP {status}")
    return json.loads(body)["id"]


def stripe_alone(emulator_url: str, price_id: str, customer_id: str) -> str:
    """The Stripe call a checkout makes, made directly: a Checkout Session for a prepared Customer, with the
    parameters and idempotency key the site sends (commerce.stripe_gateway.session_create)."""
    number = "IW-ALONE-" + secrets.token_hex(4).upper()
    params = {
        "mode": "payment",
        "customer": customer_id,
        "line_items[0][price]": price_id,
        "line_items[0][quantity]": "1",
        "client_reference_id": number,
        "metadata[order_number]": number,
        "metadata[attempt]": "1",
        "payment_intent_data[metadata][order_number]": number,
        "payment_intent_data[metadata][attempt]": "1",
        "payment_intent_data[description]": f"InnerWork order {number}",
        "success_url": "http://127.0.0.1/ok?session_id={CHECKOUT_SESSION_ID}",
        "cancel_url": "http://127.0.0.1/cancel",
        "expires_at": str(int(time.time()) + 33 * 60),
        "submit_type": "pay",
        "billing_address_collection": "auto",
    }
    headers = {**STRIPE_AUTH, "Idempotency-Key": f"innerwork:checkout:{number}:1"}
    status, _, _ = post(emulator_url, "/v1/checkout/sessions", urllib.parse.urlencode(params).encode(), headers)
    return "" if status == 200 else f"session: HTTP {status}"


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


PRICE = """
from djstripe.models import Price
print(Price.objects.filter(active=True).order_by("-created").values_list("id", flat=True).first())
"""


def processed(database_url: str, ids: list[int]) -> tuple[int, float]:
    """How many of the deliveries `ids` are processed, and the seconds between the first and the last one."""
    import psycopg

    with psycopg.connect(database_url) as conn:
        count, first, last = conn.execute(
            "SELECT count(*), min(updated), max(updated) FROM djstripe_webhookeventtrigger"
            " WHERE id = ANY(%s) AND processed",
            (ids,),
        ).fetchone()
    return count, (last - first).total_seconds() if count else 0.0


def drain(database_url: str, ids: list[int], timeout: float) -> tuple[int, float]:
    deadline = time.monotonic() + timeout
    while True:
        count, span = processed(database_url, ids)
        if count == len(ids) or time.monotonic() > deadline:
            return count, span
        time.sleep(0.5)


def start_workers(env: dict, count: int, queues: str = "stripe-events,celery") -> list[subprocess.Popen]:
    """`count` solo worker processes on `queues` (fulfilment's by default: invoice PDFs are not part of it)."""
    return [
        subprocess.Popen(
            [
                str(VENV_BIN / "celery"),
                "-A",
                "innerwork",
                "worker",
                "-P",
                "solo",
                "-Q",
                queues,
                "-n",
                f"bench{n}@%h",
                "--without-gossip",
                "--without-mingle",
                "-l",
                "warning",
            ],
            cwd=ROOT,
            env=env,
        )
        for n in range(count)
    ]


def stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        process.wait(timeout=60)


def empty_redis(url: str) -> None:
    """Forget what an earlier run left in this Redis database: queued tasks, cached pages and sessions (the test
    suite's keys, under their own prefix, stay)."""
    import redis

    client = redis.Redis.from_url(url)
    for key in client.scan_iter():
        if not key.startswith((b"test-inbox-", b"test:")):
            client.delete(key)


def bench_port() -> int:
    """A free port in 8461-8469 (this machine's share for these benchmarks), else any free one."""
    import socket

    for port in range(8461, 8470):
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) != 0:
                return port
    return free_port()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orders", type=int, default=100, help="orders per batch (default 100)")
    parser.add_argument(
        "--fulfilment-workers",
        default="1,2,3",
        help="Celery worker processes for each fulfilment batch, one batch per number (default 1,2,3)",
    )
    parser.add_argument("--concurrency", type=int, default=4, help="requests in flight (default 4)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--broker", default="redis://127.0.0.1:6379/6", help="Redis for Celery (emptied first)")
    parser.add_argument(
        "--cache",
        default="",
        help="REDIS_URL of the site (emptied first), as in production: Redis cache, cached_db sessions and the "
        "page cache retired on writes; default none (local memory, sessions read from PostgreSQL)",
    )
    parser.add_argument(
        "--database-url",
        default="postgres://postgres@127.0.0.1:5432/innerwork_bench_commerce",
        help="PostgreSQL database to prepare and use (created if missing)",
    )
    parser.add_argument("--fresh", action="store_true", help="start from an empty database and emulator")
    parser.add_argument("--port", type=int, default=0, help="the site's port (default: a free one in 8461-8469)")
    args = parser.parse_args()
    worker_counts = [int(count) for count in args.fulfilment_workers.split(",") if count.strip()]

    port = args.port or bench_port()
    base_url = f"http://127.0.0.1:{port}"
    n = args.orders
    # The database mirrors this emulator's objects (a course's Stripe Price, a buyer's Customer), so the two
    # live and die together: without the emulator's state, the database starts again from scratch.
    data_dir = Path(tempfile.gettempdir()) / "innerwork-bench" / (args.database_url.rsplit("/", 1)[1] + "-stripe")
    if args.fresh or not data_dir.exists():
        drop_database(args.database_url)
        shutil.rmtree(data_dir, ignore_errors=True)
    empty_redis(args.broker)
    if args.cache:
        empty_redis(args.cache)
    started_at = int(time.time())
    workers: list[subprocess.Popen] = []
    with run_emulator(data_dir, webhook_retry_scale=1.0) as emulator:
        emulator.webhook_mode(drop=True)  # only the benchmark delivers events to the site
        env = {
            **bench_env(args.database_url, args.cache),
            "CELERY_BROKER_URL": args.broker,
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
            [str(VENV_BIN / "gunicorn"), "scripts.bench_wsgi:application", "-w", str(args.workers),
             "-b", f"127.0.0.1:{port}", "--log-level", "warning", "--timeout", "120"],
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
            floor_path = f"/bench/floor/{endpoint_uuid}/"
            print(f"Webhook endpoint {endpoint_id} at {webhook_path}", flush=True)

            run = secrets.token_hex(3)
            warmup = session_keys(manage(env, "shell", "--no-imports", "-c", BUYERS.format(run=run + "w", count=12)))
            buyers = session_keys(
                manage(env, "shell", "--no-imports", "-c", BUYERS.format(run=run, count=len(worker_counts) * n))
            )
            print(f"{len(buyers)} buyers with a course in their cart (run {run}).", flush=True)

            # Warm-up, not timed: the first checkout of each course creates its Stripe Product and Price.
            warm_sessions: dict = {}
            for i, key in enumerate(warmup):
                checkout(base_url, emulator.url, 100_000 + i, key, warm_sessions)
            price_id = manage(env, "shell", "--no-imports", "-c", PRICE).split()[-1]

            sessions: dict = {}
            # Half the buyers check out one at a time (what the request itself costs), half C at a time
            # (with the queueing of C requests on the gunicorn workers); the Stripe call alone likewise.
            half = len(buyers) // 2
            checkouts = {}
            for in_flight, part in (
                (1, list(enumerate(buyers))[:half]),
                (args.concurrency, list(enumerate(buyers))[half:]),
            ):
                print(
                    f"1. Checkout creation: {len(part)} × POST {CHECKOUT_PATH}, {in_flight} in flight ...", flush=True
                )
                checkouts[in_flight] = run_phase(
                    part, lambda item: checkout(base_url, emulator.url, item[0], item[1], sessions), in_flight
                )
            customers = [stripe_customer(emulator.url, i) for i in range(n)]
            alone = {}
            for in_flight in (1, args.concurrency):
                print(f"2. The Stripe call alone: {n} × checkout session, {in_flight} in flight ...", flush=True)
                alone[in_flight] = run_phase(
                    customers, lambda customer: stripe_alone(emulator.url, price_id, customer), in_flight
                )
            print(f"3. Paying {len(sessions)} sessions on the emulator ...", flush=True)
            paid = run_phase(list(sessions.values()), lambda session_id: pay(emulator, session_id), args.concurrency)
            ours = set(sessions.values())
            events = [event for event in completed_events(emulator, started_at) if session_of(event) in ours]
            batches = [events[i * n : (i + 1) * n] for i in range(len(worker_counts))]
            batch_a = batches[0]

            # Warm-up, not timed: each gunicorn worker opens its database and broker connections.
            warm_paid = [pay(emulator, session_id) for session_id in warm_sessions.values()]
            warm_ids = set(warm_sessions.values())
            warm_events = [e for e in completed_events(emulator, started_at) if session_of(e) in warm_ids]
            for path in (floor_path, webhook_path):
                run_phase(warm_events, lambda e, path=path: deliver(base_url, path, secret, e), args.concurrency)

            print(f"4-5. Floor ({floor_path}) and acknowledgement ({webhook_path}), no worker running:", flush=True)
            print(
                f"     {len(batch_a)} events each, in 4 alternating slices so both see the same machine ...", flush=True
            )
            floor, ack, ids_a = Timings(), Timings(), []
            for part in range(4):
                chunk = batch_a[part::4]
                floor.add(run_phase(chunk, lambda e: deliver(base_url, floor_path, secret, e), args.concurrency))
                ack.add(run_phase(chunk, lambda e: deliver(base_url, webhook_path, secret, e, ids_a), args.concurrency))

            # Batch A was acknowledged above; each later batch is acknowledged with no worker running.
            drained, acks_later = [], []
            for number, (count, batch) in enumerate(zip(worker_counts, batches, strict=True)):
                ids = ids_a
                if number:
                    ids = []
                    acks_later.append(
                        run_phase(
                            batch, lambda e, ids=ids: deliver(base_url, webhook_path, secret, e, ids), args.concurrency
                        )
                    )
                print(f"{6 + number}. Fulfilment with {count} worker process(es) ...", flush=True)
                stop(workers)
                workers = start_workers(env, count)
                done, span = drain(args.database_url, ids, timeout=60 + 5 * len(ids))
                drained.append((count, done, len(ids), span))
                if number < len(worker_counts) - 1:
                    stop(workers)
                    workers = []
            print(f"{6 + len(worker_counts)}. Duplicate deliveries: every event again ...", flush=True)
            ids_dup: list[int] = []
            replay = run_phase(events, lambda e: deliver(base_url, webhook_path, secret, e, ids_dup), args.concurrency)
            done_dup, _ = drain(args.database_url, ids_dup, timeout=120)
            stop(workers)
            print(f"{7 + len(worker_counts)}. Invoice PDFs and confirmations: 1 documents worker ...", flush=True)
            workers = start_workers(env, 1, queues="documents")
            documents_started = time.monotonic()
            deadline = documents_started + 120 + 2 * len(buyers)
            while True:
                outcome = manage(env, "shell", "--no-imports", "-c", OUTCOME.format(run=run)).splitlines()[-1].split()
                if int(outcome[2]) >= len(buyers) or time.monotonic() > deadline:
                    break
                time.sleep(1)
            documents_seconds = time.monotonic() - documents_started
            stop(workers)
            workers = []
        finally:
            stop(workers)
            server.terminate()
            server.wait(timeout=10)

    paid_orders, enrollments, confirmations, welcomes = map(int, outcome)
    documents_line = (
        f"Invoice PDFs rendered and confirmations queued by 1 documents worker: {confirmations} in "
        f"{documents_seconds:.1f} s (worker start-up and 1 s polling included)"
    )
    expected = len(buyers)
    print()
    print(f"{n} orders per batch, {args.concurrency} in flight, gunicorn -w {args.workers}, Celery on Redis,")
    print(f"site cache: {'Redis, ' + args.cache if args.cache else 'local memory (sessions in PostgreSQL)'},")
    print("emulator, PostgreSQL and all processes on the same machine")
    print()
    print("| phase | count | throughput | p50 ms | p95 ms | max ms | failures |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for in_flight in (1, args.concurrency):
        print(
            checkouts[in_flight].row(
                f"checkout creation (POST /checkout/ → 303 to Stripe), {in_flight} in flight", "req/s"
            )
        )
        print(alone[in_flight].row(f"the Stripe call alone (checkout session), {in_flight} in flight", "req/s"))
    print(floor.row("floor: verify + INSERT + 200", "events/s"))
    print(ack.row("acknowledgement: verify + store + queue + 200", "events/s"))
    for number, ack_later in enumerate(acks_later, start=1):
        print(ack_later.row(f"acknowledgement, batch {'ABCDEFGH'[number]}", "events/s"))
    print(replay.row("duplicate deliveries acknowledged", "events/s"))
    print()
    print(f"Acknowledgement / floor: {ack.rate() / floor.rate():.2f} (target ≥ 0.25); ack p95 {ack.p95():.0f} ms")
    for count, done, queued, span in drained:
        rate = (done - 1) / span if span else 0.0
        print(f"Sustained fulfilment, {count} worker process(es): {rate:.1f} orders/s ({done}/{queued} processed)")
    for in_flight in (1, args.concurrency):
        mine, theirs = checkouts[in_flight], alone[in_flight]
        print(
            f"Checkout creation minus the Stripe call alone, {in_flight} in flight: "
            f"p50 {mine.p50() - theirs.p50():.0f} ms, p95 {mine.p95() - theirs.p95():.0f} ms"
        )
    print(f"Duplicates processed: {done_dup}/{len(ids_dup)}")
    print(
        documents_line + "\n"
        f"Outcome: {paid_orders} paid orders, {enrollments} enrollments, {confirmations} confirmations, "
        f"{welcomes} welcome e-mails (expected {expected} of each)."
    )
    failures = (
        [failure for failure in warm_paid if failure]
        + [failure for timings in (*checkouts.values(), *alone.values()) for failure in timings.failures]
        + paid.failures
        + floor.failures
        + ack.failures
    )
    failures += [failure for ack_later in acks_later for failure in ack_later.failures] + replay.failures
    for failure in failures[:5]:
        print("  failure:", failure)
    ok = (paid_orders, enrollments, confirmations, welcomes) == (expected,) * 4
    ok &= not failures and all(done == queued for _, done, queued, _ in drained) and done_dup == len(ids_dup)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
