"""An enrollment as the partner API shows it: the partner's enrollments query and the one rendering of the
Enrollment object, for the API (courses.api) and its `enrollment.*` events (`data.object`), so a partner
parses both with one parser. Kept apart from the views so the services that emit events do not import
view modules.
"""

from __future__ import annotations

from datetime import UTC

from django.db.models import Count, F, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from commerce.orders import item_made_through_partner
from courses.models import COURSE_KIND, Certificate, Enrollment, LessonProgress
from courses.selectors.learning import progress_percent
from innerwork.api.models import Partner, PartnerCustomer

UTC_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def partner_enrollments(*, partner: Partner, customer: PartnerCustomer | None = None) -> QuerySet[Enrollment]:
    """Enrollments bought through the partner's API (or one customer's of them), any status, each with
    `customer_id` (the partner's id for the learner) and its progress (`lessons_total`, `lessons_done`)
    computed in the query.

    A partner sees an enrollment when an order its API placed enrolled the person (the paid line that was
    fulfilled), not because the person is its customer: a course bought through another partner or on the
    site, a free course taken on the site or a gift is not in this queryset (the API answers 404)."""
    enrollments = _enrollments_as_seen_by(partner=partner).filter(
        item_made_through_partner(
            partner=partner, kind=COURSE_KIND, ref=OuterRef("course_id"), user=OuterRef("user_id"), fulfilled=True
        )
    )
    return enrollments.filter(user_id=customer.user_id) if customer is not None else enrollments


def _enrollments_as_seen_by(*, partner: Partner) -> QuerySet[Enrollment]:
    """Every enrollment of the partner's customers, annotated as the API shows them (not yet filtered to those
    the partner sold)."""
    done = (
        LessonProgress.objects.filter(enrollment=OuterRef("pk"), lesson__module__course=OuterRef("course"))
        .order_by()
        .values("enrollment")
        .annotate(n=Count("pk"))
        .values("n")
    )
    customer_id = PartnerCustomer.objects.filter(partner=partner, user=OuterRef("user")).values("public_id")[:1]
    return (
        Enrollment.objects.annotate(customer_id=Subquery(customer_id))
        .filter(customer_id__isnull=False)
        .annotate(
            lessons_total=F("course__lessons_count"),
            lessons_done=Coalesce(Subquery(done, output_field=IntegerField()), Value(0)),
        )
        .select_related("course", "certificate")
    )


@extend_schema_serializer(component_name="EnrollmentProgress")
class ProgressSerializer(serializers.Serializer):
    lessons_total = serializers.IntegerField()
    lessons_done = serializers.IntegerField()
    percent = serializers.SerializerMethodField(help_text="Whole percent, rounded down: 100 means every lesson.")
    last_activity_at = serializers.DateTimeField(default_timezone=UTC, format=UTC_FORMAT, allow_null=True)

    def get_percent(self, enrollment: Enrollment) -> int:
        return progress_percent(done=enrollment.lessons_done, total=enrollment.lessons_total)


@extend_schema_serializer(component_name="Enrollment")
class EnrollmentSerializer(serializers.Serializer):
    """A customer's access to a course, with their progress through it."""

    @extend_schema_serializer(component_name="EnrollmentCourse")
    class CourseRefSerializer(serializers.Serializer):
        slug = serializers.SlugField()
        title = serializers.CharField()

    id = serializers.IntegerField()
    object = serializers.SerializerMethodField()
    customer = serializers.CharField(source="customer_id", help_text="Your customer's id (cus_…).")
    course = CourseRefSerializer()
    status = serializers.ChoiceField(choices=Enrollment.Status.choices)
    type = serializers.ChoiceField(choices=Enrollment.Type.choices)
    progress = ProgressSerializer(source="*")
    certificate_code = serializers.SerializerMethodField(help_text="Set once every lesson is done, while valid.")
    created_at = serializers.DateTimeField(default_timezone=UTC, format=UTC_FORMAT)
    completed_at = serializers.DateTimeField(default_timezone=UTC, format=UTC_FORMAT, allow_null=True)
    expires_at = serializers.DateTimeField(
        default_timezone=UTC,
        format=UTC_FORMAT,
        allow_null=True,
        help_text="When access to the course ends (null: lifetime access). From that instant no lesson opens; "
        "status, progress and certificate are kept, and buying the course again starts a new period.",
    )

    def get_object(self, enrollment: Enrollment) -> str:
        return "enrollment"

    def get_certificate_code(self, enrollment: Enrollment) -> str | None:
        try:
            certificate = enrollment.certificate
        except Certificate.DoesNotExist:
            return None
        return str(certificate.code) if certificate.is_valid else None


def enrollment_object(*, enrollment: Enrollment, partner: Partner) -> dict | None:
    """The enrollment as `GET /enrollments/{id}` answers it to `partner`; None if the learner is not its customer.

    The caller (courses.services) has already named the partner whose order enrols the person: the event is
    emitted while that order's line is being fulfilled, before the line is marked fulfilled, so this reads
    the enrollment without partner_enrollments' "sold through the partner" filter. Read back from the
    database, so call it after the change is saved.
    """
    seen = _enrollments_as_seen_by(partner=partner).filter(pk=enrollment.pk).first()
    return dict(EnrollmentSerializer(seen).data) if seen is not None else None
