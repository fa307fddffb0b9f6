"""Coupons and promotion codes."""

import pytest
import stripe

from stripe_emulator.api.discounts import CODE_TAKEN, COUPON_CURRENCY_REQUIRED, COUPON_NEEDS_AMOUNT
from stripe_emulator.tests.factories import event_types


def test_percent_coupon_round_trip(emulator):
    coupon = stripe.Coupon.create(id="WELCOME10", percent_off=10, duration="once", name="Welcome", max_redemptions=5)

    again = stripe.Coupon.retrieve("WELCOME10")
    assert (again.percent_off, again.duration, again.max_redemptions, again.valid) == (10.0, "once", 5, True)
    assert coupon.times_redeemed == 0
    assert event_types() == ["coupon.created"]


def test_amount_coupon_needs_a_currency(emulator):
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe.Coupon.create(amount_off=500)

    assert caught.value.user_message == COUPON_CURRENCY_REQUIRED


def test_coupon_needs_exactly_one_kind_of_amount(emulator):
    with pytest.raises(stripe.InvalidRequestError) as neither:
        stripe.Coupon.create(duration="once")
    with pytest.raises(stripe.InvalidRequestError) as both:
        stripe.Coupon.create(amount_off=5, currency="usd", percent_off=5)

    assert neither.value.user_message == both.value.user_message == COUPON_NEEDS_AMOUNT


def test_coupon_past_redeem_by_becomes_invalid_when_the_clock_moves(emulator):
    coupon = stripe.Coupon.create(percent_off=50, redeem_by=emulator.now() + 3600)

    emulator.advance_clock(7200)

    assert stripe.Coupon.retrieve(coupon.id).valid is False


def test_coupon_update_and_delete(emulator):
    coupon = stripe.Coupon.create(percent_off=5)

    stripe.Coupon.modify(coupon.id, name="Five off", metadata={"campaign": "spring"})
    deleted = stripe.Coupon.delete(coupon.id)

    assert deleted.deleted is True
    with pytest.raises(stripe.InvalidRequestError):
        stripe.Coupon.retrieve(coupon.id)
    assert event_types() == ["coupon.created", "coupon.updated", "coupon.deleted"]
    assert stripe.Event.list(type="coupon.updated").data[0].data.previous_attributes["name"] is None


def test_promotion_code_for_a_coupon(emulator):
    coupon = stripe.Coupon.create(percent_off=20)

    promo = stripe.PromotionCode.create(
        promotion={"type": "coupon", "coupon": coupon.id},
        code="SPRING20",
        max_redemptions=3,
        restrictions={"minimum_amount": 5000, "minimum_amount_currency": "usd"},
    )

    assert promo.promotion.coupon == coupon.id
    assert promo.restrictions.minimum_amount == 5000
    assert [p.id for p in stripe.PromotionCode.list(code="SPRING20").data] == [promo.id]
    assert [p.id for p in stripe.PromotionCode.list(coupon=coupon.id).data] == [promo.id]


def test_active_codes_are_unique_case_insensitively(emulator):
    coupon = stripe.Coupon.create(percent_off=20)
    first = stripe.PromotionCode.create(promotion={"type": "coupon", "coupon": coupon.id}, code="SPRING")

    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe.PromotionCode.create(promotion={"type": "coupon", "coupon": coupon.id}, code="spring")
    stripe.PromotionCode.modify(first.id, active=False)
    second = stripe.PromotionCode.create(promotion={"type": "coupon", "coupon": coupon.id}, code="spring")

    assert caught.value.user_message == CODE_TAKEN.format(code="spring")
    assert second.active is True
    assert stripe.Event.list(type="promotion_code.updated").data[0].data.previous_attributes["active"] is True


def test_promotion_code_for_unknown_coupon_is_refused(emulator):
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe.PromotionCode.create(promotion={"type": "coupon", "coupon": "NOPE"})

    assert caught.value.param == "promotion[coupon]"
    assert caught.value.code == "resource_missing"
