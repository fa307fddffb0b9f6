"""Staff console for the catalogue: categories, courses (with their modules inline), modules (with
their lessons inline) and lessons."""

from decimal import Decimal

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from commerce.exceptions import PaymentProviderError
from commerce.stripe_mirror import catalog_item_sync
from courses.admin.exercises import ExerciseInline
from courses.admin.media import CoverUploadAdminMixin, CoverUploadFormMixin
from courses.models import Category, Course, Lesson, Module
from innerwork.core.money import format_money, from_decimal, to_decimal

PUBLISH_NEEDS_LESSONS = "“{course}” has no lessons yet, so it stays a draft."
PRICE_TOO_PRECISE = "This price has more decimals than the currency allows."


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "position", "published_courses")
    list_editable = ("position",)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(published_count=Count("courses", filter=Q(courses__is_published=True)))
            .order_by("position", "name")
        )

    @admin.display(description="published courses", ordering="published_count")
    def published_courses(self, category):
        return category.published_count


class CourseAdminForm(CoverUploadFormMixin, forms.ModelForm):
    """Staff type prices as money ("49.00"); the model keeps integer minor units."""

    price = forms.DecimalField(
        min_value=Decimal(0),
        max_digits=10,
        decimal_places=2,
        initial=Decimal(0),
        help_text="In the course currency, e.g. 49.00. 0 makes the course free.",
    )

    class Meta:
        model = Course
        fields = (
            "title",
            "slug",
            "subtitle",
            "category",
            "level",
            "instructor",
            "description",
            "what_you_learn",
            "currency",
            "access_days",
            "completion_rule",
            "pass_mark_percent",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["price"] = to_decimal(self.instance.price_amount, self.instance.currency)

    def clean(self):
        cleaned = super().clean()
        price, currency = cleaned.get("price"), cleaned.get("currency") or "usd"
        if price is not None:
            try:
                self.instance.price_amount = from_decimal(price, currency)
            except ValueError:
                self.add_error("price", PRICE_TOO_PRECISE)
        return cleaned


class ModuleInline(admin.TabularInline):
    model = Module
    fields = ("position", "title", "lessons")
    readonly_fields = ("lessons",)
    ordering = ("position", "id")
    extra = 0

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(lesson_count=Count("lessons"), lesson_minutes=Coalesce(Sum("lessons__duration_minutes"), 0))
        )

    @admin.display(description="lessons")
    def lessons(self, module):
        if not module.pk:
            return "Save the course, then add lessons to this module."
        url = reverse("admin:courses_module_change", args=[module.pk])
        return format_html(
            '{} lessons · {} min · <a href="{}">edit lessons</a>', module.lesson_count, module.lesson_minutes, url
        )


class PublishedListFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "published"

    def lookups(self, request, model_admin):
        return [("yes", "Published"), ("no", "Draft")]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(is_published=self.value() == "yes")
        return queryset


class PriceListFilter(admin.SimpleListFilter):
    title = "price"
    parameter_name = "price"

    def lookups(self, request, model_admin):
        return [("free", "Free"), ("paid", "Paid")]

    def queryset(self, request, queryset):
        if self.value() == "free":
            return queryset.filter(price_amount=0)
        if self.value() == "paid":
            return queryset.filter(price_amount__gt=0)
        return queryset


def _lessons_per_course() -> Subquery:
    return Subquery(
        Lesson.objects.filter(module__course=OuterRef("pk"))
        .order_by()
        .values("module__course")
        .annotate(n=Count("id"))
        .values("n"),
        output_field=IntegerField(),
    )


