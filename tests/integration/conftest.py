"""dj-stripe against the Stripe emulator: the product's own Stripe code path, with the emulator as Stripe."""

import pytest
import stripe

from stripe_emulator.pytest_plugin import stripe_emulator, stripe_emulator_django, stripe_emulator_session  # noqa: F401


@pytest.fixture
def emulator(stripe_emulator_django):  # noqa: F811 - the plugin's fixture under a short name
    """The emulator, with Django's Stripe settings and stripe-python pointed at it; no client-side retries."""
    saved = stripe.max_network_retries
    stripe.max_network_retries = 0
    yield stripe_emulator_django
    stripe.max_network_retries = saved
