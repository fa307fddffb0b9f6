"""Coaching in the staff console: specialties, coaches (approve or deactivate with a reason, audited; their
example packages inline), and the conversation as a read-only record (threads with their messages and
proposals, proposals with filters). Contracts have their own console (coaching.admin_contracts).
"""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from coaching.coaches import APPROVE_PERMISSION, CoachError, coach_approve, coach_deactivate
from coaching.models import CoachProfile, Inquiry, Message, PackageOffer, Proposal, Specialty
from innerwork.core.admin_actions import ApprovalActionsMixin
from innerwork.core.admin_tools import RecordAdmin, RecordInline
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
class CoachProfileAdmin(ApprovalActionsMixin, admin.ModelAdmin):
    list_display = ("__str__", "headline", "status", "languages", "approved_at")
    list_filter = ("status", "specialties")
    search_fields = ("user__email", "user__full_name", "headline", "slug")
    autocomplete_fields = ("user",)
    filter_horizontal = ("specialties",)
    prepopulated_fields = {"slug": ("headline",)}
    readonly_fields = ("status", "approved_at", "created_at", "updated_at")
    inlines = (PackageOfferInline,)
    approve_permission = APPROVE_PERMISSION
    refusals = (*ApprovalActionsMixin.refusals, CoachError)

    def approve_one(self, coach, *, actor, reason: str):
        return coach_approve(coach=coach, actor=actor, reason=reason)

    def deactivate_one(self, coach, *, actor, reason: str):
        return coach_deactivate(coach=coach, actor=actor, reason=reason)

    def describe_for_reason(self, coach) -> str:
        return f"{coach} — {coach.headline} ({coach.get_status_display()})"


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
    # Every field is shown and none is edited: a proposal is never changed once sent.
    readonly_fields = tuple(name for _title, options in fieldsets for name in options["fields"])

    @admin.display(description="Price", ordering="price_amount")
    def price(self, proposal):
        return format_money(proposal.price_amount, proposal.currency)

    @admin.display(description="Conversation")
    def thread(self, proposal):
        url = reverse("admin:coaching_inquiry_change", args=[proposal.inquiry_id])
        return format_html('<a href="{}">{}</a>', url, proposal.inquiry)


from coaching import admin_contracts  # noqa: E402, F401  (the contracts console registers itself)
