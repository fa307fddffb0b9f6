from django.apps import AppConfig


class CommerceConfig(AppConfig):
    name = "commerce"
    verbose_name = "Commerce"

    def ready(self):
        from commerce import webhooks  # noqa: F401  (connects the Stripe webhook handlers)
        from commerce.shop import signals  # noqa: F401  (connects the cart merge at login)
