"""Demo purchases that are real payments: made at the local Stripe emulator, through the customer's own path.

An app's demo seed (`<app>/demo.py`) that wants a paid order calls `demo_pay_item` (one item: a booking, a
contract, a course) or `demo_pay_cart` (several courses in one order). Each places the order with
commerce.checkout's services, opens its Checkout Session, pays it at the emulator with a test card exactly as
a customer on the hosted page would, and fulfils it from the session as the success page does. So the order
has a payment Stripe (the emulator) knows: a charge, a payment intent, an invoice issued for real, and a
refund of it later goes through the normal pipeline and is accepted.

Only ever at the emulator: with real Stripe (no STRIPE_API_HOST, live mode) these refuse before any order is
placed or any Stripe call made (DemoPaymentError, DEMO_PAYMENTS_REAL_STRIPE). A seed asks
`demo_payments_unavailable()` once and seeds without payments when it says why not.

Not idempotent on their own (each call is one more purchase): the seeds decide what is history to create once.

Commerce's own part of the demo, `seed`, is its coupon codes (commerce.demo_coupons), which need no payment.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from commerce import stripe_gateway as gateway
from commerce.checkout import order_checkout, order_create_for_item, order_create_from_cart, order_fulfil_from_return
from commerce.demo_coupons import coupons_seed
from commerce.exceptions import CommerceError
from commerce.models import Cart, CheckoutSession, Order
from commerce.shop.cart import cart_add
from innerwork.core.demo_seeding import DemoSeed

DEMO_CARD = "4242424242424242"
DEMO_PAYMENTS_REAL_STRIPE = (
    "Demo payments are made only at the local Stripe emulator, and this site talks to real Stripe "
    "(STRIPE_API_HOST is empty or live mode is on): no demo payment made."
)
DEMO_PAYMENTS_UNREACHABLE = (
    "The Stripe emulator at {url} is not answering: demo data seeded without payments "
    "(start it, e.g. with `make run`, and seed again to add them)."
)
DEMO_CART_NOT_EMPTY = "{email}'s cart already holds something: a demo purchase buys only what it names."
DEMO_PAYMENT_NOT_MADE = "The demo payment of order {number} did not go through: {message}"


def seed(*, demo: DemoSeed) -> None:
    """The demo's coupon codes; seeded with or without the emulator, since none is paid for."""
    coupons_seed(demo=demo)


class DemoPaymentError(CommerceError):
    """A demo payment was not made: real Stripe, no emulator, a cart in the way, or the card was refused."""


def demo_payments_unavailable() -> str:
    """Why demo payments cannot be made now (one line to print), or "" when the emulator answers."""
    url = gateway.emulator_url()
    if not url:
        return DEMO_PAYMENTS_REAL_STRIPE
    if not gateway.emulator_answering():
        return DEMO_PAYMENTS_UNREACHABLE.format(url=url)
    return ""


def _check_emulator() -> None:
    if not gateway.emulator_url():
        raise DemoPaymentError(DEMO_PAYMENTS_REAL_STRIPE)


def demo_pay_item(*, user, kind: str, ref: str, card: str = DEMO_CARD) -> Order:
    """`user` buys one item (kind, ref) on its own and pays it at the emulator with `card`; the paid order.

    The order is the one `order_create_for_item` gives: a waiting order of the same item (a booking just
    started) is paid rather than doubled. Raises DemoPaymentError (real Stripe; the card refused: the order
    then stays waiting, as after a declined card), NotPurchasable / CheckoutError (the kind refuses) and
    PaymentProviderError (the emulator stopped answering).
    """
    _check_emulator()
    return _pay(order_create_for_item(user=user, kind=kind, ref=str(ref)), card=card)


def demo_pay_cart(*, user, items: list[tuple[str, str]], card: str = DEMO_CARD) -> Order:
    """`user` puts `items` (kind, ref) in their cart, checks out and pays at the emulator with `card`.

    One order with a line per item, made by the cart's own services (the cart is emptied of what was bought).
    The user's cart must hold nothing else, so the purchase is exactly what the seed names. Raises as
    `demo_pay_item`, and DemoPaymentError when the cart already holds items or a code.
    """
    _check_emulator()
    with transaction.atomic():
        cart, _ = Cart.objects.select_for_update().get_or_create(user=user)
        if cart.items.exists() or cart.coupon_id:
            raise DemoPaymentError(DEMO_CART_NOT_EMPTY.format(email=user.email))
        for kind, ref in items:
            cart_add(cart=cart, kind=kind, ref=str(ref), user=user)
        order = order_create_from_cart(cart=cart, user=user)
    return _pay(order, card=card)


def _pay(order: Order, *, card: str) -> Order:
    """Open the order's Checkout Session, pay it at the emulator, then fulfil it as the success page does."""
    success = settings.SITE_URL + reverse("commerce:order_success", kwargs={"number": order.number})
    cancel = settings.SITE_URL + reverse("commerce:order_cancel", kwargs={"number": order.number})
    start = order_checkout(order=order, success_url=success + "?session_id={CHECKOUT_SESSION_ID}", cancel_url=cancel)
    if not start.at_stripe:  # nothing to pay (free), or already paid
        return start.order
    session_id = order.checkout_sessions.get(status=CheckoutSession.Status.OPEN).stripe_id
    user = order.user
    payment = gateway.emulator_pay_checkout_session(
        session_id=session_id, card=card, email=user.email, name=user.get_full_name() or user.email
    )
    if not payment.succeeded:
        raise DemoPaymentError(DEMO_PAYMENT_NOT_MADE.format(number=order.number, message=payment.message))
    order = order_fulfil_from_return(order=order, session_id=session_id)
    order.refresh_from_db()
    return order
