"""Coupon limits under real concurrency: threads with their own PostgreSQL connections."""

import threading

import pytest
from django.db import connection, connections, transaction

from commerce.exceptions import CouponError
from commerce.models import CouponRedemption
from commerce.shop.coupons import COUPON_PER_CUSTOMER_LIMIT, COUPON_USED_UP, coupon_reserve
from commerce.tests.factories import CouponFactory, OrderFactory
from innerwork.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def reserve_all_at_once(coupon, orders):
    """Start one thread per order, release them together, and collect what each got."""
    barrier = threading.Barrier(len(orders))
    results: list[object] = [None] * len(orders)

    def attempt(index, order):
        try:
            barrier.wait(timeout=30)
            with transaction.atomic():
                results[index] = coupon_reserve(coupon=coupon, user=order.user, order=order)
        except Exception as exc:  # CouponError is expected; anything else shows up in the assertions
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(i, order)) for i, order in enumerate(orders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return results


def test_fifty_concurrent_checkouts_of_a_one_use_code_reserve_it_exactly_once():
    # given a one-use code and 50 customers, each with a pending order using it
    assert connection.vendor == "postgresql"
    coupon = CouponFactory(code="LASTONE", max_uses=1)
    orders = [OrderFactory(user=UserFactory(), coupon=coupon) for _ in range(50)]
    # when all 50 reserve at the same moment
    results = reserve_all_at_once(coupon, orders)
    # then exactly one holds the use and the 49 others got a clean "used up"
    won = [r for r in results if isinstance(r, CouponRedemption)]
    refused = [r for r in results if isinstance(r, CouponError)]
    assert len(won) == 1, results
    assert len(refused) == 49, results
    assert {error.message for error in refused} == {COUPON_USED_UP.format(code="LASTONE")}
    assert CouponRedemption.objects.filter(coupon=coupon).count() == 1


def test_a_customer_limit_holds_when_one_customer_checks_out_many_times_at_once():
    # given a code any number of people may use, but each at most twice, and one customer with 12 orders
    assert connection.vendor == "postgresql"
    coupon = CouponFactory(code="TWICEEACH", max_uses=None, max_uses_per_user=2)
    customer = UserFactory()
    orders = [OrderFactory(user=customer, coupon=coupon) for _ in range(12)]
    # when all 12 reserve at once
    results = reserve_all_at_once(coupon, orders)
    # then exactly two succeed
    won = [r for r in results if isinstance(r, CouponRedemption)]
    refused = [r for r in results if isinstance(r, CouponError)]
    assert len(won) == 2, results
    assert len(refused) == 10, results
    assert {error.message for error in refused} == {COUPON_PER_CUSTOMER_LIMIT.format(code="TWICEEACH")}
    assert CouponRedemption.objects.filter(coupon=coupon, user=customer).count() == 2


def test_a_global_limit_of_three_gives_exactly_three_under_contention():
    assert connection.vendor == "postgresql"
    coupon = CouponFactory(code="THREE", max_uses=3)
    orders = [OrderFactory(user=UserFactory(), coupon=coupon) for _ in range(20)]
    results = reserve_all_at_once(coupon, orders)
    assert sum(isinstance(r, CouponRedemption) for r in results) == 3, results
    assert sum(isinstance(r, CouponError) for r in results) == 17, results
