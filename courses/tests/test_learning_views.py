import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from courses import services
from courses.models import Enrollment, Lesson, LessonProgress
from courses.tests.factories import CourseFactory, course_with_lessons
from courses.views import learning
from innerwork.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def lessons(course):
    return list(Lesson.objects.filter(module__course=course))


def lesson_url(course, lesson):
    return reverse("courses:lesson", kwargs={"slug": course.slug, "lesson_id": lesson.pk})


def complete_url(course, lesson):
    return reverse("courses:lesson_complete", kwargs={"slug": course.slug, "lesson_id": lesson.pk})


def messages_of(response):
    return [str(message) for message in response.context["messages"]] if response.context else []


@pytest.fixture
def course():
    return course_with_lessons(modules=2, lessons_per_module=2, price_amount=0)


@pytest.fixture
def learner(client, course):
    user = UserFactory(full_name="Ada Lovelace")
    client.force_login(user)
    return user


@pytest.fixture
def enrollment(learner, course):
    return services.enrollment_create(user=learner, course=course, type=Enrollment.Type.FREE)


# Enrolling


def test_signed_in_user_enrolls_in_a_free_course_and_lands_on_the_first_lesson(client, learner, course):
    response = client.post(reverse("courses:enroll", kwargs={"slug": course.slug}), follow=True)

    assertRedirects(response, lesson_url(course, lessons(course)[0]))
    assert Enrollment.objects.get(user=learner, course=course).type == Enrollment.Type.FREE
    assert learning.ENROLLED in messages_of(response)


def test_enrolling_twice_keeps_one_enrollment(client, enrollment, course):
    response = client.post(reverse("courses:enroll", kwargs={"slug": course.slug}), follow=True)

    assert Enrollment.objects.count() == 1
    assert learning.ALREADY_ENROLLED in messages_of(response)


def test_a_paid_course_cannot_be_enrolled_in_for_free(client, learner):
    paid = course_with_lessons(modules=1, lessons_per_module=1, price_amount=4900)

    response = client.post(reverse("courses:enroll", kwargs={"slug": paid.slug}), follow=True)

    assertRedirects(response, paid.get_absolute_url(), fetch_redirect_response=False)
    assert not Enrollment.objects.exists()
    assert services.COURSE_NOT_FREE in messages_of(response)


def test_anonymous_enroll_goes_to_login(client, course):
    response = client.post(reverse("courses:enroll", kwargs={"slug": course.slug}))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert not Enrollment.objects.exists()


def test_enroll_in_an_unpublished_course_is_a_404(client, learner):
    draft = CourseFactory(price_amount=0, is_published=False)

    response = client.post(reverse("courses:enroll", kwargs={"slug": draft.slug}))

    assert response.status_code == 404
    assert not Enrollment.objects.exists()


# Reading lessons


def test_enrolled_learner_reads_a_lesson_with_outline_body_and_mark_complete(client, enrollment, course):
    # given
    first, second = lessons(course)[:2]
    services.lesson_complete(enrollment=enrollment, lesson=first)
    Lesson.objects.filter(pk=second.pk).update(body="## Breathing\n\nInhale for **four** counts.", duration_minutes=12)

    # when
    response = client.get(lesson_url(course, second))

    # then
    assert response.status_code == 200
    assertContains(response, "<h2>Breathing</h2>", html=True)
    assertContains(response, "<strong>four</strong>", html=True)
    assertContains(response, "12 min")
    assertContains(response, "Mark complete")
    assertContains(response, f'action="{complete_url(course, second)}"')
    assertContains(response, f'href="{lesson_url(course, second)}" aria-current="page"', count=1)
    assertContains(response, "learn-tick--done", count=1)
    assertContains(response, "(completed)", count=1)
    assertContains(response, 'rel="prev"')
    assertContains(response, 'rel="next"')
    assertContains(response, "25%")


def test_a_script_in_a_lesson_body_is_removed(client, enrollment, course):
    lesson = lessons(course)[0]
    Lesson.objects.filter(pk=lesson.pk).update(
        body='Hello <script>document.title = "pwned"</script><img src="x" onerror="alert(1)">'
    )

    response = client.get(lesson_url(course, lesson))

    assertContains(response, "Hello")
    assertNotContains(response, 'document.title = "pwned"')
    assertNotContains(response, "onerror")


def test_opening_a_lesson_remembers_it_for_resume(client, enrollment, course):
    third = lessons(course)[2]

    client.get(lesson_url(course, third))

    enrollment.refresh_from_db()
    assert enrollment.last_lesson == third


def test_anonymous_visitor_reads_a_preview_lesson_with_a_call_to_enroll(client, course):
    preview = lessons(course)[0]
    assert preview.is_preview

    response = client.get(lesson_url(course, preview))

    assert response.status_code == 200
    assertContains(response, "free preview")
    assertContains(response, "Sign up to enroll for free")
    assertNotContains(response, "Mark complete")
    assertContains(response, "(locked)", count=3)


