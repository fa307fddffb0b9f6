"""Cached catalogue, course and dashboard pages: the same HTML as a fresh render, for this viewer only,
and every change shown on the next request (innerwork/core/page_cache.py, courses/page_cache.py)."""

import re
import threading
from datetime import timedelta

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.cache import cache
from django.db import connection, transaction
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from commerce.tests.factories import CartItemFactory
from courses import services
from courses.models import Category, Course, Enrollment, Lesson
from courses.tests.factories import CategoryFactory, CourseFactory, LessonFactory, course_with_lessons
from innerwork.accounts.tests.factories import StaffFactory, UserFactory
from innerwork.core import page_cache

pytestmark = pytest.mark.django_db

CATALOGUE = reverse("courses:catalogue")
DASHBOARD = reverse("courses:dashboard")
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PAGE_CACHE = True
    cache.clear()


def _url(course) -> str:
    return course.get_absolute_url()


def html(client, url, params=None) -> str:
    response = client.get(url, params or {})
    assert response.status_code == 200
    return response.content.decode()


def served_from_cache(client, url) -> str:
    """The page, asserting it cost no query but the session's and the user's."""
    with CaptureQueriesContext(connection) as captured:
        page = html(client, url)
    tables = [re.search(r'FROM "(\w+)"', query["sql"]).group(1) for query in captured]
    assert set(tables) <= {"django_session", "accounts_user"}, tables
    return page


def without_csrf(client, page: str) -> str:
    """The page with its CSRF tokens blanked, after checking each is the viewer's own (same secret as their cookie)."""
    for token in CSRF_INPUT.findall(page):
        assert _unmask_cipher_token(token) == client.cookies["csrftoken"].value
    return CSRF_INPUT.sub('name="csrfmiddlewaretoken" value=""', page)


def fresh(client, settings, url) -> str:
    settings.PAGE_CACHE = False
    try:
        return html(client, url)
    finally:
        settings.PAGE_CACHE = True


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# The same page, cached or not


VIEWS = [
    (who, page)
    for who in ("visitor", "learner", "staff")
    for page in ("catalogue", "free course", "paid course", "dashboard")
    if not (who == "visitor" and page == "dashboard")  # the dashboard is for signed-in people only
]


@pytest.mark.parametrize(("who", "page"), VIEWS)
def test_a_cached_page_is_exactly_what_a_fresh_render_shows(client, settings, who, page):
    # given a catalogue with a free and a paid course, and a person enrolled in one with progress
    free = course_with_lessons(title="Free Calm", price_amount=0)
    paid = course_with_lessons(title="Paid Focus", price_amount=4900)
    user = StaffFactory() if who == "staff" else UserFactory()
    enrollment = services.enrollment_create(user=user, course=paid, type=Enrollment.Type.PAID)
    services.lesson_complete(enrollment=enrollment, lesson=Lesson.objects.filter(module__course=paid).first())
    if who != "visitor":
        client.force_login(user)
    url = {"catalogue": CATALOGUE, "free course": _url(free), "paid course": _url(paid), "dashboard": DASHBOARD}[page]

    # when the page is rendered, then served again
    first = html(client, url)
    again = served_from_cache(client, url)

    # then both are what a render without the cache shows this viewer, their own CSRF tokens included
    assert (
        without_csrf(client, again) == without_csrf(client, first) == without_csrf(client, fresh(client, settings, url))
    )


def test_a_cached_page_costs_the_same_few_queries_for_3_or_300_courses(client):
    learner = UserFactory()
    client.force_login(learner)
    CourseFactory.create_batch(3)
    html(client, CATALOGUE)
    with CaptureQueriesContext(connection) as small:
        served_from_cache(client, CATALOGUE)

    CourseFactory.create_batch(297, category=CategoryFactory(), instructor=UserFactory())
    html(client, CATALOGUE)
    with CaptureQueriesContext(connection) as large:
        served_from_cache(client, CATALOGUE)

    assert len(small) == len(large) == 2  # the session and the user


# Catalogue changes, by any path, show on the next request


def _retitle(course):
    course.title = "Renamed Course"
    course.save()
    return "Renamed Course"


def _reprice_in_bulk(course):
    Course.objects.filter(pk=course.pk).update(price_amount=1234)  # as admin bulk edits do: no signal
    return "$12.34"


def _add_lesson(course):
    LessonFactory(module=course.modules.first(), duration_minutes=7)
    return "7 lessons"


def _rename_category(course):
    Category.objects.filter(pk=course.category_id).update(name="Brand New Category")
    return "Brand New Category"


def _rename_instructor(course):
    course.instructor.full_name = "Nadia Newname"
    course.instructor.save()
    return "Nadia Newname"


@pytest.mark.parametrize("change", [_retitle, _reprice_in_bulk, _add_lesson, _rename_category, _rename_instructor])
def test_a_catalogue_change_shows_at_once_on_cached_pages(client, change):
    # given the catalogue and a course page already cached for visitors
    course = course_with_lessons(modules=2, lessons_per_module=3, title="Original Course")
    html(client, CATALOGUE)
    html(client, _url(course))

    # when the course, its syllabus, category or instructor changes
    shown = change(course)

    # then the next visitor sees it on both pages
    assert shown in html(client, CATALOGUE)
    assert shown in html(client, _url(course))


