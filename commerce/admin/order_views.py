"""The order page's actions: refund, resend receipt, resolve flag. Each checks its permission (403 otherwise).

Views parse the form, call one service and go back to the order's page with a message. Every
form carries a one-time request key, so a double submit refunds or e-mails once.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse

from commerce.admin.forms import ReasonForm, RefundForm, new_request_key
from commerce.exceptions import RefundError
from commerce.models import Order, Refund
from commerce.orders.staff import StaffActionError, order_flag_resolve, order_receipt_resend
from commerce.refunds.services import refund_idempotency_key, refund_start
from innerwork.core.money import format_money

REFUND_STARTED = "Refund of {amount} sent to Stripe. It shows as pending until Stripe confirms it."
REFUND_ALREADY_SENT = "This refund was already sent; it is listed below."
RECEIPT_QUEUED = "The receipt is on its way to {email}."
FLAG_RESOLVED = "Marked resolved. The order left the “needs review” list."


def _order_url(order: Order) -> str:
    return reverse("admin:commerce_order_change", args=[order.pk])


def _require(request, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied


def refund(model_admin, request, order: Order):
    """Show the refund form (lines, refundable amounts, reason) and start the refund with refund_start."""
    _require(request, "commerce.refund_order")
    if request.method == "POST":
        request_key = f"admin:{order.pk}:{request.POST.get('request_key', '')}"
        done = Refund.objects.filter(idempotency_key=refund_idempotency_key(order=order, request_key=request_key))
        if request.POST.get("request_key") and done.exists():
            # The same form sent again (a double click): the refund it started is the answer.
            model_admin.message_user(request, REFUND_ALREADY_SENT, messages.INFO)
            return HttpResponseRedirect(_order_url(order))
        form = RefundForm(request.POST, order=order)
        if form.is_valid():
            data = form.cleaned_data
            try:
                started = refund_start(
                    order=order,
                    amounts=data["amounts"],
                    reason=data["reason"],
                    actor=request.user,
                    source="staff",
                    request_key=request_key,
                    revoke=data["revoke"],
                )
            except RefundError as error:
                form.add_error(None, error.message)
            else:
                amount = format_money(started.amount, started.currency)
                model_admin.message_user(request, REFUND_STARTED.format(amount=amount), messages.SUCCESS)
                return HttpResponseRedirect(_order_url(order))
    else:
        form = RefundForm(initial={"request_key": new_request_key()}, order=order)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": f"Refund order {order.number}",
        "order": order,
        "form": form,
        "paid": format_money(order.amount_paid, order.currency),
        "refundable_total": format_money(sum(form.refundable.values()), order.currency),
    }
    return TemplateResponse(request, "admin/commerce/order/refund.html", context)


def _reason_action(model_admin, request, order: Order, *, permission: str, run) -> HttpResponseRedirect:
    _require(request, permission)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = ReasonForm(request.POST)
    if not form.is_valid():
        problems = "; ".join(
            f"{form.fields[name].label or name}: {' '.join(errs)}" for name, errs in form.errors.items()
        )
        model_admin.message_user(request, f"Nothing was done. {problems}", messages.ERROR)
        return HttpResponseRedirect(_order_url(order))
    try:
        message = run(form.cleaned_data["reason"], form.cleaned_data["request_key"])
    except StaffActionError as error:
        model_admin.message_user(request, error.message, messages.ERROR)
    else:
        model_admin.message_user(request, message, messages.SUCCESS)
    return HttpResponseRedirect(_order_url(order))


def resend_receipt(model_admin, request, order: Order):
    def run(reason, request_key):
        email = order_receipt_resend(order=order, actor=request.user, reason=reason, request_key=request_key)
        return RECEIPT_QUEUED.format(email=", ".join(email.to))

    return _reason_action(model_admin, request, order, permission="commerce.resend_receipt", run=run)


def resolve_flag(model_admin, request, order: Order):
    def run(reason, request_key):
        order_flag_resolve(order=order, actor=request.user, reason=reason)
        return FLAG_RESOLVED

    return _reason_action(model_admin, request, order, permission="commerce.resolve_flag", run=run)
