"""Who is looking, as the page cache needs it (see innerwork.core.page_cache).

The catalogue, course pages and the dashboard show catalogue data to everybody and, on
top of it, the viewer's own state: the header's cart and account links, "Enrolled"
badges, a course's call to action, a learner's progress. Each cached copy is therefore
keyed by the viewer and stored under the tokens of the catalogue and of the viewer's
own scope, which the viewer's writes retire (declared in courses/, commerce/ and
innerwork/accounts/page_cache.py).
"""

from commerce.page_cache import viewer_scopes
from innerwork.core.page_cache import CATALOGUE


def viewer_cache_scopes(request) -> tuple[tuple, tuple[str, ...]]:
    """(who is looking, the scopes of what they see): a person, a visitor with a cart, or any visitor."""
    viewer, own = viewer_scopes(request)
    return viewer, (CATALOGUE, *own)


def query_values(request, names) -> tuple:
    """The raw values of the query parameters a view reads (every other parameter is ignored by it)."""
    return tuple((name, tuple(request.GET.getlist(name))) for name in names)
