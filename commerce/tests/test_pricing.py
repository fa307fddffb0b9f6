import random

import pytest

from commerce.models import Coupon
from commerce.shop.pricing import CURRENCY_MIXED, quote_items
from commerce.tests.factories import CouponFactory
from courses.models import Enrollment
from courses.product_kind import COURSE_ALREADY_OWNED, COURSE_UNKNOWN
from courses.tests.factories import CategoryFactory, CourseFactory, EnrollmentFactory
from innerwork.accounts.tests.factories import UserFactory
from innerwork.core.money import allocate_proportionally

pytestmark = pytest.mark.django_db


def items(*courses):
    return [("course", str(course.pk)) for course in courses]


# --- allocation ---------------------------------------------------------------------------------


def test_allocation_splits_in_proportion_and_sums_exactly():
    # given three lines of 10.00, 20.00 and 30.00 and a discount of 10.00
    # when it is allocated
    shares = allocate_proportionally(total=1000, weights=[1000, 2000, 3000])
    # then each line gets its proportional share
    assert shares == [167, 333, 500]
    assert sum(shares) == 1000


def test_allocation_gives_left_over_cents_to_the_largest_remainders():
    # given a discount of 1.00 over three equal lines: 33.33… each
    shares = allocate_proportionally(total=100, weights=[999, 999, 999])
    # then the one spare cent goes to the first of the equal remainders
    assert shares == [34, 33, 33]


def test_allocation_of_everything_takes_each_line_whole():
    assert allocate_proportionally(total=5997, weights=[999, 0, 4998]) == [999, 0, 4998]


def test_allocation_never_exceeds_a_line_and_always_sums_exactly():
    # given many random carts and discounts up to their total
    rng = random.Random(20261122)
    for _ in range(2000):
        weights = [rng.choice([0, 1, 99, 1999, 4900, rng.randint(1, 100_000)]) for _ in range(rng.randint(1, 7))]
        total = rng.randint(0, sum(weights))
        # when the discount is allocated
        shares = allocate_proportionally(total=total, weights=weights)
        # then the shares add up exactly, none is negative and none is above its line
        assert sum(shares) == total
        assert all(0 <= share <= weight for share, weight in zip(shares, weights, strict=True))


def test_allocation_refuses_more_than_the_lines_are_worth():
    with pytest.raises(ValueError, match="cannot allocate"):
        allocate_proportionally(total=101, weights=[50, 50])


# --- quotes -------------------------------------------------------------------------------------


def test_quote_prices_from_the_database_with_no_coupon():
    # given two published courses
    user = UserFactory()
    first, second = CourseFactory(price_amount=4900), CourseFactory(price_amount=2500)
    # when they are quoted
    quote = quote_items(items=items(first, second), user=user)
    # then the totals are the courses' prices
    assert [line.unit_amount for line in quote.lines] == [4900, 2500]
    assert (quote.subtotal_amount, quote.discount_amount, quote.total_amount) == (7400, 0, 7400)
    assert quote.currency == "usd"
    assert quote.lines[0].title == first.title
    assert quote.lines[0].url == first.get_absolute_url()


def test_percent_coupon_discounts_every_line_and_splits_across_them():
    # given a 15 % coupon and two courses
    user = UserFactory()
    courses = CourseFactory(price_amount=4900), CourseFactory(price_amount=2900)
    CouponFactory(code="FIFTEEN", percent_off=15)
    # when quoted with the code in lower case
    quote = quote_items(items=items(*courses), user=user, coupon_code="fifteen")
    # then 15 % of 78.00 = 11.70 is split 7.35 / 4.35 and the totals agree
    assert quote.coupon.code == "FIFTEEN"
    assert quote.discount_amount == 1170
    assert [line.discount_amount for line in quote.lines] == [735, 435]
    assert [line.total_amount for line in quote.lines] == [4165, 2465]
    assert quote.total_amount == 7800 - 1170


def test_coupon_limited_to_a_category_discounts_only_that_categorys_lines():
    # given a coupon for the "mindfulness" category and a cart with one course in it and one outside it
    user = UserFactory()
    mindful = CourseFactory(price_amount=4000, category=CategoryFactory(slug="mindfulness"))
    other = CourseFactory(price_amount=6000, category=CategoryFactory(slug="leadership"))
    CouponFactory(code="CALM", percent_off=50, applies_to_categories=["mindfulness"])
    # when quoted
    quote = quote_items(items=items(mindful, other), user=user, coupon_code="CALM")
    # then only the mindfulness course is discounted, by half
    assert [line.discount_amount for line in quote.lines] == [2000, 0]
    assert [line.eligible for line in quote.lines] == [True, False]
    assert quote.total_amount == 8000


def test_coupon_limited_to_items_discounts_only_those_items():
    user = UserFactory()
    chosen, other = CourseFactory(price_amount=3000), CourseFactory(price_amount=3000)
    CouponFactory(code="ONLYONE", fixed=True, amount_off=1000, applies_to_refs=[f"course:{chosen.pk}"])
    quote = quote_items(items=items(other, chosen), user=user, coupon_code="ONLYONE")
    assert [line.discount_amount for line in quote.lines] == [0, 1000]


