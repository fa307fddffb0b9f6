"""Back from Stripe after a declined card: the cart says the card was declined, why, and that nothing was charged."""

import pytest
from django.urls import reverse

from commerce.models import Order
from commerce.tests.stripe_fixtures import cart_for, checkout, session_id_of
from commerce.views.checkout import PAYMENT_DECLINED, PAYMENT_LEFT
from courses.tests.factories import CourseFactory


def _back_to_the_cart(client, order: Order) -> str:
    response = client.get(reverse("commerce:order_cancel", kwargs={"number": order.number}), follow=True)
    assert response.redirect_chain == [(reverse("commerce:cart"), 302)]
    return response.content.decode()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("card", "stripe_says"),
    [
        ("4000000000000002", "Your card was declined."),
        ("4000000000009995", "Your card has insufficient funds."),
        ("4000000000009987", "Your card was declined."),
    ],
)
def test_back_after_a_declined_card_the_cart_says_why_and_that_nothing_was_charged(
    client, buyer, emulator, webhooks, card, stripe_says
):
    # given a customer whose card the bank declined on Stripe's page, and Stripe reported it
    cart_for(buyer, CourseFactory(price_amount=4900))
    session_id = session_id_of(checkout(client))
    assert emulator.pay_checkout_session(session_id, card=card)["status"] == "declined"
    emulator.wait_for_webhooks()
    order = Order.objects.get(user=buyer)
    # when they press back on Stripe's page
    page = _back_to_the_cart(client, order)
    # then the cart says the card was declined, Stripe's reason, and that nothing was charged
    expected = PAYMENT_DECLINED.format(reason=stripe_says, number=order.number)
    assert expected.replace("'", "&#x27;") in page
    assert "nothing was charged" in page
    assert "You left the payment page" not in page
    order.refresh_from_db()
    assert (order.status, order.failure_message, order.paid_at) == ("failed", stripe_says, None)
    assert order.is_payable


@pytest.mark.django_db
def test_back_without_trying_a_card_the_cart_still_says_you_left_the_payment_page(client, buyer, emulator):
    cart_for(buyer, CourseFactory(price_amount=4900))
    session_id_of(checkout(client))
    order = Order.objects.get(user=buyer)

    page = _back_to_the_cart(client, order)

    assert PAYMENT_LEFT.format(number=order.number).replace("'", "&#x27;") in page
    assert "declined" not in page
