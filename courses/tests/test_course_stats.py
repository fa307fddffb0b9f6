"""The figures stored on each course (lessons, minutes, learners) stay true after every kind of write.

Read back through the public catalogue API, which shows the stored figures; each test changes
the catalogue the way a real writer does (staff in the admin, learners enrolling, refunds,
revocations, the seed command) and checks the figures a visitor sees.
"""

import importlib
import threading
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from courses import services
from courses.models import Course, Enrollment, Lesson
from courses.tests.factories import CourseFactory, EnrollmentFactory, LessonFactory, ModuleFactory
from innerwork.accounts.tests.factories import StaffFactory, UserFactory
from innerwork.api.tests.factories import with_key

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client):
    """Django's test client with a partner key holding catalogue:read: the catalogue API needs one."""
    return with_key(client, scopes=["catalogue:read"])


def _figures(client, course) -> tuple[int, int, int]:
    """(lessons, minutes, learners) as the catalogue API shows them."""
    response = client.get(reverse("api:course-detail", kwargs={"slug": course.slug}))
    assert response.status_code == 200
    body = response.json()
    return body["lessons_count"], body["total_minutes"], body["learners_count"]


def _course(*, minutes=(5, 10, 20), **kwargs) -> Course:
    course = CourseFactory(**kwargs)
    module = ModuleFactory(course=course)
    for position, duration in enumerate(minutes):
        LessonFactory(module=module, position=position, duration_minutes=duration)
    return course


def _save_module_in_admin(client, module, *, changes=None, delete=(), new=()):
    """Submit the module's admin page (lessons inline): change, delete or add lessons as staff do."""
    lessons = list(Lesson.objects.filter(module=module).order_by("position", "id"))
    data = {
        "title": module.title,
        "course": module.course_id,
        "position": module.position,
        "lessons-TOTAL_FORMS": len(lessons) + len(new),
        "lessons-INITIAL_FORMS": len(lessons),
        "lessons-MIN_NUM_FORMS": 0,
        "lessons-MAX_NUM_FORMS": 1000,
    }
    forms = [
        {
            "id": lesson.pk,
            "module": module.pk,
            "position": lesson.position,
            "title": lesson.title,
            "duration_minutes": lesson.duration_minutes,
            "body": lesson.body,
            **({"DELETE": "on"} if lesson in delete else {}),
            **(changes or {}).get(lesson, {}),
        }
        for lesson in lessons
    ] + [{"module": module.pk, "position": 99, "body": "New lesson.", **values} for values in new]
    for index, form in enumerate(forms):
        data.update({f"lessons-{index}-{name}": value for name, value in form.items()})
    response = client.post(reverse("admin:courses_module_change", args=[module.pk]), data)
    assert response.status_code == 302, response.context["errors"] if response.context else response
    return response


@pytest.fixture
def staff_client(client):
    client.force_login(StaffFactory())
    return client


# Lessons and modules -----------------------------------------------------------------------------


def test_figures_count_lessons_and_sum_their_minutes(client):
    # given / when a course is built lesson by lesson
    course = _course(minutes=(5, 10, 20))

    # then
    assert _figures(client, course) == (3, 35, 0)


def test_staff_adding_a_lesson_in_the_admin_raises_lessons_and_minutes(staff_client):
    # given
    course = _course(minutes=(5, 10))
    module = course.modules.get()

    # when staff add a 25-minute lesson inline
    _save_module_in_admin(staff_client, module, new=[{"title": "Added", "duration_minutes": 25}])

    # then
    assert _figures(staff_client, course) == (3, 40, 0)


def test_staff_changing_a_lesson_duration_in_the_admin_changes_the_minutes(staff_client):
    # given
    course = _course(minutes=(5, 10))
    module = course.modules.get()
    longer = Lesson.objects.get(module=module, duration_minutes=10)

    # when
    _save_module_in_admin(staff_client, module, changes={longer: {"duration_minutes": 45}})

    # then
    assert _figures(staff_client, course) == (2, 50, 0)


