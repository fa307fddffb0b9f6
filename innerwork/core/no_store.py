"""Pages that show money or status are never kept by the browser.

Back after paying must not show the cart as it was before the payment, nor a refund page
"on its way" after Stripe confirmed it: a browser may show a stored copy for Back and
Forward without asking the server. `Cache-Control: no-store` (with Django's other
never-cache headers) tells it to keep no copy, so each of these pages is fetched afresh.

One rule, by URL name, in one place: a new page that shows an order, a payment, a booking,
a contract or a learner's progress is added to `PAGES_NEVER_STORED`. Public catalogue pages
are not in it: they keep their normal caching.
"""

from fnmatch import fnmatchcase

from django.utils.cache import add_never_cache_headers

PAGES_NEVER_STORED = (
    "commerce:cart",
    "commerce:wishlist",
    "commerce:checkout",
    "commerce:order_*",
    "commerce:refund_request_detail",
    "commerce:billing",
    "courses:dashboard",
    "mentorship:session_*",
    "mentorship:mentor_area",
    "mentorship:mentor_calendar",
    "coaching:contract_*",
    "coaching:session_*",
    "coaching:proposal_*",
    "coaching:inquiry_*",
    "coaching:coach_area",
    "coaching:coach_calendar",
)


def is_never_stored(view_name: str) -> bool:
    return any(fnmatchcase(view_name, pattern) for pattern in PAGES_NEVER_STORED)


class NoStoreForMoneyAndStatusPagesMiddleware:
    """Adds `Cache-Control: no-store, …` to every response of a page named in `PAGES_NEVER_STORED`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if match is not None and is_never_stored(match.view_name):
            add_never_cache_headers(response)
        return response
