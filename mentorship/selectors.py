"""Reads about mentors: who is listed, filtered as the mentors page asks."""

from __future__ import annotations

from django.db.models import QuerySet

from mentorship.models import MentorProfile


def mentors_listed(*, expertise: str = "", language: str = "", max_rate: int | None = None) -> QuerySet[MentorProfile]:
    """Approved mentors, with their user, expertise and languages loaded (a constant number of queries).

    `expertise` is an Expertise slug, `language` a Language code, `max_rate` an hourly rate in minor
    units (a mentor whose rate is at most it is kept); empty values filter nothing.
    """
    mentors = MentorProfile.objects.filter(status=MentorProfile.Status.APPROVED)
    if expertise:
        mentors = mentors.filter(expertise__slug=expertise)
    if language:
        mentors = mentors.filter(languages__code=language)
    if max_rate is not None:
        mentors = mentors.filter(hourly_rate_amount__lte=max_rate)
    return mentors.select_related("user").prefetch_related("expertise", "languages").distinct()
