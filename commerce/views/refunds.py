"""A customer asks for a refund of their order: choose items, see the quote, confirm.

Three steps, no JavaScript: the order's refund page lists its items as checkboxes (GET); the same page
with items chosen (`?lines=12&lines=13`) shows what the refund policy gives back for each and in all;
confirming POSTs the chosen items with a one-time key, so a double submit makes one request. Every
page looks the order up with its owner, so another person's order is a 404.
"""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from commerce.models import Order, RefundRequest
from commerce.orders.selectors import order_for_user
from commerce.refunds.policy import refund_quote
from commerce.refunds.requests import RefundRequestError, refund_request_create
from commerce.refunds.selectors import refund_request_progress
from innerwork.core.ratelimit import rate_limit

REFUND_POSTS_PER_MINUTE = 10
REASON_MAX_LENGTH = 2000


def _own_order(request, number: str) -> Order:
    try:
        return order_for_user(user=request.user, number=number)
    except Order.DoesNotExist:
        raise Http404("No such order") from None


def _chosen_line_ids(values) -> list[int]:
    return sorted({int(value) for value in values if str(value).isdigit()})


def _choose_url(order: Order, line_ids) -> str:
    query = "&".join(f"lines={line_id}" for line_id in line_ids)
    return reverse("commerce:order_refund", kwargs={"number": order.number}) + (f"?{query}" if query else "")


@login_required
@require_http_methods(["GET", "POST"])
@rate_limit(scope="refund_request", limit=REFUND_POSTS_PER_MINUTE)
def order_refund(request, number: str):
    order = _own_order(request, number)
    if request.method == "POST":
        return _confirm(request, order)
    line_ids = _chosen_line_ids(request.GET.getlist("lines"))
    if line_ids and not request.GET.get("change"):
        quote = refund_quote(order=order, line_ids=line_ids)
        if quote.lines:
            context = {
                "order": order,
                "quote": quote,
                "request_key": uuid.uuid4().hex,
                "change_url": _choose_url(order, line_ids) + "&change=1",
                "reason_max_length": REASON_MAX_LENGTH,
            }
            return render(request, "commerce/refunds/quote.html", context)
    context = {"order": order, "quote": refund_quote(order=order), "chosen": set(line_ids)}
    return render(request, "commerce/refunds/choose.html", context)


def _confirm(request, order: Order):
    line_ids = _chosen_line_ids(request.POST.getlist("lines"))
    try:
        refund_request = refund_request_create(
            order=order,
            user=request.user,
            line_ids=line_ids,
            reason=request.POST.get("reason", "")[:REASON_MAX_LENGTH],
            request_key=request.POST.get("request_key", "")[:64] or uuid.uuid4().hex,
        )
    except RefundRequestError as error:
        messages.error(request, error.message)
        return redirect(_choose_url(order, line_ids))
    return redirect("commerce:refund_request_detail", number=order.number, pk=refund_request.pk)


@login_required
@require_GET
def refund_request_detail(request, number: str, pk: int):
    """Where the customer lands after confirming, and comes back to: the request as it stands now.

    With our team, being processed, refunded (when and how much), failed or declined: read from the
    database on every visit (and never stored by the browser, innerwork.core.no_store), so it moves on
    as soon as staff decide or Stripe's webhook confirms the refund.
    """
    order = _own_order(request, number)
    try:
        progress = refund_request_progress(order=order, user=request.user, pk=pk)
    except RefundRequest.DoesNotExist:
        raise Http404("No such refund request") from None
    return render(request, "commerce/refunds/requested.html", {"order": order, "progress": progress})
