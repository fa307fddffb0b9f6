"""Customers' refund requests: automatic within the policy, otherwise decided by staff with a reason.

Orders are paid through the Stripe emulator, so the refunds started here are real emulator refunds.
"""

from datetime import timedelta

import pytest
import stripe
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from commerce.models import Order, Refund, RefundRequest
from commerce.refunds.policy import LINE_REFUNDED
from commerce.refunds.requests import (
    DECISION_REASON_REQUIRED,
    REQUEST_ALREADY_DECIDED,
    REQUEST_ALREADY_PENDING,
    REQUEST_LINE_NOT_REFUNDABLE,
    REQUEST_NOTHING_CHOSEN,
    REQUEST_UNKNOWN_LINE,
    RefundRequestError,
    refund_request_approve,
    refund_request_create,
    refund_request_deny,
)
from commerce.tests.factories import OrderLineFactory
from commerce.tests.stripe_fixtures import order_paid, run_at_once
from courses.tests.factories import CourseFactory
from innerwork.accounts.tests.factories import StaffFactory, UserFactory
from innerwork.core.models import OutboxEmail, StaffAction

pytestmark = pytest.mark.django_db

STAFF = ["refunds@innerwork.test"]


def order_of_prices(client, buyer, emulator, *prices) -> Order:
    """An order of one course per price, paid through the emulator and fulfilled."""
    return order_paid(emulator, client, buyer, *[CourseFactory(title=f"Course at {p}", price_amount=p) for p in prices])


def bought_days_ago(order: Order, days: int) -> Order:
    Order.objects.filter(pk=order.pk).update(paid_at=timezone.now() - timedelta(days=days))
    order.refresh_from_db()
    return order


def finance_user(**kwargs):
    user = StaffFactory(is_superuser=False, **kwargs)
    user.user_permissions.add(Permission.objects.get(codename="refund_order", content_type__app_label="commerce"))
    return type(user).objects.get(pk=user.pk)  # a fresh instance: permissions are cached per instance


@pytest.fixture
def order(client, buyer, emulator, settings):
    settings.STAFF_ALERT_EMAILS = STAFF
    return order_of_prices(client, buyer, emulator, 4900, 2900)


def line_ids(order):
    return list(order.lines.values_list("pk", flat=True))


def ask(order, *, lines=None, key="k1", reason="Not for me"):
    return refund_request_create(
        order=order,
        user=order.user,
        line_ids=lines if lines is not None else line_ids(order),
        reason=reason,
        request_key=key,
    )


# -- within the policy: automatic ----------------------------------------------------------------------------


def test_a_request_within_the_policy_is_refunded_at_once(order):
    # when the customer asks for both courses a day after buying them
    request = ask(order)
    # then the request is automatic and its refund started for exactly the quoted amount
    assert request.status == RefundRequest.Status.AUTOMATIC
    assert request.amount == 4900 + 2900
    refund = Refund.objects.get(order=order)
    assert request.refund == refund
    assert (refund.amount, refund.source, refund.requested_by) == (7800, Refund.Source.CUSTOMER, order.user)
    assert sorted(refund.lines.values_list("amount", flat=True)) == [2900, 4900]
    assert refund.stripe_refund_id
    # and nobody on staff was bothered
    assert not OutboxEmail.objects.filter(kind="commerce/refund_request_staff").exists()


def test_a_double_submit_makes_one_request_and_one_refund(order):
    first = ask(order, key="form-1")
    second = ask(order, key="form-1")

    assert first.pk == second.pk
    assert RefundRequest.objects.count() == 1
    assert Refund.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_submits_at_the_same_moment_make_one_request_and_one_refund(client, buyer, emulator):
    order = order_of_prices(client, buyer, emulator, 4900)

    results = run_at_once(*[lambda: ask(order, key="same-form")] * 3)

    assert {r.pk for r in results if isinstance(r, RefundRequest)} == {RefundRequest.objects.get().pk}
    assert Refund.objects.count() == 1


