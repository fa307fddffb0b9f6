from django.apps import AppConfig


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = "Courses"

    def ready(self):
        # Courses are sold through commerce's one payment pipeline; commerce finds them by kind.
        from commerce.registry import register
        from courses.product_kind import CourseKind

        register(CourseKind())

        # Catalogue and learner changes retire the cached pages that show them (page_cache);
        # stored course figures follow every lesson, module and enrollment write (signals).
        from courses import page_cache, signals  # noqa: F401
