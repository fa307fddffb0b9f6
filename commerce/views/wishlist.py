"""The wishlist: signed-in people save items, see them priced now, and move them to the cart."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from commerce.exceptions import CartError
from commerce.models import WishlistItem
from commerce.registry import NotPurchasable
from commerce.shop.cart import cart_get_for_request, wishlist_add, wishlist_move_to_cart, wishlist_remove
from commerce.shop.selectors import wishlist_for
from commerce.views.cart import safe_next

WISHLIST_SAVED = "Saved to your wishlist."
WISHLIST_REMOVED = "Removed from your wishlist."
WISHLIST_MOVED = "Moved to your cart."
WISHLIST_LOGIN_NEEDED = "Log in to save courses to your wishlist."


@login_required
@require_GET
def wishlist_detail(request):
    cart = cart_get_for_request(request, create=False)
    return render(request, "commerce/wishlist.html", {"entries": wishlist_for(user=request.user, cart=cart)})


@require_POST
def wishlist_add_item(request):
    back = safe_next(request, reverse("commerce:wishlist"))
    if not request.user.is_authenticated:
        # A POST cannot be replayed after login: bring the visitor back to the page they were on.
        messages.info(request, WISHLIST_LOGIN_NEEDED)
        return redirect_to_login(back)
    try:
        wishlist_add(user=request.user, kind=request.POST.get("kind", ""), ref=request.POST.get("ref", ""))
    except NotPurchasable as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, WISHLIST_SAVED)
    return redirect(back)


@login_required
@require_POST
def wishlist_remove_item(request, item_id: int):
    item = get_object_or_404(WishlistItem, pk=item_id, user=request.user)
    wishlist_remove(user=request.user, item=item)
    messages.success(request, WISHLIST_REMOVED)
    return redirect(safe_next(request, reverse("commerce:wishlist")))


@login_required
@require_POST
def wishlist_move_item(request, item_id: int):
    item = get_object_or_404(WishlistItem, pk=item_id, user=request.user)
    cart = cart_get_for_request(request)
    try:
        wishlist_move_to_cart(user=request.user, item=item, cart=cart)
    except (NotPurchasable, CartError) as exc:
        messages.error(request, exc.message)
        return redirect("commerce:wishlist")
    messages.success(request, WISHLIST_MOVED)
    return redirect("commerce:wishlist")
