"""The stored search vector of each course (`Course.search_vector`), kept true after every write to its text.

Search on PostgreSQL reads one indexed column instead of joining categories, instructors and
every lesson per request. The column is rebuilt from the rows by `course_refresh_search`, called
by the same paths that keep the course figures and the page cache current (courses/signals.py):
a course saved, a lesson added, renamed, moved or deleted, a module moved or deleted, a category
renamed, an instructor renamed. Bulk inserts and queryset updates send no signals; their callers
(seed_demo) refresh explicitly, as they do for the figures.

On SQLite (the demo) the column is not used: search there reads the fields themselves
(courses/selectors/search.py), so refreshing is a no-op that costs no query.
"""

from collections.abc import Iterable

from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.search import SearchVector
from django.db import connection, transaction
from django.db.models import BooleanField, F, Func, OuterRef, Subquery, TextField

from courses.models import Category, Course, Lesson
from innerwork.accounts.models import User

# The text search configuration of the stored vector and of every query against it.
SEARCH_CONFIG = "english"


def search_vector_in_use() -> bool:
    """Whether this database keeps and reads `Course.search_vector` (PostgreSQL) or searches the fields (SQLite)."""
    return connection.vendor == "postgresql"


class _IsDistinctFrom(Func):
    """`a IS DISTINCT FROM b`: true when they differ, NULLs included (tsvector has no usable `exact` lookup)."""

    arg_joiner = " IS DISTINCT FROM "
    template = "%(expressions)s"
    output_field = BooleanField()


def course_search_document() -> SearchVector:
    """The weighted vector of the outer course, built from its own row and its related rows."""
    category_name = Subquery(Category.objects.filter(pk=OuterRef("category_id")).values("name")[:1])
    instructor_name = Subquery(User.objects.filter(pk=OuterRef("instructor_id")).values("full_name")[:1])
    # NULL for a course without lessons: SearchVector reads a NULL as "".
    lesson_titles = Subquery(
        Lesson.objects.filter(module__course=OuterRef("pk"))
        .order_by()
        .values("module__course")
        .annotate(titles=StringAgg("title", delimiter=" "))
        .values("titles"),
        output_field=TextField(),
    )
    return (
        SearchVector("title", weight="A", config=SEARCH_CONFIG)
        + SearchVector("subtitle", category_name, weight="B", config=SEARCH_CONFIG)
        + SearchVector(instructor_name, lesson_titles, weight="C", config=SEARCH_CONFIG)
        + SearchVector("description", weight="D", config=SEARCH_CONFIG)
    )


def course_refresh_search(*, course_ids: Iterable[int | None]) -> None:
    """Rebuild the stored search vector of these courses from their rows; a no-op on SQLite.

    The one writer of `Course.search_vector`. Guarantees: the vector is computed from the rows
    in one statement, never patched, so calling it again is harmless and heals any drift; rows
    whose vector is already right are not rewritten (a second seed_demo changes nothing). The
    rows are locked in id order first, as `course_refresh_stats` does, so a category rename that
    touches many courses and a purchase recounting two of them cannot deadlock. `course_ids`
    may be a lazy queryset of ids: on SQLite it is never evaluated.
    """
    if not search_vector_in_use():
        return
    ids = sorted({course_id for course_id in course_ids if course_id is not None})
    if not ids:
        return
    document = course_search_document()
    with transaction.atomic():
        list(
            Course.objects.select_for_update(no_key=True).filter(pk__in=ids).order_by("pk").values_list("pk", flat=True)
        )
        stale = (
            Course.objects.filter(pk__in=ids)
            .annotate(fresh_search_vector=document)
            .filter(_IsDistinctFrom(F("search_vector"), F("fresh_search_vector")))
        )
        Course.objects.filter(pk__in=stale.values("pk")).update(search_vector=document)
