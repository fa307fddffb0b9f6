"""What we sell and the coupons we honour, mirrored in Stripe (Products, Prices, Coupons, PromotionCodes).

Mirrors are made when first needed (a checkout), by `manage.py sync_stripe_catalog`, or by the
course admin's "Mirror in Stripe" action. Stripe Prices are immutable, so a new amount gets a
new Price (and CatalogPrice row) and the old one is archived. Amounts always come from the
product kind's handler (our database), never from Stripe.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from commerce import stripe_gateway as gateway
from commerce.exceptions import PaymentProviderError
from commerce.models import CatalogPrice, Coupon, Order, OrderLine
from commerce.registry import NotPurchasable, PricedLine, get_kind
from commerce.shop.coupons import coupon_line_is_eligible

logger = logging.getLogger(__name__)

# Stripe accepts letters, digits, "-" and "_" in a promotion code.
PROMOTION_CODE_TEXT = re.compile(r"^[A-Za-z0-9_-]{1,500}$")


def _digest(*parts: object) -> str:
    return hashlib.sha256("|".join(str(part) for part in parts).encode()).hexdigest()[:16]


def _metadata(kind: str, ref: str) -> dict[str, str]:
    return {"innerwork_kind": kind, "innerwork_ref": ref}


def _product_for(item: PricedLine) -> str:
    """The item's Stripe Product: the one its earlier prices used, or a new one."""
    known = (
        CatalogPrice.objects.filter(kind=item.kind, ref=item.ref)
        .order_by("-created_at")
        .values_list("stripe_product_id", flat=True)
        .first()
    )
    if known:
        return known
    return gateway.product_create(
        name=item.title,
        metadata=_metadata(item.kind, item.ref),
        idempotency_key=f"innerwork:product:{item.kind}:{item.ref}:{_digest(item.title)}",
    )


def catalog_price_sync(*, item: PricedLine) -> CatalogPrice:
    """The active CatalogPrice of `item` at its current amount, creating the Stripe Price if needed.

    A changed amount creates a new Price, deactivates the old row and archives the old Price
    in Stripe. Safe under concurrency: racing checkouts send the same idempotency key (the
    item's price version), so Stripe makes one Price, and the one-active-row constraint keeps
    one CatalogPrice. Raises PaymentProviderError when Stripe cannot be reached.
    """
    active = CatalogPrice.objects.filter(kind=item.kind, ref=item.ref, is_active=True).first()
    if active is not None and (active.unit_amount, active.currency) == (item.unit_amount, item.currency):
        return active
    product_id = active.stripe_product_id if active is not None else _product_for(item)
    version = CatalogPrice.objects.filter(kind=item.kind, ref=item.ref).count() + 1
    price_id = gateway.price_create(
        product_id=product_id,
        unit_amount=item.unit_amount,
        currency=item.currency,
        metadata=_metadata(item.kind, item.ref),
        idempotency_key=f"innerwork:price:{item.kind}:{item.ref}:v{version}:{item.unit_amount}:{item.currency}",
    )
    replaced = None
    try:
        with transaction.atomic():
            current = (
                CatalogPrice.objects.select_for_update().filter(kind=item.kind, ref=item.ref, is_active=True).first()
            )
            if current is not None and (current.unit_amount, current.currency) == (item.unit_amount, item.currency):
                return current  # a concurrent checkout recorded it first
            if current is not None:
                current.is_active = False
                current.save(update_fields=["is_active", "updated_at"])
                replaced = current
            created = CatalogPrice.objects.create(
                kind=item.kind,
                ref=item.ref,
                unit_amount=item.unit_amount,
                currency=item.currency,
                stripe_product_id=product_id,
                stripe_price_id=price_id,
            )
    except IntegrityError:
        return CatalogPrice.objects.get(kind=item.kind, ref=item.ref, is_active=True)
    if replaced is not None:
        _archive_quietly(replaced.stripe_price_id)
    return created


def catalog_price_replace_stale(*, item: PricedLine, stale_id: str) -> CatalogPrice:
    """A working CatalogPrice for `item` after Stripe said it no longer knows `stale_id` (a Price or Product).

    For a Stripe account that forgot our mirror (demo state deleted while the database was kept,
    keys switched to another account): every row using the stale Price or Product is made
    inactive (kept for the orders that name it), and the item is mirrored again under a new
    Product whose idempotency key names the one it replaces. If a concurrent checkout already
    recovered, its row is returned. Raises PaymentProviderError when Stripe cannot be reached.
    """
    rows = CatalogPrice.objects.filter(kind=item.kind, ref=item.ref)
    stale = rows.filter(Q(stripe_price_id=stale_id) | Q(stripe_product_id=stale_id))
    stale_products = set(stale.values_list("stripe_product_id", flat=True)) or {stale_id}
    stale.filter(is_active=True).update(is_active=False, updated_at=timezone.now())
    active = rows.filter(is_active=True).exclude(stripe_product_id__in=stale_products).first()
    if active is not None and (active.unit_amount, active.currency) == (item.unit_amount, item.currency):
        return active
    product_id = gateway.product_create(
        name=item.title,
        metadata=_metadata(item.kind, item.ref),
        idempotency_key=f"innerwork:product:{item.kind}:{item.ref}:{_digest(item.title)}:replaces:{stale_id}",
    )
    version = rows.count() + 1
    price_id = gateway.price_create(
        product_id=product_id,
        unit_amount=item.unit_amount,
        currency=item.currency,
        metadata=_metadata(item.kind, item.ref),
        idempotency_key=f"innerwork:price:{item.kind}:{item.ref}:v{version}:{item.unit_amount}:{item.currency}",
    )
    try:
        with transaction.atomic():
            rows.filter(is_active=True).update(is_active=False, updated_at=timezone.now())
            return CatalogPrice.objects.create(
                kind=item.kind,
                ref=item.ref,
                unit_amount=item.unit_amount,
                currency=item.currency,
                stripe_product_id=product_id,
                stripe_price_id=price_id,
            )
    except IntegrityError:
        return CatalogPrice.objects.get(kind=item.kind, ref=item.ref, is_active=True)


