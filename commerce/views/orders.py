"""A customer's orders: history, one order with its receipt and timeline, and every payment.

Each page reads through a selector scoped to the signed-in user, so another person's
order is a 404, never a 403 that would confirm it exists.
"""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from commerce.models import Order
from commerce.orders.selectors import order_detail_for_user, order_lines_with_access, orders_for_user, payments_for_user
from innerwork.core.pagination import page_for_request

ORDERS_PER_PAGE = 10
PAYMENTS_PER_PAGE = 20


@login_required
@require_GET
def order_list(request):
    page_obj = page_for_request(Paginator(orders_for_user(user=request.user), ORDERS_PER_PAGE), request.GET.get("page"))
    return render(request, "commerce/orders/list.html", {"page_obj": page_obj, "orders": page_obj.object_list})


@login_required
@require_GET
def order_detail(request, number: str):
    try:
        order = order_detail_for_user(user=request.user, number=number)
    except Order.DoesNotExist:
        raise Http404("No such order") from None
    context = {
        "order": order,
        "entries": order_lines_with_access(order=order),
        "events": order.events.all(),
    }
    return render(request, "commerce/orders/detail.html", context)


@login_required
@require_GET
def billing(request):
    page_obj = page_for_request(
        Paginator(payments_for_user(user=request.user), PAYMENTS_PER_PAGE), request.GET.get("page")
    )
    return render(request, "commerce/orders/billing.html", {"page_obj": page_obj, "payments": page_obj.object_list})
