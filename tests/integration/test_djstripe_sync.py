"""dj-stripe 2.11 mirrors every Stripe object the product uses, as the emulator serves them.

`sync_from_stripe_data` is what the product calls after each Stripe call and what dj-stripe runs for
every webhook; it also fetches related objects on its own (the account, balance transactions, a
product's features, a session's payment intent...), so these tests prove those calls work too.
"""

import pytest
import stripe
from djstripe import models as djstripe_models

from stripe_emulator.tests.factories import make_price, make_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid(emulator):
    """A completed purchase with everything around it: customer, coupon, promotion code, refund."""
    customer = stripe.Customer.create(email="ann@example.com", name="Ann Lee", metadata={"user_id": "7"})
    coupon = stripe.Coupon.create(percent_off=10, name="Spring")
    promo = stripe.PromotionCode.create(promotion={"type": "coupon", "coupon": coupon.id}, code="SPRING10")
    price = make_price(amount=4900, lookup_key="course-1")
    session = make_session(prices=[(price, 1)], customer=customer.id, discounts=[{"promotion_code": promo.id}])
    emulator.pay_checkout_session(session.id)
    session = stripe.checkout.Session.retrieve(session.id)
    intent = stripe.PaymentIntent.retrieve(session.payment_intent)
    charge = stripe.Charge.retrieve(intent.latest_charge)
    refund = stripe.Refund.create(charge=charge.id, amount=1000, reason="requested_by_customer")
    return {
        "customer": customer,
        "coupon": coupon,
        "promo": promo,
        "price": price,
        "product": stripe.Product.retrieve(price.product),
        "session": session,
        "intent": intent,
        "charge": stripe.Charge.retrieve(charge.id),
        "refund": refund,
        "method": stripe.PaymentMethod.retrieve(intent.payment_method),
        "txn": stripe.BalanceTransaction.retrieve(charge.balance_transaction),
    }


def sync(model, stripe_object):
    return model.sync_from_stripe_data(stripe_object)


def fields(record, *names):
    """Values as dj-stripe stored them (2.11 keeps most fields in `stripe_data`)."""
    record.refresh_from_db()
    return tuple(record.stripe_data[name] for name in names)


def test_account_is_mirrored_from_the_key(emulator):
    account = djstripe_models.Account.get_or_retrieve_for_api_key(emulator.api_key)
    account.refresh_from_db()  # dj-stripe hands back the stub it created before syncing

    assert account.id == stripe.Account.retrieve().id
    assert account.charges_enabled is True
    assert str(account) == "InnerWork (Stripe emulator)"


def test_customer(paid):
    customer = sync(djstripe_models.Customer, paid["customer"])

    assert customer.id == paid["customer"].id
    assert fields(customer, "email", "name") == ("ann@example.com", "Ann Lee")
    assert customer.metadata == {"user_id": "7"}
    assert customer.livemode is False


def test_product_and_price(paid):
    product = sync(djstripe_models.Product, paid["product"])
    price = sync(djstripe_models.Price, paid["price"])

    assert fields(product, "name") == ("Mindful Leadership",)
    assert fields(price, "unit_amount", "currency", "lookup_key") == (4900, "usd", "course-1")
    assert price.product_id == product.id


def test_coupon_and_promotion_code(paid):
    coupon = sync(djstripe_models.Coupon, paid["coupon"])
    promo = sync(djstripe_models.PromotionCode, paid["promo"])

    assert fields(coupon, "percent_off", "name", "duration") == (10, "Spring", "once")
    assert fields(promo, "code", "active") == ("SPRING10", True)


def test_checkout_session_with_its_customer_and_payment_intent(paid):
    session = sync(djstripe_models.Session, paid["session"])

    assert fields(session, "status", "payment_status", "amount_total") == ("complete", "paid", 4410)
    assert session.customer.id == paid["customer"].id
    assert session.payment_intent.id == paid["intent"].id
    assert session.client_reference_id is None


def test_payment_intent_charge_and_payment_method(paid):
    intent = sync(djstripe_models.PaymentIntent, paid["intent"])
    charge = sync(djstripe_models.Charge, paid["charge"])
    method = sync(djstripe_models.PaymentMethod, paid["method"])

    assert fields(intent, "status", "amount", "amount_received") == ("succeeded", 4410, 4410)
    assert fields(charge, "status", "amount", "amount_refunded", "paid") == ("succeeded", 4410, 1000, True)
    assert charge.payment_intent_id == intent.id
    assert intent.customer_id == paid["customer"].id
    assert charge.balance_transaction.stripe_data["amount"] == 4410
    assert method.stripe_data["card"]["last4"] == "4242"


def test_refund_and_balance_transaction(paid):
    refund = sync(djstripe_models.Refund, paid["refund"])
    txn = sync(djstripe_models.BalanceTransaction, paid["txn"])

    assert fields(refund, "amount", "status", "reason") == (1000, "succeeded", "requested_by_customer")
    assert refund.charge_id == paid["charge"].id
    assert refund.balance_transaction.stripe_data["amount"] == -1000
    assert fields(txn, "amount", "fee", "type") == (4410, 158, "charge")


def test_event_as_delivered_in_a_webhook(paid):
    # dj-stripe reads an event from the webhook's JSON body (a dict), not from a stripe-python object
    event_data = stripe.Event.list(type="checkout.session.completed").data[0].to_dict()

    event = sync(djstripe_models.Event, event_data)

    assert (event.type, event.data["object"]["id"]) == ("checkout.session.completed", paid["session"].id)
    assert event.request_id == ""  # Stripe completed the session itself, no API request did


def test_webhook_endpoint_created_through_djstripe_keeps_the_emulators_secret(emulator, live_server):
    endpoint = djstripe_models.WebhookEndpoint()
    data = djstripe_models.WebhookEndpoint._api_create(
        url=f"{live_server.url}/stripe/webhook/{endpoint.djstripe_uuid}/",
        api_version=stripe.api_version,
        enabled_events=["*"],
        metadata={"djstripe_uuid": str(endpoint.djstripe_uuid)},
        connect=False,
    )

    synced = djstripe_models.WebhookEndpoint.sync_from_stripe_data(data)

    assert synced.secret == emulator.webhook_secret(data["id"])
    assert str(synced.djstripe_uuid) == str(endpoint.djstripe_uuid)
    assert synced.url.endswith(f"/stripe/webhook/{endpoint.djstripe_uuid}/")
