"""Course search as people type it: word forms, every field searched, ranked, and suggestions when nothing matches.

The same tables run on PostgreSQL (the normal test database: stored vector, prefix query, trigrams) and on
SQLite (the demo's database: the fields themselves, word roots), which test_search_on_sqlite.py runs in a
separate pytest process with DATABASE_URL=sqlite:///…. Where the two honestly differ (only PostgreSQL
matches typos), a row says what each gives.
"""

import os

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.urls import reverse

from courses.models import Course
from courses.selectors.catalogue import CatalogueFilters, course_catalogue
from courses.selectors.search import search_words, word_root
from courses.tests.factories import CategoryFactory, CourseFactory, LessonFactory, ModuleFactory
from innerwork.accounts.tests.factories import UserFactory
from innerwork.api.tests.factories import with_key

pytestmark = pytest.mark.django_db

CATALOGUE = reverse("courses:catalogue")

LEADING = "Leading Through Change"
MANAGER = "First-Time Manager"
MINDFULNESS = "Mindfulness for Busy People"
CALM = "Calm Under Pressure"
WRITING = "Writing to Think"
SKETCHBOOK = "The Sketchbook Habit"
REVIEW = "The Weekly Review"


@pytest.fixture
def catalogue(db):
    build_catalogue()


def build_catalogue() -> None:
    """Seven published courses in four categories, each findable by one field (a small copy of the demo)."""
    leadership = CategoryFactory(slug="leadership", name="Leadership")
    mindfulness = CategoryFactory(slug="mindfulness", name="Mindfulness & Wellbeing")
    creativity = CategoryFactory(slug="creativity", name="Creativity")
    productivity = CategoryFactory(slug="productivity", name="Productivity")

    def course(title, category, *, subtitle="A practical course.", description="Practice, week by week.", **kwargs):
        kwargs.setdefault("instructor", UserFactory(full_name="Ben Ito"))
        return CourseFactory(title=title, category=category, subtitle=subtitle, description=description, **kwargs)

    course(
        LEADING,
        leadership,
        subtitle="Guide a team through reorganisations without losing trust.",
        description="Good leaders explain the why before the what.",
    )
    course(MANAGER, leadership, subtitle="The first ninety days with the people you used to work beside.")
    course(MINDFULNESS, mindfulness, subtitle="Ten quiet minutes that fit any day.")
    course(CALM, mindfulness, subtitle="Stay steady when everything is urgent.")
    course(WRITING, creativity, subtitle="Use a page to find out what you think.")
    course(
        SKETCHBOOK,
        creativity,
        description="Draw or write for ten minutes, every day.",
        instructor=UserFactory(full_name="Sofia Lindqvist"),
    )
    review = course(REVIEW, productivity, subtitle="Thirty minutes on Friday that save the week.")
    LessonFactory(module=ModuleFactory(course=review), title="Clearing the inbox to zero")


def _search(query: str) -> list[str]:
    filters = CatalogueFilters.from_params({"q": query}, category_slugs=[])
    return [course.title for course in course_catalogue(filters=filters, user=AnonymousUser())]


# (query, courses in the order listed, what SQLite lists instead where it differs)
SEARCHES = [
    ("leader", [LEADING, MANAGER], None),  # "leaders" in a description, "Leadership" the category
    ("leadership", [LEADING, MANAGER], None),  # the category, and "leaders" by the root "leader"
    ("Leadership", [LEADING, MANAGER], None),
    ("LEADERS", [LEADING, MANAGER], None),
    ("writing", [WRITING, SKETCHBOOK], None),  # the title before a description's "write"
    ("write", [WRITING, SKETCHBOOK], None),
    ("mindfulness", [MINDFULNESS, CALM], None),  # the title before the category
    ("mindfullness", [MINDFULNESS, CALM], []),  # a typo: only PostgreSQL's trigrams and stemmer forgive it
    ("calm pressure", [CALM], None),  # every word, in any field
    ("writing to think", [WRITING], None),
    ("mindfullness minutes", [MINDFULNESS], []),  # a typo and a word: both must match
    ("lindqvist", [SKETCHBOOK], None),  # the instructor's name
    ("sofia", [SKETCHBOOK], None),
    ("inbox", [REVIEW], None),  # a lesson title
    ("wellbeing", [CALM, MINDFULNESS], None),  # a category word; equally good matches: newest first
    ("friday", [REVIEW], None),  # the subtitle
    ("leader mindfulness", [], None),  # no course has both
    ("underwater basket weaving", [], None),
    ("?!", [], None),  # no words at all
]


@pytest.mark.parametrize(("query", "expected", "on_sqlite"), SEARCHES, ids=[row[0] for row in SEARCHES])
def test_search_finds_word_forms_in_every_field_best_match_first(catalogue, query, expected, on_sqlite):
    # given the catalogue fixture
    # when searching
    found = _search(query)

    # then exactly these courses come back, in this order
    if connection.vendor == "sqlite" and on_sqlite is not None:
        expected = on_sqlite
    assert found == expected


