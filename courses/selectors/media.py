"""Reads for lesson media: what a lesson offers, and whether this person may fetch its files."""

from __future__ import annotations

from courses.models import Course, Lesson, LessonResource, LessonVideo
from courses.selectors.learning import enrollment_for


def lesson_readable_by(*, user, lesson_id: int) -> Lesson | None:
    """The lesson when `user` may read it now, else None (the media view answers 404 either way).

    Who may: anyone for a preview lesson of a published course; staff for any lesson; otherwise the
    user's enrollment in the course must give access now (an expired, refunded or revoked one does not).
    """
    lesson = (
        Lesson.objects.select_related("module__course")
        .filter(pk=lesson_id, module__course__in=Course.objects.visible_to(user))
        .first()
    )
    if lesson is None:
        return None
    if lesson.is_preview or (user.is_authenticated and user.is_staff):
        return lesson
    enrollment = enrollment_for(user=user, course=lesson.module.course)
    return lesson if enrollment is not None and enrollment.has_access else None


def lesson_media(*, lesson: Lesson) -> tuple[LessonVideo | None, list[LessonResource]]:
    """The lesson's video (or None) and its downloads in order: two queries."""
    video = LessonVideo.objects.filter(lesson=lesson).first()
    return video, list(LessonResource.objects.filter(lesson=lesson))
