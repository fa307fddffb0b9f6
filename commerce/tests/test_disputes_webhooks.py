"""Disputes as Stripe reports them: card 4000 0000 0000 0259 pays and is disputed, the emulator moves the
dispute on, and its webhooks reach dj-stripe on live_server, delivered once, twice, or out of order."""

from datetime import timedelta

import pytest
import stripe
from django.utils import timezone
from djstripe.models import Dispute as StripeDispute
from djstripe.models import WebhookEventTrigger

from commerce.disputes.alerts import FINANCE_DISPUTE_TEMPLATE
from commerce.disputes.services import FLAG_DISPUTED_PREFIX, dispute_record_from_stripe
from commerce.models import CreditNote, Dispute, Order, Refund
from commerce.reporting.reconciliation import reconciliation_compare
from commerce.stripe_gateway.disputes import dispute_retrieve
from commerce.tests.stripe_fixtures import cart_for, checkout, run_at_once, session_id_of
from commerce.tests.test_refunds import course_with_lesson, lesson_url
from courses.models import Enrollment
from innerwork.core.models import OutboxEmail

pytestmark = pytest.mark.django_db(transaction=True)

DISPUTE_CARD = "4000000000000259"
FINANCE = ["finance@innerwork.test"]


@pytest.fixture(autouse=True)
def _finance_alerts(settings):
    settings.STAFF_ALERT_EMAILS = FINANCE


@pytest.fixture
def course(webhooks):
    return course_with_lesson("Calm Under Pressure", 4900)


def pay_with_dispute_card(emulator, client, buyer, course) -> tuple[Order, str]:
    """The buyer pays with the card whose bank disputes the payment; returns the order and the dispute's id."""
    cart_for(buyer, course)
    emulator.pay_checkout_session(session_id_of(checkout(client)), card=DISPUTE_CARD)
    order = Order.objects.get()
    with emulator.configure_stripe():
        [dispute] = stripe.Dispute.list(limit=1).data
    return order, dispute.id


def settle(emulator) -> None:
    """Every delivery made, retries included (the clock jumps past test mode's retries)."""
    emulator.wait_for_webhooks()
    emulator.advance_clock(3 * 3600)
    emulator.wait_for_webhooks()


def finance_alerts() -> list[OutboxEmail]:
    return list(OutboxEmail.objects.filter(kind=FINANCE_DISPUTE_TEMPLATE))


def event_types(order: Order) -> list[str]:
    return [event.type for event in order.events.order_by("pk") if "disput" in event.type or "flag" in event.type]


def test_a_disputed_payment_flags_the_order_and_alerts_finance_once(emulator, client, buyer, course):
    # given
    calm, lesson = course
    # when the buyer pays and their bank disputes the payment
    order, dispute_id = pay_with_dispute_card(emulator, client, buyer, calm)
    settle(emulator)
    # then the order is paid, flagged, and the course still open while the dispute runs
    order.refresh_from_db()
    dispute = Dispute.objects.get()
    assert (dispute.stripe_dispute_id, dispute.order, dispute.status) == (dispute_id, order, "needs_response")
    assert (dispute.amount, dispute.currency, dispute.reason) == (4900, "usd", "fraudulent")
    assert dispute.evidence_due_by is not None
    assert (order.status, order.is_flagged, order.flag_resolved_at) == ("paid", True, None)
    assert order.flag_reason.startswith("Payment disputed by the card's bank ($49.00, fraudulent)")
    assert event_types(order) == ["disputed", "flagged"]
    [alert] = finance_alerts()
    assert (alert.to, alert.dedup_key) == (FINANCE, f"order:{order.pk}:dispute:{dispute_id}:finance")
    assert alert.subject == f"Payment disputed: $49.00 on order {order.number}"
    assert dispute_id in alert.body_text
    assert client.get(lesson_url(lesson)).status_code == 200
    # and dj-stripe took every delivery (it mirrors the dispute itself) without an error
    assert StripeDispute.objects.get(id=dispute_id).stripe_data["status"] == "needs_response"
    assert all(t.valid and t.processed and not t.exception for t in WebhookEventTrigger.objects.all())


