"""A tiny fixed-window rate limit on Django's cache (Redis in production, locmem in tests).

`ratelimit_hit` counts one attempt and says whether the caller went over; `rate_limit`
wraps a view so that too many attempts get the site's friendly 429 page.
Counters are keyed per signed-in user and per client address, and both must stay
under the limit: many accounts from one address are limited as well as one account
from many addresses.
"""

from __future__ import annotations

from functools import wraps

from django.core.cache import cache
from django.shortcuts import render


def ratelimit_hit(*, scope: str, key: str, limit: int, period: int) -> bool:
    """Count one attempt for (scope, key); True when this one is over `limit`.

    The window opens at the first attempt and lasts `period` seconds (the counter's
    expiry), so a burst cannot straddle a clock-aligned boundary to get twice the limit.
    """
    cache_key = f"ratelimit:{scope}:{key}"
    # add() is atomic on Redis and locmem and only sets the expiry once; incr() keeps it.
    cache.add(cache_key, 0, timeout=period)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # the window expired between add() and incr(): this attempt opens a new one
        cache.add(cache_key, 1, timeout=period)
        count = 1
    return count > limit


def client_address(request) -> str:
    # REMOTE_ADDR is set by the server, not the client; a proxy in front must pass the real one there.
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def too_many_requests(request):
    return render(request, "errors/429.html", status=429)


def rate_limit(*, scope: str, limit: int, period: int = 60, methods: tuple[str, ...] = ("POST",)):
    """Allow at most `limit` `methods` requests per `period` seconds per user and per address."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method in methods:
                keys = [f"ip:{client_address(request)}"]
                if request.user.is_authenticated:
                    keys.append(f"user:{request.user.pk}")
                over = [ratelimit_hit(scope=scope, key=key, limit=limit, period=period) for key in keys]
                if any(over):
                    return too_many_requests(request)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
