import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # allauth keeps rate-limit counters in the cache, keyed by client IP; every
    # test client is 127.0.0.1, so counters must not leak from one test into the next.
    cache.clear()
    yield
    cache.clear()
