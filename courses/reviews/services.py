"""Every write of reviews: a learner saves theirs, staff hide it or show it again.

Who may review: a learner whose enrollment in the course is active or completed. A learner who
was refunded or revoked cannot write or edit one; a review they wrote before is kept but is
neither shown nor counted while they have no access (Review.objects.counted), and comes back
if they are enrolled again.

The course's rating figures are recounted from the rows after each write commits
(courses/signals.py → courses.figures.course_reviews_changed), never incremented here.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from courses.models import Course, Enrollment, Review
from innerwork.core.audit import staff_action_record

ONLY_LEARNERS_MAY_REVIEW = "Only learners enrolled in this course can review it."
HIDE_REASON_REQUIRED = "Say why the review is hidden; the audit log keeps it."
SHOW_REASON_REQUIRED = "Say why the review is shown again; the audit log keeps it."


def review_enrollment(*, user, course: Course) -> Enrollment:
    """The enrollment that lets `user` review `course`; PermissionDenied when there is none with access."""
    if not user.is_authenticated:
        raise PermissionDenied(ONLY_LEARNERS_MAY_REVIEW)
    enrollment = Enrollment.objects.filter(user=user, course=course, status__in=Enrollment.HAS_ACCESS).first()
    if enrollment is None:
        raise PermissionDenied(ONLY_LEARNERS_MAY_REVIEW)
    return enrollment


def review_save(*, user, course: Course, rating: int, text: str = "") -> Review:
    """Create the learner's review of the course, or edit the one they wrote.

    Guarantees: one review per learner and course (the database's unique constraint; two
    simultaneous first saves end as one review holding the later text). Only learners with
    access (PermissionDenied with ONLY_LEARNERS_MAY_REVIEW otherwise). Editing keeps a staff
    hide: a hidden review stays hidden. The text is kept as plain text (surrounding blanks
    trimmed); pages escape it.
    """
    enrollment = review_enrollment(user=user, course=course)
    values = {"rating": rating, "text": text.strip(), "enrollment": enrollment}
    try:
        with transaction.atomic():
            review, _created = Review.objects.select_for_update().update_or_create(
                author=user, course=course, defaults=values
            )
    except IntegrityError:
        # Another request created it between our read and our insert: edit that one.
        with transaction.atomic():
            review, _created = Review.objects.select_for_update().update_or_create(
                author=user, course=course, defaults=values
            )
    return review


def review_hide(*, review: Review, actor, reason: str) -> Review:
    """Staff hide a review: it is no longer shown or counted. Recorded on the review and in the audit log.

    Idempotent: hiding a hidden review changes nothing and records nothing.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(HIDE_REASON_REQUIRED, code="reason")
    with transaction.atomic():
        locked = Review.objects.select_for_update().get(pk=review.pk)
        if locked.is_hidden:
            return locked
        locked.is_hidden = True
        locked.hidden_reason = reason[:255]
        locked.hidden_by = actor
        locked.hidden_at = timezone.now()
        locked.save(update_fields=["is_hidden", "hidden_reason", "hidden_by", "hidden_at", "updated_at"])
        staff_action_record(actor=actor, action="review.hide", subject=locked, reason=reason)
    return locked


def review_show(*, review: Review, actor, reason: str) -> Review:
    """Staff show a hidden review again; it counts again. Recorded in the audit log (the hide stays there)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(SHOW_REASON_REQUIRED, code="reason")
    with transaction.atomic():
        locked = Review.objects.select_for_update().get(pk=review.pk)
        if not locked.is_hidden:
            return locked
        locked.is_hidden = False
        locked.hidden_reason = ""
        locked.hidden_by = None
        locked.hidden_at = None
        locked.save(update_fields=["is_hidden", "hidden_reason", "hidden_by", "hidden_at", "updated_at"])
        staff_action_record(actor=actor, action="review.show", subject=locked, reason=reason)
    return locked
