import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # Rate-limit counters live in the (locmem) cache, which outlives a test; start each test at zero.
    cache.clear()
    yield
    cache.clear()
