"""Staff console for orders: the list (filters, search) and each order's page, read-only for money.

An order's page shows its lines, refunds, documents, refund requests and one timeline of
everything that happened; its actions (refund, resend receipt, resolve flag) are separate
views in commerce.admin.order_views, each checking its own permission.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.html import format_html

from commerce.admin import order_views, sales
from commerce.admin.filters import CouponCodeFilter, CreatedRangeFilter, FlagFilter, ProductKindFilter
from commerce.admin.forms import ReasonForm, new_request_key, refundable_by_line
from commerce.admin.timeline import order_timeline
from commerce.models import CreditNote, Invoice, Order, OrderLine, Refund, RefundRequest
from innerwork.core.admin_tools import RecordAdmin, status_badge_html
from innerwork.core.money import format_money

STATUS_TONES = {
    Order.Status.PAID: "success",
    Order.Status.PARTIALLY_REFUNDED: "info",
    Order.Status.REFUNDED: "info",
    Order.Status.FAILED: "error",
    Order.Status.PENDING: "warning",
}
REFUND_FAILED_WARNING = "Refund of {amount} failed at Stripe ({reason}). The money did not go back to the customer."

PERM_REFUND = "commerce.refund_order"
PERM_RESEND = "commerce.resend_receipt"
PERM_RESOLVE = "commerce.resolve_flag"
PERM_DOCUMENTS = "commerce.download_documents"


def _url_or_blank(name: str, **kwargs) -> str:
    """The URL, or "" while the view behind it does not exist."""
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return ""


@admin.register(Order)
class OrderAdmin(RecordAdmin):
    list_display = ["number", "status_badge", "total", "customer", "placed", "product_kinds", "flag"]
    list_filter = ["status", CreatedRangeFilter, ProductKindFilter, CouponCodeFilter, FlagFilter]
    search_fields = [
        "number",
        "user__email",
        "user__full_name",
        "billing_email",
        "billing_name",
        "payment_intent_id",
        "charge_id",
        "checkout_sessions__stripe_id",
    ]
    list_select_related = ["user"]
    list_per_page = 50
    show_facets = admin.ShowFacets.NEVER
    ordering = ["-created_at", "-id"]

    def get_queryset(self, request):
        lines = Prefetch("lines", queryset=OrderLine.objects.only("id", "order_id", "kind"))
        return super().get_queryset(request).prefetch_related(lines)

    @admin.display(description="Status", ordering="status")
    def status_badge(self, order):
        return status_badge_html(status=order.status, label=order.get_status_display(), tones=STATUS_TONES)

    @admin.display(description="Total", ordering="total_amount")
    def total(self, order):
        return format_money(order.total_amount, order.currency)

    @admin.display(description="Customer", ordering="user__email")
    def customer(self, order):
        name = order.billing_name or order.user.get_full_name()
        return format_html("{}<br><span class='quiet'>{}</span>", name, order.user.email) if name else order.user.email

    @admin.display(description="Placed", ordering="created_at")
    def placed(self, order):
        return f"{timezone.localtime(order.created_at):%Y-%m-%d %H:%M}"

    @admin.display(description="Kinds")
    def product_kinds(self, order):
        return ", ".join(sorted({line.kind for line in order.lines.all()}))

    @admin.display(description="Flag", ordering="is_flagged")
    def flag(self, order):
        if not order.is_flagged:
            return ""
        if order.flag_resolved_at:
            return "Resolved"
        return format_html('<span class="iw-badge iw-badge--warning" title="{}">Needs review</span>', order.flag_reason)

    # ---- the order's page --------------------------------------------------------------------------------

    def get_urls(self):
        def wrap(view):
            return self.admin_site.admin_view(view)

        info = self.opts.app_label, self.opts.model_name
        return [
            path("sales/", wrap(self.sales_view), name="{}_{}_sales".format(*info)),
            path("sales/orders.csv", wrap(self.sales_csv_view), name="{}_{}_sales_csv".format(*info)),
            path("<path:object_id>/refund/", wrap(self.refund_view), name="{}_{}_refund".format(*info)),
            path("<path:object_id>/resend-receipt/", wrap(self.resend_view), name="{}_{}_resend_receipt".format(*info)),
            path("<path:object_id>/resolve-flag/", wrap(self.resolve_view), name="{}_{}_resolve_flag".format(*info)),
            *super().get_urls(),
        ]

    def sales_view(self, request):
        return sales.sales_view(self, request)

    def sales_csv_view(self, request):
        return sales.sales_csv_view(self, request)

    def refund_view(self, request, object_id):
        return order_views.refund(self, request, self._order_or_404(request, object_id))

    def resend_view(self, request, object_id):
        return order_views.resend_receipt(self, request, self._order_or_404(request, object_id))

    def resolve_view(self, request, object_id):
        return order_views.resolve_flag(self, request, self._order_or_404(request, object_id))

    def _order_or_404(self, request, object_id) -> Order:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return get_object_or_404(Order.objects.select_related("user", "coupon"), pk=object_id)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        order = self._order_or_404(request, object_id)
        user = request.user
        refunds = list(order.refunds.select_related("requested_by").prefetch_related("lines__line"))
        for refund in refunds:
            if refund.status == Refund.Status.FAILED:
                amount = format_money(refund.amount, refund.currency)
                reason = refund.failure_reason or "no reason given"
                messages.warning(request, REFUND_FAILED_WARNING.format(amount=amount, reason=reason))
        refundable = refundable_by_line(order=order)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Order {order.number}",
            "order": order,
            "lines": [{"line": line, "left": refundable[line.pk]} for line in order.lines.all()],
            "refunds": refunds,
            **self._documents(order),
            "refund_requests": self._refund_requests(order, user),
            "timeline": order_timeline(order=order, can_view_stripe=user.has_perm("djstripe.view_event")),
            "stripe_links": self._stripe_links(order, user),
            "can_refund": user.has_perm(PERM_REFUND) and order.status in Order.SETTLED and any(refundable.values()),
            "can_resend": user.has_perm(PERM_RESEND) and order.status in Order.SETTLED,
            "can_resolve": user.has_perm(PERM_RESOLVE) and order.is_flagged and not order.flag_resolved_at,
            "can_download": user.has_perm(PERM_DOCUMENTS),
            "reason_form": ReasonForm(initial={"request_key": new_request_key()}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/commerce/order/detail.html", context)

    @staticmethod
    def _documents(order: Order) -> dict:
        """The invoice and credit notes with their download URLs (commerce:invoice_pdf, commerce:credit_note_pdf)."""
        fields = ("id", "number", "issued_at", "total_amount", "currency")
        invoice = Invoice.objects.filter(order=order).only(*fields).first()
        notes = list(CreditNote.objects.filter(refund__order=order).only(*fields).order_by("issued_at", "id"))
        for note in notes:
            note.url = _url_or_blank("commerce:credit_note_pdf", number=order.number, cn_number=note.number)
        invoice_url = _url_or_blank("commerce:invoice_pdf", number=order.number) if invoice else ""
        return {"invoice": invoice, "invoice_url": invoice_url, "credit_notes": notes}

    def _refund_requests(self, order: Order, user) -> list:
        requests = list(order.refund_requests.select_related("decided_by"))
        registered = RefundRequest in self.admin_site._registry
        for item in requests:
            allowed = registered and user.has_perm("commerce.view_refundrequest")
            item.admin_url = reverse("admin:commerce_refundrequest_change", args=[item.pk]) if allowed else ""
        return requests

    @staticmethod
    def _stripe_links(order: Order, user) -> list[tuple[str, str, str]]:
        """(what, Stripe id, dj-stripe admin URL or "") for the order's session(s), payment and charge."""
        from djstripe.models import Charge, PaymentIntent, Session

        wanted = [
            ("Checkout Session", Session, sid) for sid in order.checkout_sessions.values_list("stripe_id", flat=True)
        ]
        wanted += [("PaymentIntent", PaymentIntent, order.payment_intent_id), ("Charge", Charge, order.charge_id)]
        links = []
        for label, model, stripe_id in wanted:
            if not stripe_id:
                continue
            url = ""
            mirrored = model.objects.filter(id=stripe_id).only("djstripe_id").first()
            if mirrored and user.has_perm(f"djstripe.view_{model._meta.model_name}"):
                url = reverse(f"admin:djstripe_{model._meta.model_name}_change", args=[mirrored.pk])
            links.append((label, stripe_id, url))
        return links
