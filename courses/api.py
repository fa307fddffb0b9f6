"""Partner API for the course catalogue (filtered like the public catalogue) and for the enrollments a partner
sold, with their progress (scope `orders:read`; any other enrollment is a 404). One view per operation."""

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_serializer
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from courses.enrollment_objects import EnrollmentSerializer, partner_enrollments
from courses.markdown import render_markdown
from courses.models import Category, Course, Enrollment
from courses.selectors.catalogue import (
    PRICE_CHOICES,
    SEARCH_MAX_LENGTH,
    SORT_CHOICES,
    CatalogueFilters,
    course_catalogue,
    course_get_for_page,
    sort_for,
)
from innerwork.api.authentication import request_partner
from innerwork.api.models import PartnerCustomer
from innerwork.api.pagination import NumericCursorPagination, OrderedCursorPagination
from innerwork.api.selectors import partner_customer_get
from innerwork.core.money import format_money

UNKNOWN_CATEGORY = "No category has this slug."
COURSE_NOT_FOUND = "No published course has this slug."

UTC_FORMAT = "%Y-%m-%dT%H:%M:%SZ"

TAGS = ["Courses"]


@extend_schema_serializer(component_name="CourseCategory")
class CategorySerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()


@extend_schema_serializer(component_name="CoursePrice")
class PriceSerializer(serializers.Serializer):
    """An amount in the currency's minor unit (cents) plus its ISO 4217 code, and how we display it."""

    amount = serializers.IntegerField(source="price_amount", help_text="Minor units (cents); 0 means free.")
    currency = serializers.CharField(help_text="ISO 4217, lower case.")
    display = serializers.SerializerMethodField(help_text='"Free" or e.g. "$49.00".')

    def get_display(self, course: Course) -> str:
        return "Free" if course.is_free else format_money(course.price_amount, course.currency)


class CourseSummarySerializer(serializers.Serializer):
    """The fields of a catalogue card; the course page adds the syllabus."""

    slug = serializers.SlugField()
    title = serializers.CharField()
    subtitle = serializers.CharField()
    url = serializers.SerializerMethodField(help_text="The public course page.")
    category = CategorySerializer()
    level = serializers.ChoiceField(choices=Course.Level.choices)
    instructor_name = serializers.CharField(source="instructor.get_full_name")
    price = PriceSerializer(source="*")
    is_free = serializers.BooleanField()
    lessons_count = serializers.IntegerField()
    total_minutes = serializers.IntegerField(help_text="Sum of the lessons' durations.")
    learners_count = serializers.IntegerField(help_text="Active and completed enrollments.")
    published_at = serializers.DateTimeField(allow_null=True)

    def get_url(self, course: Course) -> str:
        return self.context["request"].build_absolute_uri(course.get_absolute_url())


