"""Checkout Sessions: amounts from prices, coupons and promotion codes; expiry; line items; filters."""

import pytest
import stripe

from stripe_emulator import pricing
from stripe_emulator.api import checkout
from stripe_emulator.tests.factories import CANCEL_URL, SUCCESS_URL, event_types, make_price, make_session


def test_session_totals_come_from_prices_and_quantities(emulator):
    course, pack = make_price(amount=4900), make_price(amount=1250, name="Workbook")

    session = make_session(prices=[(course, 1), (pack, 2)], client_reference_id="order-17", metadata={"order": "17"})

    assert (session.amount_subtotal, session.amount_total, session.currency) == (7400, 7400, "usd")
    assert (session.status, session.payment_status, session.mode) == ("open", "unpaid", "payment")
    assert session.url.endswith(f"/c/pay/{session.id}")
    assert session.client_reference_id == "order-17"
    assert session.metadata.to_dict() == {"order": "17"}
    assert session.payment_intent is None  # created when the customer pays, as on Stripe since 2022-08-01
    assert session.expires_at - session.created == 24 * 3600
    assert event_types() == ["product.created", "price.created", "product.created", "price.created"]


def test_price_data_creates_an_inline_price_without_events(emulator):
    session = stripe.checkout.Session.create(
        mode="payment",
        success_url=SUCCESS_URL,
        line_items=[
            {
                "price_data": {"currency": "eur", "unit_amount": 2500, "product_data": {"name": "1:1 session"}},
                "quantity": 2,
            }
        ],
    )

    item = stripe.checkout.Session.list_line_items(session.id).data[0]
    assert (item.description, item.quantity, item.amount_total, item.price.unit_amount) == (
        "1:1 session",
        2,
        5000,
        2500,
    )
    assert item.price.active is False
    assert session.amount_total == 5000
    assert event_types() == []


def test_percent_coupon_is_split_across_lines_and_rounded_half_up(emulator):
    a, b = make_price(amount=999), make_price(amount=1001, name="Other")
    coupon = stripe.Coupon.create(percent_off=15)

    session = make_session(prices=[(a, 1), (b, 1)], discounts=[{"coupon": coupon.id}])

    items = stripe.checkout.Session.list_line_items(session.id).data
    assert session.total_details.amount_discount == 300  # 15 % of 20.00
    assert sum(item.amount_discount for item in items) == 300
    assert session.amount_total == 1700
    assert session.discounts[0].coupon == coupon.id


def test_amount_coupon_is_capped_at_the_subtotal(emulator):
    coupon = stripe.Coupon.create(amount_off=10000, currency="usd")

    session = make_session(discounts=[{"coupon": coupon.id}])

    assert (session.amount_subtotal, session.total_details.amount_discount, session.amount_total) == (4900, 4900, 0)


def test_coupon_restricted_to_products_discounts_only_those_lines(emulator):
    course, book = make_price(amount=5000), make_price(amount=2000, name="Book")
    coupon = stripe.Coupon.create(percent_off=50, applies_to={"products": [course.product]})

    session = make_session(prices=[(course, 1), (book, 1)], discounts=[{"coupon": coupon.id}])

    amounts = [item.amount_discount for item in stripe.checkout.Session.list_line_items(session.id).data]
    assert amounts == [2500, 0]


def test_promotion_code_discount_and_its_restrictions(emulator):
    coupon = stripe.Coupon.create(percent_off=10)
    promo = stripe.PromotionCode.create(
        promotion={"type": "coupon", "coupon": coupon.id},
        restrictions={"minimum_amount": 10000, "minimum_amount_currency": "usd"},
    )

    with pytest.raises(stripe.InvalidRequestError) as caught:
        make_session(discounts=[{"promotion_code": promo.id}])
    session = make_session(prices=[(make_price(amount=12000), 1)], discounts=[{"promotion_code": promo.id}])

    assert caught.value.user_message == pricing.PROMO_MINIMUM.format(amount="$100.00")
    assert session.total_details.amount_discount == 1200
    assert session.discounts[0].promotion_code == promo.id


def test_amount_coupon_in_another_currency_is_refused(emulator):
    coupon = stripe.Coupon.create(amount_off=500, currency="eur")

    with pytest.raises(stripe.InvalidRequestError) as caught:
        make_session(discounts=[{"coupon": coupon.id}])

    assert caught.value.param == "discounts[0][coupon]"


def test_exhausted_coupon_is_refused(emulator):
    coupon = stripe.Coupon.create(percent_off=10, max_redemptions=1)
    session = make_session(discounts=[{"coupon": coupon.id}])
    emulator.pay_checkout_session(session.id)

    with pytest.raises(stripe.InvalidRequestError) as caught:
        make_session(discounts=[{"coupon": coupon.id}])

    assert caught.value.code == "coupon_expired"
    assert stripe.Coupon.retrieve(coupon.id).times_redeemed == 1


@pytest.mark.parametrize(
    ("params", "conflict"),
    [
        ({"allow_promotion_codes": True, "discounts": [{"coupon": "X"}]}, "discounts"),
        ({"customer": "cus_x", "customer_email": "a@b.co"}, "customer_email"),
    ],
)
def test_mutually_exclusive_parameters(emulator, params, conflict):
    if "customer" in params:
        params["customer"] = stripe.Customer.create().id
    if "discounts" in params:
        params["discounts"] = [{"coupon": stripe.Coupon.create(percent_off=5).id}]

    with pytest.raises(stripe.InvalidRequestError) as caught:
        make_session(**params)

    assert caught.value.param == conflict


