"""Disputes: card 4000 0000 0000 0259 pays and is then disputed; the control API moves the dispute to
under review and closes it won or lost, with Stripe's events, balance transactions and refusals."""

import pytest
import stripe

from stripe_emulator.api import disputes
from stripe_emulator.testing import EmulatorError
from stripe_emulator.tests.factories import event_types, make_paid_session

DISPUTE_CARD = "4000000000000259"


def disputed_payment(emulator) -> tuple[stripe.Charge, stripe.Dispute]:
    charge = make_paid_session(emulator, card=DISPUTE_CARD).payment_intent.latest_charge
    [dispute] = stripe.Dispute.list(charge=charge.id).data
    return stripe.Charge.retrieve(charge.id), dispute


def test_the_dispute_card_pays_then_is_disputed_as_fraudulent(emulator):
    charge, dispute = disputed_payment(emulator)

    assert dispute.id.startswith("dp_")
    assert (dispute.amount, dispute.currency, dispute.charge, dispute.payment_intent) == (
        4900,
        "usd",
        charge.id,
        charge.payment_intent,
    )
    assert (dispute.reason, dispute.status, dispute.is_charge_refundable) == ("fraudulent", "needs_response", False)
    assert dispute.evidence_details.due_by > dispute.created
    assert (dispute.evidence_details.has_evidence, dispute.evidence_details.submission_count) == (False, 0)
    assert dispute.payment_method_details.card.case_type == "chargeback"
    assert (charge.status, charge.paid, charge.disputed) == ("succeeded", True, True)
    assert event_types()[-4:] == [
        "checkout.session.completed",
        "charge.dispute.created",
        "charge.updated",
        "charge.dispute.funds_withdrawn",
    ]
    created = stripe.Event.list(type="charge.dispute.created").data[0]
    assert created.data.object.id == dispute.id


def test_a_dispute_withdraws_the_amount_and_stripes_fee(emulator):
    _, dispute = disputed_payment(emulator)

    [withdrawal] = dispute.balance_transactions
    assert (withdrawal.amount, withdrawal.fee, withdrawal.net) == (-4900, disputes.DISPUTE_FEE, -4900 - 1500)
    assert (withdrawal.type, withdrawal.reporting_category, withdrawal.source) == ("adjustment", "dispute", dispute.id)
    assert stripe.BalanceTransaction.retrieve(withdrawal.id).amount == -4900


@pytest.mark.parametrize(
    ("moves", "status", "events", "balance"),
    [
        (["under_review"], "under_review", ["charge.dispute.updated"], [-4900]),
        (["under_review", "won"], "won", ["charge.dispute.closed", "charge.dispute.funds_reinstated"], [-4900, 4900]),
        (["under_review", "lost"], "lost", ["charge.dispute.closed"], [-4900]),
        (["won"], "won", ["charge.dispute.closed", "charge.dispute.funds_reinstated"], [-4900, 4900]),
        (["lost"], "lost", ["charge.dispute.closed"], [-4900]),
    ],
)
def test_the_bank_moves_the_dispute_to_its_outcome(emulator, moves, status, events, balance):
    _, dispute = disputed_payment(emulator)

    for move in moves:
        emulator.move_dispute(dispute.id, move)

    dispute = stripe.Dispute.retrieve(dispute.id)
    assert dispute.status == status
    assert [txn.amount for txn in dispute.balance_transactions] == balance
    assert event_types()[-len(events) :] == events
    last = stripe.Event.list(type=events[0]).data[0]
    assert last.data.object.status == status
    assert last.data.previous_attributes["status"] == ("needs_response" if len(moves) == 1 else "under_review")


@pytest.mark.parametrize(
    ("moves", "refused"),
    [
        (["won"], "lost"),
        (["lost"], "under_review"),
        (["under_review"], "under_review"),
        (["under_review", "won"], "won"),
    ],
)
def test_a_closed_or_moved_dispute_cannot_go_back(emulator, moves, refused):
    _, dispute = disputed_payment(emulator)
    for move in moves:
        emulator.move_dispute(dispute.id, move)

    with pytest.raises(EmulatorError, match="cannot move to"):
        emulator.move_dispute(dispute.id, refused)

    assert stripe.Dispute.retrieve(dispute.id).status == (moves[-1])


def test_accepting_a_dispute_through_the_api_loses_it(emulator):
    _, dispute = disputed_payment(emulator)

    closed = stripe.Dispute.close(dispute.id)

    assert closed.status == "lost"
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe.Dispute.close(dispute.id)
    assert caught.value.user_message == disputes.ALREADY_CLOSED


def test_a_disputed_charge_cannot_be_refunded(emulator):
    charge, _ = disputed_payment(emulator)

    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe.Refund.create(charge=charge.id)

    assert caught.value.code == "charge_disputed"
    assert stripe.Charge.retrieve(charge.id).amount_refunded == 0


def test_any_paid_charge_can_be_disputed_through_the_control_api_but_only_once(emulator):
    charge = make_paid_session(emulator).payment_intent.latest_charge

    opened = emulator.open_dispute(charge.id, reason="product_not_received")
    with pytest.raises(EmulatorError, match="already been disputed"):
        emulator.open_dispute(charge.id)

    assert (opened["reason"], opened["status"]) == ("product_not_received", "needs_response")
    assert opened["charge"] == charge.id
    assert stripe.Charge.retrieve(charge.id).disputed is True


def test_disputes_are_listed_newest_first_filtered_and_expandable(emulator):
    first_charge, first = disputed_payment(emulator)
    _, second = disputed_payment(emulator)

    assert [d.id for d in stripe.Dispute.list().data] == [second.id, first.id]
    assert [d.id for d in stripe.Dispute.list(payment_intent=first_charge.payment_intent).data] == [first.id]
    expanded = stripe.Dispute.retrieve(first.id, expand=["charge", "payment_intent"])
    assert (expanded.charge.id, expanded.payment_intent.id) == (first_charge.id, first_charge.payment_intent)
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe.Dispute.retrieve("dp_missing")
    assert caught.value.http_status == 404


def test_only_metadata_of_a_dispute_can_be_updated(emulator):
    _, dispute = disputed_payment(emulator)

    updated = stripe.Dispute.modify(dispute.id, metadata={"ticket": "7"})
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe.Dispute.modify(dispute.id, evidence={"uncategorized_text": "He used the course"})

    assert updated.metadata.to_dict() == {"ticket": "7"}
    assert "does not implement `evidence`" in caught.value.user_message


def test_a_reason_without_a_network_code_leaves_the_code_out(emulator):
    charge = make_paid_session(emulator).payment_intent.latest_charge

    opened = emulator.open_dispute(charge.id, reason="duplicate")

    assert "network_reason_code" not in opened
    assert opened["payment_method_details"]["card"]["network_reason_code"] is None


def test_a_reason_stripe_does_not_have_is_refused(emulator):
    charge = make_paid_session(emulator).payment_intent.latest_charge

    with pytest.raises(EmulatorError, match="`reason` is one of"):
        emulator.open_dispute(charge.id, reason="changed_my_mind")

    assert stripe.Charge.retrieve(charge.id).disputed is False
