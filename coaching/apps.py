from django.apps import AppConfig


class CoachingConfig(AppConfig):
    name = "coaching"
    verbose_name = "Coaching"

    def ready(self):
        # Contracts are sold through commerce's one payment pipeline; commerce finds them by kind.
        from coaching.product_kind import CoachingContractKind
        from commerce.registry import register

        register(CoachingContractKind())
