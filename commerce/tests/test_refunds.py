"""Refunds started in InnerWork (refund_start) against the Stripe emulator: amounts, refusals, idempotency.

Webhook-driven cases (dashboard refunds, failures, events out of order) and concurrency are in
test_refunds_webhooks.py; both use the helpers here.
"""

import time

import pytest
import stripe
from django.urls import reverse
from django.utils import timezone

from commerce.exceptions import RefundError
from commerce.models import Order, Refund
from commerce.refunds.services import (
    AMOUNT_NOT_POSITIVE,
    AMOUNT_OVER_LINE,
    AMOUNT_OVER_ORDER,
    LINE_NOT_IN_ORDER,
    NOTHING_LEFT,
    ORDER_NOT_PAID,
    PROVIDER_PENDING,
    REASON_REQUIRED,
    refund_start,
)
from commerce.tests.factories import OrderFactory, OrderLineFactory
from commerce.tests.stripe_fixtures import order_paid
from courses.models import Enrollment
from courses.tests.factories import CourseFactory, LessonFactory, ModuleFactory
from innerwork.accounts.tests.factories import UserFactory
from innerwork.core.models import OutboxEmail, StaffAction
from innerwork.core.money import format_money

pytestmark = pytest.mark.django_db


# -- helpers (also used by test_refunds_webhooks.py) -------------------------------------------


def course_with_lesson(title: str, price: int = 4900):
    course = CourseFactory(title=title, price_amount=price)
    lesson = LessonFactory(module=ModuleFactory(course=course), is_preview=False)
    return course, lesson


def lesson_url(lesson) -> str:
    course = lesson.module.course
    return reverse("courses:lesson", kwargs={"slug": course.slug, "lesson_id": lesson.pk})


def staff_member():
    return UserFactory(email="finance@example.com", full_name="Fin Staff", is_staff=True)


def stripe_refunds(order: Order) -> list:
    return stripe.Refund.list(payment_intent=order.payment_intent_id).data


def line_of(order: Order, title: str):
    return order.lines.get(title=title)


def money(amount: int) -> str:
    return format_money(amount, "usd")


# -- full and partial refunds ------------------------------------------------------------------


def test_a_full_refund_refunds_everything_revokes_the_courses_and_tells_the_customer(
    emulator, client, buyer, django_capture_on_commit_callbacks
):
    # given a paid order of two courses the buyer is learning
    calm, calm_lesson = course_with_lesson("Calm", 4900)
    focus, _ = course_with_lesson("Focus", 2900)
    order = order_paid(emulator, client, buyer, calm, focus)
    assert client.get(lesson_url(calm_lesson)).status_code == 200
    staff = staff_member()
    # when staff refund the whole order (and the credit note is rendered after that commits)
    with django_capture_on_commit_callbacks(execute=True):
        refund = refund_start(
            order=order, amounts=None, reason="Bought by mistake", actor=staff, source="staff", request_key="r1"
        )
    # then Stripe refunded the whole charge, once
    assert [(r.amount, r.status, r.metadata.to_dict()) for r in stripe_refunds(order)] == [
        (7800, "succeeded", {"order": order.number, "refund": str(refund.pk)})
    ]
    # and our records show it applied
    refund.refresh_from_db()
    order.refresh_from_db()
    assert (refund.status, refund.amount, refund.source, refund.stripe_refund_id) == (
        "succeeded",
        7800,
        "staff",
        stripe_refunds(order)[0].id,
    )
    assert refund.applied_at is not None
    assert (order.status, order.amount_refunded) == ("refunded", 7800)
    assert sorted(order.lines.values_list("title", "refunded_amount")) == [("Calm", 4900), ("Focus", 2900)]
    assert all(line.revoked_at for line in order.lines.all())
    # and the courses are closed
    assert set(Enrollment.objects.filter(user=buyer).values_list("status", flat=True)) == {"refunded"}
    assert client.get(lesson_url(calm_lesson)).status_code == 302
    # and the customer got one e-mail with the credit note attached, staff's action is on record
    [email] = OutboxEmail.objects.filter(kind="commerce/refund_issued")
    assert email.to == ["maya@example.com"]
    assert [a["filename"] for a in email.attachments] == [f"{refund.credit_note.number}.pdf"]
    assert money(7800) in email.subject
    assert StaffAction.objects.get(action="order.refund").actor == staff
    assert list(order.events.filter(type__startswith="refund").values_list("type", flat=True)) == [
        "refund_requested",
        "refunded",
    ]


