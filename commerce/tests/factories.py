from datetime import timedelta

import factory
from django.utils import timezone

from commerce.models import (
    Cart,
    CartItem,
    CheckoutSession,
    Coupon,
    CouponRedemption,
    Order,
    OrderLine,
    Refund,
    RefundRequest,
    WishlistItem,
)
from innerwork.accounts.tests.factories import UserFactory


class CouponFactory(factory.django.DjangoModelFactory):
    """A 10 % coupon with no limits; use .fixed(...) style kwargs for other shapes."""

    class Meta:
        model = Coupon
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"SAVE{n:03d}")
    discount_type = Coupon.DiscountType.PERCENT
    percent_off = 10
    amount_off = None
    currency = "usd"

    class Params:
        fixed = factory.Trait(discount_type=Coupon.DiscountType.FIXED, percent_off=None, amount_off=1000)


class CartFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cart

    user = factory.SubFactory(UserFactory)


class CartItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CartItem

    cart = factory.SubFactory(CartFactory)
    kind = "course"
    ref = factory.Sequence(str)


class WishlistItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WishlistItem

    user = factory.SubFactory(UserFactory)
    kind = "course"
    ref = factory.Sequence(str)


class OrderFactory(factory.django.DjangoModelFactory):
    """A pending order; totals are consistent (total = subtotal - discount)."""

    class Meta:
        model = Order

    user = factory.SubFactory(UserFactory)
    currency = "usd"
    subtotal_amount = 4900
    discount_amount = 0
    total_amount = factory.LazyAttribute(lambda o: o.subtotal_amount - o.discount_amount)
    coupon_code = factory.LazyAttribute(lambda o: o.coupon.code if o.coupon else "")
    coupon = None


class OrderLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrderLine

    order = factory.SubFactory(OrderFactory)
    kind = "course"
    ref = factory.Sequence(str)
    title = factory.Sequence(lambda n: f"Course {n}")
    unit_amount = 4900
    quantity = 1
    discount_amount = 0
    total_amount = factory.LazyAttribute(lambda o: o.unit_amount * o.quantity - o.discount_amount)


class CouponRedemptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CouponRedemption

    coupon = factory.SubFactory(CouponFactory)
    order = factory.SubFactory(OrderFactory, coupon=factory.SelfAttribute("..coupon"))
    user = factory.SelfAttribute("order.user")
    status = CouponRedemption.Status.RESERVED
    discount_amount = 0


class RefundFactory(factory.django.DjangoModelFactory):
    """A pending staff refund of 1000 on a new order; pass `status` to arrange another state."""

    class Meta:
        model = Refund

    order = factory.SubFactory(OrderFactory)
    amount = 1000
    currency = "usd"
    source = Refund.Source.STAFF
    reason = "Test refund"
    idempotency_key = factory.Sequence(lambda n: f"refund:test:{n}")


class RefundRequestFactory(factory.django.DjangoModelFactory):
    """A customer's pending request for 1000 on a new order; pass `status` to arrange another state."""

    class Meta:
        model = RefundRequest

    order = factory.SubFactory(OrderFactory)
    user = factory.SelfAttribute("order.user")
    amount = 1000
    currency = "usd"


class CheckoutSessionFactory(factory.django.DjangoModelFactory):
    """An open Stripe Checkout Session of a new order, expiring in an hour."""

    class Meta:
        model = CheckoutSession

    order = factory.SubFactory(OrderFactory)
    stripe_id = factory.Sequence(lambda n: f"cs_test_{n:06d}")
    url = factory.LazyAttribute(lambda o: f"https://checkout.stripe.test/{o.stripe_id}")
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(hours=1))


BILLING_ADDRESS = {
    "line1": "12 Harbour Road",
    "line2": "Flat 3",
    "postal_code": "D02 XY45",
    "city": "Dublin",
    "state": "",
    "country": "IE",
}


def paid_order(*, user=None, lines=(4900, 7900), titles=None, refs=None, paid_at=None, **fields) -> Order:
    """An order of one course line per entry of `lines` (a unit amount, or (unit amount, discount share)),
    paid by Visa •••• 4242 with the buyer's name, e-mail and a Dublin address as billing details; built
    directly as paid (no Stripe, no timeline event), so a test adds only the events it is about. Totals add
    up; lines are "Course number 1", ... unless `titles`/`refs` say otherwise, and fulfilled when paid. The
    buyer is `user`, else a new Maya Buyer. Other Order fields (coupon, currency, payment_intent_id,
    billing_email, ...) go in `fields`.
    """
    lines = [(line, 0) if isinstance(line, int) else tuple(line) for line in lines]
    subtotal = sum(unit for unit, _ in lines)
    discount = sum(off for _, off in lines)
    user = user or UserFactory(full_name="Maya Buyer")
    paid_at = paid_at or timezone.now()
    payment = {
        "status": Order.Status.PAID,
        "amount_paid": subtotal - discount,
        "paid_at": paid_at,
        "card_brand": "visa",
        "card_last4": "4242",
        "billing_name": user.get_full_name(),
        "billing_email": user.email,
        "billing_address": BILLING_ADDRESS,
    }
    order = OrderFactory(user=user, subtotal_amount=subtotal, discount_amount=discount, **{**payment, **fields})
    for index, (unit, off) in enumerate(lines):
        OrderLineFactory(
            order=order,
            title=titles[index] if titles else f"Course number {index + 1}",
            ref=refs[index] if refs else str(100 + index),
            unit_amount=unit,
            discount_amount=off,
            fulfilled_at=paid_at,
        )
    return order


def past(**kwargs):
    return timezone.now() - timedelta(**kwargs)


def future(**kwargs):
    return timezone.now() + timedelta(**kwargs)
