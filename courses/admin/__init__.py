"""Staff console for courses (Django admin): the catalogue, enrollments, reviews and instructor pages.

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
from courses.admin.media import LessonResourceAdmin, LessonVideoAdmin
from courses.admin.reviews import InstructorProfileAdmin, ReviewAdmin

__all__ = [
    "PRICE_TOO_PRECISE",
    "PUBLISH_NEEDS_LESSONS",
    "CategoryAdmin",
    "CourseAdmin",
    "EnrollmentAdmin",
    "ExerciseAdmin",
    "InstructorProfileAdmin",
    "LessonAdmin",
    "LessonResourceAdmin",
    "LessonVideoAdmin",
    "ModuleAdmin",
    "ReviewAdmin",
]
