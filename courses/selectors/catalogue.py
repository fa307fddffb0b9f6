"""Reads behind the public catalogue, the course page and the catalogue API.

Card figures (lessons, minutes, learners) are stored on Course and kept right by
services.course_refresh_stats, so a page of courses is one indexed read whether the
catalogue holds 3 or 3,000 courses: nothing is counted per request.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from urllib.parse import urlencode

from django.db.models import Count, Prefetch, Q, QuerySet

from courses.models import Category, Course, Enrollment, Lesson, Module
from courses.selectors.search import SEARCH_SCORE, course_search

SORT_RELEVANCE = "relevance"
SORT_NEWEST = "newest"
SORT_PRICE_ASC = "price_asc"
SORT_PRICE_DESC = "price_desc"
SORT_POPULAR = "popular"
SORT_CHOICES = {
    SORT_RELEVANCE: "Best match",
    SORT_NEWEST: "Newest",
    SORT_PRICE_ASC: "Price: low to high",
    SORT_PRICE_DESC: "Price: high to low",
    SORT_POPULAR: "Most popular",
}
# The trailing "-id" keeps pages stable when the leading keys tie (pagination never repeats a course).
_ORDERINGS = {
    SORT_RELEVANCE: (f"-{SEARCH_SCORE}", "-published_at", "-id"),
    SORT_NEWEST: ("-published_at", "-id"),
    SORT_PRICE_ASC: ("price_amount", "-published_at", "-id"),
    SORT_PRICE_DESC: ("-price_amount", "-published_at", "-id"),
    SORT_POPULAR: ("-learners_count", "-published_at", "-id"),
}

PRICE_FREE = "free"
PRICE_PAID = "paid"
PRICE_CHOICES = {PRICE_FREE: "Free", PRICE_PAID: "Paid"}

SEARCH_MAX_LENGTH = 100


def sort_for(*, requested: str, search: str) -> str:
    """The order to list in: the one requested if it applies, else best match for a search and newest otherwise."""
    default = SORT_RELEVANCE if search else SORT_NEWEST
    if requested not in SORT_CHOICES or (requested == SORT_RELEVANCE and not search):
        return default
    return requested


def sort_choices(*, search: str) -> dict[str, str]:
    """The orders offered: "Best match" only when there is a search to match."""
    return {value: label for value, label in SORT_CHOICES.items() if search or value != SORT_RELEVANCE}


@dataclass(frozen=True)
class CatalogueFilters:
    """What the visitor asked the catalogue for; every field is already valid or empty."""

    search: str = ""
    category: str = ""  # a Category slug
    level: str = ""  # a Course.Level value
    price: str = ""  # PRICE_FREE / PRICE_PAID
    sort: str = SORT_NEWEST

    @classmethod
    def from_params(cls, params: Mapping[str, str], *, category_slugs: Iterable[str]) -> "CatalogueFilters":
        """Read filters from a query string, silently dropping values we do not know.

        A stale bookmark (`?category=retired-slug&level=expert`) shows the whole
        catalogue rather than an error page.
        """
        search = " ".join((params.get("q") or "").split())[:SEARCH_MAX_LENGTH]
        category = params.get("category") or ""
        level = params.get("level") or ""
        price = params.get("price") or ""
        sort = params.get("sort") or ""
        return cls(
            search=search,
            category=category if category in set(category_slugs) else "",
            level=level if level in Course.Level.values else "",
            price=price if price in PRICE_CHOICES else "",
            sort=sort_for(requested=sort, search=search),
        )

    @property
    def is_narrowed(self) -> bool:
        """True when anything but the sort order limits the results."""
        return bool(self.search or self.category or self.level or self.price)

    def querystring(self, **overrides: str) -> str:
        """The filters as a query string (defaults omitted), e.g. for pagination links."""
        values = replace(self, **overrides)
        params = {
            "q": values.search,
            "category": values.category,
            "level": values.level,
            "price": values.price,
            # Without a search, "best match" means nothing: the link then keeps the default order (newest).
            "sort": _sort_param(values),
        }
        return urlencode({key: value for key, value in params.items() if value})


def _sort_param(filters: CatalogueFilters) -> str:
    """The sort for a query string: empty when it is the default for these filters."""
    sort = sort_for(requested=filters.sort, search=filters.search)
    return "" if sort == sort_for(requested="", search=filters.search) else sort


def _with_card_figures(queryset: QuerySet[Course]) -> QuerySet[Course]:
    """Everything a card shows in one statement: the stored figures plus category, instructor and their page."""
    return queryset.select_related("category", "instructor", "instructor__instructor_profile")


def course_catalogue(*, filters: CatalogueFilters, user) -> QuerySet[Course]:
    """Courses the user may see that match `filters`, in the requested order, with card figures."""
    courses = Course.objects.visible_to(user)
    if filters.search:
        courses = course_search(courses, search=filters.search)
    if filters.category:
        courses = courses.filter(category__slug=filters.category)
    if filters.level:
        courses = courses.filter(level=filters.level)
    if filters.price == PRICE_FREE:
        courses = courses.filter(price_amount=0)
    elif filters.price == PRICE_PAID:
        courses = courses.filter(price_amount__gt=0)
    # Cards never show the long Markdown fields (nor the search vector); leaving them out halves what a page reads.
    sort = sort_for(requested=filters.sort, search=filters.search)
    return (
        _with_card_figures(courses).defer("description", "what_you_learn", "search_vector").order_by(*_ORDERINGS[sort])
    )


def catalogue_categories() -> list[Category]:
    """Categories that hold at least one published course, each with `course_count`."""
    return list(
        Category.objects.annotate(course_count=Count("courses", filter=Q(courses__is_published=True)))
        .filter(course_count__gt=0)
        # Meta.ordering is not applied to aggregate (GROUP BY) queries, so order explicitly.
        .order_by("position", "name")
    )


def catalogue_total(*, filters: CatalogueFilters, categories: list[Category], user) -> int | None:
    """How many courses `course_catalogue` will list, when `catalogue_categories` already says so.

    True for visitors who see only published courses and filter by nothing but a category:
    every course has exactly one category, so the category counts add up to the total (and
    the page is spared a COUNT query). None when only counting the results can tell.
    """
    if (user.is_authenticated and user.is_staff) or filters.search or filters.level or filters.price:
        return None
    return sum(
        category.course_count for category in categories if not filters.category or category.slug == filters.category
    )


def course_ids_enrolled(*, user, course_ids: Iterable[int]) -> set[int]:
    """Which of these courses the user can currently learn in (active or completed, access not expired)."""
    if not user.is_authenticated:
        return set()
    return set(
        Enrollment.objects.with_access()
        .filter(user=user, course_id__in=list(course_ids))
        .values_list("course_id", flat=True)
    )


def course_get_for_page(*, slug: str, user) -> Course:
    """One course with card figures and its syllabus (`course.modules.all()` → `module.lessons.all()`).

    Raises Course.DoesNotExist when the slug is unknown or the course is a draft the
    user may not see (only staff see drafts).
    """
    syllabus = Prefetch(
        "modules",
        queryset=Module.objects.order_by("position", "id").prefetch_related(
            Prefetch(
                "lessons",
                queryset=Lesson.objects.order_by("position", "id").only(
                    "id", "module_id", "title", "duration_minutes", "position", "is_preview"
                ),
            )
        ),
    )
    return (
        _with_card_figures(Course.objects.visible_to(user))
        .defer("search_vector")
        .prefetch_related(syllabus)
        .get(slug=slug)
    )


def enrollment_for_course(*, user, course: Course) -> Enrollment | None:
    """The user's enrollment in the course, whatever its status; None for visitors and strangers."""
    if not user.is_authenticated:
        return None
    return Enrollment.objects.filter(user=user, course=course).first()
