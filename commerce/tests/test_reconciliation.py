"""reconcile_stripe against the emulator: seeded mismatches are reported, repaired by --fix, and the exit code says so.

Each mismatch is made the way it happens in production: a webhook that never arrived
(deliveries paused), a refund made in Stripe's dashboard, or a record of ours that Stripe
never saw.
"""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from commerce.models import Order, Refund
from commerce.reporting.reconciliation import (
    PAID_AMOUNT_DIFFERS,
    PAID_HERE_ONLY,
    PAID_IN_STRIPE_ONLY,
    REFUND_IN_STRIPE_ONLY,
    REFUNDED_TOTAL_DIFFERS,
    reconciliation_compare,
)
from commerce.tests.factories import OrderFactory
from commerce.tests.stripe_fixtures import cart_for, checkout, session_id_of
from courses.models import Enrollment
from courses.tests.factories import CourseFactory
from innerwork.core.models import OutboxEmail

pytestmark = pytest.mark.django_db(transaction=True)


def reconcile(*args) -> tuple[int, str]:
    """Run the command as cron would: its exit code and what it printed."""
    out = StringIO()
    since = (timezone.now() - timedelta(days=1)).strftime("%Y-%m-%d")
    try:
        call_command("reconcile_stripe", "--since", since, *args, stdout=out)
    except SystemExit as exc:
        return exc.code, out.getvalue()
    return 0, out.getvalue()


def kinds() -> list[str]:
    return sorted(d.kind for d in reconciliation_compare(since=timezone.now() - timedelta(days=1)).differences)


def pay(emulator, client, buyer, *courses, webhooks_paused=False) -> Order:
    cart_for(buyer, *courses)
    session_id = session_id_of(checkout(client))
    emulator.pay_checkout_session(session_id)
    if not webhooks_paused:
        emulator.wait_for_webhooks()
    return Order.objects.get(user=buyer, lines__ref=str(courses[0].pk))


def test_agreeing_records_exit_zero(emulator, webhooks, buyer, client):
    order = pay(emulator, client, buyer, CourseFactory(price_amount=4900))
    order.refresh_from_db()
    assert order.status == Order.Status.PAID

    code, out = reconcile()

    assert code == 0, out
    assert "1 charge(s), 0 refund(s) compared" in out
    assert "Stripe and InnerWork agree." in out


def test_a_payment_whose_webhook_never_arrived_is_reported_then_fulfilled_once_by_fix(
    emulator, webhooks, buyer, client
):
    course = CourseFactory(price_amount=4900)
    emulator.pause_webhooks()
    order = pay(emulator, client, buyer, course, webhooks_paused=True)
    assert order.status == Order.Status.PENDING

    code, out = reconcile()
    assert code == 1
    assert f"[{PAID_IN_STRIPE_ONLY}] {order.number}" in out
    assert "(--fix repairs this)" in out
    assert not Enrollment.objects.filter(user=buyer, course=course).exists()

    code, out = reconcile("--fix")
    assert code == 0, out
    assert "repaired  [paid_in_stripe_only]" in out
    order.refresh_from_db()
    assert (order.status, order.amount_paid) == (Order.Status.PAID, 4900)
    assert Enrollment.objects.get(user=buyer, course=course).status == Enrollment.Status.ACTIVE

    # the webhook turning up at last, and a second fix, change nothing
    emulator.resume_webhooks()
    emulator.wait_for_webhooks()
    assert reconcile("--fix") == (0, reconcile()[1])
    assert OutboxEmail.objects.filter(kind="commerce/order_confirmation").count() == 1
    assert order.events.filter(type="paid").count() == 1


def test_a_dashboard_refund_missed_by_webhooks_is_reported_and_applied_by_fix(emulator, webhooks, buyer, client):
    kept, refunded = CourseFactory(price_amount=3000), CourseFactory(price_amount=2000)
    order = pay(emulator, client, buyer, kept, refunded)
    order.refresh_from_db()
    emulator.pause_webhooks()
    emulator.dashboard_refund(order.charge_id, amount=order.amount_paid)

    assert kinds() == [REFUND_IN_STRIPE_ONLY, REFUNDED_TOTAL_DIFFERS]
    code, out = reconcile()
    assert code == 1
    assert "Refunded in Stripe ($50.00" in out

    code, out = reconcile("--fix")

    assert code == 0, out
    order.refresh_from_db()
    assert (order.status, order.amount_refunded) == (Order.Status.REFUNDED, 5000)
    refund = Refund.objects.get(order=order)
    assert (refund.source, refund.status, refund.amount) == (
        Refund.Source.RECONCILIATION,
        Refund.Status.SUCCEEDED,
        5000,
    )
    assert set(Enrollment.objects.filter(user=buyer).values_list("status", flat=True)) == {Enrollment.Status.REFUNDED}
    assert reconcile("--fix")[0] == 0
    assert Refund.objects.filter(order=order).count() == 1


def test_differences_fix_cannot_repair_are_listed_and_keep_the_exit_code_non_zero(emulator, webhooks, buyer, client):
    order = pay(emulator, client, buyer, CourseFactory(price_amount=4900))
    Order.objects.filter(pk=order.pk).update(amount_paid=4800)
    ghost = OrderFactory(
        user=buyer,
        subtotal_amount=1500,
        status=Order.Status.PAID,
        amount_paid=1500,
        paid_at=timezone.now(),
        payment_intent_id="pi_never_seen_by_stripe",
    )

    code, out = reconcile("--fix")

    assert code == 1
    assert f"[{PAID_AMOUNT_DIFFERS}] {order.number}" in out
    assert "Stripe charged $49.00; we recorded $48.00 as paid." in out
    assert f"[{PAID_HERE_ONLY}] {ghost.number} pi_never_seen_by_stripe" in out
    assert "2 difference(s) remain." in out


def test_bad_dates_are_refused_with_the_format():
    with pytest.raises(CommandError, match="write it as YYYY-MM-DD"):
        call_command("reconcile_stripe", "--since", "1/11/2026")
    with pytest.raises(CommandError, match="--until must not be before --since"):
        call_command("reconcile_stripe", "--since", "2026-11-05", "--until", "2026-11-01")