def _archive_quietly(price_id: str) -> None:
    # An archived Price only stops new sessions from using it; the sync command archives again if this fails.
    try:
        gateway.price_archive(price_id=price_id)
    except PaymentProviderError:
        logger.warning("Could not archive Stripe price %s; sync_stripe_catalog will retry", price_id)


@dataclass
class CatalogSyncReport:
    synced: list[str] = field(default_factory=list)  # "course:12"
    retired: list[str] = field(default_factory=list)


def catalog_item_sync(*, kind: str, ref: str) -> CatalogPrice | None:
    """Mirror one item as it is now: Price at its current amount, Product under its current name.

    An item that can no longer be bought (unpublished, deleted) has its Prices archived and
    returns None. Idempotent; raises PaymentProviderError when Stripe cannot be reached.
    """
    try:
        item = get_kind(kind).price(ref=str(ref), user=None)
    except NotPurchasable:
        for price in CatalogPrice.objects.filter(kind=kind, ref=str(ref), is_active=True):
            gateway.price_archive(price_id=price.stripe_price_id)
            CatalogPrice.objects.filter(pk=price.pk).update(is_active=False, updated_at=timezone.now())
        return None
    price = catalog_price_sync(item=item)
    gateway.product_update(product_id=price.stripe_product_id, name=item.title)
    return price


def catalog_sync(*, items: list[tuple[str, str]] | None = None) -> CatalogSyncReport:
    """Mirror `items` (kind, ref), or every item mirrored before, and re-archive replaced Prices.

    Also brings every coupon's Stripe mirror up to date. This is what the management command runs.
    """
    report = CatalogSyncReport()
    if items is None:
        items = sorted(set(CatalogPrice.objects.values_list("kind", "ref")))
    for kind, ref in items:
        price = catalog_item_sync(kind=kind, ref=str(ref))
        (report.synced if price is not None else report.retired).append(f"{kind}:{ref}")
    if items:
        for price_id in CatalogPrice.objects.filter(is_active=False).values_list("stripe_price_id", flat=True):
            gateway.price_archive(price_id=price_id)
    for coupon in Coupon.objects.all():
        coupon_mirror_sync(coupon=coupon)
    return report


def _coupon_terms(coupon: Coupon) -> gateway.StripeCouponTerms:
    if coupon.discount_type == Coupon.DiscountType.PERCENT:
        return gateway.StripeCouponTerms(percent_off=Decimal(coupon.percent_off).normalize())
    return gateway.StripeCouponTerms(amount_off=coupon.amount_off, currency=coupon.currency.lower())


def coupon_mirror_sync(*, coupon: Coupon) -> Coupon:
    """Make the coupon's Stripe Coupon and PromotionCode say what ours says; returns it with their ids.

    Stripe Coupons cannot change their terms, so changed terms get a new Stripe Coupon and a new
    PromotionCode (the old code is deactivated). The promotion code is active only while ours is.
    Limits, dates and restrictions are not mirrored: our server is the only judge of them, and
    a session only ever carries a code we validated. Skipped when nothing changed since the last sync.
    """
    if coupon.stripe_coupon_id and coupon.stripe_synced_at and coupon.stripe_synced_at >= coupon.updated_at:
        return coupon
    terms = _coupon_terms(coupon)
    stripe_coupon_id = coupon.stripe_coupon_id
    if stripe_coupon_id:
        try:
            current = gateway.StripeCouponTerms.from_stripe(gateway.coupon_retrieve(coupon_id=stripe_coupon_id))
        except gateway.ProviderRequestRefused as exc:
            if exc.code != "resource_missing":
                raise
            current = None
        if current != terms:
            stripe_coupon_id = ""
    if not stripe_coupon_id:
        stripe_coupon_id = gateway.coupon_create(
            terms=terms,
            name=coupon.code,
            metadata={"innerwork_coupon_id": str(coupon.pk), "code": coupon.code},
            idempotency_key=f"innerwork:coupon:{coupon.pk}:{_digest(coupon.code, terms)}",
        )
    promotion_code_id = ""
    if PROMOTION_CODE_TEXT.match(coupon.code):
        promotion_code_id = gateway.promotion_code_create(
            coupon_id=stripe_coupon_id,
            code=coupon.code,
            active=coupon.is_active,
            metadata={"innerwork_coupon_id": str(coupon.pk)},
            idempotency_key=f"innerwork:promotion-code:{coupon.pk}:{stripe_coupon_id}:{coupon.is_active}",
        )
    synced_at = timezone.now()
    # update() leaves updated_at alone, so "synced after the last change" stays true.
    Coupon.objects.filter(pk=coupon.pk).update(
        stripe_coupon_id=stripe_coupon_id, stripe_promotion_code_id=promotion_code_id, stripe_synced_at=synced_at
    )
    coupon.stripe_coupon_id, coupon.stripe_promotion_code_id = stripe_coupon_id, promotion_code_id
    coupon.stripe_synced_at = synced_at
    return coupon


