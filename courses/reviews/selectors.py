"""Reads of reviews: the course page's list and the viewer's own review."""

from __future__ import annotations

from django.db.models import QuerySet

from courses.models import Course, Review


def reviews_for_course_page(*, course: Course) -> QuerySet[Review]:
    """The reviews a course page shows, newest first: counted ones only (not hidden, author has access)."""
    return (
        Review.objects.counted()
        .filter(course=course)
        .select_related("author")
        .only("id", "rating", "text", "created_at", "updated_at", "author__full_name", "author__email")
        .order_by("-created_at", "-id")
    )


def review_of_user(*, user, course: Course) -> Review | None:
    """The viewer's own review of the course, hidden or not; None for visitors."""
    if not user.is_authenticated:
        return None
    return Review.objects.filter(author=user, course=course).first()
