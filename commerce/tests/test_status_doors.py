"""Commerce's four status doors walked over every (from, to) pair of their statuses.

Refunds, refund requests, coupon uses and checkout sessions each change status only through
their door: an allowed pair moves the row and leaves exactly one core.StatusChange; any other
pair raises and leaves the row and the records as they were. The expected maps are written out
here, not read from the models. That no other code writes these statuses is checked by
innerwork/core/tests/test_status_doors.py for every app at once.
"""

import itertools

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


def pairs(status_class):
    return list(itertools.product(status_class.values, repeat=2))


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


@pytest.mark.django_db
@pytest.mark.parametrize(("from_status", "to_status"), pairs(R))
def test_refund_door_allows_exactly_its_map(from_status, to_status):
    # given a refund in `from_status`; when Stripe's (or our) word moves it to `to_status`
    refund = RefundFactory(status=from_status)

    # then the map's pairs move once, a repeated report is a no-op, and the rest is refused untouched
    walk_pair(
        row=refund,
        door=lambda row, to: refund_set_status(refund=row, status=to, failure_reason="card_expired"),
        to_status=to_status,
        allowed=REFUND_MOVES,
        same_is_noop=True,
    )
    if (from_status, to_status) in REFUND_MOVES:  # and the move is dated, with Stripe's reason for a failure
        refund.refresh_from_db()
        assert (refund.succeeded_at is not None) == (to_status == R.SUCCEEDED)
        ended = to_status in (R.FAILED, R.CANCELED)
        assert (refund.failed_at is not None, refund.failure_reason) == (ended, "card_expired" if ended else "")


@pytest.mark.django_db
@pytest.mark.parametrize(("from_status", "to_status"), pairs(Q))
def test_refund_request_door_allows_exactly_its_map(from_status, to_status):
    # given a request in `from_status`; when it is asked to move to `to_status`
    request = RefundRequestFactory(status=from_status)

    # then the map's pairs move once; anything else, a second identical decision included, is refused
    walk_pair(
        row=request,
        door=lambda row, to: refund_request_set_status(request=row, status=to, reason="test"),
        to_status=to_status,
        allowed=REQUEST_MOVES,
        same_is_noop=False,
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("from_status", "to_status"), pairs(C))
def test_coupon_redemption_door_allows_exactly_its_map(from_status, to_status):
    # given a coupon use in `from_status`; when it is asked to move to `to_status`
    redemption = CouponRedemptionFactory(status=from_status)

    # then the map's pairs move once, a repeat is a no-op, and a redeemed use never goes back
    walk_pair(
        row=redemption,
        door=lambda row, to: coupon_redemption_set_status(redemption=row, status=to),
        to_status=to_status,
        allowed=REDEMPTION_MOVES,
        same_is_noop=True,
    )
    if (from_status, to_status) in REDEMPTION_MOVES:  # and released_at says whether the use is given back
        redemption.refresh_from_db()
        assert (redemption.released_at is not None) == (to_status == C.RELEASED)


@pytest.mark.django_db
@pytest.mark.parametrize(("from_status", "to_status"), pairs(K))
def test_checkout_session_door_allows_exactly_its_map(from_status, to_status):
    # given our row of a Stripe session in `from_status`; when Stripe reports `to_status`
    session = CheckoutSessionFactory(status=from_status)

    # then it leaves "open" once, a repeated report is a no-op, and a closed session never changes
    walk_pair(
        row=session,
        door=lambda row, to: checkout_session_set_status(checkout_session=row, status=to),
        to_status=to_status,
        allowed=SESSION_MOVES,
        same_is_noop=True,
    )


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
