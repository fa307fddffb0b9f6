"""The product-kind protocol, exercised by a kind of commerce's own that holds a slot, as bookings will.

`SlotKind` sells numbered slots: a slot is held for one order while its payment is open, taken by
the first paid order, and a kind may refuse to fulfil. Nothing here imports courses' handler to
prove the pipeline: orders for one item, holds as long as the Checkout Session, releases on every
way a payment lapses, refusals refunded automatically, and refund amounts decided by the kind.
"""

import threading
from datetime import timedelta

import pytest
from django.utils import timezone

from commerce import registry
from commerce.checkout import (
    order_checkout,
    order_create_for_item,
    order_create_from_cart,
    order_expire_from_session,
    order_fulfil_from_return,
    order_fulfil_from_session,
    order_payment_failed,
    orders_expire_abandoned,
)
from commerce.checkout.fulfilment import LINE_NOT_FULFILLED
from commerce.checkout.services import ABANDONED_AFTER
from commerce.exceptions import CheckoutError
from commerce.models import CheckoutSession, Order, Refund
from commerce.orders.notifications import line_not_fulfilled_key
from commerce.registry import CannotFulfil, NotPurchasable, PricedLine, ProductKind, RefundVerdict
from commerce.stripe_gateway import session_expire, session_retrieve
from commerce.tests.factories import CartItemFactory
from commerce.tests.stripe_fixtures import cart_for
from courses.tests.factories import CourseFactory
from innerwork.accounts.tests.factories import UserFactory
from innerwork.core.models import OutboxEmail

pytestmark = pytest.mark.django_db

SLOT_TAKEN = "This slot is no longer free."
SUCCESS_URL = "http://testserver/done?session={CHECKOUT_SESSION_ID}"
CANCEL_URL = "http://testserver/cancelled"


class SlotKind(ProductKind):
    """Slots of 50.00: held for one order at a time, sold once. Records every call the pipeline makes."""

    kind = "slot"
    label = "Slot"

    def __init__(self):
        self.lock = threading.Lock()
        self.holds: dict[str, tuple[int, object]] = {}  # ref -> (order pk, until)
        self.sold: set[str] = set()
        self.calls: list[tuple] = []
        self.refuse_with = ""
        self.expires_in: timedelta | None = None

    def _held_by_other(self, ref, order_id) -> bool:
        holder = self.holds.get(ref)
        return holder is not None and holder[0] != order_id and holder[1] > timezone.now()

    def price(self, *, ref, user, order=None):
        if ref in self.sold or self._held_by_other(ref, order.pk if order else None):
            raise NotPurchasable(SLOT_TAKEN)
        return PricedLine(kind=self.kind, ref=ref, title=f"Slot {ref}", unit_amount=5000, currency="usd")

    def hold(self, *, line, until):
        with self.lock:
            if line.ref in self.sold or self._held_by_other(line.ref, line.order_id):
                raise NotPurchasable(SLOT_TAKEN)
            self.holds[line.ref] = (line.order_id, until)
            self.calls.append(("hold", line.ref, until))

    def release(self, *, line, reason):
        with self.lock:
            if self.holds.get(line.ref, (None,))[0] == line.order_id:
                del self.holds[line.ref]
            self.calls.append(("release", line.ref, reason))

    def fulfil(self, *, line):
        if self.refuse_with:
            raise CannotFulfil(self.refuse_with)
        self.sold.add(line.ref)
        self.calls.append(("fulfil", line.ref))

    def revoke(self, *, line, reason):
        self.sold.discard(line.ref)
        self.calls.append(("revoke", line.ref))

    def checkout_expires_at(self, *, line, now):
        return now + self.expires_in if self.expires_in else None

    def released(self) -> list[str]:
        return [reason for call, _, reason in (c for c in self.calls if c[0] == "release")]


@pytest.fixture
def slots(monkeypatch):
    kind = SlotKind()
    monkeypatch.setitem(registry._registry, kind.kind, kind)
    return kind


