"""Reads: a person's orders, their payments, and what each line gives access to.

Every selector is scoped to its owner; none of them takes an id without the owner. For a partner the owner
is the partner whose API placed the order (`Order.partner`), never the buyer: one person can be the customer
of two partners and buy on the site too, and each sees only what was made through it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import CharField, Exists, F, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Cast

from commerce.models import Order, OrderLine
from commerce.registry import NotPurchasable, get_kind


def orders_for_user(*, user) -> QuerySet[Order]:
    """The user's orders, newest first, with their lines."""
    return Order.objects.filter(user=user).prefetch_related("lines")


def order_for_user(*, user, number: str) -> Order:
    """One of the user's orders by number; Order.DoesNotExist for anyone else's (views answer 404)."""
    return Order.objects.prefetch_related("lines").get(user=user, number=number)


@dataclass(frozen=True)
class OrderLineAccess:
    """An order line with the page where the buyer uses what it bought ("" when there is none)."""

    line: OrderLine
    access_url: str


def order_detail_for_user(*, user, number: str) -> Order:
    """One of the user's orders with its lines and timeline; Order.DoesNotExist for anyone else's."""
    return Order.objects.select_related("coupon").prefetch_related("lines", "events").get(user=user, number=number)


def payments_for_user(*, user) -> QuerySet[Order]:
    """Every payment the user made (one per paid order), most recent first, refunds included."""
    return Order.objects.filter(user=user, paid_at__isnull=False, amount_paid__gt=0).order_by("-paid_at", "-id")


def order_lines_with_access(*, order: Order) -> list[OrderLineAccess]:
    """The order's lines, each with a link to what it bought while the buyer still has it.

    The link is the product kind's `access_url` (courses: "continue learning"); lines of an
    unpaid order, revoked lines and kinds no longer registered get none.
    """
    settled = order.status in (Order.Status.PAID, Order.Status.PARTIALLY_REFUNDED)
    entries = []
    for line in order.lines.all():
        url = ""
        if settled and line.revoked_at is None:
            try:
                url = get_kind(line.kind).access_url(line=line)
            except NotPurchasable:
                url = ""
        entries.append(OrderLineAccess(line=line, access_url=url))
    return entries


def order_for_payment(*, payment_intent_id: str = "", charge_id: str = "") -> Order | None:
    """The order a recorded payment paid, by its PaymentIntent, else by its charge; None if none recorded it."""
    if payment_intent_id:
        order = Order.objects.filter(payment_intent_id=payment_intent_id).first()
        if order is not None:
            return order
    if charge_id:
        return Order.objects.filter(charge_id=charge_id).first()
    return None


def order_line_for_item(*, kind: str, ref: str) -> OrderLine | None:
    """The line that paid for one item sold on its own (a booking, a contract), with its order; None if unpaid.

    A product app finds what its customer paid through this, never by reading commerce's tables itself.
    The line its kind fulfilled wins: an item paid twice has its second payment refused and refunded
    automatically, and that later payment is not the one the item stands on. Among lines never
    fulfilled (a payment waiting for staff), the most recent paid one.
    """
    return (
        OrderLine.objects.select_related("order", "order__user")
        .filter(kind=kind, ref=str(ref), order__paid_at__isnull=False)
        .order_by(F("fulfilled_at").desc(nulls_last=True), "-order__paid_at", "-pk")
        .first()
    )


def net_paid_for_items(*, kind: str, refs, currency: str) -> dict[str, int]:
    """Per item sold on its own (ref, as a string): what its buyers paid for it less what was refunded, in one query.

    The sales report's figures, item by item: a line's `total_amount` is what was charged for it (its share of
    any coupon already off), its `refunded_amount` what Stripe confirmed going back (pending refunds count once
    they succeed). Lines of every paid order add up, so an item paid twice and refunded once counts once.
    Items never paid (unpaid, expired, free of any line) are absent; only orders in `currency` are read.
    """
    rows = (
        OrderLine.objects.filter(
            kind=kind, ref__in=[str(ref) for ref in refs], order__paid_at__isnull=False, order__currency=currency
        )
        .values("ref")
        .annotate(net=Sum(F("total_amount") - F("refunded_amount")))
    )
    return {row["ref"]: row["net"] for row in rows}


