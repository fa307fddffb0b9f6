"""Commerce's periodic jobs, run as beat sends them: abandoned orders expire, failed refund calls are resent."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from commerce.models import Order, Refund
from commerce.tasks import yesterday_utc
from commerce.tests.factories import OrderFactory
from commerce.tests.test_refunds import course_with_lesson, order_paid, stripe_refunds
from commerce.tests.test_refunds_pending import pending_refund
from innerwork.core.tests.beat import beat_job_run

pytestmark = pytest.mark.django_db


def test_the_job_expires_an_order_that_never_reached_stripe_and_keeps_a_recent_one():
    # given an order left waiting two hours without a payment page, and one made a minute ago
    left, recent = OrderFactory(), OrderFactory()
    Order.objects.filter(pk=left.pk).update(updated_at=timezone.now() - timedelta(hours=2))

    # when beat sends the job, twice
    first, second = beat_job_run("expire_abandoned_orders"), beat_job_run("expire_abandoned_orders")

    # then the abandoned one expired, once, and the recent one still waits
    assert (first, second) == (1, 0)
    assert dict(Order.objects.values_list("pk", "status")) == {left.pk: "expired", recent.pk: "pending"}


def test_the_job_sends_a_refund_whose_stripe_call_failed_once(emulator, client, buyer):
    # given a refund left pending six minutes ago by a failed call, and Stripe answering again
    order = order_paid(emulator, client, buyer, course_with_lesson("Calm", 4900)[0])
    refund = pending_refund(emulator, order, fault={"kind": "api_error"})
    emulator.clear_faults()
    Refund.objects.filter(pk=refund.pk).update(created_at=timezone.now() - timedelta(minutes=6))

    # when beat sends the job, twice
    first, second = beat_job_run("send_pending_refunds"), beat_job_run("send_pending_refunds")

    # then Stripe made one refund and it was applied
    assert first == {"sent": 1, "still_pending": 0, "handed_to_staff": 0}
    assert second == {"sent": 0, "still_pending": 0, "handed_to_staff": 0}
    refund.refresh_from_db()
    assert [r.id for r in stripe_refunds(order)] == [refund.stripe_refund_id]
    assert refund.status == "succeeded"


def _utc(*parts) -> datetime:
    return datetime(*parts, tzinfo=UTC)


@pytest.mark.parametrize(
    ("now", "since", "until"),
    [
        (_utc(2026, 12, 4, 3, 15), _utc(2026, 12, 3), _utc(2026, 12, 4)),
        (_utc(2026, 1, 1, 0, 0), _utc(2025, 12, 31), _utc(2026, 1, 1)),
        (_utc(2026, 3, 1, 23, 59), _utc(2026, 2, 28), _utc(2026, 3, 1)),
    ],
)
def test_the_daily_reconciliation_covers_the_whole_of_yesterday_in_utc(now, since, until):
    assert yesterday_utc(now=now) == (since, until)