def test_staff_deleting_a_lesson_in_the_admin_lowers_lessons_and_minutes(staff_client):
    # given
    course = _course(minutes=(5, 10, 20))
    module = course.modules.get()
    gone = Lesson.objects.get(module=module, duration_minutes=20)

    # when
    _save_module_in_admin(staff_client, module, delete=[gone])

    # then
    assert _figures(staff_client, course) == (2, 15, 0)


def test_deleting_a_module_removes_its_lessons_from_the_figures(staff_client):
    # given a course with two modules
    course = _course(minutes=(5, 10))
    second = ModuleFactory(course=course, position=1)
    LessonFactory(module=second, duration_minutes=30)
    LessonFactory(module=second, duration_minutes=40)
    assert _figures(staff_client, course) == (4, 85, 0)

    # when staff delete the second module in the admin
    response = staff_client.post(reverse("admin:courses_module_delete", args=[second.pk]), {"post": "yes"})

    # then
    assert response.status_code == 302
    assert _figures(staff_client, course) == (2, 15, 0)


def test_moving_a_lesson_to_another_course_recounts_both_courses(client):
    # given two courses
    source = _course(minutes=(5, 10))
    target = _course(minutes=(20,))
    moving = Lesson.objects.get(module__course=source, duration_minutes=10)

    # when the lesson is moved into the other course's module
    moving.module = target.modules.get()
    moving.save()

    # then
    assert _figures(client, source) == (1, 5, 0)
    assert _figures(client, target) == (2, 30, 0)


def test_moving_a_module_to_another_course_recounts_both_courses(client):
    # given
    source = _course(minutes=(5,))
    extra = ModuleFactory(course=source, position=1)
    LessonFactory(module=extra, duration_minutes=15)
    target = _course(minutes=(20,))

    # when
    extra.course = target
    extra.save()

    # then
    assert _figures(client, source) == (1, 5, 0)
    assert _figures(client, target) == (2, 35, 0)


# Enrollments -------------------------------------------------------------------------------------


def test_learners_count_active_and_completed_enrollments(client):
    # given
    course = _course(minutes=(5,))
    services.enrollment_create(user=UserFactory(), course=course, type=Enrollment.Type.PAID)
    services.enrollment_create(user=UserFactory(), course=course, type=Enrollment.Type.PAID)
    completed = services.enrollment_create(user=UserFactory(), course=course, type=Enrollment.Type.PAID)

    # when one learner completes the course
    services.lesson_complete(enrollment=completed, lesson=Lesson.objects.get(module__course=course))

    # then completed learners still count
    assert Enrollment.objects.get(pk=completed.pk).status == Enrollment.Status.COMPLETED
    assert _figures(client, course) == (1, 5, 3)


def test_enrolling_for_free_through_the_course_page_counts_the_learner(client):
    # given a free course and a signed-in visitor
    course = _course(minutes=(5,), price_amount=0)
    client.force_login(UserFactory())

    # when they enroll from the course page
    response = client.post(reverse("courses:enroll", kwargs={"slug": course.slug}))

    # then
    assert response.status_code == 302
    assert _figures(client, course) == (1, 5, 1)


def test_refund_and_revoke_stop_counting_the_learner_and_reactivation_counts_again(client):
    # given three learners
    course = _course(minutes=(5,))
    refunded, revoked, _staying = (
        services.enrollment_create(user=UserFactory(), course=course, type=Enrollment.Type.PAID) for _ in range(3)
    )
    assert _figures(client, course) == (1, 5, 3)

    # when one is refunded and one revoked
    services.enrollment_set_status(enrollment=refunded, status=Enrollment.Status.REFUNDED, reason="Refund")
    services.enrollment_revoke(enrollment=revoked, actor=StaffFactory(), reason="Chargeback")

    # then only the learner with access counts
    assert _figures(client, course) == (1, 5, 1)

    # when the revoked learner is granted the course again
    services.enrollment_grant(user=revoked.user, course=course, actor=StaffFactory(), reason="Goodwill")

    # then
    assert _figures(client, course) == (1, 5, 2)