def _open_session_id(order) -> str:
    return order.checkout_sessions.get(status=CheckoutSession.Status.OPEN).stripe_id


# -- the base class ------------------------------------------------------------------------------


def test_the_base_class_says_what_a_kind_gets_without_overriding():
    # given a kind that overrides nothing
    kind = ProductKind()
    # then holding, releasing and linking do nothing, and refunds go to staff
    assert kind.hold(line=None, until=None) is None
    assert kind.release(line=None, reason="expired") is None
    assert kind.access_url(line=None) == ""
    assert kind.checkout_expires_at(line=None, now=timezone.now()) is None
    assert kind.refund_rule(line=None, now=timezone.now()) == RefundVerdict(
        eligible=False, reasons=(registry.LINE_NEEDS_REVIEW,)
    )
    # and what only the kind can know must be written by it
    for method, kwargs in [("price", {"ref": "1", "user": None}), ("fulfil", {"line": None})]:
        with pytest.raises(NotImplementedError):
            getattr(kind, method)(**kwargs)
    with pytest.raises(NotImplementedError):
        kind.revoke(line=None, reason="refund")


def test_only_a_product_kind_with_a_name_can_be_registered():
    class Duck:
        kind = "duck"

    with pytest.raises(TypeError):
        registry.register(Duck())
    with pytest.raises(ValueError, match="has no kind"):
        registry.register(ProductKind())


# -- orders for one item ---------------------------------------------------------------------------


def test_an_order_for_one_item_is_priced_by_its_kind_and_holds_it(slots):
    # given a customer
    user = UserFactory()
    # when they order slot 7 on its own
    order = order_create_for_item(user=user, kind="slot", ref="7")
    # then the order has one line priced by the kind, and the kind holds the slot for it
    assert (order.origin, order.status, order.total_amount, order.currency) == ("item", "pending", 5000, "usd")
    [line] = order.lines.all()
    assert (line.kind, line.ref, line.title, line.total_amount) == ("slot", "7", "Slot 7", 5000)
    assert slots.holds["7"][0] == order.pk
    assert timezone.now() + timedelta(minutes=25) < slots.holds["7"][1] <= timezone.now() + timedelta(minutes=31)


def test_asking_twice_for_the_same_item_returns_the_waiting_order(slots):
    user = UserFactory()
    first = order_create_for_item(user=user, kind="slot", ref="7")

    assert order_create_for_item(user=user, kind="slot", ref="7") == first
    assert Order.objects.count() == 1


def test_a_slot_held_for_someone_else_cannot_be_ordered_and_leaves_no_order(slots):
    # given slot 7 held by one customer's order
    order_create_for_item(user=UserFactory(), kind="slot", ref="7")
    # when another customer orders it
    with pytest.raises(NotPurchasable) as refused:
        order_create_for_item(user=UserFactory(), kind="slot", ref="7")
    # then they are told why, and no second order exists
    assert refused.value.message == SLOT_TAKEN
    assert Order.objects.count() == 1


def test_a_hold_refused_inside_order_creation_rolls_the_order_back(slots, monkeypatch):
    # given a kind that prices the slot but cannot hold it (someone took it between the two)
    monkeypatch.setattr(slots, "hold", lambda **kwargs: (_ for _ in ()).throw(NotPurchasable(SLOT_TAKEN)))
    # when the order is created
    with pytest.raises(CheckoutError):
        order_create_for_item(user=UserFactory(), kind="slot", ref="7")
    # then nothing was placed
    assert not Order.objects.exists()


def test_checking_out_a_cart_leaves_the_customers_item_orders_alone(slots):
    # given a customer waiting to pay a slot, and an older unpaid cart order of theirs
    user = UserFactory()
    booking = order_create_for_item(user=user, kind="slot", ref="7")
    cart = cart_for(user, CourseFactory(price_amount=2000))
    old_cart_order = order_create_from_cart(cart=cart, user=user)
    # when they check out a different cart
    CartItemFactory(cart=cart, kind="course", ref=str(CourseFactory(price_amount=3000).pk))
    new_cart_order = order_create_from_cart(cart=cart, user=user)
    # then the older cart order is replaced, but the slot's order and its hold stay
    old_cart_order.refresh_from_db()
    booking.refresh_from_db()
    assert (old_cart_order.status, new_cart_order.status, booking.status) == ("canceled", "pending", "pending")
    assert slots.holds["7"][0] == booking.pk
    assert "canceled" not in slots.released()


