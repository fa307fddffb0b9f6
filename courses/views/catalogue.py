"""The public face of the catalogue: the course list at `/` and each course's page."""

from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.http import Http404
from django.views.decorators.http import require_safe

from courses.markdown import render_markdown
from courses.models import Course
from courses.reviews.views import course_reviews_context
from courses.selectors.catalogue import (
    PRICE_CHOICES,
    CatalogueFilters,
    catalogue_categories,
    catalogue_total,
    course_catalogue,
    course_get_for_page,
    course_ids_enrolled,
    enrollment_for_course,
    sort_choices,
)
from courses.selectors.search import search_suggestions
from courses.views.caching import query_values, viewer_cache_scopes
from courses.views.pagination import CountedPaginator
from innerwork.core.page_cache import cached_page, page_locale
from innerwork.core.pagination import page_for_request


@dataclass(frozen=True)
class FilterOption:
    label: str
    query: str  # the whole query string with this option applied (and the page reset)
    active: bool
    count: int | None = None


def _filter_groups(filters: CatalogueFilters, categories) -> list[tuple[str, list[FilterOption]]]:
    """Each filter as a list of links, so filtering works with no JavaScript at all."""

    def options(field: str, choices, counts=None) -> list[FilterOption]:
        current = getattr(filters, field)
        everything = FilterOption("All", filters.querystring(**{field: ""}), not current)
        return [everything] + [
            FilterOption(label, filters.querystring(**{field: value}), current == value, (counts or {}).get(value))
            for value, label in choices
        ]

    return [
        (
            "Category",
            options(
                "category",
                [(category.slug, category.name) for category in categories],
                {category.slug: category.course_count for category in categories},
            ),
        ),
        ("Level", options("level", Course.Level.choices)),
        ("Price", options("price", PRICE_CHOICES.items())),
    ]


def _active_filters(filters: CatalogueFilters, categories) -> list[FilterOption]:
    """One removable chip per filter in use; its query is the current one without that filter."""
    names = {
        "category": {category.slug: category.name for category in categories},
        "level": dict(Course.Level.choices),
        "price": PRICE_CHOICES,
    }
    return [
        FilterOption(names[field][getattr(filters, field)], filters.querystring(**{field: ""}), True)
        for field in ("category", "level", "price")
        if getattr(filters, field)
    ]


CATALOGUE_PARAMS = ("q", "category", "level", "price", "sort", "page")


def _catalogue_context(request) -> dict:
    categories = catalogue_categories()
    filters = CatalogueFilters.from_params(request.GET, category_slugs=[category.slug for category in categories])
    courses = course_catalogue(filters=filters, user=request.user)
    total = catalogue_total(filters=filters, categories=categories, user=request.user)
    page_obj = page_for_request(
        CountedPaginator(courses, settings.COURSES_PAGE_SIZE, count=total), request.GET.get("page")
    )
    enrolled_ids = course_ids_enrolled(user=request.user, course_ids=[course.pk for course in page_obj])
    for course in page_obj:
        course.is_enrolled = course.pk in enrolled_ids
    # A search that found nothing offers the closest courses and categories instead of a bare "no match".
    suggestions = (
        search_suggestions(search=filters.search, categories=categories, user=request.user)
        if filters.search and not page_obj.object_list
        else None
    )
    return {
        "page_obj": page_obj,
        "courses": page_obj.object_list,
        "filters": filters,
        "filter_groups": _filter_groups(filters, categories),
        "active_filters": _active_filters(filters, categories),
        "sorts": sort_choices(search=filters.search).items(),
        "suggestions": suggestions,
        "page_query": filters.querystring(),
        "filters_without_search": filters.querystring(search=""),
    }


@require_safe
def catalogue(request):
    viewer, scopes = viewer_cache_scopes(request)
    return cached_page(
        request,
        "courses/catalogue.html",
        key=("catalogue", viewer, page_locale(), query_values(request, CATALOGUE_PARAMS)),
        scopes=scopes,
        context=lambda: _catalogue_context(request),
    )


# Rendering and sanitising Markdown costs more than the rest of the course page's Python. The
# HTML is a pure function of the text, which is the whole key: an edited description is a new
# key, so a cached rendering is never stale. Per process, bounded.
_description_html = lru_cache(maxsize=1024)(render_markdown)


def _course_context(request, slug) -> dict:
    try:
        course = course_get_for_page(slug=slug, user=request.user)
    except Course.DoesNotExist:
        raise Http404("No such course") from None
    enrollment = enrollment_for_course(user=request.user, course=course)
    return {
        **course_reviews_context(request, course=course, enrollment=enrollment),
        "course": course,
        "description_html": _description_html(course.description),
        "modules": course.modules.all(),
        "enrollment": enrollment,
        "has_access": bool(enrollment and enrollment.has_access),
    }


@require_safe
def course_detail(request, slug):
    viewer, scopes = viewer_cache_scopes(request)
    return cached_page(
        request,
        "courses/detail.html",
        # The whole path: the buy box sends people back to it after adding to the cart.
        key=("course", viewer, page_locale(), request.get_full_path()),
        scopes=scopes,
        context=lambda: _course_context(request, slug),
    )