def test_a_learner_visiting_lessons_does_not_change_the_count(client):
    # given an enrolled learner
    course = _course(minutes=(5, 10))
    enrollment = services.enrollment_create(user=UserFactory(), course=course, type=Enrollment.Type.PAID)

    # when they open and complete a lesson
    lesson = Lesson.objects.filter(module__course=course).first()
    services.enrollment_record_visit(enrollment=enrollment, lesson=lesson)
    services.lesson_complete(enrollment=enrollment, lesson=lesson)

    # then
    assert _figures(client, course) == (2, 15, 1)


def test_deleting_an_enrollment_stops_counting_it(client):
    # given
    course = _course(minutes=(5,))
    enrollment = EnrollmentFactory(course=course)
    assert _figures(client, course) == (1, 5, 1)

    # when
    enrollment.delete()

    # then
    assert _figures(client, course) == (1, 5, 0)


def test_the_popular_sort_follows_the_stored_learner_counts(client):
    # given course A with 2 learners, B with 1
    a, b = _course(title="A"), _course(title="B")
    for _ in range(2):
        EnrollmentFactory(course=a)
    EnrollmentFactory(course=b)

    # when a's learners are refunded and b gains one more
    for enrollment in Enrollment.objects.filter(course=a):
        services.enrollment_set_status(enrollment=enrollment, status=Enrollment.Status.REFUNDED)
    EnrollmentFactory(course=b)

    # then B comes first
    response = client.get(reverse("api:course-list"), {"ordering": "popular"})
    assert [row["title"] for row in response.json()["data"]] == ["B", "A"]


@pytest.mark.django_db(transaction=True)
def test_simultaneous_enrollments_are_all_counted(client):
    # given a course and four learners enrolling at the same moment
    course = _course(minutes=(5,))
    learners = UserFactory.create_batch(4)
    barrier = threading.Barrier(len(learners))
    errors = []

    def enroll(user):
        try:
            barrier.wait()
            services.enrollment_create(user=user, course=course, type=Enrollment.Type.PAID)
        except Exception as exc:  # surfaced below: a thread cannot fail the test itself
            errors.append(exc)
        finally:
            connection.close()

    # when
    threads = [threading.Thread(target=enroll, args=(user,)) for user in learners]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # then no count was lost between concurrent transactions
    assert errors == []
    assert _figures(client, course) == (1, 5, 4)


# Bulk writers ------------------------------------------------------------------------------------


def test_seed_demo_stores_figures_for_bulk_inserted_courses(client, stripe_emulator_django):
    # when the demo is seeded with generated courses (bulk inserts, no signals), its purchases paid at the emulator
    call_command("seed_demo", "--scale", "16", stdout=StringIO())

    # then every course's stored figures equal a fresh count
    stored = {c.pk: (c.lessons_count, c.total_minutes, c.learners_count) for c in Course.objects.all()}
    assert len(stored) == 16  # 13 written by hand, 3 generated
    for course in Course.objects.all():
        lessons = Lesson.objects.filter(module__course=course)
        learners = Enrollment.objects.filter(course=course, status__in=Enrollment.HAS_ACCESS)
        expected = (lessons.count(), sum(lesson.duration_minutes for lesson in lessons), learners.count())
        assert stored[course.pk] == expected, course.slug
    assert any(figures[0] > 0 for figures in stored.values())
    assert any(figures[2] > 0 for figures in stored.values())


def test_the_data_migration_fills_figures_of_existing_courses(client):
    # given a course whose stored figures are stale (as every course was before the migration)
    course = _course(minutes=(5, 10))
    EnrollmentFactory(course=course)
    Course.objects.filter(pk=course.pk).update(lessons_count=0, total_minutes=0, learners_count=0)
    migration = importlib.import_module("courses.migrations.0003_fill_course_stats")

    # when the migration's forward step runs
    migration.fill(apps, None)

    # then
    assert _figures(client, course) == (2, 15, 1)
