"""Refunds: full or partial, by charge or payment intent, never more than what is left; async failure."""

import pytest
import stripe

from stripe_emulator.api import refunds
from stripe_emulator.tests.factories import event_types, make_paid_session, make_session


def test_full_refund_by_payment_intent(emulator):
    paid = make_paid_session(emulator)

    refund = stripe.Refund.create(
        payment_intent=paid.payment_intent.id, reason="requested_by_customer", metadata={"order": "1"}
    )

    charge = stripe.Charge.retrieve(paid.payment_intent.latest_charge.id)
    assert (refund.status, refund.amount, refund.reason, refund.charge) == (
        "succeeded",
        4900,
        "requested_by_customer",
        charge.id,
    )
    assert (charge.amount_refunded, charge.refunded) == (4900, True)
    txn = stripe.BalanceTransaction.retrieve(refund.balance_transaction)
    assert (txn.amount, txn.type, txn.source) == (-4900, "refund", refund.id)
    assert event_types()[-2:] == ["refund.created", "charge.refunded"]
    refunded = stripe.Event.list(type="charge.refunded").data[0]
    assert refunded.data.previous_attributes.to_dict() == {"amount_refunded": 0, "refunded": False}


def test_partial_refunds_by_charge_until_nothing_is_left(emulator):
    charge = make_paid_session(emulator).payment_intent.latest_charge

    stripe.Refund.create(charge=charge.id, amount=1000)
    stripe.Refund.create(charge=charge.id, amount=2900)
    last = stripe.Refund.create(charge=charge.id)  # the rest
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe.Refund.create(charge=charge.id, amount=1)

    assert last.amount == 1000
    assert stripe.Charge.retrieve(charge.id).refunded is True
    assert caught.value.code == "charge_already_refunded"
    assert [r.amount for r in stripe.Refund.list(charge=charge.id).data] == [1000, 2900, 1000]


def test_refund_over_what_is_left_is_refused_with_amount_too_large(emulator):
    charge = make_paid_session(emulator).payment_intent.latest_charge
    stripe.Refund.create(charge=charge.id, amount=4000)

    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe.Refund.create(charge=charge.id, amount=1000)

    assert caught.value.code == "amount_too_large"
    assert caught.value.param == "amount"
    assert caught.value.user_message == refunds.AMOUNT_TOO_LARGE.format(amount="$10.00", remaining="$9.00")
    assert stripe.Charge.retrieve(charge.id).amount_refunded == 4000


def test_refund_of_an_unpaid_intent_is_refused(emulator):
    session = make_session()
    emulator.pay_checkout_session(session.id, card="4000000000000002")
    intent_id = stripe.checkout.Session.retrieve(session.id).payment_intent

    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe.Refund.create(payment_intent=intent_id)

    assert caught.value.code == "charge_not_refundable"


def test_refund_needs_a_target_and_a_known_reason(emulator):
    charge = make_paid_session(emulator).payment_intent.latest_charge

    with pytest.raises(stripe.InvalidRequestError) as no_target:
        stripe.Refund.create(amount=100)
    with pytest.raises(stripe.InvalidRequestError) as bad_reason:
        stripe.Refund.create(charge=charge.id, reason="changed_my_mind")

    assert no_target.value.user_message == refunds.TARGET_REQUIRED
    assert bad_reason.value.param == "reason"


def test_refund_metadata_update_emits_refund_updated(emulator):
    charge = make_paid_session(emulator).payment_intent.latest_charge
    refund = stripe.Refund.create(charge=charge.id, amount=100)

    stripe.Refund.modify(refund.id, metadata={"ticket": "42"})

    assert stripe.Refund.retrieve(refund.id).metadata.to_dict() == {"ticket": "42"}
    event = stripe.Event.list(type="refund.updated").data[0]
    assert event.data.previous_attributes.to_dict() == {"metadata": {"ticket": None}}


def test_refunds_listed_by_payment_intent_and_expanded_on_the_charge(emulator):
    paid = make_paid_session(emulator)
    refund = stripe.Refund.create(payment_intent=paid.payment_intent.id, amount=500)

    listed = stripe.Refund.list(payment_intent=paid.payment_intent.id)
    charge = stripe.Charge.retrieve(paid.payment_intent.latest_charge.id, expand=["refunds"])

    assert [r.id for r in listed.data] == [refund.id] == [r.id for r in charge.refunds.data]
    assert stripe.Charge.retrieve(charge.id).refunds is None  # only when expanded, as since 2022-11-15


def test_control_api_fails_a_refund_and_gives_the_money_back(emulator):
    charge = make_paid_session(emulator).payment_intent.latest_charge
    refund = stripe.Refund.create(charge=charge.id, amount=1500)

    emulator.fail_refund(refund.id, failure_reason="lost_or_stolen_card")

    failed = stripe.Refund.retrieve(refund.id)
    assert (failed.status, failed.failure_reason) == ("failed", "lost_or_stolen_card")
    assert stripe.BalanceTransaction.retrieve(failed.failure_balance_transaction).amount == 1500
    assert stripe.Charge.retrieve(charge.id).amount_refunded == 0
    event = stripe.Event.list(type="refund.updated").data[0]
    assert event.data.object.status == "failed"
    assert event.data.previous_attributes["status"] == "succeeded"
    assert event_types()[-3:] == ["refund.updated", "refund.failed", "charge.refund.updated"]


def test_refund_failure_can_be_scheduled_and_happens_when_the_clock_passes(emulator):
    charge = make_paid_session(emulator).payment_intent.latest_charge
    refund = stripe.Refund.create(charge=charge.id)

    emulator.fail_refund(refund.id, after_seconds=600)
    before = stripe.Refund.retrieve(refund.id).status
    emulator.advance_clock(601)

    assert before == "succeeded"
    assert stripe.Refund.retrieve(refund.id).status == "failed"


def test_refund_of_the_async_failure_test_card_fails_on_its_own(emulator):
    charge = make_paid_session(emulator, card="4000000000005126").payment_intent.latest_charge

    refund = stripe.Refund.create(charge=charge.id)
    emulator.advance_clock(1)

    assert refund.status == "succeeded"
    assert stripe.Refund.retrieve(refund.id).status == "failed"
    assert "refund.failed" in event_types()


def test_a_refund_made_in_the_dashboard_emits_the_same_events(emulator):
    charge = make_paid_session(emulator).payment_intent.latest_charge

    refund = emulator.dashboard_refund(charge.id, amount=1900, reason="requested_by_customer")

    assert (refund["amount"], refund["status"]) == (1900, "succeeded")
    assert stripe.Charge.retrieve(charge.id).amount_refunded == 1900
    assert event_types()[-2:] == ["refund.created", "charge.refunded"]