def test_publish_and_unpublish_through_the_admin_show_at_once(client):
    # given a published course and a draft, both pages cached for visitors
    live = course_with_lessons(title="Live Course")
    draft = course_with_lessons(title="Draft Course", is_published=False, published_at=None)
    assert "Live Course" in html(client, CATALOGUE)
    assert "Draft Course" not in html(client, CATALOGUE)
    html(client, _url(live))
    staff = signed_in(StaffFactory())
    changelist = reverse("admin:courses_course_changelist")

    # when staff unpublish one and publish the other with the admin's bulk actions
    staff.post(changelist, {"action": "unpublish", ACTION_CHECKBOX_NAME: [live.pk]})
    staff.post(changelist, {"action": "publish", ACTION_CHECKBOX_NAME: [draft.pk]})

    # then visitors see the catalogue as it is now, and the unpublished page is gone
    page = html(client, CATALOGUE)
    assert "Draft Course" in page
    assert "Live Course" not in page
    assert client.get(_url(live)).status_code == 404


# The viewer's own changes show at once


def test_enrolling_shows_on_the_course_page_catalogue_and_dashboard_at_once(client):
    learner = UserFactory()
    client.force_login(learner)
    course = course_with_lessons(title="Free Calm", price_amount=0)
    assert "Enroll for free" in html(client, _url(course))
    assert "badge--success" not in html(client, CATALOGUE)
    assert "Your learning starts here." in html(client, DASHBOARD)

    client.post(reverse("courses:enroll", kwargs={"slug": course.slug}))

    assert "Continue learning" in html(client, _url(course))
    assert '<span class="badge badge--success">Enrolled</span>' in html(client, CATALOGUE)
    assert "Free Calm" in html(client, DASHBOARD)


def _lessons_done(page: str) -> str:
    return re.search(r'<p class="dash-stat__value">(\d+)</p>\s*<p class="dash-stat__label">Lessons? done', page)[1]


def test_progress_and_the_last_lesson_opened_show_on_the_dashboard_at_once(client):
    learner = UserFactory()
    client.force_login(learner)
    first = course_with_lessons(title="First Course", price_amount=0)
    second = course_with_lessons(title="Second Course", price_amount=0)
    for course in (first, second):
        services.enrollment_enroll_free(user=learner, course=course)
    lesson = Lesson.objects.filter(module__course=first).first()
    assert _lessons_done(html(client, DASHBOARD)) == "0"

    # when the learner completes a lesson of the first course
    client.post(reverse("courses:lesson_complete", kwargs={"slug": first.slug, "lesson_id": lesson.pk}))
    page = html(client, DASHBOARD)
    assert _lessons_done(page) == "1"
    assert page.index("First Course") < page.index("Second Course")  # most recently studied first

    # and then opens a lesson of the second (a visit is recorded by an update, without a signal)
    other = Lesson.objects.filter(module__course=second).first()
    html(client, reverse("courses:lesson", kwargs={"slug": second.slug, "lesson_id": other.pk}))
    page = html(client, DASHBOARD)
    assert page.index("Second Course") < page.index("First Course")


def test_a_renamed_learner_is_greeted_by_their_new_name(client):
    learner = UserFactory(full_name="Ada Lovelace")
    client.force_login(learner)
    assert "Welcome back, Ada" in html(client, DASHBOARD)

    learner.full_name = "Grace Hopper"
    learner.save()

    assert "Welcome back, Grace" in html(client, DASHBOARD)


def test_a_visitors_cart_shows_in_the_header_and_buy_box_at_once(client):
    course = CourseFactory(price_amount=4900)
    page = html(client, _url(course))
    assert "Add to cart" in page
    assert 'data-cart-count="0"' in html(client, CATALOGUE)

    client.post(reverse("commerce:cart_add"), {"kind": "course", "ref": str(course.pk)})

    assert "In your cart" in html(client, _url(course))
    assert 'data-cart-count="1"' in html(client, CATALOGUE)


def test_a_signed_in_cart_and_wishlist_show_at_once_and_the_message_once(client):
    customer = UserFactory()
    client.force_login(customer)
    course = CourseFactory(price_amount=4900)
    html(client, _url(course))
    html(client, CATALOGUE)

    # an item added elsewhere (another device, a merge at login) shows too
    CartItemFactory(cart__user=customer, kind="course", ref=str(course.pk))
    assert "In your cart" in html(client, _url(course))
    assert 'data-cart-count="1"' in html(client, CATALOGUE)

    # saving to the wishlist brings them back to the page with a message, shown once
    response = client.post(
        reverse("commerce:wishlist_add"), {"kind": "course", "ref": str(course.pk), "next": _url(course)}, follow=True
    )
    assert "Saved to wishlist" in response.content.decode()
    assert 'class="messages"' in response.content.decode()
    again = html(client, _url(course))
    assert "Saved to wishlist" in again
    assert 'class="messages"' not in again