def test_only_payment_mode_and_one_time_prices(emulator):
    recurring = stripe.Price.create(
        product_data={"name": "Membership"}, currency="usd", unit_amount=900, recurring={"interval": "month"}
    )

    with pytest.raises(stripe.InvalidRequestError) as subscription:
        make_session(mode="subscription")
    with pytest.raises(stripe.InvalidRequestError) as recurring_price:
        make_session(prices=[(recurring, 1)])

    assert subscription.value.user_message == checkout.ONLY_PAYMENT_MODE
    assert recurring_price.value.user_message == checkout.RECURRING_IN_PAYMENT_MODE


def test_inactive_price_is_refused(emulator):
    price = make_price()
    stripe.Price.modify(price.id, active=False)

    with pytest.raises(stripe.InvalidRequestError) as caught:
        make_session(prices=[(price, 1)])

    assert caught.value.user_message == checkout.PRICE_INACTIVE
    assert caught.value.param == "line_items[0][price]"


def test_expires_at_must_be_between_30_minutes_and_24_hours(emulator):
    now = emulator.now()

    with pytest.raises(stripe.InvalidRequestError) as too_soon:
        make_session(expires_at=now + 60)
    with pytest.raises(stripe.InvalidRequestError) as too_late:
        make_session(expires_at=now + 25 * 3600)
    session = make_session(expires_at=now + 3600)

    assert too_soon.value.user_message == checkout.EXPIRES_TOO_SOON
    assert too_late.value.user_message == checkout.EXPIRES_TOO_LATE
    assert session.expires_at == now + 3600


def test_invalid_success_url_is_refused(emulator):
    with pytest.raises(stripe.InvalidRequestError) as caught:
        make_session(success_url="not a url")

    assert caught.value.param == "success_url"


def test_expire_endpoint_expires_once_and_emits_the_event(emulator):
    session = make_session()

    expired = stripe.checkout.Session.expire(session.id)
    with pytest.raises(stripe.InvalidRequestError) as again:
        stripe.checkout.Session.expire(session.id)

    assert (expired.status, expired.url) == ("expired", None)
    assert again.value.user_message == checkout.ONLY_OPEN_CAN_EXPIRE
    event = stripe.Event.list(type="checkout.session.expired").data[0]
    assert event.data.object.id == session.id
    assert event["request"]["id"] is not None


def test_moving_the_clock_past_expires_at_expires_the_session(emulator):
    # a minute over Stripe's 30-minute minimum, so a slow request still lands inside it
    session = make_session(expires_at=emulator.now() + 1860)

    emulator.advance_clock(1861)

    assert stripe.checkout.Session.retrieve(session.id).status == "expired"
    event = stripe.Event.list(type="checkout.session.expired").data[0]
    assert event["request"]["id"] is None  # Stripe expired it on its own, no API request did


def test_expiry_cancels_the_payment_intent_of_a_declined_attempt(emulator):
    session = make_session()
    emulator.pay_checkout_session(session.id, card="4000000000000002")

    stripe.checkout.Session.expire(session.id)

    intent = stripe.PaymentIntent.retrieve(stripe.checkout.Session.retrieve(session.id).payment_intent)
    assert (intent.status, intent.cancellation_reason) == ("canceled", "abandoned")
    assert "payment_intent.canceled" in event_types()


def test_line_items_are_listed_in_order_and_paginate(emulator):
    prices = [(make_price(amount=100 * (index + 1), name=f"Item {index}"), 1) for index in range(3)]
    session = make_session(prices=prices)

    first = stripe.checkout.Session.list_line_items(session.id, limit=2)
    rest = stripe.checkout.Session.list_line_items(session.id, limit=2, starting_after=first.data[-1].id)

    assert [item.description for item in first.data + rest.data] == ["Item 0", "Item 1", "Item 2"]
    assert (first.has_more, rest.has_more) == (True, False)
    assert first.url == f"/v1/checkout/sessions/{session.id}/line_items"


def test_expanding_line_items_and_the_discount_breakdown(emulator):
    coupon = stripe.Coupon.create(percent_off=10)
    session = make_session(discounts=[{"coupon": coupon.id}])

    expanded = stripe.checkout.Session.retrieve(session.id, expand=["line_items", "total_details.breakdown"])

    assert expanded.line_items.data[0].amount_discount == 490
    breakdown = expanded.total_details.breakdown.discounts[0]
    assert breakdown.amount == 490
    assert breakdown.discount.source.coupon == coupon.id


def test_list_filters_by_status_customer_and_payment_intent(emulator):
    customer = stripe.Customer.create(email="ann@example.com")
    mine = make_session(customer=customer.id)
    other = make_session()
    stripe.checkout.Session.expire(other.id)
    emulator.pay_checkout_session(mine.id)
    mine = stripe.checkout.Session.retrieve(mine.id)

    assert [s.id for s in stripe.checkout.Session.list(customer=customer.id).data] == [mine.id]
    assert [s.id for s in stripe.checkout.Session.list(status="expired").data] == [other.id]
    assert [s.id for s in stripe.checkout.Session.list(payment_intent=mine.payment_intent).data] == [mine.id]


def test_metadata_can_be_updated(emulator):
    session = make_session(metadata={"a": "1"})

    updated = stripe.checkout.Session.modify(session.id, metadata={"b": "2"})

    assert updated.metadata.to_dict() == {"a": "1", "b": "2"}


def test_cancel_url_and_success_url_are_kept(emulator):
    session = make_session()

    assert (session.success_url, session.cancel_url) == (SUCCESS_URL, CANCEL_URL)
