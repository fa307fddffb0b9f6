from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "innerwork.api"
    label = "api"
    verbose_name = "Partner API"

    def ready(self):
        # The webhook admin lives in its package (innerwork/api/webhooks/admin.py), which autodiscovery does not visit.
        from innerwork.api.webhooks import admin  # noqa: F401
