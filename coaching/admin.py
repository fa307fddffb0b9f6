"""Coaching in the staff console: specialties, coaches (approve or deactivate with a reason, audited; their
example packages inline), and the conversation as a read-only record (threads with their messages and
proposals, proposals with filters). Contracts have their own console (coaching.admin_contracts).
"""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from coaching.coaches import APPROVE_PERMISSION, CoachError, coach_approve, coach_deactivate
from coaching.models import CoachProfile, Inquiry, Message, PackageOffer, Proposal, Specialty
from innerwork.core.admin_actions import ReasonActionMixin
from innerwork.core.admin_tools import RecordAdmin
from innerwork.core.money import format_money


@admin.register(Specialty)
class SpecialtyAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ("name",)


class PackageOfferInline(admin.TabularInline):
    model = PackageOffer
    fields = ("position", "title", "sessions_count", "session_minutes", "validity_weeks", "price_amount", "currency")
    extra = 0


@admin.register(CoachProfile)
class CoachProfileAdmin(ReasonActionMixin, admin.ModelAdmin):
    list_display = ("__str__", "headline", "status", "languages", "approved_at")
    list_filter = ("status", "specialties")
    search_fields = ("user__email", "user__full_name", "headline", "slug")
    autocomplete_fields = ("user",)
    filter_horizontal = ("specialties",)
    prepopulated_fields = {"slug": ("headline",)}
    readonly_fields = ("status", "approved_at", "created_at", "updated_at")
    inlines = (PackageOfferInline,)
    actions = ("approve_selected", "deactivate_selected")
    refusals = (*ReasonActionMixin.refusals, CoachError)

    def has_approve_permission(self, request) -> bool:
        return request.user.has_perm(APPROVE_PERMISSION)

    @admin.action(description="Approve selected coaches…", permissions=["approve"])
    def approve_selected(self, request, queryset):
        return self.action_with_reason(
            request,
            queryset,
            action="approve_selected",
            title="Approve coaches",
            required=False,
            apply=lambda coach, reason: coach_approve(coach=coach, actor=request.user, reason=reason),
            done="Approved {count} coach profile{s}.",
        )

    @admin.action(description="Deactivate selected coaches with a reason…", permissions=["approve"])
    def deactivate_selected(self, request, queryset):
        return self.action_with_reason(
            request,
            queryset,
            action="deactivate_selected",
            title="Deactivate coaches",
            required=True,
            apply=lambda coach, reason: coach_deactivate(coach=coach, actor=request.user, reason=reason),
            done="Deactivated {count} coach profile{s}.",
        )

    def describe_for_reason(self, coach) -> str:
        return f"{coach} — {coach.headline} ({coach.get_status_display()})"


class RecordInline(admin.TabularInline):
    """Rows written only by the conversation services: shown, never added, changed or deleted here."""

    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MessageInline(RecordInline):
    model = Message
    verbose_name_plural = "Messages"
    fields = ("created_at", "author", "body")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")


class ProposalInline(RecordInline):
    model = Proposal
    fk_name = "inquiry"
    verbose_name_plural = "Proposals"
    fields = ("number", "title", "status", "price_amount", "currency", "expires_at", "decided_at")
    readonly_fields = fields
    show_change_link = True


@admin.register(Inquiry)
class InquiryAdmin(RecordAdmin):
    list_display = ("__str__", "coach", "student", "last_message_at", "created_at")
    list_filter = (("coach", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("student__email", "student__full_name", "coach__user__full_name", "coach__user__email")
    list_select_related = ("coach__user", "student")
    fields = ("coach", "student", "goals", "created_at", "last_message_at")
    readonly_fields = fields
    inlines = (ProposalInline, MessageInline)


@admin.register(Proposal)
class ProposalAdmin(RecordAdmin):
    list_display = ("number", "title", "coach", "student", "price", "status", "expires_at", "created_at")
    list_filter = ("status", ("coach", admin.RelatedOnlyFieldListFilter))
    search_fields = ("number", "title", "student__email", "student__full_name", "coach__user__full_name")
    list_select_related = ("coach__user", "student")
    date_hierarchy = "created_at"
    fieldsets = (
        (None, {"fields": ("number", "status", "coach", "student", "thread", "expires_at", "decided_at")}),
        (
            "Terms",
            {
                "fields": (
                    "title",
                    "goals",
                    "sessions_count",
                    "session_minutes",
                    "price",
                    "validity_weeks",
                    "cancel_notice_hours",
                    "cancellation_terms",
                )
            },
        ),
        ("Versions", {"fields": ("supersedes", "created_at")}),
    )
    readonly_fields = (
        "number",
        "status",
        "coach",
        "student",
        "thread",
        "expires_at",
        "decided_at",
        "title",
        "goals",
        "sessions_count",
        "session_minutes",
        "price",
        "validity_weeks",
        "cancel_notice_hours",
        "cancellation_terms",
        "supersedes",
        "created_at",
    )

    @admin.display(description="Price", ordering="price_amount")
    def price(self, proposal):
        return format_money(proposal.price_amount, proposal.currency)

    @admin.display(description="Conversation")
    def thread(self, proposal):
        url = reverse("admin:coaching_inquiry_change", args=[proposal.inquiry_id])
        return format_html('<a href="{}">{}</a>', url, proposal.inquiry)
