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
from courses.admin.media import LessonResourceAdmin, LessonVideoAdmin

__all__ = [
    "PRICE_TOO_PRECISE",
    "PUBLISH_NEEDS_LESSONS",
    "CategoryAdmin",
    "CourseAdmin",
    "EnrollmentAdmin",
    "LessonAdmin",
    "LessonResourceAdmin",
    "LessonVideoAdmin",
    "ModuleAdmin",
]
