"""Per-key rate limit: PARTNER_API_RATE (e.g. "120/min") sustained, PARTNER_API_BURST requests at once.

A generic cell rate algorithm (GCRA, the leaky bucket as a meter) on Django's cache (Redis in
production): one value per key, the "theoretical arrival time" of its next request. A key that
has been quiet can send PARTNER_API_BURST requests back to back; after that one request every
period/rate seconds goes through. Over the limit the answer is 429 with `Retry-After` (whole
seconds until the next request would pass). Anonymous requests are not counted here: they are
refused by authentication first.

Not atomic across processes (read then write, as DRF's own throttles): under heavy concurrency a key
can get a few requests more than its burst, never a sustained excess.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from rest_framework.throttling import BaseThrottle

from innerwork.api.models import ApiKey

_PERIODS = {"s": 1, "sec": 1, "second": 1, "m": 60, "min": 60, "minute": 60, "h": 3600, "hour": 3600}


def parse_rate(rate: str) -> tuple[int, int]:
    """ "120/min" → (120, 60): so many requests per so many seconds."""
    try:
        count, period = rate.split("/")
        return int(count), _PERIODS[period.strip().lower()]
    except (ValueError, KeyError):
        raise ImproperlyConfigured(f'PARTNER_API_RATE is like "120/min" (per s, min or hour), not {rate!r}') from None


class PartnerKeyThrottle(BaseThrottle):
    """Throttles each API key on its own (keys of one partner do not share a budget)."""

    def allow_request(self, request, view) -> bool:
        if not isinstance(request.auth, ApiKey):
            return True
        count, period = parse_rate(settings.PARTNER_API_RATE)
        interval = period / count
        tolerance = interval * max(settings.PARTNER_API_BURST - 1, 0)
        cache_key = f"partner-api-throttle:{request.auth.pk}"
        now = time.time()
        arrival = max(cache.get(cache_key, now), now)
        if arrival - now > tolerance:
            self._wait = arrival - now - tolerance
            return False
        cache.set(cache_key, arrival + interval, timeout=int(tolerance + interval) + 1)
        return True

    def wait(self) -> float:
        return self._wait
