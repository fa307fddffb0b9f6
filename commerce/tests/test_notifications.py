"""Order e-mails: the confirmation with its receipt and the failed payment, each sent exactly once per key."""

from datetime import UTC, datetime

import pytest
from django.core import mail

from commerce.models import Order
from commerce.orders.notifications import notify_order_paid, notify_payment_failed
from commerce.tests.factories import CouponFactory, OrderFactory, OrderLineFactory
from courses.tests.factories import CourseFactory
from innerwork.accounts.tests.factories import UserFactory
from innerwork.core.models import OutboxEmail

pytestmark = pytest.mark.django_db

SITE = "http://127.0.0.1:8000"
RECEIPT_URL = "http://127.0.0.1:12111/receipts/payment/ch_3Pq"


def two_course_order(*, user, status=Order.Status.PAID, **fields):
    """Calm ($49) and Kindness ($79) with WELCOME15 split across them: $108.80 paid by Visa 4242."""
    calm = CourseFactory(title="Calm Under Pressure", slug="calm-under-pressure")
    kind = CourseFactory(title="Leading With Kindness", slug="leading-with-kindness")
    coupon = CouponFactory(code="WELCOME15", percent_off=15)
    paid = status == Order.Status.PAID
    order = OrderFactory(
        user=user,
        status=status,
        subtotal_amount=12800,
        discount_amount=1920,
        coupon=coupon,
        amount_paid=10880 if paid else 0,
        paid_at=datetime(2026, 3, 9, 23, 30, tzinfo=UTC) if paid else None,
        card_brand="visa" if paid else "",
        card_last4="4242" if paid else "",
        receipt_url=RECEIPT_URL if paid else "",
        **fields,
    )
    OrderLineFactory(order=order, ref=str(calm.pk), title=calm.title, unit_amount=4900, discount_amount=735)
    OrderLineFactory(order=order, ref=str(kind.pk), title=kind.title, unit_amount=7900, discount_amount=1185)
    return order


@pytest.fixture
def buyer():
    return UserFactory(email="ines@example.com", full_name="Inès Buyer", time_zone="Europe/Paris")


# ---- confirmation ---------------------------------------------------------------------------------


def test_confirmation_is_a_receipt_with_lines_discount_total_card_and_links(buyer, django_capture_on_commit_callbacks):
    # given a paid order
    order = two_course_order(user=buyer)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        notify_order_paid(order=order)
    # then one e-mail went to the buyer, as text with an HTML alternative
    (message,) = mail.outbox
    assert message.to == ["ines@example.com"]
    assert message.subject == f"Your receipt for order {order.number}"
    html = message.alternatives[0].content
    for body in (message.body, html):
        assert "Calm Under Pressure" in body
        assert "Leading With Kindness" in body
        assert "$41.65" in body  # each line after its share of the discount
        assert "$67.15" in body
        assert "$128.00" in body  # subtotal
        assert "−$19.20" in body or "&minus;$19.20" in body
        assert "WELCOME15" in body
        assert "$108.80" in body
        assert "Visa ending in 4242" in body
        assert RECEIPT_URL in body
        assert f"{SITE}/orders/{order.number}/" in body
        assert f"{SITE}/courses/calm-under-pressure/learn/" in body
        # paid at 23:30 UTC is half past midnight the next day in Paris
        assert "Mar 10, 2026, 12:30 AM CET" in body
    assert message.body.startswith("Hi Inès,")
    assert "Total paid: $108.80 USD" in message.body


def test_confirmation_of_a_single_course_starts_learning_from_the_button(buyer, django_capture_on_commit_callbacks):
    # given
    course = CourseFactory(title="Sleep Better", slug="sleep-better")
    order = OrderFactory(user=buyer, status=Order.Status.PAID, subtotal_amount=2500, amount_paid=2500)
    OrderLineFactory(order=order, ref=str(course.pk), title="Sleep Better", unit_amount=2500)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        notify_order_paid(order=order)
    # then
    email = OutboxEmail.objects.get()
    assert f'href="{SITE}/courses/sleep-better/learn/"' in email.body_html
    assert ">Start learning</a>" in email.body_html
    assert "your course is ready" in email.body_text


