import factory
from django.utils import timezone

from courses.models import Category, Certificate, Course, Enrollment, Lesson, LessonProgress, Module, Review
from innerwork.accounts.tests.factories import UserFactory


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course

    title = factory.Sequence(lambda n: f"Course {n}")
    slug = factory.Sequence(lambda n: f"course-{n}")
    subtitle = "A practical course."
    description = "Learn something **useful**."
    category = factory.SubFactory(CategoryFactory)
    instructor = factory.SubFactory(UserFactory)
    price_amount = 4900
    currency = "usd"
    is_published = True
    published_at = factory.LazyFunction(timezone.now)


class ModuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Module

    course = factory.SubFactory(CourseFactory)
    title = factory.Sequence(lambda n: f"Module {n}")
    position = factory.Sequence(lambda n: n)


class LessonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lesson

    module = factory.SubFactory(ModuleFactory)
    title = factory.Sequence(lambda n: f"Lesson {n}")
    body = "Some *lesson* text."
    duration_minutes = 10
    position = factory.Sequence(lambda n: n)


class EnrollmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrollment

    user = factory.SubFactory(UserFactory)
    course = factory.SubFactory(CourseFactory)
    type = Enrollment.Type.PAID
    status = Enrollment.Status.ACTIVE


class LessonProgressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LessonProgress

    enrollment = factory.SubFactory(EnrollmentFactory)
    lesson = factory.SubFactory(LessonFactory)
    completed_at = factory.LazyFunction(timezone.now)


class CertificateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Certificate

    enrollment = factory.SubFactory(EnrollmentFactory, status=Enrollment.Status.COMPLETED)
    learner_name = factory.LazyAttribute(lambda o: o.enrollment.user.get_full_name())
    course_title = factory.LazyAttribute(lambda o: o.enrollment.course.title)
    instructor_name = factory.LazyAttribute(lambda o: o.enrollment.course.instructor.get_full_name())
    issued_at = factory.LazyFunction(timezone.now)


def course_with_lessons(*, modules=2, lessons_per_module=3, **course_kwargs) -> Course:
    """A published course with `modules` × `lessons_per_module` lessons; the first lesson is a preview."""
    course = CourseFactory(**course_kwargs)
    for m in range(modules):
        module = ModuleFactory(course=course, position=m)
        for n in range(lessons_per_module):
            LessonFactory(module=module, position=n, is_preview=(m == 0 and n == 0))
    return course


class ReviewFactory(factory.django.DjangoModelFactory):
    """A review by a learner with an active enrollment in the course (the enrollment is made too)."""

    class Meta:
        model = Review

    course = factory.SubFactory(CourseFactory)
    author = factory.SubFactory(UserFactory)
    enrollment = factory.LazyAttribute(lambda o: EnrollmentFactory(user=o.author, course=o.course))
    rating = 4
    text = "Clear and practical."
