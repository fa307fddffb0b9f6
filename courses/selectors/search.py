"""Course search: which courses match what somebody typed, how well, and what to offer when none do.

A course matches when every word typed appears in its title, subtitle, description, category,
instructor's name or a lesson title, in some form of the word: "leader" finds "leadership",
"writing" finds "write" and "write" finds "writing". Each word is tried whole and as its root
(`word_root`: one ending taken off), both as the start of a word in the text.

- PostgreSQL reads the stored, weighted vector (courses/search_index.py) with a prefix query
  (`'leader':* | ...`; the English stemmer alone maps "leader" and "leadership" to different
  stems), ranked by ts_rank (title A, subtitle and category B, instructor and lessons C,
  description D). Trigram word similarity against the title (GIN-indexed too) and the category's
  name also matches, and ranks, typos ("mindfullness", "leadrship").
- SQLite (the demo) has neither, so it looks in the fields themselves, each word a regular
  expression anchored at a word start, and ranks by where each word was found (title 8, subtitle
  and category 4, instructor and lessons 2, description 1). It finds word forms, not typos; an
  empty result then suggests the closest titles and categories instead.

Either way the score is an integer annotation (`search_score`), so the catalogue and the API's
keyset pagination can order by it exactly.
"""

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from django.contrib.postgres.lookups import TrigramWordSimilar
from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramWordSimilarity
from django.db.models import (
    BooleanField,
    Case,
    Exists,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Round

from courses.models import Category, Course, Lesson
from courses.search_index import SEARCH_CONFIG, search_vector_in_use

SEARCH_SCORE = "search_score"
MAX_SEARCH_WORDS = 8
# Letters and digits only: a word can be put into a tsquery or a regular expression as it is.
_WORD = re.compile(r"[^\W_]+")
# One ending taken off a word, longest first, keeping at least _MIN_ROOT letters:
# leadership → leader, writing → writ, write → writ, mindfulness → mindful, habits → habit.
_ENDINGS = (
    "ations", "ation", "nesses", "ships", "ness", "ship", "ments", "ment", "ings", "ing",
    "ies", "ied", "es", "ed", "ly", "s", "e",
)  # fmt: skip
_MIN_ROOT = 4
# Words that would match nearly every course; PostgreSQL's stemmer drops these (and more) by itself.
_LITTLE_WORDS = frozenset(
    ("a", "an", "and", "or", "the", "to", "of", "for", "in", "on", "at", "by", "with", "from", "into", "about"),
) | frozenset(("your", "you", "my", "our", "how", "what", "why", "is", "are", "be", "it"))
# PostgreSQL: how much a title or category name that looks like the query (a typo) adds to ts_rank, times
# its trigram word similarity (it counts from pg_trgm.word_similarity_threshold, 0.6, up to 1).
_TITLE_LIKENESS_WEIGHT = 0.5
_CATEGORY_LIKENESS_WEIGHT = 0.2
# SQLite: what a word found in each field adds to the score.
_FIELD_WEIGHTS = (
    ("title", 8),
    ("subtitle", 4),
    ("category__name", 4),
    ("instructor__full_name", 2),
    ("description", 1),
)
_LESSON_WEIGHT = 2
# Suggestions: how alike (0–1) a word must be to a title or category word to be offered, and how many.
SUGGESTION_LIKENESS = 0.75
MAX_SUGGESTIONS = 3
_TRIGRAM_SUGGESTION_LIKENESS = 0.45
# SQLite compares titles in Python: the newest this many (the demo has 15).
_PYTHON_SUGGESTION_POOL = 500


def search_words(search: str) -> list[str]:
    """The distinct words of a query that say something: lower case, letters and digits only, no little words
    ("to", "for", "your") unless there is nothing else, at most MAX_SEARCH_WORDS."""
    words = list(dict.fromkeys(word.lower() for word in _WORD.findall(search)))
    meaningful = [word for word in words if word not in _LITTLE_WORDS]
    return (meaningful or words)[:MAX_SEARCH_WORDS]


def word_root(word: str) -> str:
    """The word with one common ending taken off (`leadership` → `leader`), or the word itself if short."""
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= _MIN_ROOT and not (ending == "s" and word[-2] == "s"):
            return word[: -len(ending)]
    return word


def course_search(courses: QuerySet[Course], *, search: str) -> QuerySet[Course]:
    """The courses of `courses` that match `search`, annotated with their integer `search_score`."""
    words = search_words(search)
    if not words:
        return courses.none().annotate(**{SEARCH_SCORE: Value(0)})
    if search_vector_in_use():
        return _postgres_search(courses, words=words)
    return _fields_search(courses, words=words)


class _EqualsAnyOf(Func):
    """`column = ANY(ARRAY(subquery))`: the subquery runs once, and unlike `IN (subquery)` an index on the
    column can serve the condition inside an OR, so a search stays a combination of index scans."""

    output_field = BooleanField()

    def as_sql(self, compiler, connection, **extra_context):
        column, subquery = self.get_source_expressions()
        column_sql, column_params = compiler.compile(column)
        subquery_sql, subquery_params = compiler.compile(subquery)
        return f"{column_sql} = ANY(ARRAY{subquery_sql})", (*column_params, *subquery_params)


def _word_tsquery(word: str) -> str:
    """The word whole or by its root, each as a prefix (a word of one or two letters only whole)."""
    forms = dict.fromkeys((word, word_root(word)))
    return "(" + " | ".join(f"'{form}'" + (":*" if len(form) > 2 else "") for form in forms) + ")"


def _postgres_search(courses: QuerySet[Course], *, words: list[str]) -> QuerySet[Course]:
    every_word = SearchQuery(" & ".join(map(_word_tsquery, words)), search_type="raw", config=SEARCH_CONFIG)
    any_word = SearchQuery(" | ".join(map(_word_tsquery, words)), search_type="raw", config=SEARCH_CONFIG)
    # Every word found in the text (the stemmer drops stop words), or, to forgive typos, every word found in the
    # text or looking like a word of the title (indexed) or of the category's name (a handful of rows).
    each_word_or_alike = Q()
    score = SearchRank(F("search_vector"), any_word)
    for word in words:
        word_query = SearchQuery(_word_tsquery(word), search_type="raw", config=SEARCH_CONFIG)
        if len(word) < _MIN_ROOT:
            each_word_or_alike &= Q(search_vector=word_query)
            continue
        title_alike = TrigramWordSimilar(F("title"), Value(word))
        category_alike = _EqualsAnyOf(
            F("category_id"),
            Subquery(Category.objects.filter(TrigramWordSimilar(F("name"), Value(word))).order_by().values("pk")),
        )
        each_word_or_alike &= Q(search_vector=word_query) | Q(title_alike) | Q(category_alike)
        score += _TITLE_LIKENESS_WEIGHT * Case(
            When(title_alike, then=TrigramWordSimilarity(Value(word), "title")), default=0.0, output_field=FloatField()
        )
        score += _CATEGORY_LIKENESS_WEIGHT * Case(
            When(category_alike, then=TrigramWordSimilarity(Value(word), "category__name")),
            default=0.0,
            output_field=FloatField(),
        )
    return courses.filter(Q(search_vector=every_word) | each_word_or_alike).annotate(
        **{SEARCH_SCORE: Cast(Round(score * 10_000), IntegerField())}
    )


def _fields_search(courses: QuerySet[Course], *, words: list[str]) -> QuerySet[Course]:
    condition = Q()
    score = Value(0)
    for word in words:
        pattern = r"\b(?:" + "|".join(dict.fromkeys((re.escape(word), re.escape(word_root(word))))) + ")"
        hits = [(Q(**{f"{field}__iregex": pattern}), weight) for field, weight in _FIELD_WEIGHTS]
        lesson = Exists(Lesson.objects.filter(module__course=OuterRef("pk"), title__iregex=pattern))
        hits.append((Q(lesson), _LESSON_WEIGHT))
        any_hit = Q()
        for hit, weight in hits:
            any_hit |= hit
            score = score + Case(When(hit, then=Value(weight)), default=Value(0))
        condition &= any_hit
    return courses.filter(condition).annotate(**{SEARCH_SCORE: Cast(score, IntegerField())})


# --- When nothing matches ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchSuggestions:
    """What an empty search result offers instead: courses whose title looks like the query ("Did you mean"),
    and categories to browse, the closest ones if any category looks like the query (`close_categories`)."""

    courses: list[Course]
    categories: list[Category]
    close_categories: bool


def _likeness(words: list[str], text: str) -> float:
    """0–1: how much the best-matching word of `text` looks like one of `words` (a shared root counts as 1)."""
    best = 0.0
    for candidate in search_words(text):
        for word in words:
            if len(word) < _MIN_ROOT or len(candidate) < _MIN_ROOT:
                continue  # "of", "the", "art": a shared start says nothing
            if candidate.startswith(word_root(word)):
                return 1.0
            best = max(best, SequenceMatcher(None, word, candidate).ratio())
    return best


def _closest(items, words: list[str], text) -> list:
    scored = [(_likeness(words, text(item)), item) for item in items]
    close = [(score, item) for score, item in scored if score >= SUGGESTION_LIKENESS]
    return [item for _score, item in sorted(close, key=lambda pair: -pair[0])][:MAX_SUGGESTIONS]


def search_suggestions(*, search: str, categories: list[Category], user) -> SearchSuggestions:
    """Courses and categories to offer when `search` found nothing.

    `categories` are those the catalogue lists (with `course_count`); the closest by name come
    first, and when none is close, the largest ones are offered to browse. Courses are the visible
    ones whose title looks most like the query: trigram similarity on PostgreSQL (one indexed
    query), word likeness in Python on SQLite (the demo's few titles).
    """
    words = search_words(search)
    close = _closest(categories, words, lambda category: category.name)
    browse = close or sorted(categories, key=lambda category: -category.course_count)[:MAX_SUGGESTIONS]
    visible = Course.objects.visible_to(user).only("slug", "title")
    if not words:
        courses = []
    elif search_vector_in_use():
        query = " ".join(words)
        courses = list(
            visible.annotate(likeness=TrigramWordSimilarity(Value(query), "title"))
            .filter(likeness__gte=_TRIGRAM_SUGGESTION_LIKENESS)
            .order_by("-likeness", "-published_at", "-id")[:MAX_SUGGESTIONS]
        )
    else:
        courses = _closest(visible.order_by("-published_at", "-id")[:_PYTHON_SUGGESTION_POOL], words, lambda c: c.title)
    return SearchSuggestions(courses=courses, categories=browse, close_categories=bool(close))
