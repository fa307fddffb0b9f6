import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from courses import services
from courses.models import Certificate, Enrollment, EnrollmentEvent, Lesson, LessonProgress
from courses.tests.factories import (
    CourseFactory,
    EnrollmentFactory,
    LessonFactory,
    LessonProgressFactory,
    course_with_lessons,
)
from innerwork.accounts.tests.factories import StaffFactory, UserFactory
from innerwork.core.tests.at_once import at_once

pytestmark = pytest.mark.django_db


def ordered_lessons(course):
    return list(Lesson.objects.filter(module__course=course))


def complete_all_but_last(enrollment):
    lessons = ordered_lessons(enrollment.course)
    for lesson in lessons[:-1]:
        services.lesson_complete(enrollment=enrollment, lesson=lesson)
    return lessons[-1]


# enrollment_set_status


def test_set_status_records_an_event_with_actor_and_reason():
    # given
    enrollment = EnrollmentFactory()
    staff = StaffFactory()

    # when
    services.enrollment_set_status(
        enrollment=enrollment, status=Enrollment.Status.REFUNDED, actor=staff, reason="Order refunded"
    )

    # then
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.REFUNDED
    event = EnrollmentEvent.objects.get(enrollment=enrollment)
    assert (event.from_status, event.to_status, event.actor, event.reason) == (
        "active",
        "refunded",
        staff,
        "Order refunded",
    )


def test_set_status_refuses_a_transition_not_in_the_map():
    # given: refunded may only go back to active
    enrollment = EnrollmentFactory(status=Enrollment.Status.REFUNDED)

    # when
    with pytest.raises(ValidationError) as error:
        services.enrollment_set_status(enrollment=enrollment, status=Enrollment.Status.COMPLETED)

    # then
    assert error.value.messages == [
        services.ENROLLMENT_TRANSITION_NOT_ALLOWED.format(from_status="refunded", to_status="completed")
    ]
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.REFUNDED
    assert not EnrollmentEvent.objects.exists()


def test_set_status_to_the_current_status_is_a_silent_no_op():
    enrollment = EnrollmentFactory(status=Enrollment.Status.REFUNDED)

    services.enrollment_set_status(enrollment=enrollment, status=Enrollment.Status.REFUNDED)

    assert not EnrollmentEvent.objects.exists()


def test_set_status_reads_the_row_fresh_not_the_callers_stale_copy():
    # given: a copy loaded before somebody else refunded the enrollment
    enrollment = EnrollmentFactory()
    stale = Enrollment.objects.get(pk=enrollment.pk)
    services.enrollment_set_status(enrollment=enrollment, status=Enrollment.Status.REFUNDED)

    # when: the stale copy asks for "completed", which is not allowed from refunded
    with pytest.raises(ValidationError):
        services.enrollment_set_status(enrollment=stale, status=Enrollment.Status.COMPLETED)


@pytest.mark.parametrize("status", [Enrollment.Status.REFUNDED, Enrollment.Status.REVOKED])
def test_losing_access_invalidates_the_certificate(status):
    # given
    enrollment = EnrollmentFactory(status=Enrollment.Status.COMPLETED)
    certificate = services.certificate_issue(enrollment=enrollment)

    # when
    services.enrollment_set_status(enrollment=enrollment, status=status)

    # then
    certificate.refresh_from_db()
    assert certificate.is_valid is False


def test_completing_sets_completed_at_and_reactivating_clears_it():
    enrollment = EnrollmentFactory()

    services.enrollment_set_status(enrollment=enrollment, status=Enrollment.Status.COMPLETED)
    assert enrollment.completed_at is not None
    services.enrollment_set_status(enrollment=enrollment, status=Enrollment.Status.REVOKED)
    services.enrollment_set_status(enrollment=enrollment, status=Enrollment.Status.ACTIVE)

    enrollment.refresh_from_db()
    assert enrollment.completed_at is None


# enrollment_create


def test_create_makes_an_active_enrollment_with_a_creation_event():
    user, course = UserFactory(), CourseFactory()

    enrollment = services.enrollment_create(user=user, course=course, type=Enrollment.Type.PAID, reason="ORD-1")

    assert (enrollment.status, enrollment.type) == ("active", "paid")
    event = enrollment.events.get()
    assert (event.from_status, event.to_status, event.reason) == ("", "active", "ORD-1")


