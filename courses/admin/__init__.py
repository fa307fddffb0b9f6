"""Staff console for courses (Django admin): the catalogue and enrollments.

Registered on import, so Django's admin autodiscovery finds everything through this package.
"""

from courses.admin.catalogue import (
    PRICE_TOO_PRECISE,
    PUBLISH_NEEDS_LESSONS,
    CategoryAdmin,
    CourseAdmin,
    LessonAdmin,
    ModuleAdmin,
)
from courses.admin.enrollments import EnrollmentAdmin
from courses.admin.exercises import ExerciseAdmin

__all__ = [
    "PRICE_TOO_PRECISE",
    "PUBLISH_NEEDS_LESSONS",
    "CategoryAdmin",
    "CourseAdmin",
    "EnrollmentAdmin",
    "ExerciseAdmin",
    "LessonAdmin",
    "ModuleAdmin",
]