def test_a_partial_refund_of_one_line_keeps_the_other_course_open(emulator, client, buyer):
    # given
    calm, calm_lesson = course_with_lesson("Calm", 4900)
    focus, focus_lesson = course_with_lesson("Focus", 2900)
    order = order_paid(emulator, client, buyer, calm, focus)
    # when Focus is refunded
    focus_line = line_of(order, "Focus")
    refund = refund_start(
        order=order,
        amounts={focus_line.pk: 2900},
        reason="Not what I expected",
        actor=staff_member(),
        source="staff",
        request_key="r1",
    )
    # then
    order.refresh_from_db()
    assert (order.status, order.amount_refunded, order.refundable_amount) == ("partially_refunded", 2900, 4900)
    assert dict(order.lines.values_list("title", "refunded_amount")) == {"Calm": 0, "Focus": 2900}
    assert dict(Enrollment.objects.filter(user=buyer).values_list("course__title", "status")) == {
        "Calm": "active",
        "Focus": "refunded",
    }
    assert client.get(lesson_url(calm_lesson)).status_code == 200
    assert client.get(lesson_url(focus_lesson)).status_code == 302
    assert refund.credit_note.total_amount == 2900


def test_a_partial_amount_without_revoking_keeps_access(emulator, client, buyer):
    calm, calm_lesson = course_with_lesson("Calm", 4900)
    order = order_paid(emulator, client, buyer, calm)

    refund_start(
        order=order,
        amounts={order.lines.get().pk: 1000},
        reason="Goodwill: the video was late",
        actor=staff_member(),
        source="staff",
        request_key="goodwill",
        revoke=False,
    )

    order.refresh_from_db()
    assert (order.status, order.amount_refunded) == ("partially_refunded", 1000)
    assert Enrollment.objects.get(user=buyer).status == "active"
    assert client.get(lesson_url(calm_lesson)).status_code == 200


def test_several_partial_refunds_add_up_to_the_charge_and_never_beyond(
    emulator, client, buyer, django_capture_on_commit_callbacks
):
    # given a $49 order
    calm, _ = course_with_lesson("Calm", 4900)
    order = order_paid(emulator, client, buyer, calm)
    line = order.lines.get()
    staff = staff_member()
    # when it is refunded in three parts
    for key, amount in [("a", 1000), ("b", 2000), ("c", 1900)]:
        with django_capture_on_commit_callbacks(execute=True):
            refund_start(
                order=order, amounts={line.pk: amount}, reason="in parts", actor=staff, source="staff", request_key=key
            )
    # then the order is fully refunded, in three Stripe refunds
    order.refresh_from_db()
    assert (order.status, order.amount_refunded) == ("refunded", 4900)
    assert sorted(r.amount for r in stripe_refunds(order)) == [1000, 1900, 2000]
    assert stripe.Charge.retrieve(order.charge_id).amount_refunded == 4900
    assert OutboxEmail.objects.filter(kind="commerce/refund_issued").count() == 3
    # and a fourth is refused before Stripe is asked
    with pytest.raises(RefundError) as refused:
        refund_start(order=order, amounts={line.pk: 1}, reason="more", actor=staff, source="staff", request_key="d")
    assert refused.value.message == NOTHING_LEFT.format(number=order.number)
    assert len(stripe_refunds(order)) == 3


# -- refusals ----------------------------------------------------------------------------------


def test_an_unpaid_order_cannot_be_refunded(emulator):
    order = OrderFactory()
    OrderLineFactory(order=order)

    with pytest.raises(RefundError) as refused:
        refund_start(order=order, amounts=None, reason="x", actor=staff_member(), source="staff", request_key="k")

    assert refused.value.message == ORDER_NOT_PAID.format(number=order.number)
    assert not Refund.objects.exists()


def test_refusals_name_what_is_wrong_and_record_nothing(emulator, client, buyer):
    # given a paid order with $10 of its $49 already refunded
    calm, _ = course_with_lesson("Calm", 4900)
    order = order_paid(emulator, client, buyer, calm)
    line = order.lines.get()
    staff = staff_member()
    refund_start(order=order, amounts={line.pk: 1000}, reason="first", actor=staff, source="staff", request_key="a")
    other_line = OrderLineFactory(order=OrderFactory(user=buyer))
    cases = [
        ({line.pk: 4000}, "too much", AMOUNT_OVER_LINE.format(left=money(3900), title="Calm", asked=money(4000))),
        ({other_line.pk: 100}, "foreign", LINE_NOT_IN_ORDER.format(line=other_line.pk, number=order.number)),
        ({line.pk: 0}, "zero", AMOUNT_NOT_POSITIVE.format(title="Calm")),
        ({line.pk: 100}, "   ", REASON_REQUIRED),
    ]
    for amounts, reason, message in cases:
        # when
        with pytest.raises(RefundError) as refused:
            refund_start(order=order, amounts=amounts, reason=reason, actor=staff, source="staff", request_key=reason)
        # then
        assert refused.value.message == message
    assert Refund.objects.count() == 1
    assert len(stripe_refunds(order)) == 1


def test_the_order_total_is_checked_across_lines(emulator, client, buyer):
    # given $49 + $29, of which Calm's $49 was refunded in full and Focus has $29 left
    calm, _ = course_with_lesson("Calm", 4900)
    focus, _ = course_with_lesson("Focus", 2900)
    order = order_paid(emulator, client, buyer, calm, focus)
    staff = staff_member()
    refund_start(order=order, amounts=None, reason="all", actor=staff, source="staff", request_key="all")
    # when asking again for everything
    with pytest.raises(RefundError) as refused:
        refund_start(order=order, amounts=None, reason="again", actor=staff, source="staff", request_key="again")
    # then
    assert refused.value.message == NOTHING_LEFT.format(number=order.number)


