"""PostgreSQL: the stored search vector follows every write to the text it is built from, and is indexed.

(SQLite keeps no vector: it searches the fields themselves, so there is nothing to keep current there.)
"""

import importlib
import re

import pytest
from django.db import connection

from courses.models import Course
from courses.search_index import course_refresh_search
from courses.selectors.catalogue import CatalogueFilters, course_catalogue
from courses.tests.factories import CategoryFactory, CourseFactory, LessonFactory, ModuleFactory
from innerwork.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _postgresql():
    assert connection.vendor == "postgresql", "the stored search vector exists on PostgreSQL only"


def _found(query: str) -> list[str]:
    filters = CatalogueFilters.from_params({"q": query}, category_slugs=[])
    return [course.slug for course in course_catalogue(filters=filters, user=UserFactory())]


def _lexemes(course: Course) -> str:
    return Course.objects.values_list("search_vector", flat=True).get(pk=course.pk)


@pytest.fixture
def course():
    course = CourseFactory(
        slug="calm",
        title="Calm Under Pressure",
        category=CategoryFactory(slug="wellbeing", name="Wellbeing"),
        instructor=UserFactory(full_name="Amara Okafor"),
    )
    LessonFactory(module=ModuleFactory(course=course), title="Box breathing")
    return course


@pytest.mark.parametrize(
    ("change", "old_word", "new_word"),
    [
        ("course retitled", "calm", "steady"),
        ("lesson renamed", "breathing", "journaling"),
        ("lesson added", None, "gratitude"),
        ("lesson deleted", "breathing", None),
        ("lesson moved to another course", "breathing", None),
        ("module deleted", "breathing", None),
        ("category renamed", "wellbeing", "resilience"),
        ("instructor renamed", "okafor", "lindqvist"),
    ],
)
def test_search_follows_every_change_to_the_text_it_reads(course, change, old_word, new_word):
    # given the course is found by its current words
    if old_word:
        assert _found(old_word) == ["calm"]

    # when its text changes through the ORM, as the admin changes it
    lesson = course.modules.get().lessons.get()
    if change == "course retitled":
        course.title = "Steady Under Pressure"
        course.save()
    elif change == "lesson renamed":
        lesson.title = "Journaling at night"
        lesson.save()
    elif change == "lesson added":
        LessonFactory(module=lesson.module, title="A gratitude list")
    elif change == "lesson deleted":
        lesson.delete()
    elif change == "lesson moved to another course":
        lesson.module = ModuleFactory(course=CourseFactory(slug="other", title="Other"))
        lesson.save()
    elif change == "module deleted":
        lesson.module.delete()
    elif change == "category renamed":
        course.category.name = "Resilience"
        course.category.save()
    elif change == "instructor renamed":
        course.instructor.full_name = "Sofia Lindqvist"
        course.instructor.save()

    # then search finds it by the new words and no longer by the old ones
    if new_word:
        assert _found(new_word) == ["calm"]
    if old_word:
        assert "calm" not in _found(old_word)
    if change == "lesson moved to another course":
        assert _found("breathing") == ["other"]


def test_a_login_does_not_rewrite_the_vectors_of_the_courses_someone_teaches(course):
    # given the stored vector
    before = _lexemes(course)

    # when the instructor's account is saved without a new name (a login stamps last_login only)
    course.instructor.save(update_fields=["last_login"])
    course.instructor.time_zone = "Europe/Paris"
    course.instructor.save()

    # then the vector is the same
    assert _lexemes(course) == before


def test_refreshing_heals_a_vector_written_by_a_bulk_insert(course):
    # given a course inserted in bulk (no signals: seed_demo's generated courses)
    [bulk] = Course.objects.bulk_create([Course(**_copy_of(course, slug="bulk", title="Bulk Mindfulness"))])
    assert _lexemes(bulk) is None

    # when its vector is refreshed, as seed_demo does after inserting
    course_refresh_search(course_ids=[bulk.pk, course.pk])

    # then it is found, weighted: the title is an A
    assert _found("mindfulness") == ["bulk"]
    assert "'mind':2A" in _lexemes(bulk)


def _copy_of(course: Course, **changes) -> dict:
    fields = ("subtitle", "description", "category", "instructor", "price_amount", "currency", "is_published")
    return {**{name: getattr(course, name) for name in fields}, "published_at": course.published_at, **changes}


def test_the_vector_is_weighted_title_a_subtitle_and_category_b_people_and_lessons_c_description_d():
    # given one word per field
    course = CourseFactory(
        title="Alpha",
        subtitle="Bravo",
        category=CategoryFactory(slug="charlie", name="Charlie"),
        instructor=UserFactory(full_name="Delta Echo"),
        description="Foxtrot",
    )
    LessonFactory(module=ModuleFactory(course=course), title="Golf")

    # then each is stored with its field's weight (PostgreSQL prints no letter for D, the default)
    weights = {lexeme: (positions[-1] if positions[-1] in "ABC" else "D") for lexeme, positions in _entries(course)}
    assert weights == {
        "alpha": "A",
        "bravo": "B",
        "charli": "B",
        "delta": "C",
        "echo": "C",
        "golf": "C",
        "foxtrot": "D",
    }


def _entries(course: Course) -> list[tuple[str, str]]:
    """The (lexeme, positions) pairs of the stored vector, e.g. ("alpha", "1A")."""
    return re.findall(r"'([^']+)':([0-9A-D,]+)", _lexemes(course))


def test_search_is_served_by_gin_indexes_on_the_vector_and_the_title_trigrams():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'courses_course'")
        indexes = dict(cursor.fetchall())
    assert "USING gin (search_vector)" in indexes["course_search_vector_idx"]
    assert "USING gin (title gin_trgm_ops)" in indexes["course_title_trgm_idx"]


def test_the_migration_fills_existing_courses_with_the_same_vector_the_service_writes(course):
    # given the vector written by course_refresh_search (through the signals)
    written = _lexemes(course)
    Course.objects.update(search_vector=None)

    # when the frozen SQL of migration 0010 fills the column, as it did for courses that existed before it
    migration = importlib.import_module("courses.migrations.0010_course_search")
    with connection.cursor() as cursor:
        cursor.execute(migration.FILL_VECTORS)

    # then it is the same vector
    assert _lexemes(course) == written
