from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "innerwork.api"
    label = "api"
    verbose_name = "Partner API"

    def ready(self):
        # The OpenAPI description of the Bearer key authentication (a drf-spectacular extension).
        from innerwork.api import schema  # noqa: F401

        # The webhook admin lives in its package (innerwork/api/webhooks/admin.py), which autodiscovery does not visit.
        from innerwork.api.webhooks import admin  # noqa: F401