@pytest.mark.parametrize("copies", [2, 3])
def test_duplicated_deliveries_record_one_dispute_and_one_alert(emulator, client, buyer, course, copies):
    # given Stripe delivers every event several times
    emulator.webhook_mode(duplicate=copies)
    # when
    pay_with_dispute_card(emulator, client, buyer, course[0])
    settle(emulator)
    emulator.resend_event(stripe_event_id(emulator, "charge.dispute.created"))
    settle(emulator)
    # then
    assert Dispute.objects.count() == 1
    assert len(finance_alerts()) == 1
    assert event_types(Order.objects.get()) == ["disputed", "flagged"]


def stripe_event_id(emulator, type_: str) -> str:
    with emulator.configure_stripe():
        return stripe.Event.list(type=type_, limit=1).data[0].id


@pytest.mark.parametrize(
    ("moves", "status", "events"),
    [
        (["under_review"], "under_review", ["disputed", "flagged", "dispute_under_review"]),
        (["won"], "won", ["disputed", "flagged", "dispute_won", "flag_resolved"]),
        (
            ["under_review", "won"],
            "won",
            ["disputed", "flagged", "dispute_under_review", "dispute_won", "flag_resolved"],
        ),
    ],
)
def test_a_dispute_under_review_or_won_keeps_the_course_and_records_no_refund(
    emulator, client, buyer, course, moves, status, events
):
    # given a disputed payment
    calm, lesson = course
    order, dispute_id = pay_with_dispute_card(emulator, client, buyer, calm)
    settle(emulator)
    # when the bank reviews it, and maybe decides for us
    for move in moves:
        emulator.move_dispute(dispute_id, move)
        settle(emulator)
    # then
    order.refresh_from_db()
    dispute = Dispute.objects.get()
    assert (dispute.status, dispute.refund) == (status, None)
    assert (dispute.closed_at is not None) == (status == "won")
    assert event_types(order) == events
    assert (order.status, order.amount_refunded) == ("paid", 0)
    assert order.is_flagged
    assert (order.flag_resolved_at is not None) == (status == "won")
    assert not Refund.objects.exists()
    assert Enrollment.objects.get(user=buyer, course=calm).status == "active"
    assert client.get(lesson_url(lesson)).status_code == 200
    assert len(finance_alerts()) == 1


@pytest.mark.parametrize("moves", [["lost"], ["under_review", "lost"]])
def test_a_lost_dispute_is_recorded_once_as_a_refund_and_closes_the_course(emulator, client, buyer, course, moves):
    # given a disputed payment
    calm, lesson = course
    order, dispute_id = pay_with_dispute_card(emulator, client, buyer, calm)
    settle(emulator)
    # when the bank decides for the cardholder, and Stripe says so twice
    for move in moves:
        emulator.move_dispute(dispute_id, move)
        settle(emulator)
    emulator.resend_event(stripe_event_id(emulator, "charge.dispute.closed"))
    settle(emulator)
    # then the money is recorded as gone, once, through the refund path: figures, access, credit note
    order.refresh_from_db()
    dispute = Dispute.objects.get()
    refund = Refund.objects.get()
    assert (dispute.status, dispute.refund) == ("lost", refund)
    assert (refund.source, refund.status, refund.amount, refund.stripe_refund_id) == ("dispute", "succeeded", 4900, "")
    assert refund.applied_at is not None
    assert (order.status, order.amount_paid, order.amount_refunded) == ("refunded", 4900, 4900)
    assert order.flag_reason.startswith(FLAG_DISPUTED_PREFIX)  # kept for history; the bank's decision resolved it
    assert order.flag_resolved_at is not None
    assert Enrollment.objects.get(user=buyer, course=calm).status == "refunded"
    assert client.get(lesson_url(lesson)).status_code == 302
    assert CreditNote.objects.filter(refund=refund).count() == 1
    assert len(finance_alerts()) == 1
    assert order.events.filter(type="dispute_lost").count() == 1
    [told] = OutboxEmail.objects.filter(kind="commerce/refund_issued")  # the credit note goes to the customer
    assert f"Your bank disputed the payment of order {order.number} and returned $49.00 to you" in told.body_text
    assert "Banks usually take" not in told.body_text
    assert len(told.attachments) == 1
    with emulator.configure_stripe():
        assert stripe.Refund.list(payment_intent=order.payment_intent_id).data == []


