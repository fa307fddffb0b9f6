from django.apps import AppConfig


class CommerceConfig(AppConfig):
    name = "commerce"
    verbose_name = "Commerce"

    def ready(self):
        # Connects the Stripe webhook handlers, what cart and wishlist changes retire in the
        # page cache (page_cache), the cart merge at login (shop.signals), and the Stripe Customer
        # prepared at a signed-in person's first cart item (checkout.customers).
        from commerce import page_cache, webhooks  # noqa: F401
        from commerce.checkout import customers  # noqa: F401
        from commerce.disputes import webhooks as dispute_webhooks  # noqa: F401
        from commerce.inbox import checks  # noqa: F401
        from commerce.shop import signals  # noqa: F401
