"""`{% buy_box "course" course.pk %}`: the Add to cart / Save to wishlist controls for any product kind."""

from django import template

from commerce.shop.cart import SESSION_CART_TOKEN
from commerce.shop.coupons import coupon_terms as describe_coupon
from commerce.shop.selectors import cart_contains, wishlist_contains

register = template.Library()


@register.inclusion_tag("commerce/partials/buy_box.html", takes_context=True)
def buy_box(context, kind: str, ref) -> dict:
    """What the visitor can do with (kind, ref) now: two cheap EXISTS queries, nothing created."""
    request = context["request"]
    token = request.session.get(SESSION_CART_TOKEN)
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "kind": kind,
        "ref": str(ref),
        "next": request.get_full_path(),
        "in_cart": cart_contains(user=request.user, session_token=token, kind=kind, ref=ref),
        "in_wishlist": wishlist_contains(user=request.user, kind=kind, ref=ref),
        "signed_in": request.user.is_authenticated,
    }


@register.filter
def coupon_terms(coupon) -> str:
    """What a coupon gives, with a note when it covers only some items: "20% off (selected items only)"."""
    terms = describe_coupon(coupon)
    if coupon.applies_to_kinds or coupon.applies_to_categories or coupon.applies_to_refs:
        terms += " (selected items only)"
    return terms
