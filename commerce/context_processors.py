"""Template context for every page: the header's cart count."""

from django.utils.functional import cached_property

from commerce.shop.cart import SESSION_CART_TOKEN
from commerce.shop.selectors import cart_item_count


class CartSummary:
    """Counted only if a template asks (one COUNT query), so pages without the header pay nothing."""

    def __init__(self, request):
        self._request = request

    @cached_property
    def count(self) -> int:
        session = getattr(self._request, "session", None)
        token = session.get(SESSION_CART_TOKEN) if session is not None else None
        return cart_item_count(user=getattr(self._request, "user", None), session_token=token)


def cart_summary(request):
    return {"cart_summary": CartSummary(request)}
