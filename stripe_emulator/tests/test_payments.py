"""Paying a session with each test card: what Stripe creates, in which state, with which events."""

import pytest
import stripe

from stripe_emulator import errors
from stripe_emulator.tests.factories import event_types, make_paid_session, make_session


def test_paying_creates_intent_charge_method_and_balance_transaction(emulator):
    session = make_session(payment_intent_data={"description": "Order ORD-1", "metadata": {"order": "ORD-1"}})

    result = emulator.pay_checkout_session(session.id, card="4242424242424242", email="ann@example.com")

    assert result["status"] == "succeeded"
    assert result["redirect"] == f"https://shop.example/orders/success?session_id={session.id}"
    paid = stripe.checkout.Session.retrieve(session.id, expand=["payment_intent.latest_charge"])
    assert (paid.status, paid.payment_status, paid.amount_total) == ("complete", "paid", 4900)
    assert paid.url is None  # only an open session has a URL
    assert paid.customer_details.email == "ann@example.com"
    intent = paid.payment_intent
    assert (intent.status, intent.amount, intent.amount_received) == ("succeeded", 4900, 4900)
    assert intent.metadata.to_dict() == {"order": "ORD-1"}
    charge = intent.latest_charge
    assert (charge.status, charge.paid, charge.captured, charge.amount_captured) == ("succeeded", True, True, 4900)
    assert (charge.payment_method_details.card.brand, charge.payment_method_details.card.last4) == ("visa", "4242")
    assert charge.receipt_url.endswith(f"/receipts/payment/{charge.id}")
    assert charge.description == "Order ORD-1"
    txn = stripe.BalanceTransaction.retrieve(charge.balance_transaction)
    assert (txn.amount, txn.fee, txn.net, txn.source, txn.type) == (4900, 172, 4728, charge.id, "charge")
    method = stripe.PaymentMethod.retrieve(intent.payment_method)
    assert (method.card.last4, method.billing_details.email) == ("4242", "ann@example.com")
    assert event_types()[-4:] == [
        "payment_intent.created",
        "charge.succeeded",
        "payment_intent.succeeded",
        "checkout.session.completed",
    ]


@pytest.mark.parametrize(
    ("card", "code", "decline_code", "message"),
    [
        ("4000000000000002", "card_declined", "generic_decline", errors.CARD_DECLINED),
        ("4000000000009995", "card_declined", "insufficient_funds", errors.INSUFFICIENT_FUNDS),
        ("4000000000000069", "expired_card", "expired_card", errors.EXPIRED_CARD),
        ("4000000000000127", "incorrect_cvc", "incorrect_cvc", errors.INCORRECT_CVC),
        ("4000000000009987", "card_declined", "lost_card", errors.CARD_DECLINED),
        ("4000000000009979", "card_declined", "stolen_card", errors.CARD_DECLINED),
        ("4000000000000119", "processing_error", None, errors.PROCESSING_ERROR),
    ],
)
def test_declined_cards_fail_like_stripe_and_leave_the_session_open(emulator, card, code, decline_code, message):
    session = make_session()

    result = emulator.pay_checkout_session(session.id, card=card)

    assert (result["status"], result["message"]) == ("declined", message)
    assert (result["error"]["code"], result["error"].get("decline_code"), result["error"]["type"]) == (
        code,
        decline_code,
        "card_error",
    )
    session = stripe.checkout.Session.retrieve(session.id, expand=["payment_intent.latest_charge"])
    assert (session.status, session.payment_status) == ("open", "unpaid")
    intent = session.payment_intent
    assert intent.status == "requires_payment_method"
    assert (intent.last_payment_error.code, intent.last_payment_error.decline_code) == (code, decline_code)
    charge = intent.latest_charge
    assert (charge.status, charge.paid, charge.failure_code, charge.failure_message) == ("failed", False, code, message)
    assert (charge.outcome.type, charge.outcome.reason) == ("issuer_declined", decline_code or code)
    assert charge.balance_transaction is None
    assert event_types()[-3:] == ["payment_intent.created", "charge.failed", "payment_intent.payment_failed"]


