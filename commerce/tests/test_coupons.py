import pytest
from django.contrib.auth.models import AnonymousUser

from commerce.exceptions import CouponError
from commerce.models import CouponRedemption
from commerce.shop.coupons import (
    COUPON_CURRENCY_MISMATCH,
    COUPON_EMPTY_CART,
    COUPON_EMPTY_CODE,
    COUPON_EXPIRED,
    COUPON_INACTIVE,
    COUPON_MIN_ORDER,
    COUPON_NOT_APPLICABLE,
    COUPON_NOT_YET_VALID,
    COUPON_PER_CUSTOMER_LIMIT,
    COUPON_UNKNOWN,
    COUPON_USED_UP,
    coupon_date,
    coupon_redeem,
    coupon_release,
    coupon_reserve,
    coupon_validate,
)
from commerce.shop.pricing import price_items
from commerce.tests.factories import CouponFactory, CouponRedemptionFactory, OrderFactory, future, past
from courses.tests.factories import CategoryFactory, CourseFactory
from innerwork.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def lines_for(user, *courses):
    priced, _ = price_items(items=[("course", str(course.pk)) for course in courses], user=user)
    return priced


def refused(code, user, lines) -> str:
    with pytest.raises(CouponError) as caught:
        coupon_validate(coupon_code=code, user=user, quote_lines=lines)
    return caught.value.message


# --- each rule, its own message ---------------------------------------------------------------


def test_a_valid_code_is_accepted_in_any_case_and_with_spaces():
    user = UserFactory()
    coupon = CouponFactory(code="SPRING20")
    assert coupon_validate(coupon_code="  spring20 ", user=user, quote_lines=lines_for(user, CourseFactory())) == coupon


def test_codes_are_stored_in_upper_case():
    assert CouponFactory(code="mixedCase").code == "MIXEDCASE"


def test_an_empty_code_asks_for_one():
    user = UserFactory()
    assert refused("   ", user, lines_for(user, CourseFactory())) == COUPON_EMPTY_CODE


def test_an_unknown_code_is_refused():
    user = UserFactory()
    assert refused("nope", user, lines_for(user, CourseFactory())) == COUPON_UNKNOWN.format(code="NOPE")


def test_an_inactive_code_is_refused():
    user = UserFactory()
    CouponFactory(code="OFF", is_active=False)
    assert refused("OFF", user, lines_for(user, CourseFactory())) == COUPON_INACTIVE.format(code="OFF")


def test_a_code_before_its_start_says_when_it_starts():
    user = UserFactory()
    coupon = CouponFactory(code="SOON", valid_from=future(days=3))
    message = refused("SOON", user, lines_for(user, CourseFactory()))
    assert message == COUPON_NOT_YET_VALID.format(code="SOON", start=coupon_date(coupon.valid_from))


def test_an_expired_code_says_when_it_ended():
    user = UserFactory()
    coupon = CouponFactory(code="GONE", valid_from=past(days=30), valid_until=past(minutes=1))
    message = refused("GONE", user, lines_for(user, CourseFactory()))
    assert message == COUPON_EXPIRED.format(code="GONE", end=coupon_date(coupon.valid_until))


def test_a_code_inside_its_window_is_accepted():
    user = UserFactory()
    CouponFactory(code="NOW", valid_from=past(days=1), valid_until=future(days=1))
    assert coupon_validate(coupon_code="NOW", user=user, quote_lines=lines_for(user, CourseFactory())).code == "NOW"


def test_a_code_on_an_empty_cart_asks_for_items_first():
    CouponFactory(code="EMPTY")
    assert refused("EMPTY", UserFactory(), []) == COUPON_EMPTY_CART


def test_minimum_order_says_the_amount_needed_and_the_cart_total():
    user = UserFactory()
    CouponFactory(code="BIGSPEND", min_order_amount=10_000)
    message = refused("BIGSPEND", user, lines_for(user, CourseFactory(price_amount=4900)))
    assert message == COUPON_MIN_ORDER.format(code="BIGSPEND", minimum="$100.00", subtotal="$49.00")


def test_minimum_order_counts_the_whole_cart():
    user = UserFactory()
    coupon = CouponFactory(code="BIGSPEND", min_order_amount=9_000)
    lines = lines_for(user, CourseFactory(price_amount=4500), CourseFactory(price_amount=4500))
    assert coupon_validate(coupon_code="BIGSPEND", user=user, quote_lines=lines) == coupon