def test_a_refunded_line_cannot_be_asked_for_again(order):
    ask(order, lines=line_ids(order)[:1], key="first")

    with pytest.raises(RefundRequestError) as error:
        ask(order, lines=line_ids(order)[:1], key="second")
    assert error.value.message == REQUEST_LINE_NOT_REFUNDABLE.format(title="Course at 4900", reason=LINE_REFUNDED)


# -- outside the policy: staff decide -------------------------------------------------------------------------


def test_a_request_outside_the_policy_waits_for_staff_who_are_alerted(order):
    bought_days_ago(order, 20)

    request = ask(order, lines=line_ids(order)[:1], reason="It wasn't what I expected")

    assert request.status == RefundRequest.Status.PENDING
    assert request.amount == 4900
    assert request.quote["lines"][0]["reasons"] == [
        "You bought this course 20 days ago; refunds are automatic within 14 days."
    ]
    assert not Refund.objects.exists()
    alert = OutboxEmail.objects.get(kind="commerce/refund_request_staff")
    assert alert.to == STAFF
    assert order.number in alert.subject
    assert "It wasn't what I expected" in alert.body_text
    assert f"/admin/commerce/refundrequest/{request.pk}/change/" in alert.body_text
    assert order.events.filter(type="refund_request").exists()


def test_one_pending_request_per_order(order):
    bought_days_ago(order, 20)
    ask(order, key="one")

    with pytest.raises(RefundRequestError) as error:
        ask(order, key="two")
    assert error.value.message == REQUEST_ALREADY_PENDING


@pytest.mark.parametrize(("lines", "message"), [([], REQUEST_NOTHING_CHOSEN), ("stranger", REQUEST_UNKNOWN_LINE)])
def test_a_request_needs_lines_of_this_order(order, lines, message):
    chosen = [OrderLineFactory().pk] if lines == "stranger" else lines

    with pytest.raises(RefundRequestError) as error:
        ask(order, lines=chosen)
    assert error.value.message == message
    assert not RefundRequest.objects.exists()


def test_nobody_else_can_ask_for_a_refund_of_an_order(order):
    with pytest.raises(Order.DoesNotExist):
        refund_request_create(order=order, user=UserFactory(), line_ids=line_ids(order), reason="", request_key="x")


def test_staff_approve_with_a_reason_the_refund_starts_and_the_customer_is_told(order):
    bought_days_ago(order, 20)
    request = ask(order)
    finance = finance_user(email="fin@innerwork.test")

    approved = refund_request_approve(request=request, actor=finance, reason="Goodwill: first purchase")

    approved.refresh_from_db()
    assert (approved.status, approved.decided_by, approved.decision_reason) == (
        RefundRequest.Status.APPROVED,
        finance,
        "Goodwill: first purchase",
    )
    refund = approved.refund
    assert (refund.source, refund.amount, refund.reason) == (Refund.Source.REQUEST, 7800, "Goodwill: first purchase")
    action = StaffAction.objects.get(action="refund_request.approve")
    assert (action.actor, action.order_number, action.reason) == (finance, order.number, "Goodwill: first purchase")
    email = OutboxEmail.objects.get(kind="commerce/refund_request_approved")
    assert email.to == [order.user.email]
    assert "$78.00" in email.subject
    assert "Goodwill: first purchase" in email.body_text


def test_staff_deny_with_a_reason_nothing_is_refunded_and_the_customer_is_told(order):
    bought_days_ago(order, 20)
    request = ask(order)
    finance = finance_user()

    denied = refund_request_deny(request=request, actor=finance, reason="You completed the course.")

    assert denied.status == RefundRequest.Status.DENIED
    assert not Refund.objects.exists()
    assert StaffAction.objects.get(action="refund_request.deny").reason == "You completed the course."
    email = OutboxEmail.objects.get(kind="commerce/refund_request_denied")
    assert email.to == [order.user.email]
    assert "You completed the course." in email.body_text
    assert order.events.filter(type="refund_request_denied").exists()


