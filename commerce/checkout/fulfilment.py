"""What happens when Stripe reports on a Checkout Session: paid, expired, declined.

Each service here is called from a webhook (any number of times, in any order, concurrently)
and from the success page. Each locks the order row first, so reports about one order are
applied one at a time, and every side effect of a payment is claimed through an OrderEffect
key in the same transaction as the effect, so it happens exactly once.

A product kind may refuse to fulfil a paid line (`CannotFulfil`: the slot went to someone else).
The payment stays recorded and the rest of the order is fulfilled; that line's refund is written
as a pending Refund in the same transaction (keyed by the line, so once), sent to Stripe after
commit (or by `send_pending_refunds` if Stripe cannot be reached then), and the customer is told.
Nothing is raised back to the webhook: Stripe gets its 2xx and never retries a refusal.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import Q, Subquery
from django.db.models.deletion import Collector
from django.db.models.functions import Coalesce
from django.utils import timezone

from commerce import stripe_gateway as gateway
from commerce.checkout.holds import RELEASE_EXPIRED, RELEASE_FAILED, order_release
from commerce.documents.services import invoice_issue_for_fulfilment
from commerce.exceptions import CouponError
from commerce.models import Cart, CartItem, CheckoutSession, Order, OrderLine
from commerce.orders.notifications import (
    CONFIRMATION_EFFECT,
    notify_duplicate_payment,
    notify_line_not_fulfilled,
    notify_order_paid,
    notify_payment_failed,
)
from commerce.orders.partner_events import order_partner_event
from commerce.orders.selectors import order_for_item_session
from commerce.orders.services import (
    checkout_session_record,
    order_effects_claim,
    order_event_add,
    order_flag,
    order_set_status,
)
from commerce.refunds.services import (
    refund_record_automatic,
    refund_record_duplicate_payment,
    send_pending_refund_after_commit,
)
from commerce.registry import RELEASE_NOT_FULFILLED, CannotFulfil, get_kind
from commerce.shop.coupons import coupon_redeem
from innerwork.core.money import format_money

logger = logging.getLogger(__name__)

# Shown to the customer (success page, order page) while a flagged payment waits for staff.
ORDER_UNDER_REVIEW = (
    "We received your payment, but it doesn't match this order's total, so we haven't completed the order yet. "
    "Our team has been alerted and will sort it out with you. Please don't pay again."
)
FLAG_AMOUNT_MISMATCH = "Paid {paid}, but the order total is {expected}."
FLAG_PAID_TWICE = "A second payment ({payment_intent}) arrived for an order that was already paid."
FLAG_COUPON_OVER_LIMIT = "Paid with code {code}, which had no use left when the payment arrived: {reason}"
DECLINED_DEFAULT = "Your card was declined."
LINE_NOT_FULFILLED = "We couldn't give you “{title}”: {reason} It is being refunded in full."
ASYNC_PAYMENT_FAILED = "The payment could not be completed."

PAYABLE_NOW = (Order.Status.PENDING, Order.Status.FAILED)


def order_for_session(*, session: gateway.CheckoutSessionInfo) -> Order | None:
    """The order a session pays: by our session row, else by client_reference_id / metadata.

    The fallback matters when Stripe's webhook arrives before the checkout view saved the
    session id (or the view never got Stripe's answer at all).
    """
    row = CheckoutSession.objects.filter(stripe_id=session.id).select_related("order").first()
    if row is not None:
        return row.order
    if session.order_number:
        return Order.objects.filter(number=session.order_number).first()
    return None


def _lock(order: Order) -> Order:
    # The buyer comes along (not locked): every effect of a payment needs them.
    return Order.objects.select_for_update(of=("self",)).select_related("user").get(pk=order.pk)


def _lock_for_session(session: gateway.CheckoutSessionInfo) -> Order | None:
    """order_for_session and _lock in one statement: the order a session pays, locked, with its buyer."""
    by_session = CheckoutSession.objects.filter(stripe_id=session.id).values("order_id")[:1]
    by_number = Order.objects.filter(number=session.order_number).values("pk")[:1] if session.order_number else None
    paid_for = Coalesce(Subquery(by_session), Subquery(by_number)) if by_number is not None else Subquery(by_session)
    return Order.objects.select_for_update(of=("self",)).select_related("user").filter(pk=paid_for).first()


def _record_payment(order: Order, session: gateway.CheckoutSessionInfo, *, amount_paid: int) -> None:
    order.amount_paid = amount_paid
    order.paid_at = order.paid_at or timezone.now()
    order.stripe_customer_id = session.customer_id or order.stripe_customer_id
    order.payment_intent_id = session.payment_intent_id
    order.charge_id = session.charge_id
    order.card_brand = session.card_brand[:20]
    order.card_last4 = session.card_last4[:4]
    order.receipt_url = session.receipt_url
    order.billing_name = session.billing_name[:200]
    order.billing_email = session.billing_email
    order.billing_address = session.billing_address
    order.failure_message = ""


_PAYMENT_FIELDS = (
    "amount_paid",
    "paid_at",
    "stripe_customer_id",
    "payment_intent_id",
    "charge_id",
    "card_brand",
    "card_last4",
    "receipt_url",
    "billing_name",
    "billing_email",
    "billing_address",
    "failure_message",
)


def _fulfil(order: Order) -> None:
    """Run every effect of a paid order that has not run yet (each keyed, so each runs once).

    Lines are fulfilled in (kind, ref) order: a product kind may lock rows of its own (a
    slot, a contract), and one global order keeps two orders of the same items from
    deadlocking each other. Every effect is claimed in one statement (order_effects_claim),
    in the same transaction as the effects themselves.
    """
    lines = list(order.lines.order_by("kind", "ref", "pk"))
    wanted = [f"fulfil:line:{line.pk}" for line in lines]
    wanted += ["coupon:redeem"] if order.coupon_id else []
    wanted += ["cart:clear"]
    wanted += ["invoice:issue"] if order.total_amount > 0 else []
    wanted += [CONFIRMATION_EFFECT]
    claimed = order_effects_claim(order=order, keys=wanted)
    fulfilled = []
    for line in lines:
        if f"fulfil:line:{line.pk}" in claimed:
            line.order = order
            kind = get_kind(line.kind)
            if not kind.may_refuse:
                kind.fulfil(line=line)
                fulfilled.append(line.pk)
                continue
            try:
                with transaction.atomic():  # a refusal rolls back what the kind wrote before it
                    kind.fulfil(line=line)
            except CannotFulfil as exc:
                _refund_refused_line(order, line, reason=exc.reason)
                kind.release(line=line, reason=RELEASE_NOT_FULFILLED)
                continue
            fulfilled.append(line.pk)
    if fulfilled:
        OrderLine.objects.filter(pk__in=fulfilled).update(fulfilled_at=timezone.now())
    if "coupon:redeem" in claimed:
        try:
            coupon_redeem(order=order)
        except CouponError as exc:
            # The customer paid the discounted price we showed them: honour it, and tell staff.
            order_flag(order=order, reason=FLAG_COUPON_OVER_LIMIT.format(code=order.coupon_code, reason=exc.message))
    if "cart:clear" in claimed:
        _clear_bought_from_cart(order, lines)
    # Numbered in this transaction (gap-free), rendered after commit on the `documents` queue:
    # no lock of the numbering is held across a render. The confirmation attaches the PDF, so an
    # order with an invoice has it queued by the render (notify_order_paid_once_invoiced).
    invoice = invoice_issue_for_fulfilment(order=order, lines=lines) if "invoice:issue" in claimed else None
    if CONFIRMATION_EFFECT in claimed and (invoice is None or invoice.pdf_sha256):
        notify_order_paid(order=order, invoice=invoice)
    # Once per order by the event's own key (partner_event_emit), so no effect row of its own.
    order_partner_event(order=order, type="order.paid", key=f"order.paid:{order.pk}")


def _refund_refused_line(order: Order, line, *, reason: str) -> None:
    """A kind refused a paid line: it is closed now, fully refunded (sent after commit), the customer told once."""
    line.revoked_at = timezone.now()
    line.save(update_fields=["revoked_at"])
    order_event_add(
        order=order,
        type="line_not_fulfilled",
        message=LINE_NOT_FULFILLED.format(title=line.title, reason=reason)[:255],
        data={"line": line.pk, "reason": reason},
    )
    if line.total_amount > 0 and order.amount_paid > 0:
        refund = refund_record_automatic(order=order, line=line, reason=reason)
        send_pending_refund_after_commit(refund=refund)
    notify_line_not_fulfilled(order=order, line=line, reason=reason)


def _refund_second_payment(order: Order, session: gateway.CheckoutSessionInfo) -> None:
    """A second payment reached an order already paid (two tabs, two sessions): it all goes back, once.

    The pending Refund is keyed by that payment and written with the order locked, so a redelivered
    or concurrent event finds it; Stripe is asked after commit. The customer and Finance are told
    once per payment. The order itself, its fulfilment and its invoice are untouched.
    """
    if not session.payment_intent_id or session.amount_total <= 0:
        return
    refund = refund_record_duplicate_payment(
        order=order,
        payment_intent_id=session.payment_intent_id,
        amount=session.amount_total,
        currency=session.currency or order.currency,
    )
    notify_duplicate_payment(order=order, refund=refund)
    send_pending_refund_after_commit(refund=refund)


def _clear_bought_from_cart(order: Order, lines: list) -> None:
    # What was just bought leaves the buyer's cart (one statement), and so does the code it used.
    bought = Q()
    for line in lines:
        bought |= Q(kind=line.kind, ref=line.ref)
    # The items come with their cart, so the page cache learns whose cart changed without a read per item.
    items = CartItem.objects.filter(bought, cart__user_id=order.user_id).select_related("cart")
    collector = Collector(using=items.db)
    collector.collect(list(items))
    collector.delete()
    if order.coupon_id:
        Cart.objects.filter(user=order.user, coupon_id=order.coupon_id).update(coupon=None)


def order_fulfil_from_session(*, session: gateway.CheckoutSessionInfo) -> Order | None:
    """Record a paid Checkout Session on its order and fulfil the order, exactly once.

    Locks the order row. The amount and currency Stripe charged must equal the order's
    total: otherwise the payment is recorded, the order is flagged for staff (the customer
    sees ORDER_UNDER_REVIEW) and nothing is fulfilled. A second, different payment for an
    already paid order is refunded in full, once (the customer and Finance told once); for an
    order whose first payment is under review it is flagged for staff instead.
    Repeated calls for the same session change nothing.
    Returns the order, or None when the session names no order of ours.
    """
    with transaction.atomic():
        order = _lock_for_session(session)
        if order is None:
            logger.warning("Checkout session %s names no known order (%r)", session.id, session.order_number)
            return None
        checkout_session_record(order=order, session=session)
        if not session.is_paid:
            return order
        if order.paid_at is not None:
            if order.payment_intent_id != session.payment_intent_id and order.status in Order.SETTLED:
                _refund_second_payment(order, session)
            elif order.payment_intent_id != session.payment_intent_id:
                # The first payment is under review (it did not match the total): staff decide about both.
                order_flag(order=order, reason=FLAG_PAID_TWICE.format(payment_intent=session.payment_intent_id))
            elif order.status in Order.SETTLED:
                _fulfil(order)  # a no-op unless an effect was added since
            return order
        if (session.amount_total, session.currency) != (order.total_amount, order.currency.lower()):
            paid = format_money(session.amount_total, session.currency or order.currency)
            reason = FLAG_AMOUNT_MISMATCH.format(paid=paid, expected=format_money(order.total_amount, order.currency))
            same_currency = session.currency == order.currency.lower()
            _record_payment(order, session, amount_paid=session.amount_total if same_currency else 0)
            order.save(update_fields=[*_PAYMENT_FIELDS, "updated_at"])
            order_flag(order=order, reason=reason, data={"session": session.id})
            return order
        _record_payment(order, session, amount_paid=session.amount_total)
        order_set_status(
            order=order,
            status=Order.Status.PAID,
            message=_paid_message(session),
            data={"session": session.id, "payment_intent": session.payment_intent_id},
            fields=_PAYMENT_FIELDS,
        )
        _fulfil(order)
    return order


def order_fulfil_from_return(*, order: Order, session_id: str) -> Order:
    """The customer came back from Stripe with `session_id`: if it is paid, fulfil now (idempotent).

    The customer sees the paid order at once even if the webhook has not arrived yet.
    Raises Order.DoesNotExist when the session does not pay this order (a forged or
    someone else's session id) and PaymentProviderError when Stripe cannot be reached.
    """
    try:
        session = gateway.session_read_and_mirror(session_id=session_id)
    except gateway.ProviderRequestRefused:
        raise Order.DoesNotExist(f"no session {session_id!r}") from None
    if session.order_number != order.number:
        raise Order.DoesNotExist(f"session {session_id} does not pay order {order.number}")
    return order_fulfil_from_session(session=session) or order


def order_fulfil_item_from_return(*, user, kind: str, ref: str, session_id: str) -> Order:
    """The buyer of one item sold on its own (a booking, a contract) came back from Stripe with `session_id`:
    fulfil the order of theirs that the session pays for this item, now (idempotent, as the webhook does).

    Raises Order.DoesNotExist when the session pays none of `user`'s orders for the item (a forged or
    someone else's session id) and PaymentProviderError when Stripe cannot be reached.
    """
    order = order_for_item_session(user=user, kind=kind, ref=ref, session_id=session_id)
    if order is None:
        raise Order.DoesNotExist(f"session {session_id} pays no order of this buyer for {kind}:{ref}")
    return order_fulfil_from_return(order=order, session_id=session_id)


def _paid_message(session: gateway.CheckoutSessionInfo) -> str:
    if session.card_brand and session.card_last4:
        return f"Payment received: {session.card_brand.title()} ending {session.card_last4}."
    return "Payment received."


def order_complete_free(*, order: Order) -> Order:
    """Complete an order whose total is 0 without Stripe: paid (nothing), fulfilled, confirmed.

    Idempotent: a second call finds it paid and changes nothing.
    """
    if order.total_amount != 0:
        raise ValueError(f"order {order.number} costs {order.total_amount}; it must go through Stripe")
    with transaction.atomic():
        order = _lock(order)
        if order.status in Order.SETTLED:
            return order
        order.paid_at = timezone.now()
        order.amount_paid = 0
        order_set_status(
            order=order,
            status=Order.Status.PAID,
            message="Nothing to pay: order complete.",
            fields=("paid_at", "amount_paid"),
        )
        _fulfil(order)
    return order


def order_expire_from_session(*, session: gateway.CheckoutSessionInfo) -> Order | None:
    """A Checkout Session expired: expire its order and give back its coupon use, unless it no longer matters.

    Nothing changes when the order was paid (an expiry reported after the payment), is no
    longer waiting for payment, or has a newer session open (the customer is paying again).
    """
    order = order_for_session(session=session)
    if order is None:
        return None
    with transaction.atomic():
        order = _lock(order)
        checkout_session_record(order=order, session=session)
        newer_open = order.checkout_sessions.filter(status=CheckoutSession.Status.OPEN).exclude(stripe_id=session.id)
        if order.paid_at is not None or order.status not in PAYABLE_NOW or newer_open.exists():
            return order
        order_set_status(order=order, status=Order.Status.EXPIRED, data={"session": session.id})
        if order_release(order=order, reason=RELEASE_EXPIRED) is not None:
            order_event_add(order=order, type="coupon_released", message=f"Code {order.coupon_code} released.")
    return order


def order_payment_failed(*, order: Order, reason: str, attempt_key: str, data: dict | None = None) -> Order:
    """A payment attempt was declined: the order is marked failed with the reason, and stays payable.

    Its coupon use is given back (the pay-again path reserves it anew) and the customer is
    e-mailed once per attempt. What its kinds hold (a slot) is let go only when no payment page
    is open any more (the payment failed for good): a card declined on an open page may be
    followed by another card on the same page, so the slot stays held as long as the page.
    Ignored for an order that is paid or no longer waiting for payment (a decline reported after
    a later success).
    """
    with transaction.atomic():
        order = _lock(order)
        if order.paid_at is not None or order.status not in PAYABLE_NOW:
            return order
        order.failure_message = (reason or DECLINED_DEFAULT)[:255]
        if order.status == Order.Status.FAILED:
            order.save(update_fields=["failure_message", "updated_at"])
            order_event_add(order=order, type="failed", message=order.failure_message, data=data)
        else:
            order_set_status(
                order=order,
                status=Order.Status.FAILED,
                message=order.failure_message,
                data=data,
                fields=("failure_message",),
            )
        page_open = order.checkout_sessions.filter(status=CheckoutSession.Status.OPEN).exists()
        order_release(order=order, reason=RELEASE_FAILED, kinds=not page_open)
        notify_payment_failed(order=order, reason=order.failure_message, attempt_key=attempt_key)
    return order


def order_payment_failed_from_session(*, session: gateway.CheckoutSessionInfo) -> Order | None:
    """A Checkout Session's delayed payment failed: its page is closed, so the order fails for good."""
    order = order_for_session(session=session)
    if order is None:
        return None
    with transaction.atomic():
        checkout_session_record(order=_lock(order), session=session)
    return order_payment_failed(order=order, reason=ASYNC_PAYMENT_FAILED, attempt_key=session.id)


def order_payment_failed_from_intent(*, payment: gateway.PaymentIntentInfo) -> Order | None:
    """A PaymentIntent reported a decline: fail its order (named in the intent's metadata)."""
    order = Order.objects.filter(number=payment.order_number).first() if payment.order_number else None
    if order is None or payment.status == "succeeded":
        return order
    return order_payment_failed(
        order=order,
        reason=payment.failure_message,
        attempt_key=payment.id,
        data={"payment_intent": payment.id, "code": payment.failure_code},
    )
