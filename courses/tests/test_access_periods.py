"""Access periods: lifetime or N days from purchase, ended by the clock; buying again renews."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from commerce.models import Order
from commerce.refunds.policy import refund_quote
from commerce.registry import NotPurchasable, get_kind
from commerce.tests.factories import OrderFactory, OrderLineFactory, paid_order
from courses import services
from courses.models import Enrollment, EnrollmentEvent, Lesson
from courses.product_kind import COURSE_ALREADY_OWNED, REFUND_ACCESS_EXPIRED
from courses.tests.factories import CourseFactory, course_with_lessons
from courses.views import learning
from innerwork.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
SECOND = datetime.timedelta(seconds=1)
# Bought at 00:30 on 21 Oct 2026 in Berlin (summer time); clocks go back on 25 Oct.
BOUGHT = datetime.datetime(2026, 10, 21, 0, 30, tzinfo=BERLIN)


def lessons(course):
    return list(Lesson.objects.filter(module__course=course))


def lesson_url(course, lesson):
    return reverse("courses:lesson", kwargs={"slug": course.slug, "lesson_id": lesson.pk})


@pytest.fixture
def learner(client):
    user = UserFactory(full_name="Ada Lovelace", time_zone="Europe/Berlin")
    client.force_login(user)
    return user


def test_a_lifetime_course_never_expires():
    course = course_with_lessons(access_days=None)

    enrollment = services.enrollment_create(user=UserFactory(), course=course, type=Enrollment.Type.PAID)

    assert enrollment.expires_at is None
    with time_machine.travel(datetime.datetime(2099, 1, 1, tzinfo=UTC)):
        assert enrollment.has_access


def test_an_access_period_counts_days_of_24_hours_from_the_purchase_across_a_dst_change():
    # given a 7-day course bought before the clocks go back
    course = course_with_lessons(access_days=7)

    enrollment = services.enrollment_create(
        user=UserFactory(), course=course, type=Enrollment.Type.PAID, access_from=BOUGHT
    )

    # then it ends 7 × 24 hours later: 23:30 on 27 Oct in Berlin (winter time), 22:30 UTC
    assert enrollment.expires_at == datetime.datetime(2026, 10, 27, 22, 30, tzinfo=UTC)
    assert enrollment.expires_at.astimezone(BERLIN).hour == 23


@pytest.mark.parametrize(
    ("offset", "has_access", "lesson_status"),
    [
        (-SECOND, True, 200),
        (datetime.timedelta(0), False, 302),
        (SECOND, False, 302),
    ],
    ids=["one-second-before", "at-expiry", "one-second-after"],
)
def test_access_ends_exactly_at_expires_at(client, learner, offset, has_access, lesson_status):
    # given a 7-day course bought in Berlin just before the DST change
    course = course_with_lessons(access_days=7)
    enrollment = services.enrollment_create(user=learner, course=course, type=Enrollment.Type.PAID, access_from=BOUGHT)
    second = lessons(course)[1]  # not a preview

    # when the clock reads expires_at + offset
    with time_machine.travel(enrollment.expires_at + offset, tick=False):
        enrollment.refresh_from_db()
        response = client.get(lesson_url(course, second))
        in_list = Enrollment.objects.with_access().filter(pk=enrollment.pk).exists()
        on_the_model = enrollment.has_access

    # then the model, the queryset and the lesson page agree
    assert on_the_model is has_access
    assert in_list is has_access
    assert response.status_code == lesson_status
    if not has_access:
        assert response["Location"] == course.get_absolute_url()


def test_an_expired_learner_is_sent_to_the_course_page_which_offers_to_buy_again(client, learner):
    course = course_with_lessons(access_days=7, price_amount=4900)
    services.enrollment_create(user=learner, course=course, type=Enrollment.Type.PAID, access_from=BOUGHT)

    with time_machine.travel(datetime.datetime(2026, 11, 2, 12, tzinfo=UTC)):
        for url in (lesson_url(course, lessons(course)[1]), reverse("courses:resume", kwargs={"slug": course.slug})):
            response = client.get(url, follow=True)
            assertContains(response, learning.ACCESS_EXPIRED.format(date="27 Oct 2026"))
            assertContains(response, "Expired")
            assertContains(response, "Add to cart")
            assertNotContains(response, "Continue learning")

        completing = client.post(
            reverse("courses:lesson_complete", kwargs={"slug": course.slug, "lesson_id": lessons(course)[1].pk})
        )
    assert completing.status_code == 403


def test_the_dashboard_shows_the_access_date_in_the_learners_zone_then_expired_with_buy_again(client, learner):
    course = course_with_lessons(access_days=7, price_amount=4900, title="Deep Focus")
    services.enrollment_create(user=learner, course=course, type=Enrollment.Type.PAID, access_from=BOUGHT)
    lifetime = course_with_lessons(title="Sleep Better")
    services.enrollment_create(user=learner, course=lifetime, type=Enrollment.Type.PAID)

    with time_machine.travel(datetime.datetime(2026, 10, 26, 12, tzinfo=UTC)):
        before = client.get("/dashboard/")
    with time_machine.travel(datetime.datetime(2026, 10, 27, 22, 30, tzinfo=UTC)):
        after = client.get("/dashboard/")

    # 22:30 UTC on 27 Oct is 23:30 in Berlin: still the 27th there
    assertContains(before, "Access until 27 Oct 2026", count=1)
    with time_machine.travel(datetime.datetime(2026, 10, 26, 12, tzinfo=UTC)):
        assertContains(client.get(course.get_absolute_url()), "Access until 27 Oct 2026", count=1)
    assertNotContains(before, "Buy again")
    assertContains(after, "Access ended 27 Oct 2026", count=1)
    assertContains(after, "Buy again", count=1)
    assertContains(after, "Sleep Better")


def test_the_date_shown_is_the_learners_own_day():
    # 23:30 UTC on 27 Oct is already the 28th in Berlin, still the 27th in New York
    course = course_with_lessons(access_days=7)
    start = datetime.datetime(2026, 10, 20, 23, 30, tzinfo=UTC)
    for zone, shown in (("Europe/Berlin", "28 Oct 2026"), ("America/New_York", "27 Oct 2026")):
        user = UserFactory(time_zone=zone)
        services.enrollment_create(user=user, course=course, type=Enrollment.Type.PAID, access_from=start)
        browser = Client()
        browser.force_login(user)
        with time_machine.travel(start + datetime.timedelta(days=1)):
            assertContains(browser.get("/dashboard/"), f"Access until {shown}")


def test_an_active_period_cannot_be_bought_again_but_an_expired_one_can(client, learner):
    course = course_with_lessons(access_days=7, price_amount=4900)
    services.enrollment_create(user=learner, course=course, type=Enrollment.Type.PAID, access_from=BOUGHT)
    kind = get_kind("course")

    with (
        time_machine.travel(BOUGHT + datetime.timedelta(days=6)),
        pytest.raises(NotPurchasable, match=COURSE_ALREADY_OWNED),
    ):
        kind.price(ref=str(course.pk), user=learner)
    with time_machine.travel(BOUGHT + datetime.timedelta(days=8)):
        response = client.post(reverse("commerce:cart_add"), {"kind": "course", "ref": str(course.pk)}, follow=True)
        cart = client.get(reverse("commerce:cart"))

    assert response.status_code == 200
    assertContains(cart, course.title)
    assertNotContains(cart, COURSE_ALREADY_OWNED)


def test_buying_again_after_expiry_renews_from_the_new_purchase_keeping_progress_and_certificate():
    # given a completed 30-day course whose access ended
    course = course_with_lessons(modules=1, lessons_per_module=2, access_days=30, price_amount=4900)
    user = UserFactory()
    first = paid_order(user=user, lines=(4900,), refs=[str(course.pk)], paid_at=BOUGHT)
    get_kind("course").fulfil(line=first.lines.get())
    enrollment = Enrollment.objects.get(user=user, course=course)
    with time_machine.travel(BOUGHT + datetime.timedelta(days=2)):
        for lesson in lessons(course):
            services.lesson_complete(enrollment=enrollment, lesson=lesson)
    enrollment.refresh_from_db()
    certificate_code = enrollment.certificate.code
    assert enrollment.expires_at == BOUGHT.astimezone(UTC) + datetime.timedelta(days=30)

    # when they buy it again 100 days later
    again_at = (BOUGHT + datetime.timedelta(days=100)).astimezone(UTC)
    with time_machine.travel(again_at, tick=False):
        second = paid_order(user=user, lines=(4900,), refs=[str(course.pk)], paid_at=again_at)
        get_kind("course").fulfil(line=second.lines.get())
        get_kind("course").fulfil(line=second.lines.get())  # a replayed fulfilment changes nothing more
        enrollment.refresh_from_db()

        # then a new period from the second purchase, same status, certificate and progress
        assert enrollment.expires_at == again_at + datetime.timedelta(days=30)
        assert enrollment.has_access
    assert enrollment.status == Enrollment.Status.COMPLETED
    assert enrollment.certificate.code == certificate_code
    assert enrollment.certificate.is_valid
    assert enrollment.progress.count() == 2
    renewals = EnrollmentEvent.objects.filter(enrollment=enrollment, reason__startswith="Access renewed")
    assert renewals.count() == 1


def test_a_refunded_enrollment_bought_again_gets_a_fresh_period():
    course = course_with_lessons(access_days=10)
    user = UserFactory()
    enrollment = services.enrollment_create(user=user, course=course, type=Enrollment.Type.PAID, access_from=BOUGHT)
    services.enrollment_set_status(enrollment=enrollment, status=Enrollment.Status.REFUNDED)

    later = (BOUGHT + datetime.timedelta(days=3)).astimezone(UTC)
    again = services.enrollment_create(user=user, course=course, type=Enrollment.Type.PAID, access_from=later)

    assert again.status == Enrollment.Status.ACTIVE
    assert again.expires_at == later + datetime.timedelta(days=10)


def _course_order(*, course, user, paid_at):
    order = OrderFactory(user=user, status=Order.Status.PAID, subtotal_amount=4900, amount_paid=4900, paid_at=paid_at)
    OrderLineFactory(order=order, ref=str(course.pk), unit_amount=4900)
    return order


@pytest.mark.parametrize(
    ("access_days", "days_after_purchase", "eligible"),
    [
        (None, 5, True),  # lifetime, within 14 days
        (7, 5, True),  # period still running
        (7, 7, False),  # at expiry: access over
        (7, 8, False),  # after expiry, still within the 14-day refund window
    ],
)
def test_the_refund_policy_sees_the_access_period(access_days, days_after_purchase, eligible):
    course = CourseFactory(price_amount=4900, access_days=access_days)
    user = UserFactory()
    services.enrollment_create(user=user, course=course, type=Enrollment.Type.PAID, access_from=BOUGHT)
    order = _course_order(course=course, user=user, paid_at=BOUGHT)

    [line_quote] = refund_quote(order=order, now=BOUGHT + datetime.timedelta(days=days_after_purchase)).lines

    assert line_quote.eligible is eligible
    assert (REFUND_ACCESS_EXPIRED in line_quote.reasons) is not eligible


def test_a_refund_after_expiry_still_closes_the_enrollment():
    course = course_with_lessons(access_days=7)
    user = UserFactory()
    services.enrollment_create(user=user, course=course, type=Enrollment.Type.PAID, access_from=BOUGHT)
    order = _course_order(course=course, user=user, paid_at=BOUGHT)

    with time_machine.travel(BOUGHT + datetime.timedelta(days=9)):
        get_kind("course").revoke(line=order.lines.get(), reason="staff override")

    assert Enrollment.objects.get(user=user, course=course).status == Enrollment.Status.REFUNDED


def test_an_expired_learner_keeps_their_certificate(client, learner):
    course = course_with_lessons(modules=1, lessons_per_module=1, access_days=7)
    with time_machine.travel(BOUGHT):
        enrollment = services.enrollment_create(user=learner, course=course, type=Enrollment.Type.PAID)
        services.lesson_complete(enrollment=enrollment, lesson=lessons(course)[0])

    with time_machine.travel(BOUGHT + datetime.timedelta(days=30)):
        dashboard = client.get("/dashboard/")
        download = client.get(reverse("courses:certificate_download", kwargs={"slug": course.slug}))

    assertContains(dashboard, "Expired")
    assertContains(dashboard, "Certificate")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"


def test_an_expired_free_course_is_enrolled_in_again_from_its_page(client, learner):
    course = course_with_lessons(access_days=7, price_amount=0)
    services.enrollment_create(user=learner, course=course, type=Enrollment.Type.FREE, access_from=BOUGHT)
    later = BOUGHT + datetime.timedelta(days=20)

    with time_machine.travel(later, tick=False):
        page = client.get(course.get_absolute_url())
        response = client.post(reverse("courses:enroll", kwargs={"slug": course.slug}))
        enrollment = Enrollment.objects.get(user=learner, course=course)
        assert enrollment.has_access

    assertContains(page, "Enroll again for free")
    assert response.status_code == 302
    assert enrollment.expires_at == later.astimezone(UTC) + datetime.timedelta(days=7)