def test_the_api_search_lists_the_same_courses_in_the_same_order(catalogue, client):
    # given a partner key that may read the catalogue
    client = with_key(client, scopes=["catalogue:read"])

    for query, expected, on_sqlite in SEARCHES:
        if connection.vendor == "sqlite" and on_sqlite is not None:
            expected = on_sqlite
        # when the partner searches
        response = client.get(reverse("api:course-list"), {"search": query})

        # then the API lists what the catalogue lists
        assert response.status_code == 200, response.content
        assert [course["title"] for course in response.json()["data"]] == expected, query


def test_the_catalogue_page_lists_search_results_best_match_first(catalogue, client):
    # when a visitor searches the catalogue page
    response = client.get(CATALOGUE, {"q": "leader"})

    # then the Leadership courses are listed by relevance, and the sort menu says so
    html = response.content.decode()
    assert [course.title for course in response.context["page_obj"]] == [LEADING, MANAGER]
    assert "2 courses for “leader”" in html
    assert '<option value="relevance" selected>Best match</option>' in html


def test_an_explicit_sort_wins_over_best_match(catalogue, client):
    # given the manager course is the cheaper one
    Course.objects.filter(title=MANAGER).update(price_amount=1000)

    # when searching sorted by price
    response = client.get(CATALOGUE, {"q": "leader", "sort": "price_asc"})

    # then the price decides
    assert [course.title for course in response.context["page_obj"]] == [MANAGER, LEADING]


def test_best_match_is_offered_only_with_a_search(catalogue, client):
    # when there is no search, even if a stale link asks for best match
    html = client.get(CATALOGUE, {"sort": "relevance"}).content.decode()

    # then the list is newest first and best match is not offered
    assert 'value="relevance"' not in html
    assert '<option value="newest" selected>Newest</option>' in html


@pytest.mark.parametrize(
    ("query", "did_you_mean", "browse", "not_offered"),
    [
        # a misspelt category: no title looks like it, the category does
        ("leedership", [], ["Browse Leadership"], ["Browse Creativity"]),
        # nothing alike: the largest categories to browse instead
        ("underwater basket weaving", [], ["Browse a category", "Browse Leadership"], ["Did you mean"]),
    ],
)
def test_a_search_that_finds_nothing_suggests_the_closest_courses_and_categories(
    catalogue, client, query, did_you_mean, browse, not_offered
):
    # when the search finds nothing
    response = client.get(CATALOGUE, {"q": query})

    # then the empty state offers what comes closest instead of a bare "no match"
    html = response.content.decode()
    assert f"No courses match “{query}”" in html
    for title in did_you_mean:
        assert f">{title}</a>" in html
    for text in browse:
        assert text in html
    for text in not_offered:
        assert text not in html
    assert 'href="/?category=leadership"' in html


def test_a_typo_that_finds_nothing_on_sqlite_suggests_the_course_it_looks_like(catalogue, client):
    # given a search for a misspelt title word
    response = client.get(CATALOGUE, {"q": "mindfullness"})

    # then PostgreSQL forgives the typo and lists the course; SQLite lists nothing but asks "Did you mean"
    html = response.content.decode()
    titles = [course.title for course in response.context["page_obj"]]
    if connection.vendor == "sqlite":
        assert titles == []
        assert "Did you mean" in html
        assert f">{MINDFULNESS}</a>" in html
        assert "Browse Mindfulness &amp; Wellbeing" in html
    else:
        assert titles[0] == MINDFULNESS
        assert "Did you mean" not in html


@pytest.mark.parametrize(
    ("word", "root"),
    [
        ("leadership", "leader"),
        ("leaders", "leader"),
        ("leader", "leader"),
        ("writing", "writ"),
        ("write", "writ"),
        ("mindfulness", "mindful"),
        ("stress", "stress"),  # a double s is not a plural
        ("habits", "habit"),
        ("conversations", "convers"),
        ("time", "time"),  # too short to shorten
    ],
)
def test_word_root_takes_one_ending_off(word, root):
    assert word_root(word) == root


@pytest.mark.parametrize(
    ("search", "words"),
    [
        ("  Leader's 'DROP TABLE' ; leader 101 ", ["leader", "s", "drop", "table", "101"]),
        ("Writing to think", ["writing", "think"]),  # little words say nothing
        ("to be or", ["to", "be", "or"]),  # unless there is nothing else
    ],
)
def test_search_words_keep_letters_and_digits_of_the_words_that_say_something(search, words):
    assert search_words(search) == words


def test_this_run_uses_the_database_it_was_asked_for():
    # test_search_on_sqlite.py runs this module with EXPECTED_DATABASE_VENDOR=sqlite: prove it really did.
    assert connection.vendor == os.environ.get("EXPECTED_DATABASE_VENDOR", "postgresql")


def test_the_api_pages_through_search_results_in_best_match_order(catalogue, client):
    # given a partner reading one course per page
    client = with_key(client, scopes=["catalogue:read"])
    url = reverse("api:course-list")

    # when they follow starting_after through the results of a search, one course at a time
    for query in ("leader", "writing", "mindfulness"):
        everything = [course["slug"] for course in client.get(url, {"search": query}).json()["data"]]
        paged, after = [], None
        while True:
            params = {"search": query, "limit": 1, **({"starting_after": after} if after else {})}
            body = client.get(url, params).json()
            paged += [course["slug"] for course in body["data"]]
            if not body["has_more"]:
                break
            after = paged[-1]

        # then the pages hold the same courses in the same order, none repeated or skipped
        assert len(everything) == 2
        assert paged == everything, query