# One viewer's page never reaches another


def test_one_persons_cached_pages_never_reach_another_person_or_a_visitor(settings):
    # given Ann, enrolled in one course with another in her cart, who has seen every page
    enrolled = course_with_lessons(title="Ann Enrolled Here", price_amount=0)
    wanted = CourseFactory(title="Ann Wants This", price_amount=4900)
    ann, bob = UserFactory(full_name="Ann Archer"), UserFactory(full_name="Bob Baker")
    services.enrollment_enroll_free(user=ann, course=enrolled)
    CartItemFactory(cart__user=ann, kind="course", ref=str(wanted.pk))
    ann_client, bob_client, visitor = signed_in(ann), signed_in(bob), Client()
    pages = [CATALOGUE, _url(enrolled), _url(wanted), DASHBOARD]
    ann_pages = {url: html(ann_client, url) for url in pages}
    assert "In your cart" in ann_pages[_url(wanted)]
    assert "Welcome back, Ann" in ann_pages[DASHBOARD]

    # when Bob and then a visitor open the same pages
    for client in (bob_client, visitor):
        for url in pages:
            response = client.get(url)
            if url == DASHBOARD and client is visitor:
                assert response.status_code == 302
                continue
            page = response.content.decode()

            # then each sees their own page: no trace of Ann, their own CSRF tokens, what a fresh render shows
            assert "Ann Archer" not in page
            assert "Welcome back, Ann" not in page
            assert "In your cart" not in page
            assert 'data-cart-count="0"' in page
            assert "badge--success" not in page
            assert "Continue learning" not in page
            assert without_csrf(client, page) == without_csrf(client, fresh(client, settings, url))
    assert "Welcome back, Bob" in html(bob_client, DASHBOARD)


def test_visitors_sharing_a_cached_page_each_get_their_own_csrf_token():
    # given a paid course page (its buy box has forms) cached by one visitor
    course = CourseFactory(price_amount=4900)
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    html(first, _url(course))

    # when another visitor is served the cached copy
    page = served_from_cache(second, _url(course))

    # then its forms carry the second visitor's own token, which their POST passes with
    token = CSRF_INPUT.findall(page)[0]
    assert _unmask_cipher_token(token) == second.cookies["csrftoken"].value
    assert second.cookies["csrftoken"].value != first.cookies["csrftoken"].value
    response = second.post(
        reverse("commerce:cart_add"), {"kind": "course", "ref": str(course.pk), "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302


def test_a_page_with_a_message_waiting_is_not_cached_for_anyone():
    # given a learner who has just been told something
    learner = UserFactory()
    client = signed_in(learner)
    course = CourseFactory(price_amount=0)
    client.post(reverse("courses:enroll", kwargs={"slug": course.slug}))
    client.post(reverse("courses:enroll", kwargs={"slug": course.slug}))  # "already enrolled"

    # then the next page shows the message, and the one after does not
    assert "already enrolled" in html(client, CATALOGUE)
    assert "already enrolled" not in html(client, CATALOGUE)


# Version tokens


def test_a_lost_version_token_never_brings_an_old_page_back(client):
    # given a course page cached under one token, then the course renamed (a new token) and cached again
    course = CourseFactory(title="Old Title")
    html(client, _url(course))
    Course.objects.filter(pk=course.pk).update(title="New Title")
    assert "New Title" in html(client, _url(course))

    # when the cache loses the catalogue's token (eviction, restart)
    cache.delete("page:v:" + page_cache.CATALOGUE)

    # then the page is rendered afresh, never the first copy again
    assert "New Title" in html(client, _url(course))


def test_the_dashboard_chart_moves_on_with_the_date(client, monkeypatch):
    learner = UserFactory()
    client.force_login(learner)
    html(client, DASHBOARD)

    # a week later (the chart's last bar is the week of today, in the viewer's time zone)
    later = timezone.now() + timedelta(weeks=1)
    monkeypatch.setattr(timezone, "now", lambda: later)

    this_monday = later.date() - timedelta(days=later.date().weekday())
    assert this_monday.strftime("%b %-d") in html(client, DASHBOARD)


@pytest.mark.django_db(transaction=True)
def test_a_change_committed_while_pages_are_served_shows_after_the_commit(client):
    # given a cached course page
    course = CourseFactory(title="Before Commit")
    html(client, _url(course))
    renamed, committed = threading.Event(), threading.Event()

    def staff_edit():
        with transaction.atomic():
            Course.objects.filter(pk=course.pk).update(title="After Commit")
            renamed.set()
            committed.wait(timeout=10)
        connection.close()

    editor = threading.Thread(target=staff_edit)
    editor.start()
    assert renamed.wait(timeout=10)

    # when a visitor is served while the edit is not committed yet (their page is cached under its new token)
    assert "Before Commit" in html(client, _url(course))
    committed.set()
    editor.join(timeout=10)

    # then the first request after the commit shows the change
    assert "After Commit" in html(client, _url(course))