def test_no_more_than_was_paid_is_refunded_even_when_the_lines_add_up_to_more(emulator):
    # given an order whose lines total $49 but for which $30 was paid (a flagged payment staff settled)
    order = OrderFactory(status="paid", paid_at=timezone.now(), payment_intent_id="pi_partial", amount_paid=3000)
    line = OrderLineFactory(order=order, title="Calm")
    # when
    with pytest.raises(RefundError) as refused:
        refund_start(order=order, amounts={line.pk: 4000}, reason="x", actor=None, source="staff", request_key="k")
    # then
    assert refused.value.message == AMOUNT_OVER_ORDER.format(left=money(3000), number=order.number, asked=money(4000))


# -- idempotency -------------------------------------------------------------------------------


def test_the_same_request_twice_makes_one_refund(emulator, client, buyer, django_capture_on_commit_callbacks):
    calm, _ = course_with_lesson("Calm", 4900)
    order = order_paid(emulator, client, buyer, calm)
    staff = staff_member()
    params = {"order": order, "amounts": None, "reason": "double click", "actor": staff, "source": "staff"}

    with django_capture_on_commit_callbacks(execute=True):
        first = refund_start(**params, request_key="form-123")
    with django_capture_on_commit_callbacks(execute=True):
        second = refund_start(**params, request_key="form-123")

    assert first.pk == second.pk
    assert len(stripe_refunds(order)) == 1
    assert OutboxEmail.objects.filter(kind="commerce/refund_issued").count() == 1
    assert StaffAction.objects.filter(action="order.refund").count() == 1


@pytest.mark.parametrize("fault", [{"kind": "api_error"}, {"kind": "timeout", "seconds": 2, "process": False}])
def test_stripe_failing_leaves_the_refund_pending_and_a_retry_makes_it_once(emulator, client, buyer, settings, fault):
    # given Stripe fails the refund call without making it
    calm, calm_lesson = course_with_lesson("Calm", 4900)
    order = order_paid(emulator, client, buyer, calm)
    settings.STRIPE_TIMEOUT_SECONDS = 1
    emulator.fault("/v1/refunds", method="POST", **fault)
    params = {"order": order, "amounts": None, "reason": "retry me", "actor": staff_member(), "source": "staff"}
    # when
    with pytest.raises(RefundError) as unavailable:
        refund_start(**params, request_key="k")
    # then the refund is saved as pending, holding its amount, and nothing changed for the customer
    assert unavailable.value.message == PROVIDER_PENDING.format(amount=money(4900))
    pending = Refund.objects.get()
    assert (pending.status, pending.stripe_refund_id) == ("pending", "")
    order.refresh_from_db()
    assert (order.status, order.amount_refunded) == ("paid", 0)
    with pytest.raises(RefundError):
        refund_start(**params, request_key="another")  # nothing left: the pending one holds it
    # when the same request is retried once Stripe answers again
    refund = retry_until_stripe_answers(lambda: refund_start(**params, request_key="k"))
    # then there is one refund, applied once
    assert refund.pk == pending.pk
    assert [r.id for r in stripe_refunds(order)] == [refund.stripe_refund_id]
    order.refresh_from_db()
    assert (order.status, order.amount_refunded) == ("refunded", 4900)
    assert client.get(lesson_url(calm_lesson)).status_code == 302


def test_a_refund_stripe_made_but_answered_too_late_is_not_made_twice(
    emulator, client, buyer, settings, django_capture_on_commit_callbacks
):
    # given Stripe makes the refund but the answer comes after our timeout
    calm, _ = course_with_lesson("Calm", 4900)
    order = order_paid(emulator, client, buyer, calm)
    settings.STRIPE_TIMEOUT_SECONDS = 1
    emulator.fault("/v1/refunds", "timeout", method="POST", seconds=2)
    params = {"order": order, "amounts": None, "reason": "late", "actor": staff_member(), "source": "staff"}
    with pytest.raises(RefundError):
        refund_start(**params, request_key="k")
    # when the member of staff tries again
    with django_capture_on_commit_callbacks(execute=True):
        refund = retry_until_stripe_answers(lambda: refund_start(**params, request_key="k"))
    # then Stripe replayed its refund: one refund, applied once, one e-mail
    assert [r.id for r in stripe_refunds(order)] == [refund.stripe_refund_id]
    assert refund.status == "succeeded"
    assert OutboxEmail.objects.filter(kind="commerce/refund_issued").count() == 1


def retry_until_stripe_answers(operation, attempts: int = 50):
    for _ in range(attempts):
        try:
            return operation()
        except RefundError as exc:
            if "saved as pending" not in exc.message:
                raise
            time.sleep(0.2)
    raise AssertionError("Stripe never answered")
