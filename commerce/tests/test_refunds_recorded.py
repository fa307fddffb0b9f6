"""Refunds as Stripe answers them, without webhooks: who asked, Stripe refusing, recording a refund found later."""

import pytest

from commerce import stripe_gateway as gateway
from commerce.exceptions import RefundError
from commerce.models import Order, Refund
from commerce.refunds.services import STRIPE_REFUSED, refund_record_from_stripe, refund_start
from commerce.tests.test_refunds import (
    course_with_lesson,
    lesson_url,
    money,
    order_paid,
    staff_member,
    stripe_refunds,
)
from innerwork.core.models import OutboxEmail, StaffAction

pytestmark = pytest.mark.django_db


# -- who asked, and what Stripe says back ------------------------------------------------------


def test_a_customer_refund_tells_stripe_it_was_requested_and_is_not_a_staff_action(emulator, client, buyer):
    calm, _ = course_with_lesson("Calm", 4900)
    order = order_paid(emulator, client, buyer, calm)

    refund = refund_start(
        order=order, amounts=None, reason="Within 14 days", actor=buyer, source="customer", request_key="req-1"
    )

    assert (refund.source, refund.requested_by, refund.status) == ("customer", buyer, "succeeded")
    assert [r.reason for r in stripe_refunds(order)] == ["requested_by_customer"]
    assert not StaffAction.objects.exists()
    assert order.events.get(type="refund_requested").actor is None


def test_a_refund_stripe_refuses_is_canceled_and_frees_its_amount(emulator, client, buyer):
    # given the charge was refunded in Stripe's dashboard and we have not heard yet (no webhooks here)
    calm, _ = course_with_lesson("Calm", 4900)
    order = order_paid(emulator, client, buyer, calm)
    emulator.dashboard_refund(order.charge_id)
    # when staff refund it
    with pytest.raises(RefundError) as refused:
        refund_start(order=order, amounts=None, reason="late", actor=staff_member(), source="staff", request_key="k")
    # then Stripe's refusal is shown and our refund is canceled, holding nothing
    refund = Refund.objects.get()
    assert refund.status == "canceled"
    assert refused.value.message == STRIPE_REFUSED.format(amount=money(4900), message=refund.failure_reason)
    assert refund.failure_reason
    order.refresh_from_db()
    assert (order.status, order.amount_refunded) == ("paid", 0)
    assert order.events.filter(type="refund_refused").count() == 1


def test_recording_a_stripe_refund_twice_records_and_applies_it_once(
    emulator, client, buyer, django_capture_on_commit_callbacks
):
    # given a refund made in Stripe that reconciliation found
    calm, lesson = course_with_lesson("Calm", 4900)
    order = order_paid(emulator, client, buyer, calm)
    made = emulator.dashboard_refund(order.charge_id, amount=4900)
    info = gateway.refund_retrieve(refund_id=made["id"])
    # when it is recorded twice
    with django_capture_on_commit_callbacks(execute=True):
        first = refund_record_from_stripe(info=info, source="reconciliation")
    with django_capture_on_commit_callbacks(execute=True):
        second = refund_record_from_stripe(info=info)
    # then
    assert first.pk == second.pk
    assert (second.source, second.status, second.amount) == ("reconciliation", "succeeded", 4900)
    order.refresh_from_db()
    assert (order.status, order.amount_refunded) == ("refunded", 4900)
    assert OutboxEmail.objects.filter(kind="commerce/refund_issued").count() == 1
    assert client.get(lesson_url(lesson)).status_code == 302


def test_a_stripe_refund_of_a_payment_that_is_not_ours_is_ignored(emulator, client, buyer):
    calm, _ = course_with_lesson("Calm", 4900)
    order = order_paid(emulator, client, buyer, calm)
    made = emulator.dashboard_refund(order.charge_id, amount=100)
    Order.objects.filter(pk=order.pk).update(payment_intent_id="pi_other", charge_id="ch_other")

    assert refund_record_from_stripe(info=gateway.refund_retrieve(refund_id=made["id"])) is None
    assert not Refund.objects.exists()
