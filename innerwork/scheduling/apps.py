from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "innerwork.scheduling"
    label = "scheduling"
    verbose_name = "Scheduling"

    def ready(self):
        # What calendar and appointment writes retire in the page cache.
        from innerwork.scheduling import page_cache  # noqa: F401