def test_create_twice_returns_the_same_enrollment_and_records_one_event():
    user, course = UserFactory(), CourseFactory()

    first = services.enrollment_create(user=user, course=course, type=Enrollment.Type.PAID)
    second = services.enrollment_create(user=user, course=course, type=Enrollment.Type.PAID)

    assert first.pk == second.pk
    assert Enrollment.objects.count() == 1
    assert EnrollmentEvent.objects.count() == 1


def test_create_keeps_an_existing_active_enrollment_as_it_is():
    enrollment = EnrollmentFactory(type=Enrollment.Type.FREE)

    again = services.enrollment_create(user=enrollment.user, course=enrollment.course, type=Enrollment.Type.GIFTED)

    assert again.pk == enrollment.pk
    assert again.type == Enrollment.Type.FREE


def test_create_reactivates_a_refunded_enrollment_with_the_new_type_and_keeps_progress():
    # given
    course = course_with_lessons(modules=1, lessons_per_module=3)
    enrollment = services.enrollment_create(user=UserFactory(), course=course, type=Enrollment.Type.PAID)
    services.lesson_complete(enrollment=enrollment, lesson=ordered_lessons(course)[0])
    services.enrollment_set_status(enrollment=enrollment, status=Enrollment.Status.REFUNDED)

    # when
    again = services.enrollment_create(user=enrollment.user, course=course, type=Enrollment.Type.GIFTED)

    # then
    assert again.pk == enrollment.pk
    assert (again.status, again.type) == ("active", "gifted")
    assert LessonProgress.objects.filter(enrollment=again).count() == 1
    assert list(again.events.values_list("to_status", flat=True)) == ["active", "refunded", "active"]


def test_reactivating_a_finished_enrollment_completes_it_again_and_revalidates_the_same_certificate():
    # given: finished, certificate issued, then refunded
    course = course_with_lessons(modules=1, lessons_per_module=2)
    enrollment = services.enrollment_create(user=UserFactory(), course=course, type=Enrollment.Type.PAID)
    for lesson in ordered_lessons(course):
        services.lesson_complete(enrollment=enrollment, lesson=lesson)
    code = enrollment.certificate.code
    services.enrollment_set_status(enrollment=enrollment, status=Enrollment.Status.REFUNDED)

    # when
    again = services.enrollment_create(user=enrollment.user, course=course, type=Enrollment.Type.PAID)

    # then
    assert again.status == Enrollment.Status.COMPLETED
    certificate = Certificate.objects.get(enrollment=again)
    assert (certificate.code, certificate.is_valid) == (code, True)


@pytest.mark.django_db(transaction=True)
def test_concurrent_creates_give_one_enrollment():
    # given
    user, course = UserFactory(), CourseFactory()

    # when
    def enroll():
        return services.enrollment_create(user=user, course=course, type=Enrollment.Type.PAID)

    _, errors = at_once(enroll, times=4)

    # then
    assert errors == []
    assert Enrollment.objects.filter(user=user, course=course).count() == 1
    assert EnrollmentEvent.objects.count() == 1


# enrollment_enroll_free, grant, revoke


def test_enroll_free_creates_a_free_enrollment_recorded_as_self_service():
    user = UserFactory()
    course = CourseFactory(price_amount=0)

    enrollment = services.enrollment_enroll_free(user=user, course=course)

    assert (enrollment.type, enrollment.status) == ("free", "active")
    assert enrollment.events.get().actor == user


def test_enroll_free_refuses_a_paid_course():
    with pytest.raises(ValidationError) as error:
        services.enrollment_enroll_free(user=UserFactory(), course=CourseFactory(price_amount=4900))

    assert error.value.messages == [services.COURSE_NOT_FREE]
    assert not Enrollment.objects.exists()


def test_enroll_free_refuses_an_unpublished_course():
    with pytest.raises(ValidationError) as error:
        services.enrollment_enroll_free(user=UserFactory(), course=CourseFactory(price_amount=0, is_published=False))

    assert error.value.messages == [services.COURSE_NOT_AVAILABLE]