# -- holds live exactly as long as the payment page -------------------------------------------------


def test_opening_the_payment_page_holds_the_slot_until_the_session_expires(slots, emulator):
    order = order_create_for_item(user=UserFactory(), kind="slot", ref="7")

    start = order_checkout(order=order, success_url=SUCCESS_URL, cancel_url=CANCEL_URL)

    session = session_retrieve(session_id=_open_session_id(order))
    assert start.at_stripe
    assert slots.holds["7"] == (order.pk, session.expires_at)


def test_a_kind_can_ask_for_a_longer_payment_page_within_stripes_limits(slots, emulator):
    # given a kind whose items may wait two hours for payment
    slots.expires_in = timedelta(hours=2)
    order = order_create_for_item(user=UserFactory(), kind="slot", ref="7")
    # when the page opens
    order_checkout(order=order, success_url=SUCCESS_URL, cancel_url=CANCEL_URL)
    # then Stripe's session closes then, and the slot is held exactly as long
    session = session_retrieve(session_id=_open_session_id(order))
    assert timedelta(minutes=119) < session.expires_at - timezone.now() <= timedelta(hours=2)
    assert slots.holds["7"][1] == session.expires_at


def test_a_kind_asking_for_less_than_stripes_minimum_gets_the_minimum(slots, emulator):
    slots.expires_in = timedelta(minutes=5)
    order = order_create_for_item(user=UserFactory(), kind="slot", ref="7")

    order_checkout(order=order, success_url=SUCCESS_URL, cancel_url=CANCEL_URL)

    session = session_retrieve(session_id=_open_session_id(order))
    assert session.expires_at - timezone.now() >= timedelta(minutes=30)


def test_an_expired_payment_page_releases_the_slot(slots, emulator):
    # given a slot held by an open payment page
    order = order_create_for_item(user=UserFactory(), kind="slot", ref="7")
    order_checkout(order=order, success_url=SUCCESS_URL, cancel_url=CANCEL_URL)
    # when Stripe reports the page expired
    order_expire_from_session(session=session_expire(session_id=_open_session_id(order)))
    # then the order expired and the slot is free for anyone
    order.refresh_from_db()
    assert order.status == "expired"
    assert "7" not in slots.holds
    assert slots.released() == ["expired"]
    order_create_for_item(user=UserFactory(), kind="slot", ref="7")


def test_paying_a_lapsed_order_again_holds_the_slot_again_or_says_it_is_gone(slots, emulator):
    # given a customer whose page expired
    user = UserFactory()
    order = order_create_for_item(user=user, kind="slot", ref="7")
    order_checkout(order=order, success_url=SUCCESS_URL, cancel_url=CANCEL_URL)
    order_expire_from_session(session=session_expire(session_id=_open_session_id(order)))
    # when they pay again while the slot is still free, it is theirs again for the new page
    order_checkout(order=order, success_url=SUCCESS_URL, cancel_url=CANCEL_URL)
    assert slots.holds["7"][0] == order.pk
    # and when someone else took it meanwhile, they are told it is gone
    order_expire_from_session(session=session_expire(session_id=_open_session_id(order)))
    order_create_for_item(user=UserFactory(), kind="slot", ref="7")
    with pytest.raises(CheckoutError) as refused:
        order_checkout(order=order, success_url=SUCCESS_URL, cancel_url=CANCEL_URL)
    assert SLOT_TAKEN in refused.value.message


