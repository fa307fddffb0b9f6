"""Back from Stripe after a declined card: the contract's not-paid page says it was declined and Stripe's reason."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from coaching.models import Contract
from coaching.tests.factories_pay import contract_make
from commerce.tests.stripe_fixtures import (
    emulator,  # noqa: F401  (the Stripe emulator, used by name)
    session_id_of,
    webhooks,  # noqa: F401  (Stripe's webhooks reaching live_server, used by name)
)


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # each test opens a payment page; the checkout rate limit counts in the cache across tests
    cache.clear()
    yield
    cache.clear()


def _url(name: str, contract: Contract) -> str:
    return reverse(f"coaching:{name}", kwargs={"number": contract.number})


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("card", "stripe_says"),
    [
        ("4000000000000002", "Your card was declined."),
        ("4000000000009995", "Your card has insufficient funds."),
        ("4000000000009987", "Your card was declined."),
    ],
)
def test_the_not_paid_page_after_a_declined_card_says_why_and_that_nothing_was_charged(
    client,
    emulator,  # noqa: F811
    webhooks,  # noqa: F811
    card,
    stripe_says,
):
    # given a student whose card the bank declined on Stripe's page, and Stripe reported it
    contract = contract_make()
    client.force_login(contract.student)
    session_id = session_id_of(client.post(_url("contract_pay", contract)))
    assert emulator.pay_checkout_session(session_id, card=card)["status"] == "declined"
    emulator.wait_for_webhooks()
    # when they press back on Stripe's page
    page = client.get(_url("contract_payment_canceled", contract)).content.decode()
    # then the page says the card was declined, Stripe's reason, that nothing was charged, and offers a retry
    assert "Your card was declined</h2>" in page
    assert f"Stripe said: “{stripe_says}”" in page
    assert "Nothing was charged" in page
    assert "What may have happened" not in page
    assert "Try again" in page


@pytest.mark.django_db
def test_the_not_paid_page_without_a_card_tried_still_lists_what_may_have_happened(
    client,
    emulator,  # noqa: F811
):
    contract = contract_make()
    client.force_login(contract.student)
    session_id_of(client.post(_url("contract_pay", contract)))

    page = client.get(_url("contract_payment_canceled", contract)).content.decode()

    assert "Nothing was charged" in page
    assert "What may have happened" in page
    assert "Stripe said" not in page
