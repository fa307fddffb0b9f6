from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "innerwork.scheduling"
    label = "scheduling"
    verbose_name = "Scheduling"
