"""send_pending_refunds: a refund whose Stripe call failed is sent later with its own key, or handed to staff.

Against the emulator: the failed call is a real fault (500, or a timeout that drops the request).
"""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from commerce.exceptions import RefundError
from commerce.models import Order, Refund
from commerce.refunds.pending import FLAG_REFUND_STUCK, RESEND_UNTIL, refunds_send_pending
from commerce.refunds.services import refund_start
from commerce.tests.test_refunds import course_with_lesson, lesson_url, money, order_paid, staff_member, stripe_refunds

pytestmark = pytest.mark.django_db


def pending_refund(emulator, order, *, fault: dict) -> Refund:
    """A staff refund of the whole order whose call to Stripe failed as `fault` says."""
    emulator.fault("/v1/refunds", method="POST", **fault)
    with pytest.raises(RefundError):
        refund_start(
            order=order, amounts=None, reason="Wrong course", actor=staff_member(), source="staff", request_key="k"
        )
    refund = Refund.objects.get(order=order)
    assert (refund.status, refund.stripe_refund_id) == ("pending", "")
    return refund


@pytest.mark.parametrize("fault", [{"kind": "api_error"}, {"kind": "timeout", "seconds": 2, "process": False}])
def test_a_refund_that_never_reached_stripe_is_sent_by_the_job_once(emulator, client, buyer, settings, fault):
    # given a refund left pending by a failed call, and Stripe answering again
    calm, lesson = course_with_lesson("Calm", 4900)
    order = order_paid(emulator, client, buyer, calm)
    settings.STRIPE_TIMEOUT_SECONDS = 1
    refund = pending_refund(emulator, order, fault=fault)
    emulator.clear_faults()
    # when the job runs: first while the refund is fresh (its request may still retry), then later
    assert refunds_send_pending() == {"sent": 0, "still_pending": 0, "handed_to_staff": 0}
    later = timezone.now() + timedelta(minutes=6)
    counts = refunds_send_pending(now=later)
    # then Stripe made one refund, it was applied, and running the job again does nothing more
    assert counts == {"sent": 1, "still_pending": 0, "handed_to_staff": 0}
    refund.refresh_from_db()
    assert [r.id for r in stripe_refunds(order)] == [refund.stripe_refund_id]
    assert refund.status == "succeeded"
    order.refresh_from_db()
    assert (order.status, order.amount_refunded) == ("refunded", 4900)
    assert client.get(lesson_url(lesson)).status_code == 302
    assert refunds_send_pending(now=later) == {"sent": 0, "still_pending": 0, "handed_to_staff": 0}
    assert len(stripe_refunds(order)) == 1


def test_a_refund_stripe_is_still_failing_stays_pending(emulator, client, buyer):
    order = order_paid(emulator, client, buyer, course_with_lesson("Calm", 4900)[0])
    refund = pending_refund(emulator, order, fault={"kind": "api_error"})
    emulator.fault("/v1/refunds", "api_error", method="POST")

    counts = refunds_send_pending(now=timezone.now() + timedelta(minutes=6))

    assert counts == {"sent": 0, "still_pending": 1, "handed_to_staff": 0}
    refund.refresh_from_db()
    assert (refund.status, refund.stripe_refund_id) == ("pending", "")
    assert stripe_refunds(order) == []


def test_a_refund_too_old_to_resend_safely_goes_to_staff_and_is_not_sent(emulator, client, buyer, settings):
    settings.STAFF_ALERT_EMAILS = ["ops@example.com"]
    order = order_paid(emulator, client, buyer, course_with_lesson("Calm", 4900)[0])
    refund = pending_refund(emulator, order, fault={"kind": "api_error"})
    emulator.clear_faults()
    out = StringIO()

    a_day_later = timezone.now() + RESEND_UNTIL + timedelta(minutes=1)
    counts = refunds_send_pending(now=a_day_later)
    refunds_send_pending(now=a_day_later)
    call_command("send_pending_refunds", stdout=out)  # now: too fresh, left alone

    assert counts == {"sent": 0, "still_pending": 0, "handed_to_staff": 1}
    assert stripe_refunds(order) == []
    order.refresh_from_db()
    assert order.is_flagged
    assert order.flag_reason == FLAG_REFUND_STUCK.format(amount=money(4900), refund=refund.pk)
    assert order.events.filter(type="flagged").count() == 1
    assert out.getvalue() == "0 refund(s) sent, 0 still waiting for Stripe, 0 handed to staff.\n"
    assert Order.objects.get(pk=order.pk).status == "paid"
