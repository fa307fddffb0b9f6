"""Every write of the learning side: enrollments, their status, lesson progress, certificates.

Enrollment status changes only in `enrollment_set_status`. Each function locks the
enrollment row it changes (`SELECT … FOR UPDATE`), so concurrent calls for the same
learner and course are serialised: two simultaneous completions of the last lesson
give one completion and one certificate. Other apps (commerce, admin) call these
functions; none of them assigns `Enrollment.status` itself.
"""

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, IntegerField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from commerce.orders import partner_ids_for_item
from courses.enrollment_objects import enrollment_object
from courses.exercises.selectors import exercise_requirement_met
from courses.models import (
    COURSE_KIND,
    Certificate,
    Course,
    Enrollment,
    EnrollmentEvent,
    Lesson,
    LessonProgress,
    Review,
)
from innerwork.accounts.models import User
from innerwork.api.events import partner_event_for_partners
from innerwork.core import page_cache
from innerwork.core.rows import row_insert_if_absent

ENROLLMENT_TRANSITION_NOT_ALLOWED = "An enrollment cannot go from {from_status} to {to_status}."
COURSE_NOT_AVAILABLE = "This course is not available."
COURSE_NOT_FREE = "This course is not free: add it to your cart to buy it."
REVOKE_REASON_REQUIRED = "Say why the enrollment is revoked; the learner's record keeps it."
LESSON_NOT_IN_COURSE = "This lesson is not part of the enrolled course."
ENROLLMENT_HAS_NO_ACCESS = "This enrollment no longer gives access to the course."
CERTIFICATE_NOT_EARNED = "A certificate is issued only when every lesson is complete."
ENROLLMENT_RENEWED = "Access renewed: {reason}"

# Losing access to a course also withdraws the certificate earned in it.
_INVALIDATES_CERTIFICATE = {Enrollment.Status.REFUNDED, Enrollment.Status.REVOKED}


def _lock(enrollment: Enrollment) -> Enrollment:
    """A fresh copy of the row, locked until the surrounding transaction ends."""
    return Enrollment.objects.select_for_update().get(pk=enrollment.pk)


def _sync(target: Enrollment, source: Enrollment) -> Enrollment:
    """Copy the saved state of a locked copy back onto the caller's instance."""
    for field in (
        "status",
        "type",
        "completed_at",
        "last_lesson_id",
        "last_activity_at",
        "status_reason",
        "granted_by_id",
        "expires_at",
    ):
        setattr(target, field, getattr(source, field))
    target.updated_at = source.updated_at
    return target


def enrollment_set_status(
    *, enrollment: Enrollment, status: str, actor: User | None = None, reason: str = ""
) -> Enrollment:
    """Move an enrollment to `status`; the only place an enrollment's status changes.

    Guarantees: the transition is checked against `Enrollment.TRANSITIONS` (ValidationError
    with ENROLLMENT_TRANSITION_NOT_ALLOWED otherwise); the change and its EnrollmentEvent
    are saved together; moving to completed issues the certificate (or makes it valid again), moving to
    refunded or revoked invalidates it. Idempotent: asking for the status it already has changes nothing
    and records no event, so a replayed refund is harmless.
    """
    status = Enrollment.Status(status)
    with transaction.atomic():
        locked = _lock(enrollment)
        if locked.status == status:
            return _sync(enrollment, locked)
        if status not in Enrollment.TRANSITIONS[locked.status]:
            raise ValidationError(
                ENROLLMENT_TRANSITION_NOT_ALLOWED.format(from_status=locked.status, to_status=status),
                code="transition",
            )
        from_status = locked.status
        locked.status = status
        locked.status_reason = reason[:255]
        locked.completed_at = timezone.now() if status == Enrollment.Status.COMPLETED else None
        locked.save(update_fields=["status", "status_reason", "completed_at", "updated_at"])
        record = EnrollmentEvent.objects.create(
            enrollment=locked, from_status=from_status, to_status=status, reason=reason[:255], actor=actor
        )
        if status == Enrollment.Status.COMPLETED:
            # Completing earns the certificate; issued before the partner hears of it, so the event's object
            # (the API's Enrollment) already carries its code, as GET /enrollments/{id} does from now on.
            certificate_issue(enrollment=locked)
            # Keyed by this move, so a course completed again after a refund and a new purchase is news again.
            # Told to the partner whose order enrolled the person (none for a site purchase or a gift).
            partner_event_for_partners(
                partner_ids=partner_ids_for_item(
                    kind=COURSE_KIND, ref=locked.course_id, user=locked.user_id, fulfilled=True
                ),
                user=locked.user,
                type="enrollment.completed",
                render=lambda partner: enrollment_object(enrollment=locked, partner=partner),
                key=f"enrollment.completed:{record.pk}",
            )
        if status in _INVALIDATES_CERTIFICATE:
            Certificate.objects.filter(enrollment=locked).update(is_valid=False)
    return _sync(enrollment, locked)


