"""Checkout pages: the cart's checkout button, "pay now" for a waiting order, and the way back from Stripe.

Every form posts nothing but its CSRF token: what is bought and what it costs come from the
server (the cart, or the frozen order). Orders are looked up with their owner, so another
person's order, success or cancel page is a 404.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from commerce.checkout.fulfilment import ORDER_UNDER_REVIEW, order_fulfil_from_return
from commerce.checkout.placing import order_create_from_cart
from commerce.checkout.services import order_checkout
from commerce.exceptions import CartError, CheckoutError, CouponError, NotPurchasable, PaymentProviderError
from commerce.models import Order
from commerce.orders.selectors import order_for_user
from commerce.shop.cart import cart_get_for_request
from innerwork.core.ratelimit import rate_limit

CHECKOUT_LOGIN_NEEDED = "Log in or create an account to check out. Your cart will be waiting."
ORDER_COMPLETE = "Thank you! Order {number} is complete: your courses are ready in My learning."
PAYMENT_CONFIRMING = "Thanks! We're confirming your payment with Stripe; this page shows it as soon as it's through."
PAYMENT_LEFT = (
    "You left the payment page, so nothing was charged. Order {number} is saved: check out when you're ready."
)
PAYMENT_DECLINED = (
    "Your card was declined, so nothing was charged. Stripe said: “{reason}” "
    "Order {number} is saved: try again with another card, or ask your bank to allow the payment."
)


class HttpResponseSeeOther(HttpResponseRedirect):
    """303: after a POST, the browser GETs the payment page (Stripe's hosted Checkout)."""

    status_code = 303


def _own_order(request, number: str) -> Order:
    try:
        return order_for_user(user=request.user, number=number)
    except Order.DoesNotExist:
        raise Http404("No such order") from None


def _return_urls(request, order: Order) -> tuple[str, str]:
    success = reverse("commerce:order_success", kwargs={"number": order.number})
    cancel = reverse("commerce:order_cancel", kwargs={"number": order.number})
    # Stripe fills in {CHECKOUT_SESSION_ID}; it must reach Stripe unescaped.
    return request.build_absolute_uri(success) + "?session_id={CHECKOUT_SESSION_ID}", request.build_absolute_uri(cancel)


def _send_to_payment(request, order: Order, *, back: str):
    """303 to Stripe's page for `order` (or to its page when nothing is left to pay)."""
    success_url, cancel_url = _return_urls(request, order)
    try:
        start = order_checkout(order=order, success_url=success_url, cancel_url=cancel_url)
    except (CheckoutError, CouponError, NotPurchasable) as exc:
        messages.error(request, exc.message)
        return redirect(back)
    except PaymentProviderError as exc:
        context = {"order": order, "message": exc.message}
        return render(request, "commerce/checkout_unavailable.html", context, status=503)
    if not start.at_stripe:
        _tell_where_the_order_stands(request, start.order)
    return HttpResponseSeeOther(start.url)


def _tell_where_the_order_stands(request, order: Order) -> None:
    if order.status in Order.SETTLED:
        messages.success(request, ORDER_COMPLETE.format(number=order.number))
    elif order.is_flagged and order.paid_at is not None:
        messages.warning(request, ORDER_UNDER_REVIEW)
    else:
        messages.info(request, PAYMENT_CONFIRMING)


@require_POST
@rate_limit(scope="checkout", limit=settings.CHECKOUT_ATTEMPTS_PER_MINUTE)
def checkout(request):
    if not request.user.is_authenticated:
        messages.info(request, CHECKOUT_LOGIN_NEEDED)
        return redirect_to_login(reverse("commerce:cart"))
    cart = cart_get_for_request(request, create=False)
    try:
        order = order_create_from_cart(cart=cart, user=request.user)
    except (CartError, CouponError) as exc:
        messages.error(request, exc.message)
        return redirect("commerce:cart")
    return _send_to_payment(request, order, back=reverse("commerce:cart"))


@login_required
@require_POST
@rate_limit(scope="checkout", limit=settings.CHECKOUT_ATTEMPTS_PER_MINUTE)
def order_pay(request, number: str):
    order = _own_order(request, number)
    return _send_to_payment(request, order, back=order.get_absolute_url())


@login_required
@require_GET
def order_success(request, number: str):
    """Back from Stripe: confirm the payment now (the webhook may not have come yet), then show the order."""
    order = _own_order(request, number)
    session_id = request.GET.get("session_id", "")
    if session_id:
        try:
            order = order_fulfil_from_return(order=order, session_id=session_id)
        except Order.DoesNotExist:
            raise Http404("No such payment for this order") from None
        except PaymentProviderError:
            pass  # the webhook will confirm it; the order page says we are confirming
    _tell_where_the_order_stands(request, order)
    return redirect(order.get_absolute_url())


@login_required
@require_GET
def order_cancel(request, number: str):
    """The customer pressed back on Stripe's page: nothing was charged, the order stays payable.

    When Stripe already reported a declined card (the webhook stored its message on the order),
    the customer is told that and why, not only that they left the page.
    """
    order = _own_order(request, number)
    if order.paid_at is not None:
        return redirect(order.get_absolute_url())
    if order.status == Order.Status.FAILED and order.failure_message:
        messages.error(request, PAYMENT_DECLINED.format(reason=order.failure_message, number=order.number))
    else:
        messages.info(request, PAYMENT_LEFT.format(number=order.number))
    return redirect("commerce:cart")
