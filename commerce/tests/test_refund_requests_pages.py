"""The customer's refund pages (order panel → choose → quote → confirm) and the staff's decision in admin."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from commerce import stripe_gateway as gateway
from commerce.checkout.fulfilment import order_fulfil_from_session
from commerce.models import Order, Refund, RefundRequest
from commerce.refunds.policy import LINE_REFUNDED
from commerce.tests.factories import CouponFactory
from commerce.tests.stripe_fixtures import cart_for, checkout, session_id_of, signed_in_client
from commerce.views.refunds import REFUND_POSTS_PER_MINUTE
from courses.tests.factories import CourseFactory
from innerwork.accounts.tests.factories import StaffFactory, UserFactory
from innerwork.core.models import OutboxEmail, StaffAction

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(client, buyer, emulator):
    """Two courses ($49 and $29, 10 % off with a code) paid through the emulator just now."""
    coupon = CouponFactory(code="TEN", percent_off=10)
    cart_for(
        buyer,
        CourseFactory(title="Calm Under Pressure", price_amount=4900),
        CourseFactory(title="Deep Focus", price_amount=2900),
        coupon=coupon,
    )
    session_id = session_id_of(checkout(client))
    emulator.pay_checkout_session(session_id)
    order_fulfil_from_session(session=gateway.session_retrieve(session_id=session_id))
    return Order.objects.get(user=buyer)


def refund_url(order, *line_ids, change=False):
    query = "&".join(f"lines={pk}" for pk in line_ids) + ("&change=1" if change else "")
    return reverse("commerce:order_refund", kwargs={"number": order.number}) + (f"?{query}" if query else "")


def lines_of(order):
    return list(order.lines.order_by("pk"))


def confirm(client, order, lines, *, key="form-key", reason=""):
    return client.post(
        reverse("commerce:order_refund", kwargs={"number": order.number}),
        {"lines": [line.pk for line in lines], "request_key": key, "reason": reason},
    )


def finance_user():
    user = StaffFactory(is_superuser=False, email="fin@innerwork.test")
    user.user_permissions.add(Permission.objects.get(codename="refund_order", content_type__app_label="commerce"))
    return user


# -- the order page ------------------------------------------------------------------------------------------------


def test_the_order_page_offers_a_refund_of_a_paid_order(client, order):
    page = client.get(order.get_absolute_url()).content.decode()

    assert "data-refund-panel" in page
    assert f'href="{refund_url(order)}"' in page
    assert "Request a refund" in page


def test_the_order_page_shows_the_refunds_and_the_request_waiting(client, order):
    Order.objects.filter(pk=order.pk).update(paid_at=timezone.now() - timedelta(days=30))
    confirm(client, order, lines_of(order)[:1])

    page = client.get(order.get_absolute_url()).content.decode()

    assert 'data-refund-request="pending"' in page
    assert "You asked for a refund of <strong>$44.10</strong>" in page
    assert "data-request-refund" not in page  # one request at a time


# -- choose, quote, confirm ----------------------------------------------------------------------------------------


def test_choosing_lists_every_item_with_what_it_would_give_back(client, order):
    page = client.get(refund_url(order)).content.decode()

    calm, focus = lines_of(order)
    assert f'name="lines" value="{calm.pk}"' in page
    assert f'name="lines" value="{focus.pk}"' in page
    assert "$44.10" in page
    assert "$26.10" in page


def test_the_quote_shows_each_line_and_the_total_before_anything_happens(client, order):
    calm, focus = lines_of(order)

    response = client.get(refund_url(order, calm.pk, focus.pk))

    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("✓ Within our refund policy") == 2
    assert "data-quote-total>$70.20<" in page
    assert "Confirm refund of $70.20" in page
    assert not RefundRequest.objects.exists()
    assert not Refund.objects.exists()


def test_confirming_within_the_policy_refunds_the_amount_quoted(client, order):
    calm, _ = lines_of(order)
    quoted = client.get(refund_url(order, calm.pk)).content.decode()
    assert "data-quote-total>$44.10<" in quoted

    response = confirm(client, order, [calm], reason="Not for me")

    request = RefundRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "commerce:refund_request_detail", kwargs={"number": order.number, "pk": request.pk}
    )
    assert Refund.objects.get().amount == 4410 == request.amount
    page = client.get(response["Location"]).content.decode()
    assert "Your refund is complete" in page  # Stripe's answer to the refund call confirmed it
    assert "We refunded $44.10 on" in page


def test_confirming_outside_the_policy_sends_the_request_to_our_team(client, order):
    Order.objects.filter(pk=order.pk).update(paid_at=timezone.now() - timedelta(days=20))
    calm, _ = lines_of(order)
    quoted = client.get(refund_url(order, calm.pk)).content.decode()
    assert "You bought this course 20 days ago; refunds are automatic within 14 days." in quoted
    assert "Send my request" in quoted

    response = confirm(client, order, [calm])

    page = client.get(response["Location"]).content.decode()
    assert "Your request was sent to our team" in page
    assert RefundRequest.objects.get().status == RefundRequest.Status.PENDING
    assert not Refund.objects.exists()


def test_a_double_submit_of_the_form_makes_one_request(client, order):
    lines = lines_of(order)

    first = confirm(client, order, lines, key="same")
    second = confirm(client, order, lines, key="same")

    assert first["Location"] == second["Location"]
    assert RefundRequest.objects.count() == 1
    assert Refund.objects.count() == 1


def test_a_refused_request_says_why_on_the_quote(client, order):
    calm, _ = lines_of(order)
    confirm(client, order, [calm], key="first")

    response = confirm(client, order, [calm], key="second")

    assert response["Location"] == refund_url(order, calm.pk)
    page = client.get(response["Location"]).content.decode()
    assert LINE_REFUNDED in page
    assert "Some of these items can't be refunded" in page


# -- who may see and post ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["get", "post"])
def test_another_customer_gets_a_404(order, method):
    stranger = signed_in_client(UserFactory())
    url = reverse("commerce:order_refund", kwargs={"number": order.number})

    response = getattr(stranger, method)(url, {"lines": [line.pk for line in lines_of(order)]})

    assert response.status_code == 404
    assert not RefundRequest.objects.exists()


def test_someone_else_cannot_read_a_request(client, order):
    confirm(client, order, lines_of(order))
    url = reverse(
        "commerce:refund_request_detail", kwargs={"number": order.number, "pk": RefundRequest.objects.get().pk}
    )

    assert signed_in_client(UserFactory()).get(url).status_code == 404


def test_a_visitor_is_asked_to_log_in(order):
    response = Client().get(reverse("commerce:order_refund", kwargs={"number": order.number}))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_confirmation_needs_a_csrf_token(order, buyer):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(buyer)

    response = confirm(strict, order, lines_of(order))

    assert response.status_code == 403
    assert not RefundRequest.objects.exists()


def test_confirmations_are_rate_limited(client, order):
    Order.objects.filter(pk=order.pk).update(paid_at=timezone.now() - timedelta(days=20))
    statuses = [
        confirm(client, order, lines_of(order), key=f"k{n}").status_code for n in range(REFUND_POSTS_PER_MINUTE + 1)
    ]

    assert statuses[-1] == 429
    assert RefundRequest.objects.count() == 1


# -- staff decide in admin -----------------------------------------------------------------------------------------


@pytest.fixture
def pending(client, order, settings):
    settings.STAFF_ALERT_EMAILS = ["refunds@innerwork.test"]
    Order.objects.filter(pk=order.pk).update(paid_at=timezone.now() - timedelta(days=20))
    confirm(client, order, lines_of(order), reason="Too advanced for me")
    return RefundRequest.objects.get()


def decide_url(request):
    return reverse("admin:commerce_refundrequest_decide", args=[request.pk])


def test_staff_see_the_request_with_its_quote_and_the_decision_form(pending):
    staff = signed_in_client(finance_user())

    listing = staff.get(reverse("admin:commerce_refundrequest_changelist") + "?status__exact=pending")
    page = staff.get(reverse("admin:commerce_refundrequest_change", args=[pending.pk])).content.decode()

    assert pending.order.number in listing.content.decode()
    assert "$70.20" in listing.content.decode()
    assert "You bought this course 20 days ago" in page
    assert "Too advanced for me" in page
    assert f'action="{decide_url(pending)}"' in page


def test_a_finance_user_approves_in_admin(pending):
    staff = signed_in_client(finance_user())

    response = staff.post(decide_url(pending), {"decision": "approve", "reason": "Goodwill"})

    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == RefundRequest.Status.APPROVED
    assert pending.refund.amount == 7020
    assert OutboxEmail.objects.filter(kind="commerce/refund_request_approved").count() == 1


def test_a_decision_without_a_reason_changes_nothing(pending):
    staff = signed_in_client(finance_user())

    response = staff.post(decide_url(pending), {"decision": "deny", "reason": ""}, follow=True)

    assert "Write a reason before deciding" in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == RefundRequest.Status.PENDING


def test_staff_without_the_refund_permission_get_403(pending):
    support = StaffFactory(is_superuser=False)
    support.user_permissions.add(Permission.objects.get(codename="view_refundrequest"))
    staff = signed_in_client(support)

    page = staff.get(reverse("admin:commerce_refundrequest_change", args=[pending.pk]))
    response = staff.post(decide_url(pending), {"decision": "approve", "reason": "Sure"})

    assert page.status_code == 200
    assert decide_url(pending) not in page.content.decode()
    assert response.status_code == 403
    pending.refresh_from_db()
    assert pending.status == RefundRequest.Status.PENDING
    assert not StaffAction.objects.exists()
