import pytest
from django.core.cache import cache

from commerce.tests.inbox_fixtures import inbox_endpoint  # noqa: F401  (fixture used by name)
from commerce.tests.stripe_fixtures import buyer, emulator, webhooks  # noqa: F401  (fixtures used by name)


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # Rate-limit counters live in the (locmem) cache, which outlives a test; start each test at zero.
    cache.clear()
    yield
    cache.clear()