@pytest.mark.parametrize(
    ("card", "advice_code"),
    [
        ("4000000000000002", None),
        ("4000000000009995", "try_again_later"),
        ("4000000000000119", "try_again_later"),
        ("4000000000009987", "do_not_try_again"),
        ("4000000000009979", "do_not_try_again"),
    ],
)
def test_declines_carry_stripes_advice_code(emulator, card, advice_code):
    session = make_session()

    emulator.pay_checkout_session(session.id, card=card)

    intent = stripe.checkout.Session.retrieve(session.id, expand=["payment_intent.latest_charge"]).payment_intent
    # Stripe's error leaves advice_code out when it has none; the charge's outcome says null
    assert intent.last_payment_error.get("advice_code") == advice_code
    assert intent.latest_charge.outcome.advice_code == advice_code


def test_retry_after_a_decline_reuses_the_payment_intent(emulator):
    session = make_session()
    emulator.pay_checkout_session(session.id, card="4000000000000002")
    first_intent = stripe.checkout.Session.retrieve(session.id).payment_intent

    result = emulator.pay_checkout_session(session.id, card="4242424242424242")

    session = stripe.checkout.Session.retrieve(session.id)
    assert result["status"] == "succeeded"
    assert session.payment_intent == first_intent
    assert len(stripe.Charge.list(payment_intent=first_intent).data) == 2
    assert event_types().count("payment_intent.created") == 1


@pytest.mark.parametrize("card", ["4000002500003155", "4000002760003184"])
def test_three_d_secure_cards_wait_for_authentication_then_succeed(emulator, card):
    session = make_session()

    pending = emulator.pay_checkout_session(session.id, card=card)
    intent_id = stripe.checkout.Session.retrieve(session.id).payment_intent
    intent = stripe.PaymentIntent.retrieve(intent_id)
    done = emulator.authenticate(intent_id, approve=True)

    assert pending["status"] == "requires_action"
    assert pending["redirect"].endswith(f"/c/3ds/{intent_id}")
    assert (intent.status, intent.next_action.type) == ("requires_action", "redirect_to_url")
    assert done["status"] == "succeeded"
    charge = stripe.Charge.retrieve(stripe.PaymentIntent.retrieve(intent_id).latest_charge)
    assert charge.payment_method_details.card.three_d_secure.result == "authenticated"
    assert "payment_intent.requires_action" in event_types()


def test_failed_authentication_returns_to_the_form_without_a_charge(emulator):
    session = make_session()
    emulator.pay_checkout_session(session.id, card="4000002760003184")
    intent_id = stripe.checkout.Session.retrieve(session.id).payment_intent

    failed = emulator.authenticate(intent_id, approve=False)

    assert (failed["status"], failed["message"]) == ("declined", errors.AUTHENTICATION_FAILED)
    intent = stripe.PaymentIntent.retrieve(intent_id)
    assert (intent.status, intent.last_payment_error.code) == (
        "requires_payment_method",
        "payment_intent_authentication_failure",
    )
    assert stripe.Charge.list().data == []
    assert emulator.pay_checkout_session(session.id)["status"] == "succeeded"


def test_customer_creation_always_creates_a_customer_on_payment(emulator):
    session = make_session(customer_creation="always")

    emulator.pay_checkout_session(session.id, email="new@example.com", name="New Person")

    paid = stripe.checkout.Session.retrieve(session.id, expand=["customer", "payment_intent"])
    assert (paid.customer.email, paid.customer.name) == ("new@example.com", "New Person")
    assert paid.payment_intent.customer == paid.customer.id
    assert "customer.created" in event_types()