def order_for_item_session(*, user, kind: str, ref: str, session_id: str) -> Order | None:
    """The user's order that Checkout Session `session_id` was opened for, if it sells item (kind, ref); else None.

    What a product app asks when its customer comes back from Stripe with a session id in the URL: the id is
    the customer's to forge, so it only counts when the session belongs to one of *their* orders and that
    order has a line for this very item. Paid or not: fulfilling (or not) is the caller's next step.
    """
    return (
        orders_for_user(user=user)
        .filter(lines__kind=kind, lines__ref=str(ref), checkout_sessions__stripe_id=session_id)
        .first()
    )


def item_payment_declined(*, user, kind: str, ref: str) -> str:
    """Stripe's reason ("Your card has insufficient funds.") when the user's last try to pay for an item was declined.

    "" when it was not: never tried, left the page, or paid. A product app's not-paid page says why the card was
    refused (recorded on the order when Stripe reports the decline) instead of only that the customer left.
    """
    latest = (
        orders_for_user(user=user).filter(lines__kind=kind, lines__ref=str(ref)).order_by("-created_at", "-id").first()
    )
    if latest is None or latest.paid_at is not None or latest.status != Order.Status.FAILED:
        return ""
    return latest.failure_message


def order_lines_for_item(*, kind: str, ref: str) -> QuerySet[OrderLine]:
    """Every order line ever placed for one item sold on its own, paid or not, oldest first, with its order.

    For a product app's staff page (every payment attempt of a contract, which one was kept, what was
    refunded); customers' pages use the owner-scoped selectors above.
    """
    return (
        OrderLine.objects.select_related("order", "order__user")
        .filter(kind=kind, ref=str(ref))
        .order_by("order__created_at", "pk")
    )


def orders_for_partner(*, partner, user=None) -> QuerySet[Order]:
    """The orders `partner`'s API placed (one customer's when `user` is given), lines prefetched.

    A partner sees an order (its payment, its refunds) because it placed it: not because the buyer is its
    customer. The same person's orders placed through another partner, or on the site, are not in this
    queryset (the API answers 404). Each order carries `customer_public_id`, the partner's id for its
    buyer (the filter's own join, so this partner's link).
    """
    orders = (
        Order.objects.filter(partner=partner, user__partner_links__partner=partner)
        .annotate(customer_public_id=F("user__partner_links__public_id"))
        .prefetch_related("lines")
    )
    if user is not None:
        orders = orders.filter(user=user)
    return orders


def _item_lines(*, kind: str, ref, user=None, fulfilled: bool = False) -> QuerySet[OrderLine]:
    lines = OrderLine.objects.filter(kind=kind, ref=ref)
    if user is not None:
        lines = lines.filter(order__user=user)
    if fulfilled:
        lines = lines.filter(fulfilled_at__isnull=False)
    return lines


def item_made_through_partner(*, partner, kind: str, ref=None, user=None, fulfilled: bool = False) -> Exists:
    """Whether an item (kind, ref) was bought through `partner`'s API: an Exists() for a product app's queryset.

    `ref` is an expression on the outer row (default OuterRef("pk"): the item is the row itself), `user` one
    for the buyer when the item is not the person's alone (a course: OuterRef("user")). Any order the
    partner placed for it counts (a booking or a contract waiting for payment is already the partner's);
    with `fulfilled`, only a line that gave the access (an enrollment: the paid line that enrolled the
    person, not an order left unpaid or refused). One index lookup per row (order_line_item).
    """
    ref = OuterRef("pk") if ref is None else ref
    lines = _item_lines(kind=kind, ref=Cast(ref, output_field=CharField()), user=user, fulfilled=fulfilled)
    return Exists(lines.filter(order__partner=partner))


def item_latest_order_number_for_partner(*, partner, kind: str, ref=None) -> Subquery:
    """The number of the latest order `partner` placed for the item (kind, `ref`, default OuterRef("pk")) on the
    outer row, or NULL: a Subquery to annotate a list with each item's payment id in the list's own query."""
    ref = OuterRef("pk") if ref is None else ref
    lines = _item_lines(kind=kind, ref=Cast(ref, output_field=CharField())).filter(order__partner=partner)
    return Subquery(lines.order_by("-order__created_at", "-pk").values("order__number")[:1])


def partner_ids_for_item(*, kind: str, ref, user=None, fulfilled: bool = False) -> list[int]:
    """The partners whose API placed an order for the item (kind, ref), as item_made_through_partner counts
    them: whom an event about the item goes to. [] for an item bought on the site (one query either way)."""
    lines = _item_lines(kind=kind, ref=str(ref), user=user, fulfilled=fulfilled)
    return sorted(set(lines.filter(order__partner__isnull=False).values_list("order__partner_id", flat=True)))
