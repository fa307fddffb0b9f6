"""Which cached pages each write in commerce makes stale (see innerwork.core.page_cache).

A cart and a wishlist show on their owner's pages only (the header's cart, a course's
buy box): each save or delete of a cart, cart item or wishlist item retires the scope of
its owner, a signed-in person or a visitor's cart. `viewer_scopes` tells a cached page
of any app who is looking, as far as the header's cart and account links go.
"""

from commerce.models import Cart, CartItem, WishlistItem
from commerce.shop.cart import SESSION_CART_TOKEN
from innerwork.core.page_cache import user_scope, visitor_cart_scope, watch


def _cart_owners(user_id: int | None, session_key: str) -> tuple[str | None, str | None]:
    return (user_scope(user_id) if user_id else None, visitor_cart_scope(session_key) if session_key else None)


def _owners_of_cart(cart: Cart) -> tuple[str | None, str | None]:
    return _cart_owners(cart.user_id, cart.session_key)


def _owners_of_cart_item(item: CartItem) -> tuple[str | None, str | None]:
    if CartItem.cart.is_cached(item):
        return _owners_of_cart(item.cart)
    # Deleted along with its cart, the cart row may be gone; the cart retires its owners then.
    owners = Cart.objects.filter(pk=item.cart_id).values_list("user_id", "session_key").first()
    return _cart_owners(*owners) if owners else (None, None)


watch(Cart, scopes=_owners_of_cart)
watch(CartItem, scopes=_owners_of_cart_item)
watch(WishlistItem, scopes=lambda item: user_scope(item.user_id))


def viewer_scopes(request) -> tuple[tuple, tuple[str, ...]]:
    """(who is looking, the scope of their own state on every page: account, cart, wishlist): a person, a
    visitor with a cart, or any visitor. A cached page adds the scopes of the data it shows."""
    if request.user.is_authenticated:
        return ("user", request.user.pk), (user_scope(request.user.pk),)
    token = request.session.get(SESSION_CART_TOKEN)
    if token:
        return ("cart", token), (visitor_cart_scope(token),)
    return ("visitor",), ()
