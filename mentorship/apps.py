from django.apps import AppConfig


class MentorshipConfig(AppConfig):
    name = "mentorship"
    verbose_name = "Mentorship"

    def ready(self):
        # Sessions are sold through commerce's one payment pipeline; commerce finds them by kind.
        from commerce.registry import register
        from mentorship.product_kind import MentorshipSessionKind

        register(MentorshipSessionKind())
