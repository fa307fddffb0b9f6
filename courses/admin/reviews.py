"""Staff console for reviews and instructor pages.

A review is never edited or deleted by staff: they hide it (or show it again) with a reason,
through courses.reviews.services, which records who, when and why on the review and in the
staff audit log. The course's rating is recounted after each change commits.
"""

from django.contrib import admin
from django.db import models

from courses.models import InstructorProfile, Review
from courses.reviews.services import review_hide, review_show
from innerwork.core.admin_actions import ReasonActionMixin


@admin.register(Review)
class ReviewAdmin(ReasonActionMixin, admin.ModelAdmin):
    list_display = ("course", "author", "rating", "short_text", "is_hidden", "created_at", "updated_at")
    list_filter = ("is_hidden", "rating", ("course", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("course", "author")
    search_fields = ("author__email", "author__full_name", "course__title", "text")
    date_hierarchy = "created_at"
    readonly_fields = (
        "course",
        "author",
        "enrollment",
        "rating",
        "text",
        "is_hidden",
        "hidden_reason",
        "hidden_by",
        "hidden_at",
        "created_at",
        "updated_at",
    )
    fields = readonly_fields
    actions = ("hide_selected", "show_selected")
    reason_kept = "Kept on each review and in the staff audit log."

    @admin.display(description="text")
    def short_text(self, review):
        return review.text[:80] + ("…" if len(review.text) > 80 else "")

    def has_add_permission(self, request):
        return False  # reviews come from learners

    def has_delete_permission(self, request, obj=None):
        return False  # hide instead: the learner's words and the reason stay on record

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "show_save": False, "show_save_and_continue": False}
        return super().change_view(request, object_id, form_url, extra_context)

    def describe_for_reason(self, review) -> str:
        return f"{review.rating}★ by {review.author} on {review.course}: “{self.short_text(review)}”"

    @admin.action(description="Hide selected reviews with a reason…", permissions=["change"])
    def hide_selected(self, request, queryset):
        return self.action_with_reason(
            request,
            queryset,
            action="hide_selected",
            title="Hide these reviews",
            required=True,
            apply=lambda review, reason: review_hide(review=review, actor=request.user, reason=reason),
            done="Hid {count} review{s}.",
        )

    @admin.action(description="Show selected reviews again with a reason…", permissions=["change"])
    def show_selected(self, request, queryset):
        return self.action_with_reason(
            request,
            queryset,
            action="show_selected",
            title="Show these reviews again",
            required=True,
            apply=lambda review, reason: review_show(review=review, actor=request.user, reason=reason),
            done="Showed {count} review{s} again.",
        )


@admin.register(InstructorProfile)
class InstructorProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "slug", "headline", "updated_at")
    list_select_related = ("user",)
    search_fields = ("user__email", "user__full_name", "slug", "headline")
    autocomplete_fields = ("user",)
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fields = ("user", "slug", "headline", "bio", "photo", "website_url", "linkedin_url", "youtube_url")