def stripe_computes_same_discount(*, order: Order, lines: list[OrderLine]) -> bool:
    """Whether Stripe, applying the mirror of the order's coupon itself, would take off exactly our discount.

    The mirror knows no cap and no restriction, and Stripe may round a percentage per line; so
    this holds only when every line is eligible, the cap (if any) did not bite, and the
    percentage of every line is a whole number of minor units (no rounding to disagree on).
    """
    coupon = order.coupon
    if coupon is None or not coupon.is_active or not lines:
        return False
    if not all(coupon_line_is_eligible(coupon=coupon, line=line) for line in lines):
        return False
    amounts = [line.unit_amount * line.quantity for line in lines]
    if coupon.discount_type == Coupon.DiscountType.PERCENT:
        shares = [Decimal(amount) * Decimal(coupon.percent_off) / 100 for amount in amounts]
        if any(share != share.to_integral_value() for share in shares):
            return False
        uncapped = int(sum(shares))
    else:
        if coupon.currency.lower() != order.currency.lower():
            return False
        uncapped = min(coupon.amount_off or 0, sum(amounts))
    return uncapped == order.discount_amount


def order_stripe_coupon(*, order: Order) -> str:
    """A Stripe Coupon for exactly this order's discount (amount off, once), created on first need.

    Its id names the order, so a retry or a second session of the same order reuses it.
    """
    return gateway.coupon_create(
        terms=gateway.StripeCouponTerms(amount_off=order.discount_amount, currency=order.currency.lower()),
        name=f"{order.coupon_code or 'Discount'} {order.number}",
        metadata={"order_number": order.number, "code": order.coupon_code},
        idempotency_key=f"innerwork:order-coupon:{order.number}:{order.discount_amount}",
        coupon_id=f"order-{order.number}",
        max_redemptions=1,
    )


def stripe_discount_for(*, order: Order, lines: list[OrderLine]) -> dict | None:
    """The `discounts[]` entry that makes Stripe take off exactly `order.discount_amount`.

    The coupon's own PromotionCode when Stripe would compute the same amount (so Stripe's page
    and receipt name the code the customer typed); otherwise an order-specific amount-off Coupon.
    """
    if order.discount_amount == 0:
        return None
    if stripe_computes_same_discount(order=order, lines=lines):
        coupon = coupon_mirror_sync(coupon=order.coupon)
        if coupon.stripe_promotion_code_id:
            return {"promotion_code": coupon.stripe_promotion_code_id}
    return {"coupon": order_stripe_coupon(order=order)}


def stripe_line_for(*, line: OrderLine, currency: str, item: PricedLine | None = None) -> gateway.StripeLine:
    """The line as Stripe should charge it: our catalogue Price when it has the frozen amount.

    An order keeps the price it was placed at; if the catalogue moved on since, the line is
    charged through an inline price on the same Product. Raises NotPurchasable when the item
    can no longer be bought. Priced for the line's own order, so what that order holds (its slot)
    does not count against it; `item` is the line's price when its kind gave it moments ago, in
    this request (the order was just placed from it), and is not asked for again.
    """
    if item is None:
        item = get_kind(line.kind).price(ref=line.ref, user=None, order=line.order)
    price = catalog_price_sync(item=item)
    if (price.unit_amount, price.currency) == (line.unit_amount, currency):
        return gateway.StripeLine(price_id=price.stripe_price_id, quantity=line.quantity)
    return gateway.StripeLine(
        product_id=price.stripe_product_id, unit_amount=line.unit_amount, currency=currency, quantity=line.quantity
    )


def stripe_line_replacing_stale(*, line: OrderLine, currency: str, stale_id: str) -> gateway.StripeLine:
    """stripe_line_for(line) after Stripe said it no longer knows `stale_id`, the Price or Product we sent for it."""
    item = get_kind(line.kind).price(ref=line.ref, user=None, order=line.order)
    catalog_price_replace_stale(item=item, stale_id=stale_id)
    return stripe_line_for(line=line, currency=currency)