def test_signed_in_visitor_of_a_paid_course_preview_is_offered_the_course(client, learner):
    paid = course_with_lessons(modules=1, lessons_per_module=2, price_amount=4900)

    response = client.get(lesson_url(paid, lessons(paid)[0]))

    assertContains(response, "Get the course · $49.00")
    assertNotContains(response, "Mark complete")


def test_anonymous_visitor_is_sent_to_login_for_a_non_preview_lesson(client, course):
    lesson = lessons(course)[1]

    response = client.get(lesson_url(course, lesson))

    login = f"{reverse('account_login')}?next={lesson_url(course, lesson)}"
    assertRedirects(response, login, fetch_redirect_response=False)


def test_signed_in_user_without_enrollment_is_sent_to_the_course_page(client, learner, course):
    response = client.get(lesson_url(course, lessons(course)[1]), follow=True)

    assertRedirects(response, course.get_absolute_url())
    assert learning.LESSON_NEEDS_ENROLLMENT in messages_of(response)


@pytest.mark.parametrize("status", [Enrollment.Status.REFUNDED, Enrollment.Status.REVOKED])
def test_a_refunded_or_revoked_enrollment_closes_the_lessons(client, enrollment, course, status):
    services.enrollment_set_status(enrollment=enrollment, status=status)

    response = client.get(lesson_url(course, lessons(course)[1]), follow=True)

    assertRedirects(response, course.get_absolute_url())
    assert learning.ACCESS_ENDED in messages_of(response)


def test_enrollment_in_another_course_gives_no_access(client, learner, course):
    services.enrollment_create(user=learner, course=CourseFactory(), type=Enrollment.Type.PAID)

    response = client.get(lesson_url(course, lessons(course)[1]))

    assertRedirects(response, course.get_absolute_url(), fetch_redirect_response=False)


def test_unknown_course_is_a_404(client, learner):
    response = client.get(reverse("courses:lesson", kwargs={"slug": "no-such-course", "lesson_id": 1}))

    assert response.status_code == 404


def test_unknown_lesson_is_a_404(client, enrollment, course):
    response = client.get(reverse("courses:lesson", kwargs={"slug": course.slug, "lesson_id": 999_999}))

    assert response.status_code == 404


def test_a_lesson_of_another_course_is_a_404_even_for_a_preview(client, enrollment, course):
    other = course_with_lessons(modules=1, lessons_per_module=1)

    response = client.get(lesson_url(course, lessons(other)[0]))

    assert response.status_code == 404


def test_lessons_of_an_unpublished_course_are_a_404_for_learners(client, enrollment, course):
    course.is_published = False
    course.save()

    response = client.get(lesson_url(course, lessons(course)[0]))

    assert response.status_code == 404


def test_lesson_page_runs_a_small_constant_number_of_queries(
    client, enrollment, course, django_assert_max_num_queries, django_assert_num_queries
):
    big = course_with_lessons(modules=5, lessons_per_module=8, price_amount=0)
    big_enrollment = services.enrollment_create(user=enrollment.user, course=big, type=Enrollment.Type.FREE)
    for lesson in lessons(big)[:10]:
        services.lesson_complete(enrollment=big_enrollment, lesson=lesson)

    small_url, large_url = lesson_url(course, lessons(course)[1]), lesson_url(big, lessons(big)[20])

    # ours: course, enrollment, completed ids, outline, lesson body, remember the visit, the lesson's video
    # and its downloads, the lesson's exercises, the course's exercise progress; plus what every page costs
    # (session, user, site-wide context such as the cart)
    with django_assert_max_num_queries(14) as few:
        small = client.get(small_url)
    with django_assert_num_queries(len(few.captured_queries)):
        large = client.get(large_url)

    assert small.status_code == large.status_code == 200


# Marking lessons complete


def test_mark_complete_records_progress_and_goes_to_the_next_lesson(client, enrollment, course):
    first, second = lessons(course)[:2]

    response = client.post(complete_url(course, first))

    assertRedirects(response, lesson_url(course, second), fetch_redirect_response=False)
    assert LessonProgress.objects.filter(enrollment=enrollment, lesson=first).exists()


def test_mark_complete_on_the_last_lesson_shows_completion_and_the_certificate(client, enrollment, course):
    # given
    *others, last = lessons(course)
    for lesson in others:
        services.lesson_complete(enrollment=enrollment, lesson=lesson)

    # when
    response = client.post(complete_url(course, last), follow=True)

    # then
    assertRedirects(response, lesson_url(course, last))
    assert learning.COURSE_COMPLETED in messages_of(response)
    assertContains(response, f"You completed {course.title}")
    assertContains(response, reverse("courses:certificate_download", kwargs={"slug": course.slug}))
    assertContains(response, enrollment.certificate.code)
    assertContains(response, "100%")
    assertNotContains(response, ">Mark complete<")


