from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "innerwork.core"
    label = "core"
    verbose_name = "Core"
