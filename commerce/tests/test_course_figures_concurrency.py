"""Buyers of one course do not queue on its row, and its learner count still ends equal to the truth.

Real threads, each with its own PostgreSQL connection, fulfilling orders paid at the Stripe emulator.
The count is read back the way a visitor sees it (the catalogue's stored figure) and compared with a
fresh count of the enrollments that give access.
"""

import threading

import pytest
from django.db import connections, transaction

from commerce import stripe_gateway as gateway
from commerce.checkout.fulfilment import order_complete_free, order_fulfil_from_session
from commerce.models import Order
from commerce.tests.factories import OrderFactory, OrderLineFactory
from commerce.tests.stripe_fixtures import cart_for, checkout, run_at_once, session_id_of, signed_in_client
from courses.models import Course, Enrollment
from courses.tests.factories import CourseFactory
from innerwork.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _paid_sessions(emulator, course, buyers: int) -> list[gateway.CheckoutSessionInfo]:
    """`buyers` people who each paid for `course` at Stripe; their orders are not fulfilled yet."""
    sessions = []
    for n in range(buyers):
        user = UserFactory(email=f"buyer{n}@example.com")
        cart_for(user, course)
        session_id = session_id_of(checkout(signed_in_client(user)))
        emulator.pay_checkout_session(session_id)
        sessions.append(gateway.session_retrieve(session_id=session_id))
    return sessions


def _stored_and_true(course) -> tuple[int, int]:
    stored = Course.objects.get(pk=course.pk).learners_count
    true = Enrollment.objects.filter(course=course, status__in=Enrollment.HAS_ACCESS).count()
    return stored, true


def _free_order_of(course) -> Order:
    """A waiting order of `course` made free by a 100 % discount: fulfilled without Stripe and without an invoice.

    Without an invoice the fulfilment takes no number, so nothing but the course itself could make two
    buyers wait for each other (paid orders also queue, briefly, on the gap-free invoice counter).
    """
    order = OrderFactory(subtotal_amount=course.price_amount, discount_amount=course.price_amount)
    OrderLineFactory(
        order=order, ref=str(course.pk), unit_amount=course.price_amount, discount_amount=course.price_amount
    )
    return order


def test_a_buyer_is_fulfilled_while_another_buyer_of_the_same_course_has_not_committed():
    # given two people whose orders of the same course are ready to fulfil
    course = CourseFactory(title="Calm", price_amount=4900)
    first, second = _free_order_of(course), _free_order_of(course)
    fulfilled, release = threading.Event(), threading.Event()
    failures = []

    def fulfil_and_hold_the_transaction_open():
        try:
            with transaction.atomic():
                order_complete_free(order=first)
                fulfilled.set()
                assert release.wait(timeout=30)
        except Exception as exc:  # surfaced below: a thread cannot fail the test itself
            failures.append(exc)
        finally:
            connections.close_all()

    # when the first buyer's fulfilment has enrolled them but not committed yet
    holder = threading.Thread(target=fulfil_and_hold_the_transaction_open)
    holder.start()
    assert fulfilled.wait(timeout=60)
    try:
        # then the second buyer's fulfilment completes without waiting for it (30 s would mean it queued)
        (result,) = run_at_once(lambda: order_complete_free(order=second))
        assert isinstance(result, Order), result
        assert not release.is_set()
        assert not failures
        assert Order.objects.get(pk=second.pk).status == "paid"
        assert _stored_and_true(course) == (1, 1)
    finally:
        release.set()
        holder.join(timeout=60)

    # and once the first commits, the figure counts both
    assert failures == []
    assert _stored_and_true(course) == (2, 2)


def test_figures_equal_the_truth_after_many_concurrent_purchases_of_the_same_courses(emulator):
    # given eight people who each paid for the same course
    course = CourseFactory(title="Calm", price_amount=4900)
    sessions = _paid_sessions(emulator, course, buyers=8)

    # when every order is fulfilled at the same moment, and the webhook repeats two of them
    results = run_at_once(
        *(lambda session=session: order_fulfil_from_session(session=session) for session in sessions),
        *(lambda session=session: order_fulfil_from_session(session=session) for session in sessions[:2]),
    )

    # then every fulfilment succeeded and the stored figure is exactly the number of learners
    assert not [result for result in results if not isinstance(result, Order)], results
    assert _stored_and_true(course) == (8, 8)
