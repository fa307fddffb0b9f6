import pytest
from django.core.cache import cache

from commerce.tests.stripe_fixtures import (  # noqa: F401  (fixtures: the Stripe emulator and its webhooks)
    buyer,
    emulator,
    stripe_emulator,
    stripe_emulator_django,
    stripe_emulator_session,
    webhooks,
)


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # Rate-limit counters live in the (locmem) cache, which outlives a test; start each test at zero.
    cache.clear()
    yield
    cache.clear()
