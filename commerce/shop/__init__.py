"""The shop: carts, wishlists, coupons and the quote (what a list of items costs this person now).

Nothing here trusts a price from the browser: items are (kind, ref) and every amount comes from the
product kind's handler and the coupon rules.
"""

from commerce.shop.cart import (
    cart_add,
    cart_apply_coupon,
    cart_get_for_request,
    cart_merge,
    cart_merge_on_login,
    cart_move_to_wishlist,
    cart_remove,
    cart_remove_coupon,
    wishlist_add,
    wishlist_move_to_cart,
    wishlist_remove,
)
from commerce.shop.coupons import coupon_discount, coupon_redeem, coupon_release, coupon_reserve, coupon_validate
from commerce.shop.pricing import Quote, QuoteLine, UnavailableLine, price_items, quote_items
from commerce.shop.selectors import (
    cart_contains,
    cart_entries,
    cart_item_count,
    cart_quote_for,
    wishlist_contains,
    wishlist_for,
)

__all__ = [
    "Quote",
    "QuoteLine",
    "UnavailableLine",
    "cart_add",
    "cart_apply_coupon",
    "cart_contains",
    "cart_entries",
    "cart_get_for_request",
    "cart_item_count",
    "cart_merge",
    "cart_merge_on_login",
    "cart_move_to_wishlist",
    "cart_quote_for",
    "cart_remove",
    "cart_remove_coupon",
    "coupon_discount",
    "coupon_redeem",
    "coupon_release",
    "coupon_reserve",
    "coupon_validate",
    "price_items",
    "quote_items",
    "wishlist_add",
    "wishlist_contains",
    "wishlist_for",
    "wishlist_move_to_cart",
    "wishlist_remove",
]