def _access_until(*, course: Course, start: datetime) -> datetime | None:
    """When an access period bought at `start` ends: `course.access_days` × 24 hours later, or None (lifetime).

    Counted in UTC: adding days to a time in a zone with daylight saving would add wall-clock days
    (an hour more or less across the change)."""
    if course.access_days is None:
        return None
    return start.astimezone(UTC) + timedelta(days=course.access_days)


def enrollment_create(
    *,
    user: User,
    course: Course,
    type: str,
    actor: User | None = None,
    reason: str = "",
    partner_id=None,
    access_from: datetime | None = None,
) -> Enrollment:
    """Give `user` access to `course`, as a `type` (paid, free, gifted) enrollment.

    `partner_id` is the partner whose API placed the order that enrols (None: the site, a gift); only that
    partner is told `enrollment.created`.

    Guarantees: one enrollment per (user, course), even under concurrent calls (the unique
    constraint decides in one INSERT … ON CONFLICT DO NOTHING, the loser reads and locks the
    winner's row). Inside a caller's transaction it adds no savepoint. An existing active or
    completed enrollment is returned unchanged. A refunded or revoked one is reactivated
    with the new type, keeping its lesson progress; if that progress is already complete
    it goes straight back to completed and its certificate becomes valid again.
    The creation is recorded as an EnrollmentEvent ("" → active).

    Access period: a course with `access_days` gives access until `access_from` (the purchase time;
    default now) plus that many days, a lifetime course until forever (`expires_at` None). A new
    enrollment, a reactivated one and one whose period is over (bought again) all get a new period
    counted from `access_from`; a renewal keeps the status, progress and certificate and is recorded
    as an EnrollmentEvent (status → same status) with ENROLLMENT_RENEWED.
    """
    type = Enrollment.Type(type)
    access_from = access_from or timezone.now()
    expires_at = _access_until(course=course, start=access_from)
    granted_by = actor if type == Enrollment.Type.GIFTED else None
    # No savepoint: a conflict raises nothing, and any other error is the caller's whole transaction's.
    with transaction.atomic(savepoint=False):
        enrollment = Enrollment(
            user=user,
            course=course,
            type=type,
            status=Enrollment.Status.ACTIVE,
            status_reason=reason[:255],
            granted_by=granted_by,
            expires_at=expires_at,
        )
        if row_insert_if_absent(enrollment, unique_fields=("user", "course")):
            EnrollmentEvent.objects.create(
                enrollment=enrollment, from_status="", to_status=enrollment.status, reason=reason[:255], actor=actor
            )
            partner_event_for_partners(
                partner_ids=[partner_id],
                user=user,
                type="enrollment.created",
                render=lambda partner: enrollment_object(enrollment=enrollment, partner=partner),
                key=f"enrollment.created:{enrollment.pk}",
            )
            return enrollment

        enrollment = Enrollment.objects.select_for_update().get(user=user, course=course)
        if enrollment.has_access:
            return enrollment
        enrollment.type = type
        enrollment.granted_by = granted_by
        enrollment.expires_at = expires_at
        enrollment.save(update_fields=["type", "granted_by", "expires_at", "updated_at"])
        if enrollment.status in Enrollment.HAS_ACCESS:
            # Bought again after the access period ended: a new period, same status, progress and certificate.
            EnrollmentEvent.objects.create(
                enrollment=enrollment,
                from_status=enrollment.status,
                to_status=enrollment.status,
                reason=ENROLLMENT_RENEWED.format(reason=reason)[:255],
                actor=actor,
            )
            return enrollment
        enrollment = enrollment_set_status(
            enrollment=enrollment, status=Enrollment.Status.ACTIVE, actor=actor, reason=reason
        )
        enrollment_complete_if_finished(enrollment=enrollment)
    return enrollment


