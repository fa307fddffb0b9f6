"""The courses app's models, one module per part of the product.

catalogue: what is sold and read (categories, courses, modules, lessons).
learning: who may read it and how far they got (enrollments, progress, certificates).
media: a lesson's video and downloads (private files, served only to those with access).
"""

from .catalogue import Category, Course, CourseQuerySet, Lesson, Module
from .learning import COURSE_KIND, Certificate, Enrollment, EnrollmentEvent, LessonProgress, _certificate_code
from .media import LessonResource, LessonVideo

__all__ = [
    "COURSE_KIND",
    "Category",
    "Certificate",
    "Course",
    "CourseQuerySet",
    "Enrollment",
    "EnrollmentEvent",
    "Lesson",
    "LessonProgress",
    "LessonResource",
    "LessonVideo",
    "Module",
    "_certificate_code",
]
