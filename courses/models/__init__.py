"""The courses app's models, one module per part of the product.

catalogue: what is sold and read (categories, courses, modules, lessons).
learning: who may read it and how far they got (enrollments, progress, certificates).
media: a lesson's video and downloads (private files, served only to those with access).
reviews: what learners thought of a course (ratings and reviews).
instructors: who teaches (their public profile).
exercises: questions and reflections at the end of a lesson, and the learner's attempts and reflections.
"""

from .catalogue import Category, Course, CourseQuerySet, Lesson, Module
from .exercises import Exercise, ExerciseAttempt, ExerciseOption, Reflection
from .instructors import InstructorProfile
from .learning import COURSE_KIND, Certificate, Enrollment, EnrollmentEvent, LessonProgress, _certificate_code
from .media import LessonResource, LessonVideo
from .reviews import Review

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
    "InstructorProfile",
    "Lesson",
    "LessonProgress",
    "LessonResource",
    "LessonVideo",
    "Module",
    "Reflection",
    "Review",
    "_certificate_code",
]