def enrollment_enroll_free(*, user: User, course: Course) -> Enrollment:
    """Self-service enrollment in a free course.

    Guarantees: only a published course whose price is 0 (ValidationError with
    COURSE_NOT_AVAILABLE or COURSE_NOT_FREE otherwise); idempotent like `enrollment_create`.
    """
    if not course.is_published:
        raise ValidationError(COURSE_NOT_AVAILABLE, code="not_available")
    if not course.is_free:
        raise ValidationError(COURSE_NOT_FREE, code="not_free")
    return enrollment_create(user=user, course=course, type=Enrollment.Type.FREE, actor=user)


def enrollment_grant(*, user: User, course: Course, actor: User, reason: str = "") -> Enrollment:
    """Staff gift: a `gifted` enrollment granted by `actor` (recorded as granted_by and in the event).

    Idempotent: a learner who already has access keeps their enrollment as it is.
    """
    return enrollment_create(user=user, course=course, type=Enrollment.Type.GIFTED, actor=actor, reason=reason)


def enrollment_revoke(*, enrollment: Enrollment, actor: User, reason: str) -> Enrollment:
    """Staff action: close the course to the learner and invalidate the certificate.

    A reason is required (ValidationError REVOKE_REASON_REQUIRED); revoking a revoked
    enrollment changes nothing.
    """
    if not reason.strip():
        raise ValidationError(REVOKE_REASON_REQUIRED, code="reason_required")
    return enrollment_set_status(
        enrollment=enrollment, status=Enrollment.Status.REVOKED, actor=actor, reason=reason.strip()
    )


def enrollment_record_visit(*, enrollment: Enrollment, lesson: Lesson) -> None:
    """Remember the lesson the learner opened last, for "Continue" (one UPDATE, no lock).

    The update sends no model signal, so it reports itself to the page cache: the learner's
    dashboard orders their courses by this visit (courses/page_cache.py says which pages).
    """
    now = timezone.now()
    Enrollment.objects.filter(pk=enrollment.pk).update(last_lesson=lesson, last_activity_at=now)
    enrollment.last_lesson = lesson
    enrollment.last_activity_at = now
    page_cache.instance_changed(enrollment)


def enrollment_complete_if_finished(*, enrollment: Enrollment) -> None:
    """Inside the caller's transaction (enrollment row locked): when the course's completion rule is met,
    complete the enrollment and issue the certificate.

    The rule (Course.completion_rule): every lesson complete, and with "lessons and a pass mark" also the
    exercises' pass mark reached (courses.exercises.selectors). Called after whatever may meet the last
    requirement: a lesson completed, an exercise attempted, a reactivation. Only ever moves active to
    completed, so an exercise added after completion leaves the completion standing.
    """
    total = Lesson.objects.filter(module__course_id=enrollment.course_id).count()
    done = LessonProgress.objects.filter(enrollment=enrollment, lesson__module__course_id=enrollment.course_id).count()
    if total == 0 or done < total:
        return
    if enrollment.status == Enrollment.Status.ACTIVE and not exercise_requirement_met(enrollment=enrollment):
        return
    if enrollment.status == Enrollment.Status.ACTIVE:
        enrollment_set_status(enrollment=enrollment, status=Enrollment.Status.COMPLETED, reason="All lessons complete")
    certificate_issue(enrollment=enrollment)


def lesson_complete(*, enrollment: Enrollment, lesson: Lesson) -> LessonProgress:
    """Mark `lesson` complete for this enrollment.

    Guarantees: idempotent (one LessonProgress per lesson; a repeat keeps the first
    completion time); the enrollment must give access (ValidationError
    ENROLLMENT_HAS_NO_ACCESS) and the lesson must belong to its course
    (LESSON_NOT_IN_COURSE). Updates last_lesson and last_activity_at. When every lesson
    of the course is complete the enrollment becomes completed and its certificate is
    issued, exactly once even when the last lessons are completed concurrently (the
    enrollment row is locked for the whole check).
    """
    if lesson.module.course_id != enrollment.course_id:
        raise ValidationError(LESSON_NOT_IN_COURSE, code="wrong_course")
    now = timezone.now()
    with transaction.atomic():
        locked = _lock(enrollment)
        if not locked.has_access:
            raise ValidationError(ENROLLMENT_HAS_NO_ACCESS, code="no_access")
        progress, _ = LessonProgress.objects.get_or_create(
            enrollment=locked, lesson=lesson, defaults={"completed_at": now}
        )
        locked.last_lesson = lesson
        locked.last_activity_at = now
        locked.save(update_fields=["last_lesson", "last_activity_at", "updated_at"])
        enrollment_complete_if_finished(enrollment=locked)
    _sync(enrollment, locked)
    return progress


