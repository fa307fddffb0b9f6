"""A flagged order alerts staff by e-mail, once per order, and only when someone is listed to receive it."""

import pytest
from django.urls import reverse

from commerce import stripe_gateway as gateway
from commerce.checkout.fulfilment import FLAG_AMOUNT_MISMATCH, FLAG_PAID_TWICE, order_fulfil_from_session
from commerce.models import Order
from commerce.tests.stripe_fixtures import cart_for, checkout, session_id_of
from courses.tests.factories import CourseFactory
from innerwork.core.models import OutboxEmail

pytestmark = pytest.mark.django_db

STAFF = ["ops@innerwork.test", "owner@innerwork.test"]


@pytest.fixture
def paid_too_little(client, buyer, emulator):
    """A $50 order whose session reports $10 paid, and another payment for it that arrives later."""
    cart_for(buyer, CourseFactory(title="Calm Under Pressure", price_amount=5000))
    session_id = session_id_of(checkout(client))
    emulator.pay_checkout_session(session_id)
    paid = gateway.session_retrieve(session_id=session_id)
    short = gateway.CheckoutSessionInfo(**{**paid.__dict__, "amount_total": 1000})
    second = gateway.CheckoutSessionInfo(**{**paid.__dict__, "id": "cs_test_other", "payment_intent_id": "pi_other"})
    return Order.objects.get(), short, second


def staff_alerts():
    return OutboxEmail.objects.filter(kind="commerce/staff_order_flagged")


def test_a_flagged_order_emails_staff_once_even_when_flagged_twice(settings, paid_too_little):
    # given staff listed for alerts
    settings.STAFF_ALERT_EMAILS = STAFF
    order, short, second = paid_too_little
    # when the short payment flags the order, and a second payment flags it again for another reason
    order_fulfil_from_session(session=short)
    order_fulfil_from_session(session=second)
    # then it was flagged twice, and staff got exactly one e-mail naming the first reason and the amounts
    order.refresh_from_db()
    assert order.flag_reason == FLAG_PAID_TWICE.format(payment_intent="pi_other")
    assert order.events.filter(type="flagged").count() == 2
    alert = staff_alerts().get()
    assert alert.dedup_key == f"order:{order.pk}:staff_flag"
    assert alert.to == STAFF
    assert order.number in alert.subject
    assert FLAG_AMOUNT_MISMATCH.format(paid="$10.00", expected="$50.00") in alert.body_text
    assert "Maya Buyer <maya@example.com>" in alert.body_text
    assert "Expected: $50.00" in alert.body_text
    assert "Paid: $10.00" in alert.body_text
    admin_url = settings.SITE_URL + reverse("admin:commerce_order_change", args=[order.pk])
    assert admin_url in alert.body_text
    assert f'href="{admin_url}"' in alert.body_html


def test_no_staff_email_when_nobody_is_listed(settings, paid_too_little):
    settings.STAFF_ALERT_EMAILS = []
    order, short, _ = paid_too_little

    order_fulfil_from_session(session=short)

    order.refresh_from_db()
    assert order.is_flagged
    assert not staff_alerts().exists()
