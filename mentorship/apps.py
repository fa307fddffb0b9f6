from django.apps import AppConfig


class MentorshipConfig(AppConfig):
    name = "mentorship"
    verbose_name = "Mentorship"

    def ready(self):
        # Sessions are sold through commerce's one payment pipeline; commerce finds them by kind.
        # What mentor writes retire in the page cache (page_cache).
        from commerce.registry import register
        from mentorship import page_cache  # noqa: F401
        from mentorship.product_kind import MentorshipSessionKind

        register(MentorshipSessionKind())
