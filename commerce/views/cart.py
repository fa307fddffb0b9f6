"""The cart page and its forms. Every form posts only (kind, ref) or a code: prices come from the server."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from commerce.exceptions import CartError, CouponError
from commerce.models import CartItem
from commerce.registry import NotPurchasable
from commerce.shop.cart import (
    cart_add,
    cart_apply_coupon,
    cart_get_for_request,
    cart_move_to_wishlist,
    cart_remove,
    cart_remove_coupon,
)
from commerce.shop.coupons import COUPON_EMPTY_CART
from commerce.shop.selectors import cart_entries, cart_quote_for
from innerwork.core.ratelimit import rate_limit

CART_ADDED = "Added to your cart."
CART_REMOVED = "Removed from your cart."
CART_SAVED_FOR_LATER = "Moved to your wishlist."
COUPON_APPLIED = "Code {code} applied."
COUPON_REMOVED = "Code removed."

# Coupon guessing: 10 attempts a minute per person and per address (innerwork.core.ratelimit).
COUPON_ATTEMPTS_PER_MINUTE = 10


def safe_next(request, fallback: str) -> str:
    """The `next` the form asked for, if it stays on this site; otherwise `fallback`."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return fallback


def _render_cart(request, *, coupon_error: str = "", coupon_input: str = "", status: int = 200):
    cart = cart_get_for_request(request, create=False)
    quote = cart_quote_for(cart=cart, user=request.user)
    context = {
        "cart": cart,
        "quote": quote,
        "entries": cart_entries(cart=cart, quote=quote),
        "coupon_error": coupon_error,
        "coupon_input": coupon_input,
    }
    return render(request, "commerce/cart.html", context, status=status)


@require_GET
def cart_detail(request):
    return _render_cart(request)


@require_POST
def cart_add_item(request):
    cart = cart_get_for_request(request)
    try:
        cart_add(cart=cart, kind=request.POST.get("kind", ""), ref=request.POST.get("ref", ""), user=request.user)
    except (NotPurchasable, CartError) as exc:
        messages.error(request, exc.message)
        return redirect(safe_next(request, reverse("commerce:cart")))
    messages.success(request, CART_ADDED)
    return redirect("commerce:cart")


def _own_item(request, item_id: int) -> CartItem:
    cart = cart_get_for_request(request, create=False)
    if cart is None:
        raise Http404("No such cart item")
    return get_object_or_404(CartItem, pk=item_id, cart=cart)


@require_POST
def cart_remove_item(request, item_id: int):
    item = _own_item(request, item_id)
    cart_remove(cart=item.cart, item=item)
    messages.success(request, CART_REMOVED)
    return redirect("commerce:cart")


@login_required
@require_POST
def cart_save_for_later(request, item_id: int):
    item = _own_item(request, item_id)
    try:
        cart_move_to_wishlist(user=request.user, cart=item.cart, item=item)
    except NotPurchasable as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, CART_SAVED_FOR_LATER)
    return redirect("commerce:cart")


@require_POST
@rate_limit(scope="coupon", limit=COUPON_ATTEMPTS_PER_MINUTE, period=60)
def cart_coupon_apply(request):
    code = request.POST.get("code", "")
    cart = cart_get_for_request(request, create=False)
    if cart is None:  # nothing to discount; a bare coupon attempt creates no cart
        messages.error(request, COUPON_EMPTY_CART)
        return redirect("commerce:cart")
    try:
        coupon = cart_apply_coupon(cart=cart, code=code, user=request.user)
    except CouponError as exc:
        return _render_cart(request, coupon_error=exc.message, coupon_input=code.strip()[:40])
    messages.success(request, COUPON_APPLIED.format(code=coupon.code))
    return redirect("commerce:cart")


@require_POST
def cart_coupon_remove(request):
    cart = cart_get_for_request(request, create=False)
    if cart is not None:
        cart_remove_coupon(cart=cart)
    messages.success(request, COUPON_REMOVED)
    return redirect("commerce:cart")
