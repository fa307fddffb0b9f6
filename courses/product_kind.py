"""The "course" product kind: how commerce prices, fulfils and revokes a course.

Registered in CoursesConfig.ready(). commerce never imports courses; it reaches this
handler through commerce.registry.get_kind("course").
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, Exists, Max, Min, OuterRef, Q
from django.urls import reverse

from commerce.registry import KindPricing, NotPurchasable, PricedLine, PriceRange, ProductKind, RefundVerdict
from courses.covers import cover_for
from courses.figures import course_figures_after_commit
from courses.models import COURSE_KIND, Certificate, Course, Enrollment, Lesson, LessonProgress
from courses.selectors.learning import progress_percent
from courses.services import enrollment_create, enrollment_set_status
from innerwork.core.emails import email_enqueue

COURSE_UNKNOWN = "This course is not available."
COURSE_ALREADY_OWNED = "You already own this course."
REFUND_REASON = "Refunded: {reason}"
WELCOME_TEMPLATE = "courses/enrollment_welcome"
# Why a course is not refunded automatically; shown to the customer on the refund page, as they are.
REFUND_TOO_LATE = "You bought this course {days} days ago; refunds are automatic within {limit} days."
REFUND_JUST_TOO_LATE = "You bought this course more than {limit} days ago; refunds are automatic within {limit} days."
REFUND_TOO_MUCH_PROGRESS = "You have completed {percent}% of this course; refunds are automatic below {limit}%."
REFUND_CERTIFICATE_ISSUED = "You have earned this course's certificate, so it is no longer refunded automatically."
REFUND_ACCESS_CLOSED = "Your access to this course was already closed, so our team will look at this refund."
# The refund policy in plain words on the pricing page, from the settings refund_rule reads.
POLICY_COURSE_AUTOMATIC = (
    "Changed your mind? Ask within {days} days of paying and the whole price comes back to your card "
    "automatically, as long as you have done less than {percent}% of the lessons, have no certificate yet "
    "and your access period has not ended."
)
POLICY_COURSE_REVIEW = "Outside those limits our team looks at your request and answers with a reason."
PRICING_COURSES_SUMMARY = (
    "Pay once per course; free courses need only an account. Most give lifetime access, some a set number "
    "of days from purchase (the course page says which); when access ends you keep your progress and "
    "certificate, and can buy the course again."
)
REFUND_ACCESS_EXPIRED = "Your access period for this course is over; refunds are automatic only while it lasts."


# What pricing a course reads of its row and its category's and instructor's (never its text or search vector).
PRICED_FIELDS = (
    "title",
    "slug",
    "subtitle",
    "level",
    "price_amount",
    "currency",
    "cover_renditions",
    "category__slug",
    "category__name",
    "instructor__full_name",
    "instructor__email",
)


class CourseKind(ProductKind):
    """A course: priced from the catalogue, fulfilled by an enrollment, refunded all or nothing.

    Nothing is held while a payment is open (a course has no limited seats), so `hold` and
    `release` keep the base class's defaults, and a paid course is never refused.
    """

    kind = COURSE_KIND
    label = "Course"
    may_refuse = False

    def price(self, *, ref: str, user, order=None) -> PricedLine:
        """The course's current price from the database; unknown, unpublished or owned → NotPurchasable.

        An enrollment whose access period is over is not owned any more: buying again extends it.
        One query: the course, its category and instructor, and whether `user` owns it."""
        if not str(ref).isdigit():
            raise NotPurchasable(COURSE_UNKNOWN)
        courses = (
            Course.objects.published()
            .filter(pk=int(ref))
            .select_related("category", "instructor")
            .only(*PRICED_FIELDS)
            .order_by()
        )
        if user is not None and user.is_authenticated:
            owned = Enrollment.objects.with_access().filter(user=user, course=OuterRef("pk"))
            courses = courses.annotate(owned=Exists(owned))
        course = next(iter(courses[:1]), None)
        if course is None:
            raise NotPurchasable(COURSE_UNKNOWN)
        if getattr(course, "owned", False):
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
                "cover": cover_for(course),
            },
        )

    def line_cover(self, *, line) -> dict | None:
        """The course's cover on an order line: its fields read now (one small query), or None when gone."""
        if not str(line.ref).isdigit():
            return None
        course = Course.objects.filter(pk=int(line.ref)).only("title", "category_id", "cover_renditions").first()
        return cover_for(course) if course is not None else None

    def fulfil(self, *, line) -> None:
        """Enrol the buyer and welcome them to the course.

        Idempotent: an existing enrollment is kept, reactivated or (its access period over) renewed
        for a new period from the payment, and the welcome e-mail is
        keyed `enrollment:<pk>:welcome:<line pk>`, so a repeated fulfilment sends no second copy.
        The course's learner count is recounted after the payment commits (courses/figures.py),
        so buyers of the same course never wait on its row.
        """
        course = Course.objects.select_related("instructor").get(pk=int(line.ref))
        paid_nothing = line.total_amount == 0 and course.is_free
        with course_figures_after_commit():
            enrollment = enrollment_create(
                user=line.order.user,
                course=course,
                type=Enrollment.Type.FREE if paid_nothing else Enrollment.Type.PAID,
                reason=f"Order {line.order.number}",
                partner_id=line.order.partner_id,
                # The access period runs from the purchase, however late this fulfilment runs.
                access_from=line.order.paid_at,
            )
        email_enqueue(
            key=f"enrollment:{enrollment.pk}:welcome:{line.pk}",
            to=[enrollment.user.email],
            template=WELCOME_TEMPLATE,
            context={
                "user": enrollment.user,
                "course": course,
                "instructor_name": course.instructor.get_full_name(),
                "outcomes": course.outcomes,
                "resume_url": settings.SITE_URL + reverse("courses:resume", kwargs={"slug": course.slug}),
                "course_url": settings.SITE_URL + course.get_absolute_url(),
                "order": line.order,
            },
        )

    def access_url(self, *, line) -> str:
        """Where the buyer continues the course they bought (commerce links order lines here)."""
        slug = Course.objects.filter(pk=int(line.ref)).values_list("slug", flat=True).first()
        return reverse("courses:resume", kwargs={"slug": slug}) if slug else ""

    def revoke(self, *, line, reason: str) -> None:
        """Close the course to the buyer after a refund.

        Idempotent; an enrollment already closed (refunded, or revoked by staff) is left as it is.
        One whose access period is over is still marked refunded, so buying it again starts afresh.
        The learner count is recounted after the refund commits, as after a purchase.
        """
        enrollment = Enrollment.objects.filter(user=line.order.user, course_id=int(line.ref)).first()
        if enrollment is None or enrollment.status not in Enrollment.HAS_ACCESS:
            return
        with course_figures_after_commit():
            enrollment_set_status(
                enrollment=enrollment,
                status=Enrollment.Status.REFUNDED,
                reason=REFUND_REASON.format(reason=reason)[:255],
            )

    def pricing(self) -> KindPricing:
        """Published courses' prices (one query): paid ones as a range per currency, and how many are free."""
        rows = (
            Course.objects.published()
            .order_by()
            .values("currency")
            .annotate(
                lowest=Min("price_amount", filter=Q(price_amount__gt=0)),
                highest=Max("price_amount", filter=Q(price_amount__gt=0)),
                free=Count("pk", filter=Q(price_amount=0)),
            )
            .order_by("currency")
        )
        rows = list(rows)
        return KindPricing(
            kind=self.kind,
            title="Self-paced courses",
            summary=PRICING_COURSES_SUMMARY,
            unit="per course",
            browse_url=reverse("courses:catalogue"),
            browse_label="Browse courses",
            ranges=tuple(
                PriceRange(currency=row["currency"], lowest=row["lowest"], highest=row["highest"])
                for row in rows
                if row["lowest"] is not None
            ),
            free_count=sum(row["free"] for row in rows),
            refund_policy=(
                POLICY_COURSE_AUTOMATIC.format(
                    days=settings.COURSE_REFUND_DAYS, percent=settings.COURSE_REFUND_MAX_PROGRESS_PERCENT
                ),
                POLICY_COURSE_REVIEW,
            ),
        )

    def refund_rule(self, *, line, now: datetime) -> RefundVerdict:
        """The course refund policy: within COURSE_REFUND_DAYS days of payment (that instant included),
        below COURSE_REFUND_MAX_PROGRESS_PERCENT % of the lessons done, no certificate issued, and the access
        period (if the course has one) not over at `now`.

        Every rule that fails adds its sentence, so the customer learns all the reasons at once.
        All or nothing: an eligible line gets back everything still refundable (amount None). Reads only.
        """
        reasons = []
        limit_days = settings.COURSE_REFUND_DAYS
        elapsed = now - line.order.paid_at
        if elapsed > timedelta(days=limit_days):
            days = elapsed.days  # whole days, as people count "days ago"
            late = REFUND_TOO_LATE if days > limit_days else REFUND_JUST_TOO_LATE
            reasons.append(late.format(days=days, limit=limit_days))
        enrollment = Enrollment.objects.filter(user_id=line.order.user_id, course_id=int(line.ref)).first()
        if enrollment is not None:
            if enrollment.status not in Enrollment.HAS_ACCESS:
                reasons.append(REFUND_ACCESS_CLOSED)
            elif enrollment.is_expired(now=now):
                reasons.append(REFUND_ACCESS_EXPIRED)
            limit_percent = settings.COURSE_REFUND_MAX_PROGRESS_PERCENT
            percent = progress_percent(
                done=LessonProgress.objects.filter(enrollment=enrollment).count(),
                total=Lesson.objects.filter(module__course_id=enrollment.course_id).count(),
            )
            if percent >= limit_percent:
                reasons.append(REFUND_TOO_MUCH_PROGRESS.format(percent=percent, limit=limit_percent))
            if Certificate.objects.filter(enrollment=enrollment).exists():
                reasons.append(REFUND_CERTIFICATE_ISSUED)
        return RefundVerdict(eligible=not reasons, reasons=tuple(reasons))
