"""Staff console for customers' refund requests: the list (waiting ones first to filter), the quote the
customer saw, and the decision.

A request never changes here directly: "Approve" and "Deny" post a required reason to
`commerce.refunds.requests`, which checks the permission (commerce.refund_order, else 403), records
who decided and why, starts the refund and e-mails the customer.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.timesince import timesince

from commerce.exceptions import CommerceError
from commerce.models import RefundRequest
from commerce.refunds.requests import REFUND_PERMISSION, refund_request_approve, refund_request_deny
from innerwork.core.admin_tools import RecordAdmin
from innerwork.core.money import format_money

DECISION_APPROVED = "Approved: {amount} is being refunded to {email}, who was e-mailed."
DECISION_DENIED = "Denied: {email} was e-mailed your reason."
DECISION_NEEDS_REASON = "Write a reason before deciding: the customer reads it in our e-mail."


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "Approve"), ("deny", "Deny")])
    reason = forms.CharField(max_length=500, strip=True)


@admin.register(RefundRequest)
class RefundRequestAdmin(RecordAdmin):
    change_form_template = "commerce/refunds/admin_change_form.html"
    list_display = ("order_number", "customer", "amount_display", "status", "age", "decided_by")
    list_filter = ("status",)
    list_select_related = ("order", "user", "decided_by")
    search_fields = ("order__number", "user__email", "user__full_name")
    date_hierarchy = "created_at"
    fields = (
        "order_link",
        "customer",
        "status",
        "amount_display",
        "quote_table",
        "customer_reason",
        "created_at",
        "decided_by",
        "decided_at",
        "decision_reason",
        "refund",
    )
    readonly_fields = fields

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) or request.user.has_perm(REFUND_PERMISSION)

    @admin.display(description="order", ordering="order__number")
    def order_number(self, obj):
        return obj.order.number

    @admin.display(description="order")
    def order_link(self, obj):
        try:
            url = reverse("admin:commerce_order_change", args=[obj.order_id])
        except NoReverseMatch:
            return obj.order.number
        return format_html('<a href="{}">{}</a>', url, obj.order.number)

    @admin.display(description="customer", ordering="user__email")
    def customer(self, obj):
        name = obj.user.get_full_name()
        return f"{name} <{obj.user.email}>" if name else obj.user.email

    @admin.display(description="amount", ordering="amount")
    def amount_display(self, obj):
        return format_money(obj.amount, obj.currency)

    @admin.display(description="age", ordering="created_at")
    def age(self, obj):
        return timesince(obj.created_at, timezone.now())

    @admin.display(description="quote shown to the customer")
    def quote_table(self, obj):
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    entry["title"],
                    format_money(entry["amount"], obj.currency),
                    "within policy" if entry["eligible"] else "needs a decision",
                    " ".join(entry["reasons"]) or "—",
                )
                for entry in obj.quote.get("lines", [])
            ),
        )
        note = obj.quote.get("not_automatic_because", "")
        return format_html(
            "<table><thead><tr><th>Item</th><th>Amount</th><th>Policy</th><th>Why</th></tr></thead><tbody>{}</tbody>"
            "</table>{}",
            rows,
            format_html("<p>Not refunded automatically because: {}</p>", note) if note else "",
        )

    def get_urls(self):
        decide = path(
            "<int:object_id>/decide/",
            self.admin_site.admin_view(self.decide_view),
            name="commerce_refundrequest_decide",
        )
        return [decide, *super().get_urls()]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        refund_request = self.get_object(request, object_id)
        can_decide = (
            refund_request is not None
            and refund_request.status == RefundRequest.Status.PENDING
            and request.user.has_perm(REFUND_PERMISSION)
        )
        extra_context = {
            **(extra_context or {}),
            "can_decide": can_decide,
            "decide_url": reverse("admin:commerce_refundrequest_decide", args=[object_id]) if can_decide else "",
            "decide_amount": format_money(refund_request.amount, refund_request.currency) if can_decide else "",
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def decide_view(self, request, object_id):
        """Approve or deny with a reason; only staff with commerce.refund_order (403 for anyone else)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not request.user.has_perm(REFUND_PERMISSION):
            raise PermissionDenied
        refund_request = get_object_or_404(RefundRequest.objects.select_related("order", "user"), pk=object_id)
        back = HttpResponseRedirect(reverse("admin:commerce_refundrequest_change", args=[refund_request.pk]))
        form = DecisionForm(request.POST)
        if not form.is_valid():
            self.message_user(request, DECISION_NEEDS_REASON, messages.ERROR)
            return back
        approve = form.cleaned_data["decision"] == "approve"
        decide = refund_request_approve if approve else refund_request_deny
        try:
            decided = decide(request=refund_request, actor=request.user, reason=form.cleaned_data["reason"])
        except CommerceError as error:
            self.message_user(request, error.message, messages.ERROR)
            return back
        done = DECISION_APPROVED if approve else DECISION_DENIED
        amount = format_money(decided.amount, decided.currency)
        self.message_user(request, done.format(amount=amount, email=decided.user.email), messages.SUCCESS)
        return back
