"""Order history, the order page and billing: what a customer sees of their own orders, and nothing of others'."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from commerce.models import Order, OrderEvent
from commerce.tests.factories import CouponFactory, OrderFactory, OrderLineFactory
from commerce.views.orders import ORDERS_PER_PAGE
from courses.tests.factories import CourseFactory, EnrollmentFactory
from innerwork.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

RECEIPT_URL = "http://127.0.0.1:12111/receipts/payment/ch_123"


def paid_order(
    *,
    user,
    lines=(("Calm Under Pressure", 4900, 0),),
    coupon=None,
    paid_at=None,
    status=Order.Status.PAID,
    card_brand="visa",
    card_last4="4242",
    **fields,
):
    """A paid order whose lines are (title, unit amount, discount share); totals add up."""
    subtotal = sum(amount for _, amount, _ in lines)
    discount = sum(share for _, _, share in lines)
    order = OrderFactory(
        user=user,
        status=status,
        subtotal_amount=subtotal,
        discount_amount=discount,
        coupon=coupon,
        amount_paid=subtotal - discount,
        paid_at=paid_at or timezone.now(),
        card_brand=card_brand,
        card_last4=card_last4,
        receipt_url=RECEIPT_URL,
        **fields,
    )
    for title, amount, share in lines:
        OrderLineFactory(order=order, title=title, unit_amount=amount, discount_amount=share)
    return order


@pytest.fixture
def customer(client):
    user = UserFactory(email="ines@example.com", full_name="Inès Buyer")
    client.force_login(user)
    return user


# ---- who may see what -------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["commerce:order_list", "commerce:billing"])
def test_a_visitor_is_asked_to_log_in_for_the_lists(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_a_visitor_is_asked_to_log_in_for_an_order_page(client):
    order = OrderFactory()
    response = client.get(order.get_absolute_url())
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_another_persons_order_page_is_not_found(client, customer):
    # given an order that belongs to someone else
    stranger_order = paid_order(user=UserFactory())
    # when the customer opens it by its number
    response = client.get(stranger_order.get_absolute_url())
    # then it does not exist for them
    assert response.status_code == 404


def test_an_unknown_order_number_is_not_found(client, customer):
    assert client.get(reverse("commerce:order_detail", kwargs={"number": "ORD-20260101-ZZZZZZ"})).status_code == 404


def test_history_and_billing_list_only_the_customers_own_orders(client, customer):
    # given
    mine = paid_order(user=customer)
    theirs = paid_order(user=UserFactory())
    # when
    history = client.get(reverse("commerce:order_list"))
    billing = client.get(reverse("commerce:billing"))
    # then
    for response in (history, billing):
        assertContains(response, mine.number)
        assertNotContains(response, theirs.number)


# ---- history ----------------------------------------------------------------------------------


def test_history_lists_orders_newest_first_with_status_badges_and_totals(client, customer):
    # given three orders made on three days
    older = paid_order(user=customer, lines=[("Calm Under Pressure", 4900, 0), ("Leading With Kindness", 7900, 0)])
    failed = OrderFactory(user=customer, status=Order.Status.FAILED, subtotal_amount=2500)
    OrderLineFactory(order=failed, title="Sleep Better", unit_amount=2500)
    newest = OrderFactory(user=customer, subtotal_amount=9900)
    OrderLineFactory(order=newest, title="Deep Work", unit_amount=9900)
    for days, order in ((3, older), (2, failed), (1, newest)):
        Order.objects.filter(pk=order.pk).update(created_at=timezone.now() - timedelta(days=days))
    # when
    response = client.get(reverse("commerce:order_list"))
    # then
    html = response.content.decode()
    assert html.index(newest.number) < html.index(failed.number) < html.index(older.number)
    paid_badge = '<span class="badge badge--success order-status" data-status="paid">Paid</span>'
    assertContains(response, paid_badge, html=True)
    assertContains(response, 'data-status="failed">Payment failed</span>')
    assertContains(response, "Awaiting payment")
    assertContains(response, "$128.00")
    assertContains(response, "Calm Under Pressure")
    assertContains(response, "and 1 more item")
    assertContains(response, "3 orders")


def test_history_is_paginated(client, customer):
    # given one order more than a page holds
    orders = [OrderFactory(user=customer) for _ in range(ORDERS_PER_PAGE + 1)]
    oldest = orders[0]
    Order.objects.filter(pk=oldest.pk).update(created_at=timezone.now() - timedelta(days=30))
    # when
    first = client.get(reverse("commerce:order_list"))
    second = client.get(reverse("commerce:order_list"), {"page": 2})
    # then the oldest order is alone on page 2
    assertNotContains(first, oldest.number)
    assertContains(first, "Page 1 of 2")
    assertContains(second, oldest.number)
    assert len(second.context["orders"]) == 1


def test_history_costs_the_same_queries_for_one_order_or_a_full_page(client, customer):
    # given one order, then a full page of orders with two lines each
    paid_order(user=customer)
    client.get(reverse("commerce:order_list"))  # the session and site caches are warm from here on
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("commerce:order_list"))
    for _ in range(ORDERS_PER_PAGE - 1):
        paid_order(user=customer, lines=[("A", 1000, 0), ("B", 2000, 0)])
    # when
    with CaptureQueriesContext(connection) as full:
        client.get(reverse("commerce:order_list"))
    # then the lines come in one prefetch, not one query per order
    assert len(full.captured_queries) == len(one.captured_queries)


def test_a_customer_without_orders_is_invited_to_browse(client, customer):
    response = client.get(reverse("commerce:order_list"))
    assertContains(response, "No orders yet")
    assertContains(response, reverse("courses:catalogue"))


# ---- one order --------------------------------------------------------------------------------


def test_order_page_shows_lines_discount_shares_coupon_totals_card_and_receipt(client, customer):
    # given a paid order of two courses with a 15 % coupon split across them
    coupon = CouponFactory(code="WELCOME15", percent_off=15)
    order = paid_order(
        user=customer,
        coupon=coupon,
        lines=[("Calm Under Pressure", 4900, 735), ("Leading With Kindness", 7900, 1185)],
    )
    # when
    response = client.get(order.get_absolute_url())
    # then each line shows its price, its share of the discount and what it really cost
    assertContains(response, "Calm Under Pressure")
    assertContains(response, '<p class="order-line__total" data-line-total>$41.65</p>', html=True)
    assertContains(response, "<s>$49.00</s>", html=True)
    assertContains(response, "−$7.35")
    assertContains(response, "−$11.85")
    # and the totals with the coupon
    assertContains(response, "<dd data-subtotal>$128.00</dd>", html=True)
    assertContains(response, "<dd data-discount>−$19.20</dd>", html=True)
    assertContains(response, "<dd data-total>$108.80</dd>", html=True)
    assertContains(response, "WELCOME15")
    # and how it was paid
    assertContains(response, '<dd data-card><span class="card-chip">Visa</span> •••• 4242</dd>', html=True)
    assertContains(response, f'href="{RECEIPT_URL}"')
    assertContains(response, "View Stripe receipt")
    assertContains(response, 'data-status="paid"')


def test_order_timeline_is_shown_in_the_viewers_time_zone(client, customer):
    # given a customer in Tokyo and an order event at noon UTC
    customer.time_zone = "Asia/Tokyo"
    customer.save()
    order = paid_order(user=customer)
    OrderEvent.objects.create(
        order=order, type="created", message="Order placed", created_at=datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
    )
    OrderEvent.objects.create(
        order=order, type="paid", message="Payment received", created_at=datetime(2026, 1, 5, 12, 4, tzinfo=UTC)
    )
    # when
    response = client.get(order.get_absolute_url())
    # then the events read in order, at 9 pm Tokyo time
    html = response.content.decode()
    assert html.index("Order placed") < html.index("Payment received")
    assertContains(response, "Jan 5, 2026, 9:00 PM JST")
    assertContains(response, "Jan 5, 2026, 9:04 PM JST")
    assertContains(response, "Times in Asia/Tokyo.")
    assertContains(response, 'class="timeline__item timeline__item--success" data-event="paid"')


def test_a_paid_order_links_to_the_courses_bought(client, customer):
    # given
    course = CourseFactory(title="Calm Under Pressure", slug="calm-under-pressure")
    EnrollmentFactory(user=customer, course=course)
    order = paid_order(user=customer)
    order.lines.update(ref=str(course.pk))
    # when
    response = client.get(order.get_absolute_url())
    # then
    assertContains(response, f'href="{reverse("courses:resume", kwargs={"slug": "calm-under-pressure"})}"')
    assertContains(response, "Start learning")
    assertNotContains(response, "Pay $")


def test_an_unpaid_order_has_no_course_links(client, customer):
    course = CourseFactory()
    order = OrderFactory(user=customer)
    OrderLineFactory(order=order, ref=str(course.pk))
    response = client.get(order.get_absolute_url())
    assertNotContains(response, reverse("courses:resume", kwargs={"slug": course.slug}))


def test_a_failed_payment_shows_its_reason(client, customer):
    # given
    order = OrderFactory(user=customer, status=Order.Status.FAILED, failure_message="Your card has insufficient funds.")
    OrderLineFactory(order=order)
    # when
    response = client.get(order.get_absolute_url())
    # then
    assertContains(response, "Your last payment didn't go through")
    assertContains(response, "<p data-failure-reason>Your card has insufficient funds. Nothing was charged.")


def test_a_flagged_order_tells_the_customer_we_are_checking(client, customer):
    # given an order whose paid amount did not match and that staff have not resolved
    order = paid_order(user=customer, is_flagged=True, flag_reason="Paid 1000, expected 4900")
    # when
    response = client.get(order.get_absolute_url())
    # then the customer is reassured, without seeing the internal reason
    assertContains(response, "We're checking your payment")
    assertContains(response, "our team will contact you at ines@example.com")
    assertContains(response, 'data-status="flagged"')
    assertNotContains(response, "Paid 1000, expected 4900")


def test_a_resolved_flag_is_no_longer_shown(client, customer):
    order = paid_order(user=customer, is_flagged=True, flag_resolved_at=timezone.now())
    response = client.get(order.get_absolute_url())
    assertNotContains(response, "We're checking your payment")
    assertContains(response, 'data-status="paid"')


def test_a_payable_order_offers_to_pay_now_through_the_checkout(client, customer):
    # given a pending order (the pay URL belongs to the checkout views)
    order = OrderFactory(user=customer, subtotal_amount=4900)
    OrderLineFactory(order=order)
    # when
    response = client.get(order.get_absolute_url())
    # then a CSRF-protected POST form pays it
    pay_url = reverse("commerce:order_pay", kwargs={"number": order.number})
    assertContains(response, f'<form method="post" action="{pay_url}" class="order-pay">', count=2)
    assertContains(response, "Pay $49.00 now")
    assertContains(response, "csrfmiddlewaretoken")


@pytest.mark.parametrize(
    "status", [Order.Status.PAID, Order.Status.CANCELED, Order.Status.REFUNDED, Order.Status.PARTIALLY_REFUNDED]
)
def test_an_order_that_is_not_payable_has_no_pay_button(client, customer, status):
    order = OrderFactory(user=customer, status=status)
    OrderLineFactory(order=order)
    response = client.get(order.get_absolute_url())
    assertNotContains(response, 'class="order-pay"')


def test_a_refunded_order_shows_what_was_refunded(client, customer):
    order = paid_order(user=customer, status=Order.Status.PARTIALLY_REFUNDED, amount_refunded=1500)
    response = client.get(order.get_absolute_url())
    assertContains(response, "$15.00 refunded")
    assertContains(response, "<dd data-refunded>−$15.00</dd>", html=True)


# ---- billing ----------------------------------------------------------------------------------


def test_billing_lists_every_payment_with_date_order_amount_card_refund_and_receipt(client, customer):
    # given two payments, one partly refunded, and an unpaid order
    first = paid_order(user=customer, paid_at=datetime(2026, 2, 1, 10, 0, tzinfo=UTC))
    second = paid_order(
        user=customer,
        lines=[("Deep Work", 9900, 0)],
        paid_at=datetime(2026, 3, 1, 10, 0, tzinfo=UTC),
        status=Order.Status.PARTIALLY_REFUNDED,
        amount_refunded=2000,
        card_brand="amex",
        card_last4="0005",
    )
    unpaid = OrderFactory(user=customer)
    # when
    response = client.get(reverse("commerce:billing"))
    # then
    html = response.content.decode()
    assert html.index(second.number) < html.index(first.number)
    assertNotContains(response, unpaid.number)
    assertContains(response, "Mar 1, 2026")
    assertContains(response, "American Express •••• 0005")
    assertContains(response, "Visa •••• 4242")
    assertContains(response, '<td data-label="Amount" class="payments__num" data-amount>$99.00</td>', html=True)
    assertContains(response, "−$20.00")
    assertContains(response, f'href="{RECEIPT_URL}"', count=2)
    assertContains(response, f'href="{first.get_absolute_url()}"')
    assertContains(response, "2 payments")


def test_billing_without_payments_says_so(client, customer):
    response = client.get(reverse("commerce:billing"))
    assertContains(response, "No payments yet")


# ---- navigation -------------------------------------------------------------------------------


def test_the_header_offers_orders_to_a_signed_in_customer(client, customer):
    response = client.get(reverse("courses:catalogue"))
    assertContains(response, f'<a href="{reverse("commerce:order_list")}">Orders</a>', html=True, count=2)


def test_the_orders_link_is_marked_current_on_order_pages(client, customer):
    response = client.get(reverse("commerce:billing"))
    assertContains(response, f'<a href="{reverse("commerce:order_list")}" aria-current="page">Orders</a>', html=True)
