"""Pagination helpers shared by the course views."""

from django.core.paginator import Paginator


class CountedPaginator(Paginator):
    """A Paginator told its total up front, when the page already knows it, instead of running COUNT(*)."""

    def __init__(self, object_list, per_page, *, count: int | None = None):
        super().__init__(object_list, per_page)
        if count is not None:
            self.__dict__["count"] = count  # Paginator.count is a cached_property
