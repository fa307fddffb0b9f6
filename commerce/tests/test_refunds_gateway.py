"""The gateway's refunds and charge listings against the Stripe emulator: what Stripe ends up holding."""

import time
from datetime import timedelta

import pytest
import stripe
from django.utils import timezone
from djstripe import models as djstripe_models

from commerce import stripe_gateway as gateway
from commerce.exceptions import PaymentProviderError
from commerce.tests.stripe_fixtures import cart_for, checkout, session_id_of, signed_in_client
from courses.tests.factories import CourseFactory
from innerwork.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def paid_payment(emulator, client, buyer, *prices) -> gateway.CheckoutSessionInfo:
    """A Checkout Session of courses at `prices`, paid at the emulator (no webhooks needed)."""
    cart_for(buyer, *[CourseFactory(price_amount=price) for price in prices])
    session_id = session_id_of(checkout(client))
    emulator.pay_checkout_session(session_id)
    return gateway.session_retrieve(session_id=session_id)


def retry_while_unavailable(operation, *, seconds: float = 15.0):
    deadline = time.monotonic() + seconds
    while True:
        try:
            return operation()
        except PaymentProviderError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_a_refund_is_created_with_our_metadata_and_mirrored(emulator, client, buyer):
    # given
    payment = paid_payment(emulator, client, buyer, 4900)
    # when
    refund = gateway.refund_create(
        payment_intent_id=payment.payment_intent_id,
        amount=1500,
        reason="requested_by_customer",
        idempotency_key="refund-test-1",
        metadata={"order": "ORD-1", "refund": "7"},
    )
    # then
    assert (refund.amount, refund.currency, refund.status, refund.reason) == (
        1500,
        "usd",
        "succeeded",
        "requested_by_customer",
    )
    assert (refund.charge_id, refund.payment_intent_id) == (payment.charge_id, payment.payment_intent_id)
    assert refund.metadata == {"order": "ORD-1", "refund": "7"}
    assert stripe.Charge.retrieve(payment.charge_id).amount_refunded == 1500
    assert djstripe_models.Refund.objects.filter(id=refund.id, amount=1500).exists()


def test_the_same_idempotency_key_refunds_once(emulator, client, buyer):
    payment = paid_payment(emulator, client, buyer, 4900)
    params = {
        "payment_intent_id": payment.payment_intent_id,
        "amount": 1000,
        "reason": "a staff note that Stripe does not take",
        "idempotency_key": "refund-twice",
        "metadata": {"order": "ORD-1", "refund": "1"},
    }

    first = gateway.refund_create(**params)
    second = gateway.refund_create(**params)

    assert first.id == second.id
    assert first.reason == ""
    assert len(stripe.Refund.list(payment_intent=payment.payment_intent_id).data) == 1


def test_a_timed_out_refund_retried_with_its_key_gives_back_the_refund_stripe_made(emulator, client, buyer, settings):
    # given Stripe makes the refund but answers too late
    payment = paid_payment(emulator, client, buyer, 4900)
    settings.STRIPE_TIMEOUT_SECONDS = 1
    emulator.fault("/v1/refunds", "timeout", method="POST", seconds=2)
    params = {
        "payment_intent_id": payment.payment_intent_id,
        "amount": 4900,
        "reason": "",
        "idempotency_key": "refund-timeout",
        "metadata": {},
    }
    with pytest.raises(PaymentProviderError):
        gateway.refund_create(**params)
    # when it is retried with the same key (Stripe says "in use" until the first request finishes)
    refund = retry_while_unavailable(lambda: gateway.refund_create(**params))
    # then there is one refund
    assert [r.id for r in stripe.Refund.list(payment_intent=payment.payment_intent_id).data] == [refund.id]


def test_refunding_more_than_is_left_is_refused(emulator, client, buyer):
    payment = paid_payment(emulator, client, buyer, 4900)

    with pytest.raises(gateway.ProviderRequestRefused) as refused:
        gateway.refund_create(
            payment_intent_id=payment.payment_intent_id,
            amount=5000,
            reason="",
            idempotency_key="too-much",
            metadata={},
        )

    assert refused.value.code == "amount_too_large"


def test_a_failed_refund_reads_as_failed_with_its_reason(emulator, client, buyer):
    payment = paid_payment(emulator, client, buyer, 4900)
    refund = gateway.refund_create(
        payment_intent_id=payment.payment_intent_id, amount=900, reason="", idempotency_key="k", metadata={}
    )

    emulator.fail_refund(refund.id, failure_reason="lost_or_stolen_card")
    again = gateway.refund_retrieve(refund_id=refund.id)

    assert (again.status, again.failure_reason) == ("failed", "lost_or_stolen_card")
    assert djstripe_models.Refund.objects.get(id=refund.id).status == "failed"


def test_refunds_of_a_charge_include_those_made_in_the_dashboard(emulator, client, buyer):
    payment = paid_payment(emulator, client, buyer, 4900)
    ours = gateway.refund_create(
        payment_intent_id=payment.payment_intent_id, amount=900, reason="", idempotency_key="k", metadata={}
    )
    theirs = emulator.dashboard_refund(payment.charge_id, amount=1000)

    found = {refund.id: refund.amount for refund in gateway.refunds_for_charge(charge_id=payment.charge_id)}

    assert found == {ours.id: 900, theirs["id"]: 1000}


def test_listings_page_through_everything_in_the_window(emulator, monkeypatch):
    # given three charges and three refunds, read two per page
    monkeypatch.setattr("commerce.stripe_gateway.refunds.PAGE_SIZE", 2)
    buyers = [UserFactory() for _ in range(3)]
    payments = [paid_payment(emulator, signed_in_client(user), user, 1000 * (i + 1)) for i, user in enumerate(buyers)]
    for i, payment in enumerate(payments):
        gateway.refund_create(
            payment_intent_id=payment.payment_intent_id, amount=100, reason="", idempotency_key=f"k{i}", metadata={}
        )
    start = timezone.now() - timedelta(hours=1)
    # when
    charges = list(gateway.charges_list(created_gte=start))
    refunds = list(gateway.refunds_list(created_gte=start, created_lt=timezone.now() + timedelta(hours=1)))
    # then
    assert sorted((c.amount, c.amount_refunded, c.paid, c.refunded) for c in charges) == [
        (1000, 100, True, False),
        (2000, 100, True, False),
        (3000, 100, True, False),
    ]
    assert {c.payment_intent_id for c in charges} == {p.payment_intent_id for p in payments}
    assert sorted(r.charge_id for r in refunds) == sorted(p.charge_id for p in payments)
    # and nothing is listed for a window before them
    assert list(gateway.charges_list(created_gte=start - timedelta(days=1), created_lt=start)) == []
