from django.apps import AppConfig


class CommerceConfig(AppConfig):
    name = "commerce"
    verbose_name = "Commerce"

    def ready(self):
        # Connects the Stripe webhook handlers, what cart and wishlist changes retire in the
        # page cache (page_cache), and the cart merge at login (shop.signals).
        from commerce import page_cache, webhooks  # noqa: F401
        from commerce.inbox import checks  # noqa: F401
        from commerce.shop import signals  # noqa: F401
