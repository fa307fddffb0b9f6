"""Refunds as Stripe reports them: webhooks delivered by the emulator to dj-stripe on live_server.

Dashboard refunds (only the webhook tells us), refunds that fail later, events duplicated and out
of order, and staff refunding at the same moment (real threads, PostgreSQL).
"""

import time

import pytest
import stripe
from django.core import mail

from commerce.exceptions import RefundError
from commerce.models import Refund
from commerce.refunds.apply import FLAG_REFUND_FAILED, REFUND_FAILED_STATUS_MESSAGE, refundable_for_order
from commerce.refunds.services import AMOUNT_OVER_LINE, DASHBOARD_REASON, refund_start
from commerce.tests.stripe_fixtures import run_at_once, signed_in_client
from commerce.tests.test_refunds import (
    course_with_lesson,
    lesson_url,
    money,
    order_paid,
    retry_until_stripe_answers,
    staff_member,
    stripe_refunds,
)
from courses.models import Enrollment
from innerwork.core.models import OutboxEmail

pytestmark = pytest.mark.django_db(transaction=True)

REFUND_FAILS = "4000000000005126"


@pytest.fixture(autouse=True)
def _staff_alerts(settings):
    settings.STAFF_ALERT_EMAILS = ["ops@example.com"]


def paid_and_settled(emulator, client, buyer, *courses, **kwargs):
    order = order_paid(emulator, client, buyer, *courses, **kwargs)
    emulator.wait_for_webhooks()
    return order