def test_grant_gives_a_gifted_enrollment_remembering_who_granted_it():
    staff, user, course = StaffFactory(), UserFactory(), CourseFactory()

    enrollment = services.enrollment_grant(user=user, course=course, actor=staff, reason="Scholarship")

    assert (enrollment.type, enrollment.granted_by) == ("gifted", staff)
    event = enrollment.events.get()
    assert (event.actor, event.reason) == (staff, "Scholarship")


def test_revoke_closes_the_course_with_the_reason_recorded():
    enrollment, staff = EnrollmentFactory(), StaffFactory()

    services.enrollment_revoke(enrollment=enrollment, actor=staff, reason="Chargeback")

    enrollment.refresh_from_db()
    assert (enrollment.status, enrollment.status_reason) == ("revoked", "Chargeback")
    assert enrollment.events.get().actor == staff


def test_revoke_requires_a_reason():
    enrollment = EnrollmentFactory()

    with pytest.raises(ValidationError) as error:
        services.enrollment_revoke(enrollment=enrollment, actor=StaffFactory(), reason="  ")

    assert error.value.messages == [services.REVOKE_REASON_REQUIRED]
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.ACTIVE


# lesson_complete


def test_completing_a_lesson_records_progress_and_remembers_it_as_last_activity():
    course = course_with_lessons(modules=1, lessons_per_module=3)
    enrollment = EnrollmentFactory(course=course)
    lesson = ordered_lessons(course)[1]

    progress = services.lesson_complete(enrollment=enrollment, lesson=lesson)

    assert progress.lesson == lesson
    enrollment.refresh_from_db()
    assert enrollment.last_lesson == lesson
    assert enrollment.last_activity_at is not None
    assert enrollment.status == Enrollment.Status.ACTIVE


def test_completing_a_lesson_twice_keeps_one_row_and_the_first_time():
    course = course_with_lessons(modules=1, lessons_per_module=3)
    enrollment = EnrollmentFactory(course=course)
    lesson = ordered_lessons(course)[0]

    first = services.lesson_complete(enrollment=enrollment, lesson=lesson)
    second = services.lesson_complete(enrollment=enrollment, lesson=lesson)

    assert first.pk == second.pk
    assert second.completed_at == first.completed_at
    assert LessonProgress.objects.count() == 1


def test_completing_a_lesson_of_another_course_is_refused():
    enrollment = EnrollmentFactory(course=course_with_lessons(modules=1, lessons_per_module=1))
    foreign = LessonFactory()

    with pytest.raises(ValidationError) as error:
        services.lesson_complete(enrollment=enrollment, lesson=foreign)

    assert error.value.messages == [services.LESSON_NOT_IN_COURSE]
    assert not LessonProgress.objects.exists()


@pytest.mark.parametrize("status", [Enrollment.Status.REFUNDED, Enrollment.Status.REVOKED])
def test_a_closed_enrollment_cannot_record_progress(status):
    course = course_with_lessons(modules=1, lessons_per_module=2)
    enrollment = EnrollmentFactory(course=course, status=status)

    with pytest.raises(ValidationError) as error:
        services.lesson_complete(enrollment=enrollment, lesson=ordered_lessons(course)[0])

    assert error.value.messages == [services.ENROLLMENT_HAS_NO_ACCESS]
    assert not LessonProgress.objects.exists()


def test_the_last_lesson_completes_the_enrollment_and_issues_the_certificate():
    # given
    course = course_with_lessons(modules=2, lessons_per_module=2)
    enrollment = services.enrollment_create(user=UserFactory(full_name="Ada Lovelace"), course=course, type="free")
    last = complete_all_but_last(enrollment)
    assert not Certificate.objects.exists()

    # when
    services.lesson_complete(enrollment=enrollment, lesson=last)

    # then
    assert enrollment.status == Enrollment.Status.COMPLETED
    assert enrollment.completed_at is not None
    certificate = Certificate.objects.get(enrollment=enrollment)
    assert certificate.learner_name == "Ada Lovelace"
    assert certificate.course_title == course.title
    assert certificate.instructor_name == course.instructor.get_full_name()
    assert certificate.is_valid
    assert list(enrollment.events.values_list("to_status", flat=True)) == ["active", "completed"]


def test_lessons_completed_in_any_order_complete_the_course():
    course = course_with_lessons(modules=1, lessons_per_module=3)
    enrollment = EnrollmentFactory(course=course)

    for lesson in reversed(ordered_lessons(course)):
        services.lesson_complete(enrollment=enrollment, lesson=lesson)

    assert enrollment.status == Enrollment.Status.COMPLETED
    assert Certificate.objects.filter(enrollment=enrollment).count() == 1


