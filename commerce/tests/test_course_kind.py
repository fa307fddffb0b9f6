"""The "course" product kind (courses/product_kind.py), reached only through commerce's registry."""

import pytest

from commerce.registry import NotPurchasable, get_kind
from commerce.tests.factories import OrderFactory, OrderLineFactory
from courses.models import Enrollment
from courses.product_kind import COURSE_ALREADY_OWNED, COURSE_UNKNOWN
from courses.tests.factories import CategoryFactory, CourseFactory, EnrollmentFactory
from innerwork.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def course_kind():
    return get_kind("course")


def test_courses_register_their_kind_when_the_app_loads():
    assert course_kind().label == "Course"


def test_a_published_course_is_priced_from_the_database():
    course = CourseFactory(title="Calm", price_amount=4900, currency="usd", category=CategoryFactory(slug="calm"))
    line = course_kind().price(ref=str(course.pk), user=UserFactory())
    assert (line.kind, line.ref, line.title) == ("course", str(course.pk), "Calm")
    assert (line.unit_amount, line.currency, line.category) == (4900, "usd", "calm")
    assert line.url == course.get_absolute_url()
    assert line.metadata["instructor"] == course.instructor.get_full_name()


@pytest.mark.parametrize("ref", ["0", "999999", "abc", "-1", ""])
def test_unknown_refs_are_not_purchasable(ref):
    with pytest.raises(NotPurchasable) as caught:
        course_kind().price(ref=ref, user=UserFactory())
    assert caught.value.message == COURSE_UNKNOWN


def test_a_draft_course_is_not_purchasable():
    with pytest.raises(NotPurchasable, match=COURSE_UNKNOWN):
        course_kind().price(ref=str(CourseFactory(is_published=False).pk), user=UserFactory())


@pytest.mark.parametrize("status", [Enrollment.Status.ACTIVE, Enrollment.Status.COMPLETED])
def test_a_course_with_access_is_already_owned(status):
    enrollment = EnrollmentFactory(status=status)
    with pytest.raises(NotPurchasable) as caught:
        course_kind().price(ref=str(enrollment.course_id), user=enrollment.user)
    assert caught.value.message == COURSE_ALREADY_OWNED


def test_fulfilling_a_paid_line_enrols_the_buyer_once():
    course = CourseFactory(price_amount=4900)
    line = OrderLineFactory(order=OrderFactory(), ref=str(course.pk), unit_amount=4900)
    course_kind().fulfil(line=line)
    course_kind().fulfil(line=line)
    enrollment = Enrollment.objects.get(user=line.order.user, course=course)
    assert (enrollment.status, enrollment.type) == (Enrollment.Status.ACTIVE, Enrollment.Type.PAID)


def test_a_free_course_in_an_order_is_a_free_enrollment():
    course = CourseFactory(price_amount=0)
    line = OrderLineFactory(order=OrderFactory(subtotal_amount=0), ref=str(course.pk), unit_amount=0)
    course_kind().fulfil(line=line)
    assert Enrollment.objects.get(course=course).type == Enrollment.Type.FREE


def test_a_paid_course_bought_with_a_full_discount_is_still_a_paid_enrollment():
    course = CourseFactory(price_amount=4900)
    order = OrderFactory(subtotal_amount=4900, discount_amount=4900)
    line = OrderLineFactory(order=order, ref=str(course.pk), unit_amount=4900, discount_amount=4900)
    course_kind().fulfil(line=line)
    assert Enrollment.objects.get(course=course).type == Enrollment.Type.PAID


def test_revoking_a_refunded_line_closes_the_course_and_is_idempotent():
    course = CourseFactory()
    line = OrderLineFactory(ref=str(course.pk))
    course_kind().fulfil(line=line)
    course_kind().revoke(line=line, reason="customer asked")
    course_kind().revoke(line=line, reason="customer asked")
    enrollment = Enrollment.objects.get(course=course)
    assert enrollment.status == Enrollment.Status.REFUNDED
    assert enrollment.events.filter(to_status=Enrollment.Status.REFUNDED).count() == 1


def test_revoking_leaves_a_staff_revoked_enrollment_alone():
    enrollment = EnrollmentFactory(status=Enrollment.Status.REVOKED)
    line = OrderLineFactory(order=OrderFactory(user=enrollment.user), ref=str(enrollment.course_id))
    course_kind().revoke(line=line, reason="refund")
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.REVOKED
