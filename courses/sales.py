"""The "course" product kind: how commerce prices, fulfils and revokes a course.

Registered in CoursesConfig.ready(). commerce never imports courses; it reaches this
handler through commerce.registry.get_kind("course").
"""

from commerce.registry import NotPurchasable, PricedLine
from courses.models import Course, Enrollment
from courses.services import enrollment_create, enrollment_set_status

COURSE_UNKNOWN = "This course is not available."
COURSE_ALREADY_OWNED = "You already own this course."
REFUND_REASON = "Refunded: {reason}"


class CourseKind:
    kind = "course"
    label = "Course"

    def _course(self, ref: str) -> Course:
        if not str(ref).isdigit():
            raise NotPurchasable(COURSE_UNKNOWN)
        course = Course.objects.published().select_related("category", "instructor").filter(pk=int(ref)).first()
        if course is None:
            raise NotPurchasable(COURSE_UNKNOWN)
        return course

    def price(self, *, ref: str, user) -> PricedLine:
        """The course's current price from the database; unknown, unpublished or owned → NotPurchasable."""
        course = self._course(ref)
        if (
            user is not None
            and user.is_authenticated
            and Enrollment.objects.filter(user=user, course=course, status__in=Enrollment.HAS_ACCESS).exists()
        ):
            raise NotPurchasable(COURSE_ALREADY_OWNED)
        return PricedLine(
            kind=self.kind,
            ref=str(course.pk),
            title=course.title,
            unit_amount=course.price_amount,
            currency=course.currency,
            category=course.category.slug,
            url=course.get_absolute_url(),
            metadata={
                "subtitle": course.subtitle,
                "instructor": course.instructor.get_full_name(),
                "category_name": course.category.name,
                "level": course.get_level_display(),
            },
        )

    def fulfil(self, *, line) -> None:
        """Enrol the buyer (idempotent: an existing enrollment is kept or reactivated)."""
        course = Course.objects.get(pk=int(line.ref))
        paid_nothing = line.total_amount == 0 and course.is_free
        enrollment_create(
            user=line.order.user,
            course=course,
            type=Enrollment.Type.FREE if paid_nothing else Enrollment.Type.PAID,
            reason=f"Order {line.order.number}",
        )

    def revoke(self, *, line, reason: str) -> None:
        """Close the course to the buyer after a refund.

        Idempotent; an enrollment already closed (refunded, or revoked by staff) is left as it is.
        """
        enrollment = Enrollment.objects.filter(user=line.order.user, course_id=int(line.ref)).first()
        if enrollment is None or not enrollment.has_access:
            return
        enrollment_set_status(
            enrollment=enrollment,
            status=Enrollment.Status.REFUNDED,
            reason=REFUND_REASON.format(reason=reason)[:255],
        )