def test_a_decision_needs_the_refund_permission_and_a_reason(order):
    bought_days_ago(order, 20)
    request = ask(order)

    with pytest.raises(PermissionDenied):
        refund_request_approve(request=request, actor=StaffFactory(is_superuser=False), reason="ok")
    with pytest.raises(PermissionDenied):
        refund_request_deny(request=request, actor=order.user, reason="no")
    with pytest.raises(RefundRequestError) as error:
        refund_request_deny(request=request, actor=finance_user(), reason="   ")
    assert error.value.message == DECISION_REASON_REQUIRED
    request.refresh_from_db()
    assert request.status == RefundRequest.Status.PENDING
    assert not StaffAction.objects.exists()


def test_a_request_is_decided_once(order):
    bought_days_ago(order, 20)
    request = ask(order)
    refund_request_deny(request=request, actor=finance_user(), reason="Outside the policy.")

    with pytest.raises(RefundRequestError) as error:
        refund_request_approve(request=request, actor=finance_user(), reason="Changed my mind")
    assert error.value.message == REQUEST_ALREADY_DECIDED.format(status="denied")
    assert not Refund.objects.exists()


# -- when Stripe gets in the way ----------------------------------------------------------------------------------


def test_when_stripe_does_not_answer_the_refund_waits_and_the_same_form_retries_it(order, emulator):
    # given Stripe failing the next refund call
    emulator.fault("/v1/refunds", "api_error", method="POST")
    # when the customer confirms
    request = ask(order, key="form-1")
    # then the refund is saved, waiting, and is this request's
    assert request.status == RefundRequest.Status.AUTOMATIC
    refund = Refund.objects.get()
    assert request.refund == refund
    assert (refund.status, refund.stripe_refund_id) == (Refund.Status.PENDING, "")
    # and submitting the same form again sends it to Stripe, once
    again = ask(order, key="form-1")
    assert again.pk == request.pk
    refund.refresh_from_db()
    assert refund.stripe_refund_id
    assert Refund.objects.count() == 1
    assert len(stripe.Refund.list().data) == 1


def test_a_request_stripe_refuses_goes_to_staff_with_the_reason(order, emulator):
    # given the whole charge refunded in Stripe's dashboard, before its webhook reached us
    emulator.dashboard_refund(order.charge_id)
    # when the customer asks for their refund, within the policy
    request = ask(order)
    # then Stripe refuses it, and the request waits for staff, who are told why
    assert request.status == RefundRequest.Status.PENDING
    assert request.refund is None
    assert request.quote["not_automatic_because"].startswith("Stripe refused the refund of $78.00")
    assert Refund.objects.get().status == Refund.Status.CANCELED
    alert = OutboxEmail.objects.get(kind="commerce/refund_request_staff")
    assert "Stripe refused the refund of $78.00" in alert.body_text


@pytest.mark.django_db(transaction=True)
def test_two_staff_deciding_at_the_same_moment_make_one_decision(client, buyer, emulator):
    # given a request waiting for staff, and two members of Finance
    order = bought_days_ago(order_of_prices(client, buyer, emulator, 4900), 20)
    request = ask(order)
    first, second = finance_user(email="a@innerwork.test"), finance_user(email="b@innerwork.test")
    # when one approves while the other denies
    results = run_at_once(
        lambda: refund_request_approve(request=request, actor=first, reason="Goodwill"),
        lambda: refund_request_deny(request=request, actor=second, reason="Outside the policy"),
    )
    # then one of them decided, the other was told it was already decided, and money moved only on approval
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1
    assert isinstance(errors[0], RefundRequestError)
    assert errors[0].message.startswith("This request was already decided")
    request.refresh_from_db()
    assert StaffAction.objects.filter(action__startswith="refund_request.").count() == 1
    assert Refund.objects.count() == (1 if request.status == RefundRequest.Status.APPROVED else 0)
    assert (
        OutboxEmail.objects.filter(kind__startswith="commerce/refund_request_")
        .exclude(kind="commerce/refund_request_staff")
        .count()
        == 1
    )
