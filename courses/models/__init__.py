"""The courses app's models, one module per part of the product.

catalogue: what is sold and read (categories, courses, modules, lessons).
learning: who may read it and how far they got (enrollments, progress, certificates).
exercises: questions and reflections at the end of a lesson, and the learner's attempts and reflections.
"""

from .catalogue import Category, Course, CourseQuerySet, Lesson, Module
from .exercises import Exercise, ExerciseAttempt, ExerciseOption, Reflection
from .learning import COURSE_KIND, Certificate, Enrollment, EnrollmentEvent, LessonProgress, _certificate_code

__all__ = [
    "COURSE_KIND",
    "Category",
    "Certificate",
    "Course",
    "CourseQuerySet",
    "Enrollment",
    "EnrollmentEvent",
    "Exercise",
    "ExerciseAttempt",
    "ExerciseOption",
    "Lesson",
    "LessonProgress",
    "Module",
    "Reflection",
    "_certificate_code",
]
