"""dj-stripe against the Stripe emulator: the product's own Stripe code path, with the emulator as Stripe."""

import pytest
import stripe


@pytest.fixture
def emulator(stripe_emulator_django):
    """The emulator, with Django's Stripe settings and stripe-python pointed at it; no client-side retries."""
    saved = stripe.max_network_retries
    stripe.max_network_retries = 0
    yield stripe_emulator_django
    stripe.max_network_retries = saved
