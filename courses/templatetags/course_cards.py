"""Small presentation helpers for course cards and course pages."""

from django import template

register = template.Library()

COVER_VARIANTS = 6


@register.filter
def cover_variant(course) -> int:
    """A stable colour for a course's cover, shared by every course in a category."""
    return (course.category_id or 0) % COVER_VARIANTS


@register.filter
def initials(title: str) -> str:
    """Two letters for a cover: "Calm Under Pressure" → "CU"."""
    words = [word for word in str(title).split() if word[:1].isalnum()]
    return "".join(word[0] for word in words[:2]).upper()
