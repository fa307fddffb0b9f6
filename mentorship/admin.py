"""Mentors in the staff console: approve or deactivate them (with a reason, audited), edit their profile."""

from django.contrib import admin

from innerwork.core.admin_actions import ReasonActionMixin
from innerwork.core.money import format_money
from mentorship.models import Expertise, Language, MentorProfile
from mentorship.services import MentorError, mentor_approve, mentor_deactivate


@admin.register(Expertise)
class ExpertiseAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ("name",)


@admin.register(Language)
class LanguageAdmin(admin.ModelAdmin):
    list_display = ("name", "code")
    search_fields = ("name", "code")


@admin.register(MentorProfile)
class MentorProfileAdmin(ReasonActionMixin, admin.ModelAdmin):
    list_display = ("__str__", "headline", "status", "hourly_rate", "approved_at")
    list_filter = ("status", "expertise", "languages")
    search_fields = ("user__email", "user__full_name", "headline", "slug")
    autocomplete_fields = ("user",)
    filter_horizontal = ("expertise", "languages")
    prepopulated_fields = {"slug": ("headline",)}
    readonly_fields = ("status", "approved_at", "created_at", "updated_at")
    actions = ("approve_selected", "deactivate_selected")
    refusals = (*ReasonActionMixin.refusals, MentorError)

    @admin.display(description="Hourly rate")
    def hourly_rate(self, mentor):
        return format_money(mentor.hourly_rate_amount, mentor.currency)

    def has_approve_permission(self, request) -> bool:
        return request.user.has_perm("mentorship.approve_mentor")

    @admin.action(description="Approve selected mentors…", permissions=["approve"])
    def approve_selected(self, request, queryset):
        return self.action_with_reason(
            request,
            queryset,
            action="approve_selected",
            title="Approve mentors",
            required=False,
            apply=lambda mentor, reason: mentor_approve(mentor=mentor, actor=request.user, reason=reason),
            done="Approved {count} mentor{s}.",
        )

    @admin.action(description="Deactivate selected mentors with a reason…", permissions=["approve"])
    def deactivate_selected(self, request, queryset):
        return self.action_with_reason(
            request,
            queryset,
            action="deactivate_selected",
            title="Deactivate mentors",
            required=True,
            apply=lambda mentor, reason: mentor_deactivate(mentor=mentor, actor=request.user, reason=reason),
            done="Deactivated {count} mentor{s}.",
        )

    def describe_for_reason(self, mentor) -> str:
        return f"{mentor} — {mentor.headline} ({mentor.get_status_display()})"
