"""Presentation helpers for ratings, reviews and instructor links."""

from django import template
from django.core.exceptions import ObjectDoesNotExist

from courses.models.reviews import RATING_MAX

register = template.Library()


@register.filter
def stars(average) -> str:
    """Five stars, as many filled as the average rounds to: 4.6 → "★★★★★", 3.4 → "★★★☆☆"."""
    filled = max(0, min(RATING_MAX, int(float(average or 0) + 0.5)))
    return "★" * filled + "☆" * (RATING_MAX - filled)


def instructor_profile_of(user):
    """The user's instructor profile as loaded with them (select_related), or None when they have none."""
    try:
        return user.instructor_profile
    except ObjectDoesNotExist:
        return None


register.filter("instructor_profile", instructor_profile_of)