@admin.register(Course)
class CourseAdmin(CoverUploadAdminMixin, admin.ModelAdmin):
    form = CourseAdminForm
    list_display = ("title", "category", "level", "teacher", "price_display", "lesson_total", "status")
    list_filter = (PublishedListFilter, "category", "level", PriceListFilter)
    list_select_related = ("category", "instructor")
    search_fields = ("title", "slug", "subtitle", "instructor__email", "instructor__full_name")
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ("instructor",)
    readonly_fields = ("is_published", "published_at", "created_at", "updated_at", "cover_preview")
    inlines = (ModuleInline,)
    actions = ("publish", "unpublish", "mirror_in_stripe")
    fieldsets = (
        (None, {"fields": ("title", "slug", "subtitle", "category", "level", "instructor")}),
        ("Page", {"fields": ("description", "what_you_learn")}),
        ("Price and access", {"fields": ("price", "currency", "access_days")}),
        ("Completion", {"fields": ("completion_rule", "pass_mark_percent")}),
        CoverUploadAdminMixin.cover_fieldset,
        (
            "Publication",
            {
                "fields": ("is_published", "published_at", "created_at", "updated_at"),
                "description": "Use the Publish / Unpublish actions on the course list.",
            },
        ),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(lesson_count=Coalesce(_lessons_per_course(), 0))

    @admin.display(description="instructor", ordering="instructor__full_name")
    def teacher(self, course):
        return course.instructor.get_full_name()

    @admin.display(description="price", ordering="price_amount")
    def price_display(self, course):
        return "Free" if course.is_free else format_money(course.price_amount, course.currency)

    @admin.display(description="lessons", ordering="lesson_count")
    def lesson_total(self, course):
        return course.lesson_count

    @admin.display(description="status", ordering="is_published")
    def status(self, course):
        if course.is_published:
            return format_html('<span title="{}">Published</span>', course.published_at)
        return "Draft"

    @admin.action(description="Publish selected courses", permissions=["change"])
    def publish(self, request, queryset):
        """Publish drafts that have at least one lesson; published_at records when they went live."""
        drafts = queryset.filter(is_published=False).annotate(publishable=Coalesce(_lessons_per_course(), 0))
        for course in drafts.filter(publishable=0):
            self.message_user(request, PUBLISH_NEEDS_LESSONS.format(course=course.title), messages.WARNING)
        published = Course.objects.filter(pk__in=[c.pk for c in drafts if c.publishable]).update(
            is_published=True, published_at=timezone.now()
        )
        self.message_user(request, f"Published {published} course{'s' if published != 1 else ''}.")

    @admin.action(description="Unpublish selected courses (back to draft)", permissions=["change"])
    def unpublish(self, request, queryset):
        """Hide courses from the catalogue; enrolled learners are told nothing and keep their rows."""
        hidden = queryset.filter(is_published=True).update(is_published=False, published_at=None)
        self.message_user(request, f"Unpublished {hidden} course{'s' if hidden != 1 else ''}.")

    @admin.action(description="Mirror selected courses in Stripe (price, name)", permissions=["change"])
    def mirror_in_stripe(self, request, queryset):
        """Bring each course's Stripe Product and Price up to date now (a new price gets a new Price)."""
        mirrored = 0
        for course in queryset:
            try:
                mirrored += catalog_item_sync(kind="course", ref=str(course.pk)) is not None
            except PaymentProviderError as exc:
                self.message_user(request, f"“{course.title}”: {exc.message}", messages.ERROR)
                return
        self.message_user(request, f"Mirrored {mirrored} course{'s' if mirrored != 1 else ''} in Stripe.")


class LessonInline(admin.StackedInline):
    model = Lesson
    fields = (("position", "title"), ("duration_minutes", "is_preview"), "body")
    ordering = ("position", "id")
    extra = 0


@admin.register(Module)
class ModuleAdmin(admin.ModelAdmin):
    """Reached from a course's module list ("edit lessons"); lessons are edited inline here."""

    list_display = ("title", "course", "position")
    list_select_related = ("course",)
    search_fields = ("title", "course__title")
    autocomplete_fields = ("course",)
    inlines = (LessonInline,)

    def has_module_permission(self, request):
        return False  # kept off the admin index: modules are managed from their course


@admin.register(Lesson)
class LessonAdmin(admin.ModelAdmin):
    list_display = ("title", "course", "module", "position", "duration_minutes", "is_preview")
    list_filter = ("is_preview", "module__course__category")
    list_select_related = ("module__course",)
    search_fields = ("title", "module__title", "module__course__title")
    autocomplete_fields = ("module",)
    ordering = ("module__course__title", "module__position", "position")
    inlines = (ExerciseInline,)

    @admin.display(description="course", ordering="module__course__title")
    def course(self, lesson):
        return lesson.module.course