@pytest.mark.parametrize(
    "restriction",
    [
        {"applies_to_kinds": ["coaching"]},
        {"applies_to_categories": ["finance"]},
        {"applies_to_refs": ["course:999999"]},
    ],
    ids=["kinds", "categories", "items"],
)
def test_a_code_for_other_things_does_not_apply_to_this_cart(restriction):
    user = UserFactory()
    CouponFactory(code="ELSEWHERE", **restriction)
    message = refused("ELSEWHERE", user, lines_for(user, CourseFactory(category=CategoryFactory(slug="calm"))))
    assert message == COUPON_NOT_APPLICABLE.format(code="ELSEWHERE")


def test_a_code_only_for_free_items_does_not_apply():
    user = UserFactory()
    free = CourseFactory(price_amount=0)
    CouponFactory(code="FREEONLY", applies_to_refs=[f"course:{free.pk}"])
    assert refused("FREEONLY", user, lines_for(user, free)) == COUPON_NOT_APPLICABLE.format(code="FREEONLY")


def test_a_fixed_code_in_another_currency_is_refused():
    user = UserFactory()
    CouponFactory(code="TENEUR", fixed=True, amount_off=1000, currency="eur")
    message = refused("TENEUR", user, lines_for(user, CourseFactory(currency="usd")))
    assert message == COUPON_CURRENCY_MISMATCH.format(code="TENEUR", coupon_currency="EUR", cart_currency="USD")


def test_a_capped_percent_code_in_another_currency_is_refused():
    user = UserFactory()
    CouponFactory(code="CAPEUR", percent_off=20, max_discount_amount=1000, currency="eur")
    message = refused("CAPEUR", user, lines_for(user, CourseFactory(currency="usd")))
    assert message == COUPON_CURRENCY_MISMATCH.format(code="CAPEUR", coupon_currency="EUR", cart_currency="USD")


def test_an_uncapped_percent_code_works_in_any_currency():
    user = UserFactory()
    coupon = CouponFactory(code="ANYWHERE", percent_off=20, currency="eur")
    assert coupon_validate(coupon_code="ANYWHERE", user=user, quote_lines=lines_for(user, CourseFactory())) == coupon


def test_a_code_used_up_by_paid_and_reserved_uses_is_refused():
    # given a two-use code with one paid use and one held by an open checkout
    user = UserFactory()
    coupon = CouponFactory(code="TWICE", max_uses=2)
    CouponRedemptionFactory(coupon=coupon, status=CouponRedemption.Status.REDEEMED)
    CouponRedemptionFactory(coupon=coupon, status=CouponRedemption.Status.RESERVED)
    # then a third customer is told it is used up
    assert refused("TWICE", user, lines_for(user, CourseFactory())) == COUPON_USED_UP.format(code="TWICE")


def test_released_uses_do_not_count():
    user = UserFactory()
    coupon = CouponFactory(code="ONCE", max_uses=1)
    CouponRedemptionFactory(coupon=coupon, status=CouponRedemption.Status.RELEASED)
    assert coupon_validate(coupon_code="ONCE", user=user, quote_lines=lines_for(user, CourseFactory())) == coupon


def test_a_customer_past_their_own_limit_is_told_so():
    user = UserFactory()
    coupon = CouponFactory(code="MINE", max_uses_per_user=1)
    CouponRedemptionFactory(coupon=coupon, order=OrderFactory(user=user, coupon=coupon), status="redeemed")
    message = refused("MINE", user, lines_for(user, CourseFactory()))
    assert message == COUPON_PER_CUSTOMER_LIMIT.format(code="MINE")
    # and another customer can still use it
    other = UserFactory()
    assert coupon_validate(coupon_code="MINE", user=other, quote_lines=lines_for(other, CourseFactory())) == coupon


def test_an_anonymous_visitor_is_checked_against_the_per_customer_limit_only_after_login():
    coupon = CouponFactory(code="MINE", max_uses_per_user=1)
    visitor = AnonymousUser()
    assert coupon_validate(coupon_code="MINE", user=visitor, quote_lines=lines_for(visitor, CourseFactory())) == coupon


# --- reserve, redeem, release -----------------------------------------------------------------


def test_reserve_holds_a_use_that_others_then_cannot_take():
    coupon = CouponFactory(code="ONE", max_uses=1)
    first, second = OrderFactory(coupon=coupon), OrderFactory(coupon=coupon)
    redemption = coupon_reserve(coupon=coupon, user=first.user, order=first)
    assert redemption.status == CouponRedemption.Status.RESERVED
    with pytest.raises(CouponError) as caught:
        coupon_reserve(coupon=coupon, user=second.user, order=second)
    assert caught.value.message == COUPON_USED_UP.format(code="ONE")


