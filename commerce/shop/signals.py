"""Signal receivers of commerce, connected in CommerceConfig.ready()."""

from django.contrib import messages
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from commerce.shop.cart import cart_merge_on_login

MERGE_ADDED = "Your cart now includes the {count} item{plural} you picked before logging in."
MERGE_SKIPPED = "“{title}” was left out of your cart: {reason}"


@receiver(user_logged_in, dispatch_uid="commerce_merge_cart_on_login")
def merge_cart_on_login(sender, request, user, **kwargs):
    result = cart_merge_on_login(request=request, user=user)
    if result is None or request is None or not hasattr(request, "_messages"):
        return
    if result.added:
        count = len(result.added)
        messages.success(request, MERGE_ADDED.format(count=count, plural="" if count == 1 else "s"))
    for title, reason in result.skipped:
        messages.info(request, MERGE_SKIPPED.format(title=title, reason=reason))
