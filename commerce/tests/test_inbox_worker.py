"""The Stripe inbox distributed for real: the site in gunicorn, Celery worker PROCESSES on Redis, PostgreSQL.

Nothing runs eagerly here. The test starts the site and the workers as subprocesses on the
test database (settings `innerwork.settings.test` with TEST_CELERY_BROKER_URL set, their Redis
keys under a prefix of their own), delivers signed events over HTTP, and watches the database.
A worker is killed with SIGKILL in the middle of a task: its transaction dies with it and Redis
gives the unacknowledged task to the next worker (acks late).
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest
import redis
from django.db import connection
from django.utils import timezone
from djstripe.models import Event, WebhookEventTrigger

from commerce.models import Order
from commerce.tests.inbox_fixtures import stripe_events, stripe_signature, webhook_path
from commerce.tests.stripe_fixtures import cart_for, checkout, run_at_once, session_id_of
from courses.models import Enrollment
from courses.tests.factories import CourseFactory
from innerwork.core.models import OutboxEmail

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
BROKER = "redis://127.0.0.1:6379/6"
VISIBILITY_TIMEOUT = 4


class Cluster:
    """The site and its workers as processes; `worker()` starts one more, `kill()` ends one with SIGKILL."""

    def __init__(self, emulator):
        self.prefix = f"test-inbox-{secrets.token_hex(4)}:"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "innerwork.settings.test",
            "DATABASE_URL": _database_url(),
            "DEBUG": "false",
            "SECRET_KEY": "inbox-worker-test-" + "x" * 50,
            "SECURE_SSL_REDIRECT": "false",
            "LOG_LEVEL": "WARNING",
            "ALLOWED_HOSTS": "127.0.0.1",
            "TEST_CELERY_BROKER_URL": BROKER,
            "TEST_CELERY_KEY_PREFIX": self.prefix,
            "TEST_CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
            "STRIPE_API_HOST": emulator.url,
            "STRIPE_ALLOW_API_HOST": "true",
            "STRIPE_TEST_SECRET_KEY": emulator.api_key,
            "STRIPE_TIMEOUT_SECONDS": "30",
            "STRIPE_MAX_NETWORK_RETRIES": "0",
        }
        self.workers: list[subprocess.Popen] = []
        self.site: subprocess.Popen | None = None
        self.url = ""

    def start_site(self) -> None:
        # The socket is bound here and handed to gunicorn, so no other test (on another xdist worker) can take
        # the port between choosing it and listening on it.
        with socket.create_server(("127.0.0.1", 0)) as listening:
            self.url = f"http://127.0.0.1:{listening.getsockname()[1]}"
            self.site = self._spawn(
                BIN / "gunicorn", "innerwork.wsgi", "-w", "2", "-b", f"fd://{listening.fileno()}",
                pass_fds=(listening.fileno(),),
            )  # fmt: skip
        _wait_for(lambda: _answers(self.url + "/robots.txt"), "the site to start")

    def worker(self) -> subprocess.Popen:
        name = f"inbox{len(self.workers)}@%h"
        process = self._spawn(
            BIN / "celery", "-A", "innerwork", "worker", "-P", "solo", "-n", name,
            "-Q", "stripe-events,documents,celery",
            "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "warning",
        )  # fmt: skip
        self.workers.append(process)
        return process

    def kill(self, process: subprocess.Popen) -> None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def deliver(self, endpoint, payload: bytes) -> tuple[int, float]:
        request = urllib.request.Request(
            self.url + webhook_path(endpoint),
            data=payload,
            headers={"Content-Type": "application/json", "Stripe-Signature": stripe_signature(payload)},
        )
        started = time.perf_counter()
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, time.perf_counter() - started

    def manage(self, *args: str) -> str:
        return subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=self.env, check=True, capture_output=True, text=True
        ).stdout

    def stop(self) -> None:
        for process in [*self.workers, self.site]:
            if process is not None and process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in [*self.workers, self.site]:
            if process is not None:
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait(timeout=5)
        client = redis.Redis.from_url(BROKER)
        for key in client.scan_iter(match=self.prefix + "*"):
            client.delete(key)

    def _spawn(self, *command, pass_fds: tuple[int, ...] = ()) -> subprocess.Popen:
        return subprocess.Popen(
            [str(part) for part in command], cwd=ROOT, env=self.env, start_new_session=True, pass_fds=pass_fds
        )


def _database_url() -> str:
    settings = connection.settings_dict
    return (
        f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{settings['NAME']}"
    )


def _answers(url: str) -> bool:
    try:
        urllib.request.urlopen(url, timeout=1)
    except OSError:
        return False
    return True


def _wait_for(condition, what: str, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


@pytest.fixture
def cluster(transactional_db, emulator, inbox_endpoint):
    cluster = Cluster(emulator)
    try:
        cluster.start_site()
        yield cluster
    finally:
        cluster.stop()


def paid_orders_at_stripe(client, buyer_factory, emulator, count: int) -> list[Order]:
    """`count` orders for one course each, paid at Stripe; the site has heard nothing yet."""
    orders = []
    for n in range(count):
        user = buyer_factory(n)
        client.force_login(user)
        cart_for(user, CourseFactory(title=f"Course {n}", price_amount=2900 + n))
        session_id = session_id_of(checkout(client))
        assert emulator.pay_checkout_session(session_id)["status"] == "succeeded"
        orders.append(Order.objects.get(user=user))
    return orders


@pytest.fixture
def buyer_factory():
    from innerwork.accounts.tests.factories import UserFactory

    return lambda n: UserFactory(email=f"buyer{n}@example.com")


def all_processed(count: int) -> bool:
    return WebhookEventTrigger.objects.filter(valid=True, processed=True).count() == count


def test_two_worker_processes_fulfil_duplicated_concurrent_reordered_deliveries_once_each(
    client, emulator, inbox_endpoint, cluster, buyer_factory
):
    # given three orders paid at Stripe, and two workers
    orders = paid_orders_at_stripe(client, buyer_factory, emulator, 3)
    cluster.worker()
    cluster.worker()
    events = stripe_events(emulator, "checkout.session.completed")
    # when every event is delivered three times, newest first, four at a time
    deliveries = [payload for payload in reversed(events) for _ in range(3)]
    answers = run_at_once(
        *[lambda group=deliveries[i::4]: [cluster.deliver(inbox_endpoint, p) for p in group] for i in range(4)]
    )
    # then every delivery was acknowledged with a 200 at once, before any processing
    assert sorted(status for group in answers for status, _ in group) == [200] * 9
    # and the workers processed each, each event once: three paid orders, three enrollments, three confirmations
    _wait_for(lambda: all_processed(9), "the workers to process every delivery")
    assert Event.objects.count() == 3
    for order in orders:
        order.refresh_from_db()
        assert order.status == "paid"
    assert Enrollment.objects.count() == 3
    # and each confirmation once its invoice PDF is rendered (the documents queue, after the payment commits)
    confirmations = OutboxEmail.objects.filter(kind="commerce/order_confirmation")
    _wait_for(lambda: confirmations.count() >= 3, "the invoices to be rendered and the confirmations queued")
    assert confirmations.count() == 3


def test_a_worker_killed_mid_task_leaves_nothing_and_the_next_worker_fulfils_once(
    client, emulator, inbox_endpoint, cluster, buyer_factory
):
    # given an order paid at Stripe, and a worker whose next read of the session hangs for 8 s
    [order] = paid_orders_at_stripe(client, buyer_factory, emulator, 1)
    [payload] = stripe_events(emulator, "checkout.session.completed")
    emulator.fault("/v1/checkout/sessions/*", "timeout", method="GET", seconds=8)
    first = cluster.worker()
    # when the delivery arrives and the worker is killed while it waits on Stripe
    assert cluster.deliver(inbox_endpoint, payload)[0] == 200
    _wait_for(lambda: not emulator.state().get("faults"), "the worker to reach Stripe", seconds=30)
    cluster.kill(first)
    # then nothing of the task was kept
    trigger = WebhookEventTrigger.objects.get()
    assert not trigger.processed
    assert not Event.objects.exists()
    order.refresh_from_db()
    assert order.status == "pending"
    # when another worker starts after the visibility timeout: Redis gives it the unacknowledged task
    time.sleep(VISIBILITY_TIMEOUT + 1)
    cluster.worker()
    _wait_for(lambda: all_processed(1), "the task to be delivered again and processed")
    # then the order is fulfilled once
    order.refresh_from_db()
    assert order.status == "paid"
    assert Enrollment.objects.count() == 1
    confirmations = OutboxEmail.objects.filter(kind="commerce/order_confirmation")
    _wait_for(lambda: confirmations.count() >= 1, "the invoice to be rendered and the confirmation queued")
    assert confirmations.count() == 1


def test_a_stored_delivery_whose_task_was_lost_is_queued_by_the_sweep_and_processed_by_a_worker(
    client, emulator, inbox_endpoint, cluster, buyer_factory
):
    # given a delivery stored 6 minutes ago whose task never reached the broker
    [order] = paid_orders_at_stripe(client, buyer_factory, emulator, 1)
    [payload] = stripe_events(emulator, "checkout.session.completed")
    lost = WebhookEventTrigger.objects.create(
        headers={}, body=payload.decode(), remote_ip="127.0.0.1", valid=True, webhook_endpoint=inbox_endpoint
    )
    WebhookEventTrigger.objects.filter(pk=lost.pk).update(created=timezone.now() - timedelta(minutes=6))
    cluster.worker()
    # when the sweep runs (as beat or cron runs it)
    assert "1 Stripe deliveries queued again" in cluster.manage("stripe_deliveries_sweep")
    # then a worker processes it and the order is paid
    _wait_for(lambda: all_processed(1), "the swept delivery to be processed")
    order.refresh_from_db()
    assert order.status == "paid"
    assert json.loads(payload)["id"] == WebhookEventTrigger.objects.get().event_id