def test_reserve_is_idempotent_per_order():
    coupon = CouponFactory(code="ONE", max_uses=1)
    order = OrderFactory(coupon=coupon, subtotal_amount=5000, discount_amount=500)
    first = coupon_reserve(coupon=coupon, user=order.user, order=order)
    again = coupon_reserve(coupon=coupon, user=order.user, order=order)
    assert first.pk == again.pk
    assert first.discount_amount == 500
    assert CouponRedemption.objects.count() == 1


def test_reserve_rechecks_that_the_code_is_still_live():
    coupon = CouponFactory(code="LATE", valid_until=past(minutes=1))
    order = OrderFactory(coupon=coupon)
    with pytest.raises(CouponError, match="expired"):
        coupon_reserve(coupon=coupon, user=order.user, order=order)


def test_reserve_enforces_the_per_customer_limit():
    user = UserFactory()
    coupon = CouponFactory(code="MINE", max_uses_per_user=1)
    coupon_reserve(coupon=coupon, user=user, order=OrderFactory(user=user, coupon=coupon))
    with pytest.raises(CouponError) as caught:
        coupon_reserve(coupon=coupon, user=user, order=OrderFactory(user=user, coupon=coupon))
    assert caught.value.message == COUPON_PER_CUSTOMER_LIMIT.format(code="MINE")


def test_release_frees_the_use_for_someone_else_and_is_idempotent():
    coupon = CouponFactory(code="ONE", max_uses=1)
    lapsed, next_order = OrderFactory(coupon=coupon), OrderFactory(coupon=coupon)
    coupon_reserve(coupon=coupon, user=lapsed.user, order=lapsed)
    # when the first checkout lapses, twice
    released = coupon_release(order=lapsed)
    coupon_release(order=lapsed)
    # then the use is free again
    released.refresh_from_db()
    assert released.status == CouponRedemption.Status.RELEASED
    assert released.released_at is not None
    assert coupon_reserve(coupon=coupon, user=next_order.user, order=next_order).status == "reserved"


def test_release_of_an_order_without_a_coupon_does_nothing():
    assert coupon_release(order=OrderFactory()) is None


def test_redeem_marks_the_reservation_paid_and_is_idempotent():
    coupon = CouponFactory(code="ONE", max_uses=1)
    order = OrderFactory(coupon=coupon)
    coupon_reserve(coupon=coupon, user=order.user, order=order)
    first = coupon_redeem(order=order)
    again = coupon_redeem(order=order)
    assert first.pk == again.pk
    assert again.status == CouponRedemption.Status.REDEEMED
    assert CouponRedemption.objects.count() == 1


def test_a_paid_use_is_not_released_by_a_late_expiry():
    coupon = CouponFactory(code="ONE", max_uses=1)
    order = OrderFactory(coupon=coupon)
    coupon_reserve(coupon=coupon, user=order.user, order=order)
    coupon_redeem(order=order)
    assert coupon_release(order=order).status == CouponRedemption.Status.REDEEMED


def test_redeem_without_a_reservation_takes_a_use_even_after_the_code_expired():
    # given a free order completed without a checkout, and a code that has since expired
    coupon = CouponFactory(code="GIFT", percent_off=100, max_uses=5, valid_until=future(days=1))
    order = OrderFactory(coupon=coupon, subtotal_amount=4900, discount_amount=4900)
    coupon.valid_until = past(minutes=1)
    coupon.save()
    # when the order is redeemed
    redemption = coupon_redeem(order=order)
    # then it holds a redeemed use: the customer was promised the discount
    assert redemption.status == CouponRedemption.Status.REDEEMED
    assert redemption.discount_amount == 4900


def test_redeem_after_release_refuses_to_go_over_the_limit():
    # given a one-use code released by a lapsed checkout and then taken by someone else
    coupon = CouponFactory(code="ONE", max_uses=1)
    lapsed, winner = OrderFactory(coupon=coupon), OrderFactory(coupon=coupon)
    coupon_reserve(coupon=coupon, user=lapsed.user, order=lapsed)
    coupon_release(order=lapsed)
    coupon_reserve(coupon=coupon, user=winner.user, order=winner)
    # when a late payment for the lapsed order arrives
    with pytest.raises(CouponError) as caught:
        coupon_redeem(order=lapsed)
    # then the caller is told (to flag the order) and the limit holds
    assert caught.value.message == COUPON_USED_UP.format(code="ONE")
    assert CouponRedemption.objects.filter(coupon=coupon, status__in=CouponRedemption.COUNTS).count() == 1


def test_redeem_of_an_order_without_a_coupon_does_nothing():
    assert coupon_redeem(order=OrderFactory()) is None
