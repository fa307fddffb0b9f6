from django.contrib import admin, messages
from django.utils.html import format_html

from innerwork.core.admin_tools import RecordAdmin
from innerwork.core.emails import email_retry
from innerwork.core.models import OutboxEmail, StatusChange

RETRY_DONE = "%(count)d e-mail(s) queued again."
RETRY_SKIPPED_SENT = "%(count)d e-mail(s) were already sent and were left alone."


@admin.register(OutboxEmail)
class OutboxEmailAdmin(RecordAdmin):
    """Staff read the outbox; nothing in it is edited by hand, failed rows can be retried."""

    list_display = ("subject", "recipients", "kind", "status", "attempts", "created_at", "sent_at", "next_attempt_at")
    list_filter = ("status", "kind", "sent_at")
    search_fields = ("subject", "to", "dedup_key", "kind")
    date_hierarchy = "created_at"
    ordering = ("-created_at",)
    list_per_page = 50
    actions = ["retry"]

    class Media:
        css = {"all": ["css/admin.css"]}

    fieldsets = (
        (None, {"fields": ("subject", "recipients", "kind", "status", "dedup_key")}),
        ("Delivery", {"fields": ("attempts", "last_error", "next_attempt_at", "sent_at", "created_at", "updated_at")}),
        ("Message", {"fields": ("html_preview", "body_text", "attachment_names")}),
    )
    readonly_fields = (
        "subject",
        "recipients",
        "kind",
        "status",
        "dedup_key",
        "attempts",
        "last_error",
        "next_attempt_at",
        "sent_at",
        "created_at",
        "updated_at",
        "html_preview",
        "body_text",
        "attachment_names",
    )

    @admin.display(description="to")
    def recipients(self, obj):
        return ", ".join(obj.to)

    @admin.display(description="attachments")
    def attachment_names(self, obj):
        return ", ".join(item["filename"] for item in obj.attachments) or "—"

    @admin.display(description="HTML preview")
    def html_preview(self, obj):
        if not obj.body_html:
            return "— (text only)"
        # An empty sandbox: the stored HTML can neither run scripts nor reach this admin's origin.
        return format_html(
            '<iframe class="outbox-preview" sandbox="" referrerpolicy="no-referrer" title="E-mail preview" '
            'srcdoc="{}"></iframe>',
            obj.body_html,
        )

    def has_retry_permission(self, request):
        return request.user.has_perm("core.change_outboxemail")

    @admin.action(description="Retry delivery of the selected e-mails", permissions=["retry"])
    def retry(self, request, queryset):
        # A sent e-mail is never sent twice, so only pending and failed rows go back in the queue.
        sent = queryset.filter(status=OutboxEmail.Status.SENT).count()
        retried = 0
        for email in queryset.exclude(status=OutboxEmail.Status.SENT):
            email_retry(email=email)
            retried += 1
        if retried:
            self.message_user(request, RETRY_DONE % {"count": retried}, messages.SUCCESS)
        if sent:
            self.message_user(request, RETRY_SKIPPED_SENT % {"count": sent}, messages.WARNING)


@admin.register(StatusChange)
class StatusChangeAdmin(RecordAdmin):
    """Every move of a refund's, refund request's, coupon use's, checkout session's or e-mail's status; read only."""

    list_display = ("created_at", "subject_type", "subject_id", "from_status", "to_status", "reason", "actor")
    list_filter = ("subject_type", "to_status")
    search_fields = ("=subject_id", "reason")
    date_hierarchy = "created_at"
    list_select_related = ("actor",)
    list_per_page = 50
