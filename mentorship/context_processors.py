"""Template context for every page: whether the header links to the mentor area."""

from django.utils.functional import cached_property

from mentorship.selectors import mentor_has_area


class MentorNav:
    """Asked only when a template renders the nav for a signed-in user (one EXISTS query, then cached)."""

    def __init__(self, request):
        self._request = request

    @cached_property
    def shown(self) -> bool:
        return mentor_has_area(user=getattr(self._request, "user", None))


def mentor_nav(request):
    return {"mentor_nav": MentorNav(request)}
