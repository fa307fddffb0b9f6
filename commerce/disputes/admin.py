"""Staff console: every dispute, read-only, for Finance and Admin (the `commerce.view_dispute` right).

Disputes change only when Stripe says so (commerce.disputes.services); evidence is answered in
Stripe's dashboard. The order's own page shows its disputes and the flag they raised.
"""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from commerce.disputes.models import Dispute
from innerwork.core.admin_tools import RecordAdmin, status_badge_html
from innerwork.core.money import format_money

STATUS_TONES = {
    Dispute.Status.NEEDS_RESPONSE: "warning",
    Dispute.Status.UNDER_REVIEW: "info",
    Dispute.Status.WON: "success",
    Dispute.Status.LOST: "error",
}


@admin.register(Dispute)
class DisputeAdmin(RecordAdmin):
    list_display = ("stripe_dispute_id", "order_link", "amount_display", "reason", "status_badge", "evidence_due_by")
    list_filter = ("status", "reason")
    list_select_related = ("order",)
    search_fields = ("stripe_dispute_id", "stripe_charge_id", "order__number", "order__user__email")
    date_hierarchy = "created_at"
    fields = (
        "stripe_dispute_id",
        "order_link",
        "status_badge",
        "amount_display",
        "reason",
        "evidence_due_by",
        "stripe_charge_id",
        "refund",
        "created_at",
        "closed_at",
    )
    readonly_fields = fields

    @admin.display(description="order", ordering="order__number")
    def order_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:commerce_order_change", args=[obj.order_id]), obj.order.number
        )

    @admin.display(description="amount", ordering="amount")
    def amount_display(self, obj):
        return format_money(obj.amount, obj.currency)

    @admin.display(description="status", ordering="status")
    def status_badge(self, obj):
        return status_badge_html(status=obj.status, label=obj.get_status_display(), tones=STATUS_TONES)
