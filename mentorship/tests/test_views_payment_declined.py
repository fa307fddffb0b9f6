"""Back from Stripe after a declined card: the session page says it was declined and Stripe's reason."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from commerce.tests.stripe_fixtures import (
    messages_of,
    webhooks,  # noqa: F401  (Stripe's webhooks reaching live_server, used by name)
)
from innerwork.accounts.tests.factories import UserFactory
from mentorship.models import Booking
from mentorship.tests.test_views import _day_at, _mentor, _post_booking, _session_id
from mentorship.views import PAYMENT_DECLINED, PAYMENT_NOT_MADE


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def customer_client(client):
    client.force_login(UserFactory(full_name="Inès Buyer"))
    return client


def _not_paid(client, booking: Booking):
    return client.get(reverse("mentorship:session_not_paid", args=[booking.number]))


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("card", "stripe_says"),
    [
        ("4000000000000002", "Your card was declined."),
        ("4000000000009995", "Your card has insufficient funds."),
        ("4000000000009987", "Your card was declined."),
    ],
)
def test_back_after_a_declined_card_the_session_page_says_why(
    customer_client,
    emulator,
    webhooks,  # noqa: F811
    card,
    stripe_says,
):
    # given a customer whose card the bank declined on Stripe's page, and Stripe reported it
    session_id = _session_id(_post_booking(customer_client, _mentor(), _day_at(3, 10)))
    assert emulator.pay_checkout_session(session_id, card=card)["status"] == "declined"
    emulator.wait_for_webhooks()
    booking = Booking.objects.get()
    # when they press back on Stripe's page
    response = _not_paid(customer_client, booking)
    # then they are told the card was declined, why, and that nothing was charged
    assert messages_of(response) == [PAYMENT_DECLINED.format(reason=stripe_says)]
    page = customer_client.get(response["Location"]).content.decode()
    assert f"Stripe said: “{stripe_says}”" in page
    assert "Pay now" in page


@pytest.mark.django_db
def test_back_without_trying_a_card_the_session_page_says_no_payment_was_made(customer_client, emulator):
    _session_id(_post_booking(customer_client, _mentor(), _day_at(3, 10)))
    booking = Booking.objects.get()

    response = _not_paid(customer_client, booking)

    assert messages_of(response) == [PAYMENT_NOT_MADE]
