"""Small presentation helpers for course cards and course pages."""

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from courses import covers
from courses.templatetags.course_reviews import instructor_profile_of

register = template.Library()


@register.filter
def cover_variant(course) -> int:
    """A stable colour for a course's cover, shared by every course in a category (courses.covers)."""
    return covers.cover_variant(course.category_id)


@register.filter
def initials(title: str) -> str:
    """Two letters for a cover: "Calm Under Pressure" → "CU"."""
    return covers.initials(title)


CARD_TEMPLATE = "courses/partials/course_card.html"
CARD_CACHE_SIZE = 4096
# Rendered cards by the exact values they show (a per-process memo; see `course_card`).
_rendered_cards: dict[tuple, SafeString] = {}


def _card_inputs(course) -> tuple:
    """Every value course_card.html shows, compared by equality (no hashing, no expiry to get wrong)."""
    return (
        get_language(),
        course.pk,
        course.slug,
        course.title,
        course.subtitle,
        course.category_id,
        course.category.name,
        course.instructor.get_full_name(),
        course.level,
        course.lessons_count,
        course.total_minutes,
        course.price_amount,
        course.currency,
        course.is_published,
        bool(getattr(course, "is_enrolled", False)),
        tuple(rendition["name"] for rendition in course.cover_renditions or ()),
        course.rating_count,
        course.rating_sum,
        getattr(instructor_profile_of(course.instructor), "slug", None),
    )


@register.simple_tag
def course_card(course) -> SafeString:
    """The catalogue card of a course.

    Twelve cards of includes and filters were a third of the catalogue's rendering time, and the
    same cards are shown over and over. A card is a pure function of the values in `_card_inputs`,
    which are its whole key: any change to what it shows is a different key, so a memoised card is
    never stale. Bounded: the memo is emptied when full.
    """
    key = _card_inputs(course)
    html = _rendered_cards.get(key)
    if html is None:
        if len(_rendered_cards) >= CARD_CACHE_SIZE:
            _rendered_cards.clear()
        html = _rendered_cards[key] = render_to_string(CARD_TEMPLATE, {"course": course})
    return html
