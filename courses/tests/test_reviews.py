"""Reviews: who may rate a course, once and editable, the stored rating, hiding, escaping and paging."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from commerce.tests.admin_fixtures import client_for, staff_in
from courses import services
from courses.models import Course, Enrollment, Review
from courses.reviews.services import ONLY_LEARNERS_MAY_REVIEW, review_hide, review_save, review_show
from courses.reviews.views import REVIEWS_PAGE_SIZE
from courses.tests.factories import CourseFactory, EnrollmentFactory, ReviewFactory
from innerwork.accounts.tests.factories import StaffFactory, UserFactory
from innerwork.core.models import StaffAction

pytestmark = pytest.mark.django_db

REVIEWS_ADMIN = reverse("admin:courses_review_changelist")


def _review_url(course) -> str:
    return reverse("courses:review_edit", kwargs={"slug": course.slug})


def _figures(course) -> tuple[int, int, float | None]:
    course.refresh_from_db()
    return course.rating_count, course.rating_sum, course.rating_average


def _viewer(kind: str, course):
    """A person of the given kind, as the table below names them (None for a visitor)."""
    if kind == "anonymous":
        return None
    if kind == "staff":
        return StaffFactory()
    user = UserFactory()
    statuses = {
        "active": Enrollment.Status.ACTIVE,
        "completed": Enrollment.Status.COMPLETED,
        "refunded": Enrollment.Status.REFUNDED,
        "revoked": Enrollment.Status.REVOKED,
    }
    if kind in statuses:
        EnrollmentFactory(user=user, course=course, status=statuses[kind])
    return user


@pytest.mark.parametrize(
    ("kind", "form_status", "may_review"),
    [
        ("anonymous", 302, False),  # sent to sign in
        ("not enrolled", 403, False),
        ("active", 200, True),
        ("completed", 200, True),
        ("refunded", 403, False),
        ("revoked", 403, False),
        ("staff", 403, False),  # staff hide reviews; they do not write them without taking the course
    ],
)
def test_only_learners_with_an_active_or_completed_enrollment_can_review(
    client, django_capture_on_commit_callbacks, kind, form_status, may_review
):
    # given a course and somebody of this kind
    course = CourseFactory()
    viewer = _viewer(kind, course)
    if viewer is not None:
        client.force_login(viewer)

    # when they open the review form and send a rating
    form = client.get(_review_url(course))
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(_review_url(course), {"rating": "5", "text": "Loved it"})

    # then only learners get the form and leave a review; the rating follows
    assert form.status_code == form_status
    if kind == "anonymous":
        assert form["Location"].startswith(reverse("account_login"))
    assert Review.objects.filter(course=course).exists() is may_review
    assert _figures(course) == ((1, 5, 5.0) if may_review else (0, 0, None))
    if may_review:
        assert sent["Location"] == f"{course.get_absolute_url()}#reviews"
    else:
        assert sent.status_code == form_status


def test_service_refuses_a_non_learner_with_a_stated_reason():
    course = CourseFactory()
    with pytest.raises(PermissionDenied, match=ONLY_LEARNERS_MAY_REVIEW):
        review_save(user=UserFactory(), course=course, rating=3)


def test_a_learner_reviews_a_course_once_and_sending_again_edits_it(client, django_capture_on_commit_callbacks):
    # given a learner who rated the course 2
    course = CourseFactory()
    learner = UserFactory()
    EnrollmentFactory(user=learner, course=course)
    client.force_login(learner)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_review_url(course), {"rating": "2", "text": "Too slow"})

    # when they come back, see their review in the form, and change it
    form = client.get(_review_url(course))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_review_url(course), {"rating": "4", "text": "Better in the second half"})

    # then there is still one review, holding the new rating and text, and the figures follow
    assert form.context["form"].initial == {"rating": 2, "text": "Too slow"}
    assert "Too slow" in form.content.decode()
    review = Review.objects.get(course=course)
    assert (review.rating, review.text) == (4, "Better in the second half")
    assert _figures(course) == (1, 4, 4.0)


def test_the_database_refuses_a_second_review_by_the_same_learner():
    review = ReviewFactory()
    with pytest.raises(IntegrityError):
        Review.objects.create(
            course=review.course, author=review.author, enrollment=review.enrollment, rating=1, text=""
        )


@pytest.mark.parametrize("rating", ["0", "6", "", "four"])
def test_a_rating_outside_1_to_5_is_refused_with_the_form_shown_again(client, rating):
    course = CourseFactory()
    learner = UserFactory()
    EnrollmentFactory(user=learner, course=course)
    client.force_login(learner)

    response = client.post(_review_url(course), {"rating": rating, "text": "x"})

    assert response.status_code == 200
    assert "field__error" in response.content.decode()
    assert not Review.objects.exists()


def test_average_follows_new_reviews_edits_hides_and_unhides(django_capture_on_commit_callbacks):
    # given a course and three learners
    course = CourseFactory()
    staff = StaffFactory()
    learners = [UserFactory() for _ in range(3)]
    for learner in learners:
        EnrollmentFactory(user=learner, course=course)

    def step(action) -> tuple[int, int, float | None]:
        with django_capture_on_commit_callbacks(execute=True):
            action()
        return _figures(course)

    # then each write moves the stored figures to what the reviews say
    assert step(lambda: review_save(user=learners[0], course=course, rating=5)) == (1, 5, 5.0)
    assert step(lambda: review_save(user=learners[1], course=course, rating=4)) == (2, 9, 4.5)
    assert step(lambda: review_save(user=learners[2], course=course, rating=2)) == (3, 11, 3.7)
    assert step(lambda: review_save(user=learners[2], course=course, rating=5, text="Changed my mind")) == (3, 14, 4.7)
    third = Review.objects.get(author=learners[2])
    assert step(lambda: review_hide(review=third, actor=staff, reason="Advertising")) == (2, 9, 4.5)
    # editing a hidden review keeps it hidden (and uncounted)
    assert step(lambda: review_save(user=learners[2], course=course, rating=1)) == (2, 9, 4.5)
    assert step(lambda: review_show(review=third, actor=staff, reason="Advert removed")) == (3, 10, 3.3)
    first = Review.objects.get(author=learners[0])
    assert step(lambda: review_hide(review=first, actor=staff, reason="Abuse")) == (2, 5, 2.5)
    assert step(lambda: review_hide(review=first, actor=staff, reason="Again")) == (2, 5, 2.5)


@pytest.mark.parametrize(
    ("status", "counted"),
    [
        (Enrollment.Status.COMPLETED, True),
        (Enrollment.Status.REFUNDED, False),
        (Enrollment.Status.REVOKED, False),
    ],
)
def test_review_of_a_refunded_or_revoked_learner_is_kept_but_neither_shown_nor_counted(client, status, counted):
    # given two reviews, one by a learner whose enrollment then changes status
    course = CourseFactory()
    ReviewFactory(course=course, rating=5, text="Stays on the page")
    leaving = ReviewFactory(course=course, rating=1, text="Written before the refund")
    services.course_refresh_stats(course_ids=[course.pk])

    # when their enrollment moves (the learner count and the rating are recounted together)
    services.enrollment_set_status(enrollment=leaving.enrollment, status=status, reason="test")

    # then the review row is kept; it is shown and counted only while they have access
    assert Review.objects.filter(pk=leaving.pk).exists()
    assert _figures(course) == ((2, 6, 3.0) if counted else (1, 5, 5.0))
    html = client.get(course.get_absolute_url()).content.decode()
    assert ("Written before the refund" in html) is counted
    assert "Stays on the page" in html


def test_a_refunded_learner_enrolled_again_gets_their_review_back():
    course = CourseFactory()
    review = ReviewFactory(course=course, rating=2)
    services.enrollment_set_status(enrollment=review.enrollment, status=Enrollment.Status.REFUNDED)
    assert _figures(course) == (0, 0, None)

    services.enrollment_set_status(enrollment=review.enrollment, status=Enrollment.Status.ACTIVE)

    assert _figures(course) == (1, 2, 2.0)


def test_staff_hide_a_review_in_the_admin_with_a_reason_that_is_audited(client, django_capture_on_commit_callbacks):
    # given two reviews of a course
    course = CourseFactory()
    kept = ReviewFactory(course=course, rating=5, text="Helpful")
    rude = ReviewFactory(course=course, rating=1, text="Buy cheap pills at spam.example")
    services.course_refresh_stats(course_ids=[course.pk])
    staff = StaffFactory()
    client.force_login(staff)
    selection = {"action": "hide_selected", ACTION_CHECKBOX_NAME: [rude.pk]}

    # when staff choose "hide" the admin asks for the reason first
    confirm = client.post(REVIEWS_ADMIN, selection)
    assert confirm.status_code == 200
    assert "Hide these reviews" in confirm.content.decode()
    assert not Review.objects.get(pk=rude.pk).is_hidden

    # and a reason is required
    client.post(REVIEWS_ADMIN, {**selection, "apply": "1", "reason": ""})
    assert not Review.objects.get(pk=rude.pk).is_hidden

    # when they give one
    with django_capture_on_commit_callbacks(execute=True):
        client.post(REVIEWS_ADMIN, {**selection, "apply": "1", "reason": "Spam link"})

    # then the review is hidden with who, when and why, in the audit log too, and no longer counts or shows
    rude.refresh_from_db()
    assert (rude.is_hidden, rude.hidden_by, rude.hidden_reason) == (True, staff, "Spam link")
    assert rude.hidden_at is not None
    audit = StaffAction.objects.get(action="review.hide")
    assert (audit.actor, audit.subject_id, audit.reason) == (staff, str(rude.pk), "Spam link")
    assert _figures(course) == (1, 5, 5.0)
    client.logout()
    html = client.get(course.get_absolute_url()).content.decode()
    assert "spam.example" not in html
    assert kept.text in html

    # when staff show it again (with a reason), it counts again and that is audited as well
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            REVIEWS_ADMIN,
            {"action": "show_selected", ACTION_CHECKBOX_NAME: [rude.pk], "apply": "1", "reason": "Appeal accepted"},
        )
    assert _figures(course) == (2, 6, 3.0)
    assert StaffAction.objects.filter(action="review.show", reason="Appeal accepted").count() == 1


def test_review_text_is_plain_text_so_markup_is_shown_not_run(client):
    course = CourseFactory()
    ReviewFactory(course=course, text='<script>alert("x")</script> <b>bold</b>\nsecond line')

    html = client.get(course.get_absolute_url()).content.decode()

    assert '<script>alert("x")</script>' not in html
    assert "<b>bold</b>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &lt;b&gt;bold&lt;/b&gt;<br>second line" in html


def _reviews_on_page(response) -> list[str]:
    return [review.text for review in response.context["reviews_page"].object_list]


def test_reviews_are_paginated_newest_first_and_bad_pages_land_on_a_real_page(client):
    # given more reviews than fit on a page, written one after the other
    course = CourseFactory()
    total = REVIEWS_PAGE_SIZE + 2
    for n in range(total):
        ReviewFactory(course=course, text=f"Review {n}")

    first = client.get(course.get_absolute_url())
    second = client.get(course.get_absolute_url(), {"page": "2"})
    beyond = client.get(course.get_absolute_url(), {"page": "99"})

    newest_first = [f"Review {n}" for n in reversed(range(total))]
    assert _reviews_on_page(first) == newest_first[:REVIEWS_PAGE_SIZE]
    assert _reviews_on_page(second) == newest_first[REVIEWS_PAGE_SIZE:]
    assert _reviews_on_page(beyond) == newest_first[REVIEWS_PAGE_SIZE:]
    assert "There is no page 99" in beyond.content.decode()
    assert 'rel="next" href="?page=2"' in first.content.decode()


@pytest.mark.parametrize("signed_in", [False, True])
def test_course_page_runs_the_same_number_of_queries_for_2_or_30_reviews(client, signed_in):
    course = CourseFactory()
    viewer = UserFactory()
    if signed_in:
        EnrollmentFactory(user=viewer, course=course)
        client.force_login(viewer)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(course.get_absolute_url())
        assert response.status_code == 200
        return len(captured)

    for _ in range(2):
        ReviewFactory(course=course)
    small = queries()
    for _ in range(28):
        ReviewFactory(course=course)
    large = queries()

    assert large == small


def test_course_page_and_card_show_the_stored_average_and_count(client):
    course = CourseFactory(title="Rated course")
    for rating in (5, 4, 4):
        ReviewFactory(course=course, rating=rating)
    services.course_refresh_stats(course_ids=[course.pk])
    assert Course.objects.get(pk=course.pk).rating_average == 4.3

    page = client.get(course.get_absolute_url()).content.decode()
    catalogue = client.get(reverse("courses:catalogue")).content.decode()

    for html in (page, catalogue):
        assert '<strong class="rating__average">4.3</strong> <span class="rating__count">(3 ratings)</span>' in html


def test_learner_is_invited_to_review_and_then_to_edit_their_review(client, django_capture_on_commit_callbacks):
    course = CourseFactory()
    learner = UserFactory()
    EnrollmentFactory(user=learner, course=course)
    client.force_login(learner)

    before = client.get(course.get_absolute_url()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_review_url(course), {"rating": "3", "text": ""})
    after = client.get(course.get_absolute_url()).content.decode()

    assert "Rate this course" in before
    assert "Edit your review" in after
    assert "You rated this course 3 out of 5." in after


def test_cached_course_pages_show_a_new_review_a_hide_and_an_instructor_edit_at_once(
    client, settings, django_capture_on_commit_callbacks
):
    # given the course page cached for visitors
    settings.PAGE_CACHE = True
    course = CourseFactory()
    learner, staff = UserFactory(), StaffFactory()
    EnrollmentFactory(user=learner, course=course)
    assert "No reviews yet." in client.get(course.get_absolute_url()).content.decode()
    assert "No reviews yet." in client.get(course.get_absolute_url()).content.decode()

    # when a learner reviews it, the visitor sees the review and the rating
    with django_capture_on_commit_callbacks(execute=True):
        review = review_save(user=learner, course=course, rating=4, text="Worth it")
    page = client.get(course.get_absolute_url()).content.decode()
    assert "Worth it" in page
    assert '<strong class="rating__average">4.0</strong>' in page

    # when staff hide it, it is gone from the cached page
    with django_capture_on_commit_callbacks(execute=True):
        review_hide(review=review, actor=staff, reason="Test")
    page = client.get(course.get_absolute_url()).content.decode()
    assert "Worth it" not in page
    assert "rating__average" not in page

    # when the instructor edits their headline, the course page's instructor box follows
    profile = course.instructor.instructor_profile
    profile.headline = "Teacher of calm"
    profile.save()
    assert "Teacher of calm" in client.get(course.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    ("role", "may_hide"), [("Support", True), ("Admin", True), ("Finance", True), ("Marketing", False)]
)
def test_support_finance_and_admin_staff_moderate_reviews_and_marketing_does_not(role, may_hide):
    # given a review and a member of staff whose rights come from their role only
    review = ReviewFactory(text="Rude words")
    client = client_for(staff_in(role))

    # when they open the reviews list and try to hide the review
    listed = client.get(REVIEWS_ADMIN)
    client.post(
        REVIEWS_ADMIN, {"action": "hide_selected", ACTION_CHECKBOX_NAME: [review.pk], "apply": "1", "reason": "Rude"}
    )

    # then only the moderating roles see reviews and can hide one
    assert listed.status_code == (200 if may_hide else 403)
    assert Review.objects.get(pk=review.pk).is_hidden is may_hide