def test_mark_complete_with_htmx_moves_to_the_next_lesson_in_place(client, enrollment, course):
    first, second = lessons(course)[:2]

    response = client.post(complete_url(course, first), headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert f'"path": "{lesson_url(course, second)}"' in response["HX-Location"]
    assert '"target": "#main"' in response["HX-Location"]
    assert LessonProgress.objects.filter(enrollment=enrollment, lesson=first).exists()


def test_mark_complete_with_htmx_on_the_last_lesson_returns_the_completed_page(client, enrollment, course):
    *others, last = lessons(course)
    for lesson in others:
        services.lesson_complete(enrollment=enrollment, lesson=lesson)

    response = client.post(complete_url(course, last), headers={"HX-Request": "true"})

    assert response.status_code == 200
    assertContains(response, 'id="main"')
    assertContains(response, learning.COURSE_COMPLETED)
    assertContains(response, f"You completed {course.title}")
    assertContains(response, "Download certificate")


def test_a_lesson_fetched_by_htmx_puts_focus_on_its_title(client, enrollment, course):
    url = lesson_url(course, lessons(course)[1])

    swapped = client.get(url, headers={"HX-Request": "true"})
    loaded = client.get(url)

    assertContains(swapped, 'class="learn-lesson__title" tabindex="-1" autofocus')
    assertNotContains(loaded, "autofocus")


def test_user_without_enrollment_cannot_post_progress(client, learner, course):
    response = client.post(complete_url(course, lessons(course)[0]))

    assert response.status_code == 403
    assert not LessonProgress.objects.exists()


def test_progress_is_always_recorded_for_the_signed_in_user_only(client, enrollment, course):
    # given: another learner in the same course
    other = services.enrollment_create(user=UserFactory(), course=course, type=Enrollment.Type.FREE)

    # when: the signed-in learner posts, whatever they try to pass along
    client.post(complete_url(course, lessons(course)[0]), data={"enrollment": other.pk, "user": other.user_id})

    # then
    assert not LessonProgress.objects.filter(enrollment=other).exists()
    assert LessonProgress.objects.filter(enrollment=enrollment).count() == 1


def test_a_revoked_enrollment_cannot_post_progress(client, enrollment, course):
    services.enrollment_revoke(enrollment=enrollment, actor=UserFactory(is_staff=True), reason="Abuse")

    response = client.post(complete_url(course, lessons(course)[0]))

    assert response.status_code == 403
    assert not LessonProgress.objects.exists()


def test_anonymous_post_of_progress_goes_to_login(client, course):
    response = client.post(complete_url(course, lessons(course)[0]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert not LessonProgress.objects.exists()


def test_posting_progress_for_a_lesson_of_another_course_is_a_404(client, enrollment, course):
    other = course_with_lessons(modules=1, lessons_per_module=1)

    response = client.post(complete_url(course, lessons(other)[0]))

    assert response.status_code == 404
    assert not LessonProgress.objects.exists()


def test_mark_complete_needs_a_csrf_token(enrollment, course):
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(enrollment.user)

    response = csrf_client.post(complete_url(course, lessons(course)[0]))

    assert response.status_code == 403
    assert not LessonProgress.objects.exists()


@pytest.mark.parametrize(
    "name",
    ["courses:enroll", "courses:lesson_complete"],
)
def test_get_on_post_only_endpoints_is_405(client, enrollment, course, name):
    kwargs = {"slug": course.slug}
    if name == "courses:lesson_complete":
        kwargs["lesson_id"] = lessons(course)[0].pk

    response = client.get(reverse(name, kwargs=kwargs))

    assert response.status_code == 405
    assert not LessonProgress.objects.exists()


# Resume


def test_resume_starts_at_the_first_lesson(client, enrollment, course):
    response = client.get(reverse("courses:resume", kwargs={"slug": course.slug}))

    assertRedirects(response, lesson_url(course, lessons(course)[0]), fetch_redirect_response=False)


def test_resume_returns_to_the_last_lesson_visited(client, enrollment, course):
    third = lessons(course)[2]
    client.get(lesson_url(course, third))

    response = client.get(reverse("courses:resume", kwargs={"slug": course.slug}))

    assertRedirects(response, lesson_url(course, third), fetch_redirect_response=False)


def test_resume_skips_past_a_completed_last_lesson_to_the_next_incomplete(client, enrollment, course):
    first, _second, third, fourth = lessons(course)
    for lesson in (first, third):
        services.lesson_complete(enrollment=enrollment, lesson=lesson)

    response = client.get(reverse("courses:resume", kwargs={"slug": course.slug}))

    # last activity was lesson 3 (complete): the next incomplete after it is lesson 4, not lesson 2
    assertRedirects(response, lesson_url(course, fourth), fetch_redirect_response=False)


def test_resume_without_enrollment_goes_to_the_course_page(client, learner, course):
    response = client.get(reverse("courses:resume", kwargs={"slug": course.slug}))

    assertRedirects(response, course.get_absolute_url(), fetch_redirect_response=False)