class CourseListApi(generics.ListAPIView):
    """Published courses, newest first unless asked otherwise; paginated."""

    required_scopes = ("catalogue:read",)
    pagination_class = OrderedCursorPagination
    cursor_field = "slug"

    class FilterSerializer(serializers.Serializer):
        search = serializers.CharField(
            required=False,
            allow_blank=True,
            max_length=SEARCH_MAX_LENGTH,
            help_text=(
                "Words that must all appear, in some form (leader finds leadership), in the title, subtitle,"
                " description, category, instructor's name or a lesson title; listed best match first unless"
                " `ordering` says otherwise. The same search as the catalogue page."
            ),
        )
        category = serializers.SlugField(required=False, help_text="A category slug.")
        level = serializers.ChoiceField(choices=Course.Level.choices, required=False)
        price = serializers.ChoiceField(choices=list(PRICE_CHOICES.items()), required=False)
        ordering = serializers.ChoiceField(
            choices=list(SORT_CHOICES.items()),
            required=False,
            help_text=(
                "relevance (best match first; the default with a `search`) · newest (the default otherwise)"
                " · price_asc · price_desc · popular (most active and completed enrollments)."
            ),
        )

        def validate_category(self, slug: str) -> str:
            if not Category.objects.filter(slug=slug).exists():
                raise serializers.ValidationError(UNKNOWN_CATEGORY)
            return slug

    @extend_schema_serializer(component_name="CourseListItem")
    class OutputSerializer(CourseSummarySerializer):
        """A course as shown on a catalogue card."""

    serializer_class = OutputSerializer

    def get_queryset(self):
        params = self.FilterSerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        search = " ".join(data.get("search", "").split())
        filters = CatalogueFilters(
            search=search,
            category=data.get("category", ""),
            level=data.get("level", ""),
            price=data.get("price", ""),
            sort=sort_for(requested=data.get("ordering", ""), search=search),
        )
        return course_catalogue(filters=filters, user=self.request.user)

    @extend_schema(
        operation_id="courses_list",
        summary="List courses",
        tags=TAGS,
        parameters=[FilterSerializer],
        responses={
            200: OutputSerializer(many=True),
            400: OpenApiResponse(description="A filter value is invalid; the body names the parameter."),
        },
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class CourseDetailApi(generics.RetrieveAPIView):
    """One published course with its syllabus. Lesson bodies are not included: they are the product."""

    required_scopes = ("catalogue:read",)

    @extend_schema_serializer(component_name="CourseDetail")
    class OutputSerializer(CourseSummarySerializer):
        """A course with its description, outcomes and syllabus (modules → lessons, in order)."""

        @extend_schema_serializer(component_name="SyllabusModule")
        class ModuleSerializer(serializers.Serializer):
            @extend_schema_serializer(component_name="SyllabusLesson")
            class LessonSerializer(serializers.Serializer):
                id = serializers.IntegerField()
                title = serializers.CharField()
                duration_minutes = serializers.IntegerField()
                is_preview = serializers.BooleanField(help_text="Readable by anyone, without enrolling.")

            title = serializers.CharField()
            position = serializers.IntegerField()
            lessons = LessonSerializer(source="lessons.all", many=True)

        description = serializers.CharField(help_text="Markdown, as written by the instructor.")
        description_html = serializers.SerializerMethodField(help_text="The description rendered and sanitised.")
        outcomes = serializers.ListField(child=serializers.CharField(), help_text="What you'll learn.")
        modules = ModuleSerializer(source="modules.all", many=True)

        def get_description_html(self, course: Course) -> str:
            return str(render_markdown(course.description))

    serializer_class = OutputSerializer

    def get_object(self) -> Course:
        try:
            return course_get_for_page(slug=self.kwargs["slug"], user=self.request.user)
        except Course.DoesNotExist:
            raise NotFound(COURSE_NOT_FOUND) from None

    @extend_schema(
        operation_id="courses_retrieve",
        summary="Get a course and its syllabus",
        tags=TAGS,
        responses={
            200: OutputSerializer,
            404: OpenApiResponse(description="No published course has this slug."),
        },
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


# --- Enrollments of a partner's customers -------------------------------------------------------------------

ENROLLMENT_NOT_FOUND = "You have no enrollment with this id (one bought through you)."
CUSTOMER_NOT_FOUND = "You have no customer with this id."
ENROLLMENT_TAGS = ["Enrollments"]


class EnrollmentListApi(generics.GenericAPIView):
    """A customer's enrollments, newest first."""

    required_scopes = ("orders:read",)
    pagination_class = NumericCursorPagination
    cursor_field = "pk"
    serializer_class = EnrollmentSerializer

    class FilterSerializer(serializers.Serializer):
        customer = serializers.CharField(max_length=64, help_text="Your customer's id (cus_…).")

    @extend_schema(
        operation_id="enrollments_list",
        summary="List a customer's enrollments",
        tags=ENROLLMENT_TAGS,
        parameters=[FilterSerializer],
        responses={
            200: EnrollmentSerializer(many=True),
            400: OpenApiResponse(description="No `customer`, or not one of yours; the body names the parameter."),
        },
    )
    def get(self, request):
        params = self.FilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        partner = request_partner(request)
        try:
            customer = partner_customer_get(partner=partner, public_id=params.validated_data["customer"])
        except PartnerCustomer.DoesNotExist:
            raise serializers.ValidationError({"customer": [CUSTOMER_NOT_FOUND]}) from None
        page = self.paginate_queryset(partner_enrollments(partner=partner, customer=customer))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class EnrollmentDetailApi(generics.GenericAPIView):
    required_scopes = ("orders:read",)
    serializer_class = EnrollmentSerializer

    @extend_schema(
        operation_id="enrollments_retrieve",
        summary="Get an enrollment with its progress",
        tags=ENROLLMENT_TAGS,
        responses={200: EnrollmentSerializer, 404: OpenApiResponse(description=ENROLLMENT_NOT_FOUND)},
    )
    def get(self, request, enrollment_id: int):
        try:
            enrollment = partner_enrollments(partner=request_partner(request)).get(pk=enrollment_id)
        except Enrollment.DoesNotExist:
            raise NotFound(ENROLLMENT_NOT_FOUND) from None
        return Response(self.get_serializer(enrollment).data)