def certificate_issue(*, enrollment: Enrollment) -> Certificate:
    """The certificate of a completed enrollment, created on first call.

    Guarantees: one certificate per enrollment (idempotent, and the OneToOne constraint
    settles concurrent calls); learner name, course title and instructor name are frozen
    at issue time. Issuing again after a reactivation makes the same certificate (same
    code) valid again. ValidationError CERTIFICATE_NOT_EARNED unless the enrollment is
    completed.
    """
    if enrollment.status != Enrollment.Status.COMPLETED:
        raise ValidationError(CERTIFICATE_NOT_EARNED, code="not_completed")
    course = Course.objects.select_related("instructor").get(pk=enrollment.course_id)
    user = User.objects.get(pk=enrollment.user_id)
    with transaction.atomic():
        certificate, created = Certificate.objects.get_or_create(
            enrollment=enrollment,
            defaults={
                "learner_name": user.get_full_name(),
                "course_title": course.title,
                "instructor_name": course.instructor.get_full_name(),
                "issued_at": enrollment.completed_at or timezone.now(),
            },
        )
        if not created and not certificate.is_valid:
            certificate.is_valid = True
            certificate.save(update_fields=["is_valid"])
    return certificate


def _per_course(queryset, course_field: str, expression) -> Coalesce:
    """`expression` aggregated over the rows of `queryset` that belong to the outer course (0 when none)."""
    return Coalesce(
        Subquery(
            queryset.filter(**{course_field: OuterRef("pk")})
            .order_by()
            .values(course_field)
            .annotate(value=expression)
            .values("value"),
            output_field=IntegerField(),
        ),
        Value(0),
    )


def course_refresh_stats(*, course_ids: Iterable[int]) -> None:
    """Recount the stored figures of these courses: lessons, minutes, learners and rating (count and sum).

    The one writer of those fields. Every change to lessons, modules or enrollments reaches it
    (courses/signals.py for saves and deletes, seed_demo after its bulk inserts), and the data
    migration filled existing rows with it.

    Guarantees: the figures are recomputed from the rows, never incremented, so calling it
    again is harmless and heals any drift. The course rows are locked (in id order) before
    counting: under READ COMMITTED the counting statement then starts after any concurrent
    writer of the same course has committed, so two simultaneous enrollments cannot both
    store a count that misses the other. `updated_at` is left alone (this is not an edit).
    """
    ids = sorted({course_id for course_id in course_ids if course_id is not None})
    if not ids:
        return
    with transaction.atomic():
        # NO KEY UPDATE, the lock the UPDATE below takes anyway: it serialises refreshers without
        # waiting for transactions that merely inserted a lesson or enrollment pointing at the course.
        list(
            Course.objects.select_for_update(no_key=True).filter(pk__in=ids).order_by("pk").values_list("pk", flat=True)
        )
        figures = {
            "lessons_count": _per_course(Lesson.objects.all(), "module__course", Count("id")),
            "total_minutes": _per_course(Lesson.objects.all(), "module__course", Sum("duration_minutes")),
            "learners_count": _per_course(
                Enrollment.objects.filter(status__in=Enrollment.HAS_ACCESS), "course", Count("id")
            ),
            # Only counted reviews: not hidden, by a learner who still has access (Review.objects.counted).
            "rating_count": _per_course(Review.objects.counted(), "course", Count("id")),
            "rating_sum": _per_course(Review.objects.counted(), "course", Sum("rating")),
        }
        # Rows whose figures are already right are not rewritten (no new row version, no bloat
        # when seed_demo recounts a thousand unchanged courses).
        stale = (
            Course.objects.filter(pk__in=ids)
            .annotate(**{f"fresh_{name}": value for name, value in figures.items()})
            .exclude(**{name: F(f"fresh_{name}") for name in figures})
        )
        Course.objects.filter(pk__in=stale.values("pk")).update(**figures)