def until(condition, seconds: float = 15.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the condition never came true"
        time.sleep(0.1)


def emails(kind: str) -> list[OutboxEmail]:
    return list(OutboxEmail.objects.filter(kind=kind))


# -- refunds made in the Stripe dashboard ------------------------------------------------------


def test_a_dashboard_refund_arrives_by_webhook_and_closes_the_course(emulator, webhooks, buyer, client):
    # given a paid course the buyer is learning
    calm, lesson = course_with_lesson("Calm", 4900)
    order = paid_and_settled(emulator, client, buyer, calm)
    assert client.get(lesson_url(lesson)).status_code == 200
    # when someone refunds it in Stripe's dashboard
    made = emulator.dashboard_refund(order.charge_id, reason="requested_by_customer")
    emulator.wait_for_webhooks()
    # then we recorded and applied it
    refund = Refund.objects.get()
    assert (refund.stripe_refund_id, refund.source, refund.status, refund.amount) == (
        made["id"],
        "stripe",
        "succeeded",
        4900,
    )
    assert refund.reason == DASHBOARD_REASON.format(reason="requested by customer")
    order.refresh_from_db()
    assert (order.status, order.amount_refunded) == ("refunded", 4900)
    assert Enrollment.objects.get(user=buyer, course=calm).status == "refunded"
    assert client.get(lesson_url(lesson)).status_code == 302
    assert refund.credit_note.total_amount == 4900
    assert len(emails("commerce/refund_issued")) == 1
    assert any(message.subject.startswith("Your refund of $49.00") for message in mail.outbox)


def test_a_partial_dashboard_refund_is_shared_over_the_lines_in_order(emulator, webhooks, buyer, client):
    # given Calm ($49, first line) and Focus ($29)
    calm, calm_lesson = course_with_lesson("Calm", 4900)
    focus, focus_lesson = course_with_lesson("Focus", 2900)
    order = paid_and_settled(emulator, client, buyer, calm, focus)
    first, second = order.lines.order_by("pk")
    # when $60 is refunded in the dashboard
    emulator.dashboard_refund(order.charge_id, amount=6000)
    emulator.wait_for_webhooks()
    # then the first line takes all it can, the second the rest; only the line refunded in full is closed
    refund = Refund.objects.get()
    assert {rl.line_id: (rl.amount, rl.revoke) for rl in refund.lines.all()} == {
        first.pk: (first.total_amount, True),
        second.pk: (6000 - first.total_amount, False),
    }
    order.refresh_from_db()
    assert (order.status, order.amount_refunded) == ("partially_refunded", 6000)
    closed = {first.title: calm_lesson, second.title: focus_lesson}
    assert client.get(lesson_url(closed[first.title])).status_code == 302
    assert client.get(lesson_url(closed[second.title])).status_code == 200
    # and staff can still refund what is left, and no more
    assert refundable_for_order(order=order) == 1800


# -- refunds that fail later -------------------------------------------------------------------


def test_a_refund_the_bank_returns_is_marked_failed_and_staff_are_alerted(emulator, webhooks, buyer, client):
    # given a course refunded by staff on a card whose refunds fail
    calm, lesson = course_with_lesson("Calm", 4900)
    order = paid_and_settled(emulator, client, buyer, calm, card=REFUND_FAILS)
    refund = refund_start(
        order=order, amounts=None, reason="Asked nicely", actor=staff_member(), source="staff", request_key="k"
    )
    assert refund.status == "succeeded"
    # when the bank returns it (Stripe: refund.updated -> failed, a moment later)
    emulator.advance_clock(5)
    emulator.wait_for_webhooks()
    # then the refund failed, the money figures are back, and the order is flagged for staff
    refund.refresh_from_db()
    order.refresh_from_db()
    assert (refund.status, refund.failure_reason) == ("failed", "expired_or_canceled_card")
    assert (order.amount_refunded, order.lines.get().refunded_amount) == (0, 0)
    assert order.status == "paid"
    assert order.events.filter(type="paid").last().message == REFUND_FAILED_STATUS_MESSAGE
    assert refundable_for_order(order=order) == 4900
    assert order.is_flagged
    assert order.flag_reason == FLAG_REFUND_FAILED.format(amount=money(4900), reason="expired_or_canceled_card")
    assert order.events.filter(type="refund_failed").count() == 1
    # and access is not given back by itself
    assert Enrollment.objects.get(user=buyer).status == "refunded"
    assert client.get(lesson_url(lesson)).status_code == 302
    # and staff got one e-mail about it
    [alert] = emails("commerce/staff_refund_failed")
    assert alert.to == ["ops@example.com"]
    assert any(m.subject == f"Refund failed: $49.00 on order {order.number}" for m in mail.outbox)
    # and the amount can be refunded again
    again = refund_start(order=order, amounts=None, reason="again", actor=None, source="staff", request_key="k2")
    assert again.pk != refund.pk


def test_a_failed_dashboard_refund_reported_late_is_recorded_failed_and_never_applied(
    emulator, webhooks, buyer, client
):
    # given webhooks held back while a dashboard refund is made and then fails
    calm, lesson = course_with_lesson("Calm", 4900)
    order = paid_and_settled(emulator, client, buyer, calm)
    emulator.pause_webhooks()
    made = emulator.dashboard_refund(order.charge_id, amount=4900)
    emulator.fail_refund(made["id"], failure_reason="lost_or_stolen_card")
    # when the events arrive
    emulator.resume_webhooks()
    emulator.wait_for_webhooks()
    # then it is on record as failed; nothing was refunded or revoked
    refund = Refund.objects.get()
    order.refresh_from_db()
    assert (refund.status, refund.applied_at, order.amount_refunded, order.status) == ("failed", None, 0, "paid")
    assert client.get(lesson_url(lesson)).status_code == 200
    assert order.is_flagged
    assert len(emails("commerce/staff_refund_failed")) == 1
    assert not emails("commerce/refund_issued")


# -- events duplicated and out of order --------------------------------------------------------


@pytest.mark.parametrize("delivery_order", ["fifo", "reverse", "shuffle"])
def test_refund_events_duplicated_and_in_any_order_apply_once(
    emulator, webhooks, buyer, client, settings, delivery_order
):
    # given, with webhooks held back: a staff refund of $10 (Stripe's answer lost), a dashboard refund
    # of $15 that stands and one of $12 that fails
    calm, lesson = course_with_lesson("Calm", 4900)
    order = paid_and_settled(emulator, client, buyer, calm)
    emulator.pause_webhooks()
    settings.STRIPE_TIMEOUT_SECONDS = 1
    emulator.fault("/v1/refunds", "timeout", method="POST", seconds=2)
    with pytest.raises(RefundError):
        refund_start(
            order=order,
            amounts={order.lines.get().pk: 1000},
            reason="Late video",
            actor=staff_member(),
            source="staff",
            request_key="k",
            revoke=False,
        )
    stands = emulator.dashboard_refund(order.charge_id, amount=1500)
    fails = emulator.dashboard_refund(order.charge_id, amount=1200)
    emulator.fail_refund(fails["id"])
    until(lambda: len(stripe_refunds(order)) == 3)  # the timed-out call has been carried out
    # when every event is delivered three times, in this order
    emulator.webhook_mode(duplicate=3, order=delivery_order, concurrency=3)
    emulator.resume_webhooks()
    emulator.wait_for_webhooks()
    # then each refund is recorded once with its final status, and only the standing ones count
    assert len(stripe_refunds(order)) == 3
    by_stripe = {r.stripe_refund_id: r for r in Refund.objects.all()}
    assert len(by_stripe) == 3
    assert by_stripe[stands["id"]].status == "succeeded"
    assert by_stripe[fails["id"]].status == "failed"
    [ours] = [r for r in by_stripe.values() if r.source == "staff"]
    assert ours.status == "succeeded"
    order.refresh_from_db()
    assert (order.status, order.amount_refunded, order.lines.get().refunded_amount) == (
        "partially_refunded",
        2500,
        2500,
    )
    assert order.effects.filter(key__endswith=":apply").count() == 2
    assert len(emails("commerce/refund_issued")) == 2
    assert len(emails("commerce/staff_refund_failed")) == 1
    assert client.get(lesson_url(lesson)).status_code == 200
    # and the staff member's retry finds their refund done
    again = refund_start(
        order=order,
        amounts={order.lines.get().pk: 1000},
        reason="Late video",
        actor=None,
        source="staff",
        request_key="k",
    )
    assert again.pk == ours.pk
    assert len(stripe_refunds(order)) == 3


# -- at the same moment ------------------------------------------------------------------------


def test_three_staff_refunding_at_once_never_exceed_the_charge(emulator, webhooks, buyer, client):
    # given a $49 course, and three members of staff each refunding $20 of it at the same moment
    calm, _ = course_with_lesson("Calm", 4900)
    order = paid_and_settled(emulator, client, buyer, calm)
    line = order.lines.get()
    staff = staff_member()

    def refund(key):
        return lambda: refund_start(
            order=order, amounts={line.pk: 2000}, reason=key, actor=staff, source="staff", request_key=key
        )

    # when
    results = run_at_once(refund("a"), refund("b"), refund("c"))
    emulator.wait_for_webhooks()
    # then exactly two went through and the third was told what is left
    done = [r for r in results if isinstance(r, Refund)]
    refused = [r for r in results if isinstance(r, RefundError)]
    assert (len(done), len(refused)) == (2, 1), results
    assert refused[0].message == AMOUNT_OVER_LINE.format(left=money(900), title="Calm", asked=money(2000))
    assert stripe.Charge.retrieve(order.charge_id).amount_refunded == 4000
    order.refresh_from_db()
    assert (order.status, order.amount_refunded) == ("partially_refunded", 4000)
    assert set(Refund.objects.values_list("status", flat=True)) == {"succeeded"}


def test_a_double_click_makes_one_stripe_refund(emulator, webhooks, buyer, client):
    # given
    calm, _ = course_with_lesson("Calm", 4900)
    order = paid_and_settled(emulator, client, buyer, calm)
    staff = staff_member()

    def click():
        return refund_start(order=order, amounts=None, reason="twice", actor=staff, source="staff", request_key="f1")

    # when the same form is submitted twice at once
    results = run_at_once(click, click)
    emulator.wait_for_webhooks()
    # then both got the same refund, Stripe made one, and it was applied once
    assert all(isinstance(r, Refund) for r in results), results
    assert len({r.pk for r in results}) == 1
    assert len(stripe_refunds(order)) == 1
    refund = Refund.objects.get()
    assert refund.status == "succeeded"
    order.refresh_from_db()
    assert (order.status, order.amount_refunded) == ("refunded", 4900)
    assert len(emails("commerce/refund_issued")) == 1


def test_a_refund_stripe_made_while_our_call_timed_out_is_applied_by_its_webhook(
    emulator, webhooks, buyer, client, settings
):
    # given Stripe makes the refund but our call gives up first
    calm, lesson = course_with_lesson("Calm", 4900)
    order = paid_and_settled(emulator, client, buyer, calm)
    settings.STRIPE_TIMEOUT_SECONDS = 1
    emulator.fault("/v1/refunds", "timeout", method="POST", seconds=2)
    staff = staff_member()
    with pytest.raises(RefundError):
        refund_start(order=order, amounts=None, reason="slow", actor=staff, source="staff", request_key="k")
    # when the webhooks arrive
    until(lambda: len(stripe_refunds(order)) == 1)  # the timed-out call has been carried out
    emulator.wait_for_webhooks()
    # then our pending refund is matched by its metadata and applied
    refund = Refund.objects.get()
    assert (refund.status, refund.source) == ("succeeded", "staff")
    assert client.get(lesson_url(lesson)).status_code == 302
    # and the staff member's retry returns it without a second Stripe refund
    again = retry_until_stripe_answers(
        lambda: refund_start(order=order, amounts=None, reason="slow", actor=staff, source="staff", request_key="k")
    )
    assert again.pk == refund.pk
    assert len(stripe_refunds(order)) == 1
    assert len(emails("commerce/refund_issued")) == 1
    assert signed_in_client(buyer).get(order.get_absolute_url()).status_code == 200