def test_coupon_limited_to_another_kind_gives_nothing_and_says_so():
    user = UserFactory()
    course = CourseFactory()
    CouponFactory(code="COACHING", applies_to_kinds=["coaching"])
    quote = quote_items(items=items(course), user=user, coupon_code="COACHING")
    assert quote.discount_amount == 0
    assert quote.coupon is None
    assert "doesn't apply to anything in your cart" in quote.coupon_error


def test_fixed_coupon_never_exceeds_the_eligible_subtotal():
    # given a 100.00 coupon limited to one 30.00 course in a cart that also holds a 50.00 course
    user = UserFactory()
    cheap, other = CourseFactory(price_amount=3000), CourseFactory(price_amount=5000)
    CouponFactory(code="BIG", fixed=True, amount_off=10_000, applies_to_refs=[f"course:{cheap.pk}"])
    # when quoted
    quote = quote_items(items=items(cheap, other), user=user, coupon_code="BIG")
    # then the discount stops at the eligible 30.00, and the other course is untouched
    assert quote.discount_amount == 3000
    assert [line.total_amount for line in quote.lines] == [0, 5000]


def test_cap_limits_a_percent_discount():
    user = UserFactory()
    courses = CourseFactory(price_amount=20_000), CourseFactory(price_amount=10_000)
    CouponFactory(code="HALFCAP", percent_off=50, max_discount_amount=5000)
    quote = quote_items(items=items(*courses), user=user, coupon_code="HALFCAP")
    assert quote.discount_amount == 5000
    assert [line.discount_amount for line in quote.lines] == [3333, 1667]


def test_hundred_percent_coupon_makes_the_total_zero():
    user = UserFactory()
    CouponFactory(code="FREEBIE", percent_off=100)
    quote = quote_items(items=items(CourseFactory(price_amount=1999)), user=user, coupon_code="FREEBIE")
    assert (quote.discount_amount, quote.total_amount) == (1999, 0)


def test_unpublished_and_owned_items_are_listed_apart_and_not_charged():
    # given a cart holding a course the user owns, an unpublished one, a vanished id and a buyable one
    user = UserFactory()
    owned = CourseFactory(price_amount=1000)
    EnrollmentFactory(user=user, course=owned, status=Enrollment.Status.ACTIVE)
    draft = CourseFactory(is_published=False)
    buyable = CourseFactory(price_amount=2000)
    # when quoted
    quote = quote_items(items=[*items(owned, draft), ("course", "999999"), *items(buyable)], user=user)
    # then only the buyable course is charged, and the others say why
    assert [line.ref for line in quote.lines] == [str(buyable.pk)]
    assert quote.total_amount == 2000
    assert [u.message for u in quote.unavailable] == [COURSE_ALREADY_OWNED, COURSE_UNKNOWN, COURSE_UNKNOWN]


def test_a_refunded_course_can_be_bought_again():
    user = UserFactory()
    course = CourseFactory(price_amount=1000)
    EnrollmentFactory(user=user, course=course, status=Enrollment.Status.REFUNDED)
    assert quote_items(items=items(course), user=user).total_amount == 1000


def test_an_item_in_another_currency_is_not_mixed_into_the_quote():
    user = UserFactory()
    dollars = CourseFactory(price_amount=1000, currency="usd")
    euros = CourseFactory(price_amount=1000, currency="eur", title="Euro course")
    quote = quote_items(items=items(dollars, euros), user=user)
    assert quote.currency == "usd"
    assert [line.ref for line in quote.lines] == [str(dollars.pk)]
    assert quote.unavailable[0].message == CURRENCY_MIXED.format(
        title="Euro course", currency="EUR", cart_currency="USD"
    )


def test_the_price_is_whatever_the_database_says_now():
    # given a quote, then a price change by staff
    user = UserFactory()
    course = CourseFactory(price_amount=4900)
    assert quote_items(items=items(course), user=user).total_amount == 4900
    course.price_amount = 5900
    course.save()
    # then the next quote uses the new price
    assert quote_items(items=items(course), user=user).total_amount == 5900


def test_an_unknown_product_kind_is_unavailable_not_an_error():
    quote = quote_items(items=[("spaceship", "1")], user=UserFactory())
    assert quote.is_empty
    assert quote.unavailable[0].message == "This item can no longer be bought."


def test_coupon_percent_off_decimal_is_honoured():
    user = UserFactory()
    CouponFactory(code="ODD", discount_type=Coupon.DiscountType.PERCENT, percent_off="12.5")
    quote = quote_items(items=items(CourseFactory(price_amount=999)), user=user, coupon_code="ODD")
    # 12.5 % of 9.99 = 1.24875, rounded half up to 1.25
    assert quote.discount_amount == 125
