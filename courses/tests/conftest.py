import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _empty_cache():
    # The locmem cache outlives a test but its database rows do not: a page cached in one
    # test (PAGE_CACHE=true) must not be served in the next, nor a rate-limit counter count on.
    cache.clear()
    yield
    cache.clear()
