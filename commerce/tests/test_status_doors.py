"""Commerce's four status doors walked over every (from, to) pair of their statuses.

Refunds, refund requests, coupon uses and checkout sessions each change status only through
their door: an allowed pair moves the row and leaves exactly one core.StatusChange; any other
pair raises and leaves the row and the records as they were. The expected maps are written out
here, not read from the models. That no other code writes these statuses is checked by
innerwork/core/tests/test_status_doors.py for every app at once.
"""

import itertools
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from commerce.models import CheckoutSession, CouponRedemption, Refund, RefundRequest
from commerce.orders.services import checkout_session_set_status
from commerce.refunds.status import refund_request_set_status, refund_set_status
from commerce.shop.coupons import coupon_redemption_set_status
from commerce.tests.factories import (
    CheckoutSessionFactory,
    CouponRedemptionFactory,
    RefundFactory,
    RefundRequestFactory,
)
from innerwork.core.tests.status_doors import changes_of, walk_pair

R = Refund.Status
# Stripe's word decides; a refund can fail (or, if Stripe ever said so, be canceled) after it succeeded.
REFUND_MOVES = {
    (R.PENDING, R.SUCCEEDED),
    (R.PENDING, R.FAILED),
    (R.PENDING, R.CANCELED),
    (R.SUCCEEDED, R.FAILED),
    (R.SUCCEEDED, R.CANCELED),
}

Q = RefundRequest.Status
REQUEST_MOVES = {(Q.PENDING, Q.APPROVED), (Q.PENDING, Q.DENIED), (Q.AUTOMATIC, Q.PENDING), (Q.APPROVED, Q.PENDING)}

C = CouponRedemption.Status
REDEMPTION_MOVES = {(C.RESERVED, C.REDEEMED), (C.RESERVED, C.RELEASED), (C.RELEASED, C.RESERVED)}

K = CheckoutSession.Status
SESSION_MOVES = {(K.OPEN, K.COMPLETE), (K.OPEN, K.EXPIRED)}


@dataclass(frozen=True)
class Door:
    statuses: type
    make: Callable  # a row in the given status
    move: Callable  # the door, called as move(row, to_status)
    allowed: set
    same_is_noop: bool  # a repeat of the row's status changes nothing (Stripe mirrors, idempotent services)


DOORS = {
    "refund": Door(
        R,
        lambda status: RefundFactory(status=status),
        lambda row, to: refund_set_status(refund=row, status=to, failure_reason="card_expired"),
        REFUND_MOVES,
        same_is_noop=True,
    ),
    "refund_request": Door(
        Q,
        lambda status: RefundRequestFactory(status=status),
        lambda row, to: refund_request_set_status(request=row, status=to, reason="test"),
        REQUEST_MOVES,
        same_is_noop=False,  # a second identical decision is an error, not a repeat
    ),
    "coupon_redemption": Door(
        C,
        lambda status: CouponRedemptionFactory(status=status),
        lambda row, to: coupon_redemption_set_status(redemption=row, status=to),
        REDEMPTION_MOVES,
        same_is_noop=True,
    ),
    "checkout_session": Door(
        K,
        lambda status: CheckoutSessionFactory(status=status),
        lambda row, to: checkout_session_set_status(checkout_session=row, status=to),
        SESSION_MOVES,
        same_is_noop=True,
    ),
}
EVERY_PAIR = [
    pytest.param(name, from_status, to_status, id=f"{name}:{from_status}->{to_status}")
    for name, door in DOORS.items()
    for from_status, to_status in itertools.product(door.statuses.values, repeat=2)
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "from_status", "to_status"), EVERY_PAIR)
def test_each_door_allows_exactly_its_map(name, from_status, to_status):
    # given a row in `from_status`; when its door is asked to move it to `to_status`
    door = DOORS[name]
    row = door.make(from_status)

    # then the map's pairs move once and are recorded; a repeat at an idempotent door changes
    # nothing; every other pair is refused and leaves the row and the records untouched
    walk_pair(row=row, door=door.move, to_status=to_status, allowed=door.allowed, same_is_noop=door.same_is_noop)


@pytest.mark.django_db
@pytest.mark.parametrize(("from_status", "to_status"), sorted(REFUND_MOVES))
def test_a_refund_move_is_dated_and_a_failure_keeps_stripes_reason(from_status, to_status):
    # given a refund in `from_status`
    refund = RefundFactory(status=from_status)

    # when Stripe's word moves it
    refund_set_status(refund=refund, status=to_status, failure_reason="card_expired")

    # then succeeded_at or failed_at says when, and a failure says why
    refund.refresh_from_db()
    ended = to_status in (R.FAILED, R.CANCELED)
    assert (refund.succeeded_at is not None) == (to_status == R.SUCCEEDED)
    assert (refund.failed_at is not None, refund.failure_reason) == (ended, "card_expired" if ended else "")


@pytest.mark.django_db
def test_a_released_coupon_use_reserved_again_and_redeemed_leaves_each_move_on_record():
    # given a use released when its checkout lapsed
    redemption = CouponRedemptionFactory(status=C.RESERVED)
    coupon_redemption_set_status(redemption=redemption, status=C.RELEASED)

    # when the order is retried and paid
    coupon_redemption_set_status(redemption=redemption, status=C.RESERVED)
    coupon_redemption_set_status(redemption=redemption, status=C.REDEEMED)
    coupon_redemption_set_status(redemption=redemption, status=C.REDEEMED)

    # then each move is on record once, in order, and the use is no longer marked released
    assert changes_of(redemption) == [("reserved", "released"), ("released", "reserved"), ("reserved", "redeemed")]
    redemption.refresh_from_db()
    assert (redemption.status, redemption.released_at) == (C.REDEEMED, None)