def test_setup_future_usage_attaches_the_card_to_the_customer(emulator):
    customer = stripe.Customer.create(email="known@example.com")
    session = make_session(customer=customer.id, payment_intent_data={"setup_future_usage": "off_session"})

    emulator.pay_checkout_session(session.id)

    [method] = stripe.Customer.list_payment_methods(customer.id).data
    assert method.customer == customer.id
    assert "payment_method.attached" in event_types()


def test_without_setup_future_usage_the_card_is_not_saved(emulator):
    customer = stripe.Customer.create(email="known@example.com")
    session = make_session(customer=customer.id)

    emulator.pay_checkout_session(session.id)

    assert stripe.Customer.list_payment_methods(customer.id).data == []


def test_if_required_creates_no_customer(emulator):
    session = make_session()

    emulator.pay_checkout_session(session.id)

    assert stripe.checkout.Session.retrieve(session.id).customer is None
    assert stripe.Customer.list().data == []


def test_existing_customer_is_charged_with_their_email(emulator):
    customer = stripe.Customer.create(email="known@example.com")
    session = make_session(customer=customer.id)

    emulator.pay_checkout_session(session.id, email=None)

    paid = stripe.checkout.Session.retrieve(session.id, expand=["payment_intent.latest_charge"])
    assert paid.customer_details.email == "known@example.com"
    assert paid.payment_intent.latest_charge.customer == customer.id


def test_a_fully_discounted_session_completes_without_a_card(emulator):
    coupon = stripe.Coupon.create(percent_off=100)
    session = make_session(discounts=[{"coupon": coupon.id}])

    result = emulator.pay_checkout_session(session.id, card="", email="free@example.com")

    paid = stripe.checkout.Session.retrieve(session.id)
    assert result["status"] == "succeeded"
    assert (paid.status, paid.payment_status, paid.amount_total, paid.payment_intent) == (
        "complete",
        "no_payment_required",
        0,
        None,
    )
    assert event_types()[-1] == "checkout.session.completed"
    assert stripe.Coupon.retrieve(coupon.id).times_redeemed == 1


def test_paying_twice_is_refused_once_complete(emulator):
    session = make_session()
    emulator.pay_checkout_session(session.id)

    again = emulator.pay_checkout_session(session.id)

    assert again["status"] == "closed"
    assert len(stripe.Charge.list().data) == 1


def test_an_expired_session_cannot_be_paid(emulator):
    session = make_session()
    stripe.checkout.Session.expire(session.id)

    assert emulator.pay_checkout_session(session.id)["status"] == "closed"


def test_card_field_errors_create_nothing(emulator):
    session = make_session()

    result = emulator.pay_checkout_session(session.id, card="4242424242424241", exp="01/20", cvc="1")

    assert result["status"] == "invalid"
    assert set(result["field_errors"]) == {"card_number", "card_expiry", "card_cvc"}
    assert stripe.PaymentIntent.list().data == []


def test_a_real_card_number_is_declined_in_test_mode(emulator):
    session = make_session()

    result = emulator.pay_checkout_session(session.id, card="4111111111111111")

    assert (result["status"], result["message"]) == ("declined", errors.LIVE_CARD_IN_TEST_MODE)


def test_payment_objects_are_listed_and_filtered(emulator):
    customer = stripe.Customer.create(email="a@example.com")
    paid = make_paid_session(emulator, customer=customer.id)
    make_paid_session(emulator)
    charge = paid.payment_intent.latest_charge

    assert [pi.id for pi in stripe.PaymentIntent.list(customer=customer.id).data] == [paid.payment_intent.id]
    assert [c.id for c in stripe.Charge.list(payment_intent=paid.payment_intent.id).data] == [charge.id]
    assert len(stripe.Charge.list().data) == 2
    assert [t.id for t in stripe.BalanceTransaction.list(source=charge.id).data] == [charge.balance_transaction]
    assert len(stripe.PaymentMethod.list(type="card").data) == 2
    assert [c.id for c in stripe.Charge.search(query="status:'succeeded' AND amount>4000").data][-1] == charge.id