def test_reopening_a_lesson_after_completion_issues_nothing_more():
    course = course_with_lessons(modules=1, lessons_per_module=2)
    enrollment = EnrollmentFactory(course=course)
    for lesson in ordered_lessons(course):
        services.lesson_complete(enrollment=enrollment, lesson=lesson)

    services.lesson_complete(enrollment=enrollment, lesson=ordered_lessons(course)[0])

    assert Certificate.objects.count() == 1
    assert enrollment.events.filter(to_status="completed").count() == 1


def test_progress_from_another_enrollment_does_not_count():
    # given: someone else finished the course
    course = course_with_lessons(modules=1, lessons_per_module=2)
    other = EnrollmentFactory(course=course)
    for lesson in ordered_lessons(course):
        LessonProgressFactory(enrollment=other, lesson=lesson)
    mine = EnrollmentFactory(course=course)

    # when
    services.lesson_complete(enrollment=mine, lesson=ordered_lessons(course)[0])

    # then
    assert mine.status == Enrollment.Status.ACTIVE


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_completions_of_the_last_lesson_give_one_certificate():
    # given: every lesson but the last is done
    course = course_with_lessons(modules=1, lessons_per_module=3)
    enrollment = EnrollmentFactory(course=course)
    last = complete_all_but_last(enrollment)
    barrier = threading.Barrier(2)
    errors = []

    def complete():
        try:
            mine = Enrollment.objects.get(pk=enrollment.pk)
            barrier.wait()
            services.lesson_complete(enrollment=mine, lesson=last)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    # when
    threads = [threading.Thread(target=complete) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # then
    assert errors == []
    assert Certificate.objects.filter(enrollment=enrollment).count() == 1
    assert LessonProgress.objects.filter(enrollment=enrollment).count() == 3
    assert EnrollmentEvent.objects.filter(enrollment=enrollment, to_status="completed").count() == 1


@pytest.mark.django_db(transaction=True)
def test_simultaneous_completion_of_the_two_remaining_lessons_still_completes_the_course():
    # given: two lessons left, completed at the same moment by two requests
    course = course_with_lessons(modules=1, lessons_per_module=4)
    enrollment = EnrollmentFactory(course=course)
    lessons = ordered_lessons(course)
    for lesson in lessons[:2]:
        services.lesson_complete(enrollment=enrollment, lesson=lesson)
    barrier = threading.Barrier(2)
    errors = []

    def complete(lesson):
        try:
            mine = Enrollment.objects.get(pk=enrollment.pk)
            barrier.wait()
            services.lesson_complete(enrollment=mine, lesson=lesson)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    # when
    threads = [threading.Thread(target=complete, args=(lesson,)) for lesson in lessons[2:]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # then: neither saw "one left" and gave up; the course is complete with one certificate
    assert errors == []
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.COMPLETED
    assert Certificate.objects.filter(enrollment=enrollment).count() == 1


# certificate_issue


def test_certificate_issue_is_idempotent():
    enrollment = EnrollmentFactory(status=Enrollment.Status.COMPLETED)

    first = services.certificate_issue(enrollment=enrollment)
    second = services.certificate_issue(enrollment=enrollment)

    assert first.pk == second.pk
    assert Certificate.objects.count() == 1


def test_certificate_freezes_names_at_issue_time():
    enrollment = EnrollmentFactory(status=Enrollment.Status.COMPLETED, user=UserFactory(full_name="Grace Hopper"))
    certificate = services.certificate_issue(enrollment=enrollment)

    enrollment.user.full_name = "Someone Else"
    enrollment.user.save()
    enrollment.course.title = "Renamed course"
    enrollment.course.save()

    certificate.refresh_from_db()
    assert (certificate.learner_name, certificate.course_title) != ("Someone Else", "Renamed course")
    assert certificate.learner_name == "Grace Hopper"


def test_certificate_needs_a_completed_enrollment():
    with pytest.raises(ValidationError) as error:
        services.certificate_issue(enrollment=EnrollmentFactory())

    assert error.value.messages == [services.CERTIFICATE_NOT_EARNED]
    assert not Certificate.objects.exists()
