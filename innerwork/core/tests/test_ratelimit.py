import time

import pytest
from django.core.cache import cache

from innerwork.core.ratelimit import ratelimit_hit


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def test_attempts_up_to_the_limit_pass_and_the_next_one_is_over():
    results = [ratelimit_hit(scope="t", key="ip:1", limit=3, period=60) for _ in range(4)]
    assert results == [False, False, False, True]


def test_keys_and_scopes_are_counted_apart():
    for _ in range(3):
        ratelimit_hit(scope="t", key="ip:1", limit=3, period=60)
    assert ratelimit_hit(scope="t", key="ip:2", limit=3, period=60) is False
    assert ratelimit_hit(scope="other", key="ip:1", limit=3, period=60) is False
    assert ratelimit_hit(scope="t", key="ip:1", limit=3, period=60) is True


def test_the_window_closes_after_its_period():
    for _ in range(2):
        ratelimit_hit(scope="t", key="ip:1", limit=1, period=1)
    time.sleep(1.1)
    assert ratelimit_hit(scope="t", key="ip:1", limit=1, period=1) is False