@pytest.mark.parametrize("outcome", ["won", "lost"])
def test_a_closed_dispute_delivered_before_its_creation_and_the_payment_still_ends_right(
    emulator, client, buyer, course, outcome
):
    # given every event of the payment and the dispute is held back, then delivered newest first
    calm, _ = course
    emulator.pause_webhooks()
    order, dispute_id = pay_with_dispute_card(emulator, client, buyer, calm)
    emulator.move_dispute(dispute_id, outcome)
    emulator.webhook_mode(order="reverse")
    # when
    emulator.resume_webhooks()
    emulator.wait_for_webhooks()
    emulator.webhook_mode(order="fifo")
    settle(emulator)
    # then the closed event came first, and the end is as if they had come in order
    handled = ("charge.dispute.created", "charge.dispute.closed")
    about_disputes = [d for d in emulator.deliveries() if d["event_type"] in handled]
    first = min(about_disputes, key=lambda delivery: delivery["attempt_log"][0]["at"])
    assert first["event_type"] == "charge.dispute.closed"
    order.refresh_from_db()
    dispute = Dispute.objects.get()
    assert dispute.status == outcome
    assert order.amount_paid == 4900
    assert Refund.objects.filter(source="dispute").count() == (outcome == "lost")
    assert order.amount_refunded == (4900 if outcome == "lost" else 0)
    assert Enrollment.objects.get(user=buyer, course=calm).status == ("refunded" if outcome == "lost" else "active")
    assert len(finance_alerts()) == 1
    assert [t for t in event_types(order) if t.startswith("dispute")] == ["disputed", f"dispute_{outcome}"]


def test_reconciliation_agrees_with_stripe_after_a_lost_dispute(emulator, client, buyer, course):
    # given a dispute lost and recorded as a refund of ours that Stripe keeps as a dispute
    _, dispute_id = pay_with_dispute_card(emulator, client, buyer, course[0])
    settle(emulator)
    emulator.move_dispute(dispute_id, "lost")
    settle(emulator)
    assert Refund.objects.get().source == "dispute"
    # when Stripe and we are compared
    result = reconciliation_compare(since=timezone.now() - timedelta(days=1))
    # then nothing differs: the charge was paid and refunded nothing at Stripe, the order lost its payment here
    assert result.differences == []
    assert (result.charges_seen, result.refunds_seen) == (1, 0)


@pytest.mark.parametrize("outcome", ["needs_response", "lost"])
def test_the_same_answer_recorded_by_three_workers_at_once_counts_once(emulator, client, buyer, course, outcome):
    # given a paid, disputed order whose dispute webhooks are dropped (the workers below stand for them)
    emulator.webhook_mode(drop=True, event_types=["charge.dispute.*"])
    order, dispute_id = pay_with_dispute_card(emulator, client, buyer, course[0])
    if outcome == "lost":
        emulator.move_dispute(dispute_id, "lost")
    settle(emulator)
    assert not Dispute.objects.exists()
    info = dispute_retrieve(dispute_id=dispute_id)
    # when three deliveries are handled at the same moment (real threads, PostgreSQL)
    results = run_at_once(*[lambda: dispute_record_from_stripe(info=info)] * 3)
    # then
    assert [type(result) for result in results] == [Dispute] * 3
    assert Dispute.objects.get().status == outcome
    assert len(finance_alerts()) == 1
    assert order.events.filter(type="disputed").count() == 1
    assert Refund.objects.count() == (outcome == "lost")
    order.refresh_from_db()
    assert order.amount_refunded == (4900 if outcome == "lost" else 0)
