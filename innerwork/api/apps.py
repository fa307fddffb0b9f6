from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "innerwork.api"
    label = "api"
    verbose_name = "Partner API"