def test_a_declined_card_on_an_open_page_keeps_the_slot_but_a_failed_payment_without_a_page_lets_it_go(slots):
    # given a slot's order with an open payment page
    order = order_create_for_item(user=UserFactory(), kind="slot", ref="7")
    CheckoutSession.objects.create(
        order=order, stripe_id="cs_test_open", status=CheckoutSession.Status.OPEN, expires_at=timezone.now()
    )
    # when a card is declined on that page, the customer may try another card: the slot stays
    order_payment_failed(order=order, reason="Your card was declined.", attempt_key="ch_1")
    assert slots.holds["7"][0] == order.pk
    # when the page has closed and the payment failed for good, the slot goes back
    CheckoutSession.objects.filter(order=order).update(status=CheckoutSession.Status.COMPLETE)
    order_payment_failed(order=order, reason="The payment could not be completed.", attempt_key="cs_test_open")
    assert "7" not in slots.holds
    assert slots.released() == ["failed"]


def test_an_abandoned_order_releases_the_slot(slots):
    order = order_create_for_item(user=UserFactory(), kind="slot", ref="7")

    orders_expire_abandoned(now=timezone.now() + ABANDONED_AFTER + timedelta(minutes=40))

    order.refresh_from_db()
    assert order.status == "expired"
    assert slots.released() == ["abandoned"]


# -- a kind may refuse to fulfil ---------------------------------------------------------------------


def test_a_refused_line_is_refunded_automatically_the_customer_told_once_and_nothing_retried(
    slots, emulator, django_capture_on_commit_callbacks
):
    # given a paid slot whose kind can no longer give it
    user = UserFactory()
    order = order_create_for_item(user=user, kind="slot", ref="7")
    order_checkout(order=order, success_url=SUCCESS_URL, cancel_url=CANCEL_URL)
    session_id = _open_session_id(order)
    emulator.pay_checkout_session(session_id, card="4242424242424242")
    slots.refuse_with = "The mentor cancelled this time."
    # when the payment is fulfilled, twice (success page and webhook), without an error escaping
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            order_fulfil_from_return(order=order, session_id=session_id)
    # then the payment is on record and the whole line went back through the refund pipeline, once
    order.refresh_from_db()
    [line] = order.lines.all()
    assert (order.amount_paid, order.amount_refunded, order.status) == (5000, 5000, "refunded")
    assert line.fulfilled_at is None
    assert line.revoked_at is not None
    [refund] = Refund.objects.filter(order=order)
    assert (refund.source, refund.status, refund.amount) == ("automatic", "succeeded", 5000)
    assert refund.stripe_refund_id.startswith("re_")
    assert "7" not in slots.sold
    assert ("revoke", "7") not in slots.calls
    assert slots.released() == ["not_fulfilled"]  # let go once, after the refusal
    # and the customer reads why, once
    assert OutboxEmail.objects.filter(dedup_key=line_not_fulfilled_key(order=order, line=line)).count() == 1
    assert order.events.filter(type="line_not_fulfilled").get().message == LINE_NOT_FULFILLED.format(
        title="Slot 7", reason="The mentor cancelled this time."
    )


def test_a_refused_line_whose_refund_cannot_reach_stripe_stays_pending_for_the_resend(
    slots, emulator, django_capture_on_commit_callbacks
):
    # given a paid slot that is refused while Stripe is failing
    order = order_create_for_item(user=UserFactory(), kind="slot", ref="7")
    order_checkout(order=order, success_url=SUCCESS_URL, cancel_url=CANCEL_URL)
    session_id = _open_session_id(order)
    emulator.pay_checkout_session(session_id, card="4242424242424242")
    slots.refuse_with = "The slot was taken."
    session = session_retrieve(session_id=session_id)
    emulator.fault("/v1/refunds", "api_error", method="POST", count=5)
    # when the payment is fulfilled
    with django_capture_on_commit_callbacks(execute=True):
        order_fulfil_from_session(session=session)
    # then the order is paid, its refund recorded and waiting to be sent again (nothing lost, no error)
    order.refresh_from_db()
    assert order.status == "paid"
    assert Refund.objects.get(order=order).status == Refund.Status.PENDING
