"""Refunding from an order's admin page against the Stripe emulator: who may, what it does, what it refuses."""

import pytest
import stripe
from django.urls import reverse

from commerce.admin.forms import REFUND_LINE_TOO_MUCH, REFUND_NOTHING_CHOSEN
from commerce.models import Order, Refund
from commerce.refunds.services import ORDER_NOT_PAID
from commerce.tests.admin_fixtures import client_for, staff_in
from commerce.tests.factories import OrderFactory, OrderLineFactory, paid_order
from commerce.tests.test_refunds import course_with_lesson, order_paid
from courses.models import Enrollment
from innerwork.core.models import StaffAction

pytestmark = pytest.mark.django_db


def refund_url(order):
    return reverse("admin:commerce_order_refund", args=[order.pk])


def form_for(order, **values):
    data = {"reason": "Customer asked", "request_key": "form-1", "revoke": "on"}
    for line in order.lines.all():
        data[f"line_{line.pk}"] = ""
    data.update(values)
    return data


@pytest.fixture
def two_course_order(emulator, client, buyer):
    calm, _ = course_with_lesson("Calm", 4900)
    focus, _ = course_with_lesson("Focus", 2900)
    return order_paid(emulator, client, buyer, calm, focus)


def test_finance_refund_one_line_once_even_when_the_form_is_sent_twice(two_course_order):
    order = two_course_order
    finance = client_for(staff_in("Finance"))
    calm = order.lines.get(title="Calm")
    page = finance.get(refund_url(order))
    assert page.status_code == 200
    assert "$78.00" in page.content.decode()  # still refundable
    data = form_for(order, **{f"line_{calm.pk}": "49.00", "reason": "Wrong course"})

    first = finance.post(refund_url(order), data)
    second = finance.post(refund_url(order), data)  # a double click

    assert first.status_code == 302
    assert first.url == reverse("admin:commerce_order_change", args=[order.pk])
    assert second.status_code == 302
    assert [r.amount for r in stripe.Refund.list(payment_intent=order.payment_intent_id).data] == [4900]
    refund = Refund.objects.get()
    assert (refund.amount, refund.source, refund.reason, refund.requested_by.email) == (
        4900,
        "staff",
        "Wrong course",
        "finance@innerwork.test",
    )
    action = StaffAction.objects.get(action="order.refund")
    assert (action.actor.email, action.order_number) == ("finance@innerwork.test", order.number)
    order.refresh_from_db()
    assert order.status == Order.Status.PARTIALLY_REFUNDED
    statuses = dict(Enrollment.objects.values_list("course__title", "status"))
    assert statuses == {"Calm": "refunded", "Focus": "active"}
    page = finance.get(reverse("admin:commerce_order_change", args=[order.pk]), follow=True).content.decode()
    assert 'data-refund-status="succeeded"' in page
    assert "Wrong course" in page


@pytest.mark.parametrize("role", ["Support", "Marketing"])
def test_support_and_marketing_cannot_refund(two_course_order, role):
    order = two_course_order
    client = client_for(staff_in(role))

    assert client.get(refund_url(order)).status_code == 403
    response = client.post(refund_url(order), form_for(order, everything="on"))

    assert response.status_code == 403
    assert not Refund.objects.exists()
    assert stripe.Refund.list(payment_intent=order.payment_intent_id).data == []


def test_admin_can_refund_everything(two_course_order):
    order = two_course_order
    response = client_for(staff_in("Admin")).post(refund_url(order), form_for(order, everything="on"))
    assert response.status_code == 302
    order.refresh_from_db()
    assert (order.status, order.amount_refunded) == (Order.Status.REFUNDED, 7800)


def test_the_form_refuses_too_much_no_amount_and_no_reason(db):
    order = paid_order(lines=(4900,))
    line = order.lines.get()
    finance = client_for(staff_in("Finance"))

    too_much = finance.post(refund_url(order), form_for(order, **{f"line_{line.pk}": "49.01"}))
    nothing = finance.post(refund_url(order), form_for(order))
    no_reason = finance.post(refund_url(order), form_for(order, everything="on", reason=""))

    assert too_much.context["form"].errors[f"line_{line.pk}"] == [REFUND_LINE_TOO_MUCH.format(amount="$49.00")]
    assert nothing.context["form"].non_field_errors() == [REFUND_NOTHING_CHOSEN]
    assert "reason" in no_reason.context["form"].errors
    assert not Refund.objects.exists()


def test_a_refusal_from_refund_start_is_shown_on_the_form(db):
    order = OrderFactory(status=Order.Status.PENDING)
    OrderLineFactory(order=order)
    finance = client_for(staff_in("Finance"))

    response = finance.post(refund_url(order), form_for(order, everything="on"))

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [ORDER_NOT_PAID.format(number=order.number)]
    assert "data-refund-error" in response.content.decode()
    assert not Refund.objects.exists()


def test_a_failed_refund_is_a_warning_at_the_top_of_the_order_page(db):
    order = paid_order(lines=(4900,))
    Refund.objects.create(
        order=order,
        amount=1500,
        currency="usd",
        source="staff",
        reason="Partial goodwill",
        idempotency_key="failed-1",
        status=Refund.Status.FAILED,
        failure_reason="expired_or_canceled_card",
    )

    response = client_for(staff_in("Support")).get(reverse("admin:commerce_order_change", args=[order.pk]))

    messages = [str(message) for message in response.context["messages"]]
    assert messages == [
        "Refund of $15.00 failed at Stripe (expired_or_canceled_card). The money did not go back to the customer."
    ]
    assert 'data-refund-status="failed"' in response.content.decode()