def test_confirmation_of_a_free_order_says_nothing_was_charged(buyer, django_capture_on_commit_callbacks):
    # given an order fully paid by a 100 % coupon
    coupon = CouponFactory(code="GIFT100", percent_off=100)
    order = OrderFactory(
        user=buyer, status=Order.Status.PAID, subtotal_amount=4900, discount_amount=4900, coupon=coupon
    )
    OrderLineFactory(order=order, unit_amount=4900, discount_amount=4900, title="Calm Under Pressure")
    # when
    with django_capture_on_commit_callbacks(execute=True):
        notify_order_paid(order=order)
    # then
    email = OutboxEmail.objects.get()
    assert "Coupon GIFT100 — no charge" in email.body_text
    assert "there was nothing to pay" in email.body_text
    assert "Stripe receipt" not in email.body_text


def test_confirmation_twice_gives_one_outbox_row_and_one_email(buyer, django_capture_on_commit_callbacks):
    # given
    order = two_course_order(user=buyer)
    # when fulfilment runs twice (a webhook and the success page)
    with django_capture_on_commit_callbacks(execute=True):
        notify_order_paid(order=order)
        notify_order_paid(order=order)
    with django_capture_on_commit_callbacks(execute=True):
        notify_order_paid(order=order)
    # then
    assert OutboxEmail.objects.filter(dedup_key=f"order:{order.pk}:confirmation").count() == 1
    assert OutboxEmail.objects.count() == 1
    assert len(mail.outbox) == 1


def test_confirmation_is_not_sent_when_the_fulfilment_rolls_back(buyer, django_capture_on_commit_callbacks):
    from django.db import transaction

    order = two_course_order(user=buyer)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        notify_order_paid(order=order)
        transaction.set_rollback(True)
    assert not OutboxEmail.objects.exists()
    assert mail.outbox == []


# ---- payment failed -------------------------------------------------------------------------------


def test_payment_failed_gives_the_reason_and_a_way_back_to_pay(buyer, django_capture_on_commit_callbacks):
    # given an order whose card was declined
    order = two_course_order(user=buyer, status=Order.Status.FAILED)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        notify_payment_failed(order=order, reason="Your card has insufficient funds.", attempt_key="ch_1")
    # then
    (message,) = mail.outbox
    assert message.subject == f"Your payment for order {order.number} didn't go through"
    html = message.alternatives[0].content
    for body in (message.body, html):
        assert "Your card has insufficient funds." in body
        assert "nothing was charged" in body
        assert f"{SITE}/orders/{order.number}/" in body
        assert "$108.80" in body
        assert "WELCOME15" in body
    assert "Try the payment again" in html
    assert "Amount due: $108.80 USD" in message.body
    # no course links: nothing was bought yet
    assert "/learn/" not in message.body
    assert "/learn/" not in html


def test_the_same_failed_attempt_is_reported_once_and_a_new_attempt_again(buyer, django_capture_on_commit_callbacks):
    # given
    order = two_course_order(user=buyer, status=Order.Status.FAILED)
    # when the first failure is delivered twice, then a second attempt fails too
    with django_capture_on_commit_callbacks(execute=True):
        notify_payment_failed(order=order, reason="Your card was declined.", attempt_key="ch_1")
        notify_payment_failed(order=order, reason="Your card was declined.", attempt_key="ch_1")
    with django_capture_on_commit_callbacks(execute=True):
        notify_payment_failed(order=order, reason="Your card was declined.", attempt_key="ch_2")
    # then one e-mail per attempt
    keys = sorted(OutboxEmail.objects.values_list("dedup_key", flat=True))
    assert keys == [f"order:{order.pk}:payment_failed:ch_1", f"order:{order.pk}:payment_failed:ch_2"]
    assert len(mail.outbox) == 2


def test_a_failure_without_a_reason_still_reads_well(buyer, django_capture_on_commit_callbacks):
    order = two_course_order(user=buyer, status=Order.Status.FAILED)
    with django_capture_on_commit_callbacks(execute=True):
        notify_payment_failed(order=order, reason="", attempt_key="pi_1")
    assert "Reason: Your card was declined." in OutboxEmail.objects.get().body_text
