"""Reads behind instructor pages: the profile, their published courses and their figures.

The figures are sums over the courses' stored figures (learners_count, rating_count,
rating_sum, kept by courses.services.course_refresh_stats), so the page reads them in one
aggregate query however many learners and reviews there are.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import Coalesce

from courses.models import Course, InstructorProfile


@dataclass(frozen=True)
class InstructorFigures:
    courses_count: int
    learners_taught: int
    rating_count: int
    rating_sum: int

    @property
    def rating_average(self) -> float | None:
        """Mean stars over every counted review of their courses (a course with more reviews weighs more)."""
        return round(self.rating_sum / self.rating_count, 1) if self.rating_count else None


def instructor_get_for_page(*, slug: str) -> InstructorProfile:
    """The profile with its user; raises InstructorProfile.DoesNotExist for an unknown slug."""
    return InstructorProfile.objects.select_related("user").get(slug=slug)


def instructor_published_courses(*, profile: InstructorProfile) -> QuerySet[Course]:
    """Their published courses, newest first, with what a card shows."""
    return (
        Course.objects.published()
        .filter(instructor_id=profile.user_id)
        .select_related("category", "instructor", "instructor__instructor_profile")
        .defer("description", "what_you_learn")
        .order_by("-published_at", "-id")
    )


def instructor_figures(*, profile: InstructorProfile) -> InstructorFigures:
    """Courses, learners taught and rating over their published courses, in one query."""
    totals = (
        Course.objects.published()
        .filter(instructor_id=profile.user_id)
        .aggregate(
            courses_count=Count("id"),
            learners_taught=Coalesce(Sum("learners_count"), 0),
            rating_count=Coalesce(Sum("rating_count"), 0),
            rating_sum=Coalesce(Sum("rating_sum"), 0),
        )
    )
    return InstructorFigures(**totals)


def instructor_may_edit(*, user) -> bool:
    """Who has a profile to edit: somebody who teaches a course, or already has a profile."""
    if not user.is_authenticated:
        return False
    return InstructorProfile.objects.filter(user=user).exists() or Course.objects.filter(instructor_id=user.pk).exists()
