"""Staff console for enrollments: list, search and filter them; grant and revoke them.

Enrollment status never changes here directly: grant and revoke go through
`courses.services`, which checks the transition and records who did it and why.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from courses import services
from courses.models import Course, Enrollment, EnrollmentEvent, Lesson, LessonProgress
from innerwork.core.admin_actions import ReasonActionMixin
from innerwork.core.audit import staff_action_record


def _grant(*, user, course, actor, reason: str):
    """Gift the course and put it in the staff audit log (who, which enrollment, why), in one transaction."""
    with transaction.atomic():
        enrollment = services.enrollment_grant(user=user, course=course, actor=actor, reason=reason)
        staff_action_record(actor=actor, action="enrollment.grant", subject=enrollment, reason=reason)
    return enrollment


def _revoke(*, enrollment, actor, reason: str):
    """Close the course to the learner and put it in the staff audit log, in one transaction."""
    with transaction.atomic():
        enrollment = services.enrollment_revoke(enrollment=enrollment, actor=actor, reason=reason)
        staff_action_record(actor=actor, action="enrollment.revoke", subject=enrollment, reason=reason)
    return enrollment


class GrantForm(forms.Form):
    """Gift a course to a learner (a `gifted` enrollment)."""

    user = forms.ModelChoiceField(queryset=get_user_model().objects.all(), label="Learner")
    course = forms.ModelChoiceField(queryset=Course.objects.all())
    reason = forms.CharField(
        max_length=255, help_text="Required. Kept on the enrollment's history, e.g. “Support ticket #4211”."
    )

    def __init__(self, *args, admin_site, **kwargs):
        super().__init__(*args, **kwargs)
        # Search-as-you-type pickers (there may be thousands of learners and courses).
        for name in ("user", "course"):
            field = self.fields[name]
            field.widget = AutocompleteSelect(Enrollment._meta.get_field(name), admin_site)
            field.queryset = field.queryset  # re-binds the choices to the new widget


class EnrollmentEventInline(admin.TabularInline):
    model = EnrollmentEvent
    fields = ("created_at", "from_status", "to_status", "actor", "reason")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Enrollment)
class EnrollmentAdmin(ReasonActionMixin, admin.ModelAdmin):
    list_display = ("user", "course", "status", "type", "progress", "created_at", "completed_at", "expires_at")
    list_filter = ("status", "type", "course__category", ("course", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("user", "course")
    search_fields = ("user__email", "user__full_name", "course__title", "course__slug")
    date_hierarchy = "created_at"
    readonly_fields = (
        "user",
        "course",
        "status",
        "type",
        "status_reason",
        "granted_by",
        "completed_at",
        "expires_at",
        "last_lesson",
        "last_activity_at",
        "created_at",
        "updated_at",
    )
    fields = readonly_fields
    inlines = (EnrollmentEventInline,)
    actions = ("grant_selected", "revoke_selected")
    reason_kept = "Kept on each enrollment's history."

    def get_queryset(self, request):
        lessons = Subquery(
            Lesson.objects.filter(module__course=OuterRef("course"))
            .order_by()
            .values("module__course")
            .annotate(n=Count("id"))
            .values("n"),
            output_field=IntegerField(),
        )
        done = Subquery(
            LessonProgress.objects.filter(enrollment=OuterRef("pk"))
            .order_by()
            .values("enrollment")
            .annotate(n=Count("id"))
            .values("n"),
            output_field=IntegerField(),
        )
        queryset = super().get_queryset(request)
        return queryset.annotate(lessons_total=Coalesce(lessons, 0), lessons_done=Coalesce(done, 0))

    def has_add_permission(self, request):
        return False  # new enrollments come from learners, payments or "Grant an enrollment"

    def has_delete_permission(self, request, obj=None):
        return False  # the history must survive: revoke instead

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # Every field is read-only: status changes only through the grant and revoke actions.
        extra_context = {**(extra_context or {}), "show_save": False, "show_save_and_continue": False}
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(description="progress")
    def progress(self, enrollment):
        done, total = enrollment.lessons_done, enrollment.lessons_total
        if not total:
            return "—"
        return f"{round(100 * done / total)} % ({done}/{total})"

    def get_urls(self):
        grant = path("grant/", self.admin_site.admin_view(self.grant_view), name="courses_enrollment_grant")
        return [grant, *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "grant_url": reverse("admin:courses_enrollment_grant")}
        return super().changelist_view(request, extra_context)

    def grant_view(self, request):
        """Gift a course to anyone: choose the learner, the course and say why."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        form = GrantForm(request.POST or None, admin_site=self.admin_site)
        if request.method == "POST" and form.is_valid():
            enrollment = _grant(
                user=form.cleaned_data["user"],
                course=form.cleaned_data["course"],
                actor=request.user,
                reason=form.cleaned_data["reason"],
            )
            granted = f"{enrollment.user} now has {enrollment.course} ({enrollment.get_type_display()})."
            self.message_user(request, granted)
            return HttpResponseRedirect(reverse("admin:courses_enrollment_change", args=[enrollment.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Grant an enrollment",
            "form": form,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/courses/enrollment/grant.html", context)

    @admin.action(description="Grant (gifted) to the selected learners…", permissions=["change"])
    def grant_selected(self, request, queryset):
        """Re-open or re-gift the selected enrollments; those with access are left as they are."""
        return self.action_with_reason(
            request,
            queryset,
            action="grant_selected",
            title="Grant these enrollments as gifts",
            required=True,
            apply=lambda enrollment, reason: _grant(
                user=enrollment.user, course=enrollment.course, actor=request.user, reason=reason
            ),
            done="Granted {count} enrollment{s}.",
        )

    @admin.action(description="Revoke selected enrollments with a reason…", permissions=["change"])
    def revoke_selected(self, request, queryset):
        return self.action_with_reason(
            request,
            queryset,
            action="revoke_selected",
            title="Revoke these enrollments",
            required=True,
            apply=lambda enrollment, reason: _revoke(enrollment=enrollment, actor=request.user, reason=reason),
            done="Revoked {count} enrollment{s}.",
        )

    def describe_for_reason(self, enrollment) -> str:
        return (
            f"{enrollment.user} — {enrollment.course} "
            f"({enrollment.get_status_display()}, {enrollment.get_type_display()})"
        )
