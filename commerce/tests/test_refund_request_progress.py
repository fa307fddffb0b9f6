"""The customer's refund request page says where the money is now, from the database on every visit.

Requested → with our team → approved → Stripe confirms (the call's answer or its webhook) → refunded with
the date and amount; or declined, or failed when the bank sends the refund back. Orders, refunds and
webhooks go through the Stripe emulator; the page is read through the test client.
"""

import time
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from commerce import stripe_gateway as gateway
from commerce.checkout.fulfilment import order_fulfil_from_session
from commerce.models import Order, Refund, RefundRequest
from commerce.tests.stripe_fixtures import cart_for, checkout, session_id_of, signed_in_client
from commerce.tests.test_refund_requests_pages import confirm, decide_url, finance_user, lines_of
from courses.tests.factories import CourseFactory

pytestmark = pytest.mark.django_db

REFUND_FAILS = "4000000000005126"  # the emulator's card whose refunds the bank sends back


def paid_order(client, buyer, emulator, *, card="4242424242424242") -> Order:
    cart_for(buyer, CourseFactory(title="Calm Under Pressure", price_amount=4900))
    session_id = session_id_of(checkout(client))
    emulator.pay_checkout_session(session_id, card=card)
    order_fulfil_from_session(session=gateway.session_retrieve(session_id=session_id))
    return Order.objects.get(user=buyer)


def bought_weeks_ago(order: Order) -> None:
    """Outside the automatic policy (14 days): the request goes to staff."""
    Order.objects.filter(pk=order.pk).update(paid_at=timezone.now() - timedelta(days=21))


def request_page(client, order) -> str:
    request = RefundRequest.objects.get(order=order)
    url = reverse("commerce:refund_request_detail", kwargs={"number": order.number, "pk": request.pk})
    response = client.get(url)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    return response.content.decode()


def staff_decide(request, decision: str) -> None:
    staff = signed_in_client(finance_user())
    response = staff.post(decide_url(request), {"decision": decision, "reason": "Health reasons: we understand."})
    assert response.status_code == 302


def within_policy(client, order, emulator):
    confirm(client, order, lines_of(order))


def within_policy_stripe_unreachable(client, order, emulator):
    emulator.fault("/v1/refunds", "api_error", method="POST")
    confirm(client, order, lines_of(order))


def outside_policy(client, order, emulator):
    bought_weeks_ago(order)
    confirm(client, order, lines_of(order))


def outside_policy_approved(client, order, emulator):
    outside_policy(client, order, emulator)
    staff_decide(RefundRequest.objects.get(), "approve")


def outside_policy_denied(client, order, emulator):
    outside_policy(client, order, emulator)
    staff_decide(RefundRequest.objects.get(), "deny")


@pytest.mark.parametrize(
    ("how", "stage", "title", "says"),
    [
        (within_policy, "refunded", "Your refund is complete", "We refunded $49.00 on"),
        (within_policy_stripe_unreachable, "processing", "Your refund is on its way", "$49.00 is on its way back"),
        (outside_policy, "with-team", "Your request was sent to our team", "We've got your request for $49.00"),
        (outside_policy_approved, "refunded", "Your refund is complete", "Approved by our team"),
        (outside_policy_denied, "declined", "Your refund request was declined", "Health reasons: we understand."),
    ],
)
def test_the_page_shows_the_stage_the_request_has_reached(client, buyer, emulator, settings, how, stage, title, says):
    settings.STAFF_ALERT_EMAILS = ["refunds@innerwork.test"]
    order = paid_order(client, buyer, emulator)

    how(client, order, emulator)

    page = request_page(client, order)
    assert f'data-requested="{stage}"' in page
    assert f">{title}</h1>" in page
    assert says in page


def test_the_refund_date_is_the_customers_own_day_and_the_amount_stripe_refunded(client, buyer, emulator):
    buyer.time_zone = "Pacific/Auckland"
    buyer.save(update_fields=["time_zone"])
    order = paid_order(client, buyer, emulator)

    within_policy(client, order, emulator)

    refund = Refund.objects.get()
    local = timezone.localtime(refund.succeeded_at, ZoneInfo("Pacific/Auckland"))
    page = request_page(client, order)
    assert (
        f'We refunded $49.00 on <time datetime="{local.isoformat()}">{local:%b} {local.day}, {local.year}</time>'
        in page
    )
    assert "Refunded: $49.00" in page
    assert "on its way" not in page


def test_a_request_still_being_processed_moves_on_once_stripe_has_made_the_refund(client, buyer, emulator):
    # given a refund whose Stripe call failed: the page says it is on its way
    order = paid_order(client, buyer, emulator)
    within_policy_stripe_unreachable(client, order, emulator)
    assert 'data-requested="processing"' in request_page(client, order)

    # when the same form is sent again (its key), and Stripe answers this time
    confirm(client, order, lines_of(order))

    # then the same page, read again, says refunded
    page = request_page(client, order)
    assert 'data-requested="refunded"' in page
    assert Refund.objects.get().status == Refund.Status.SUCCEEDED


# -- confirmed, or failed, by Stripe's webhook alone --------------------------------------------------------------


def until(condition, seconds: float = 15.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the condition never came true"
        time.sleep(0.1)


@pytest.mark.django_db(transaction=True)
def test_requested_then_approved_then_confirmed_by_the_webhook_the_page_says_refunded(
    client, buyer, emulator, webhooks, settings
):
    settings.STAFF_ALERT_EMAILS = ["refunds@innerwork.test"]
    order = paid_order(client, buyer, emulator)
    emulator.wait_for_webhooks()
    # the customer asks, outside the policy: with our team
    outside_policy(client, order, emulator)
    assert 'data-requested="with-team"' in request_page(client, order)

    # staff approve, but Stripe's answer to the refund call comes after our timeout: being processed
    settings.STRIPE_TIMEOUT_SECONDS = 1
    emulator.fault("/v1/refunds", "timeout", method="POST", seconds=2)
    staff_decide(RefundRequest.objects.get(), "approve")
    refund = Refund.objects.get()
    assert (refund.status, refund.stripe_refund_id) == (Refund.Status.PENDING, "")
    page = request_page(client, order)
    assert 'data-requested="processing"' in page
    assert "Our team approved your request" in page

    # Stripe makes the refund and says so by webhook: the page now says refunded, when and how much
    until(lambda: Refund.objects.get().status == Refund.Status.SUCCEEDED)
    emulator.wait_for_webhooks()
    page = request_page(client, order)
    assert 'data-requested="refunded"' in page
    assert "We refunded $49.00 on" in page
    assert "on its way" not in page


@pytest.mark.django_db(transaction=True)
def test_a_refund_the_bank_sends_back_is_shown_as_failed(client, buyer, emulator, webhooks, settings):
    settings.STAFF_ALERT_EMAILS = ["refunds@innerwork.test"]
    order = paid_order(client, buyer, emulator, card=REFUND_FAILS)
    emulator.wait_for_webhooks()

    # the customer's refund is made, then the bank sends it back a moment later (Stripe's refund.failed)
    within_policy(client, order, emulator)
    until(lambda: Refund.objects.get().status == Refund.Status.FAILED)

    page = request_page(client, order)
    assert 'data-requested="failed"' in page
    assert ">Your refund didn't go through</h1>" in page
    assert "$49.00 could not be returned to your Visa •••• 5126" in page
