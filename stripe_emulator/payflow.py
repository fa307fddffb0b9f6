"""Paying a Checkout Session: what Stripe creates, in Stripe's order, for each test card.

Used by the hosted page and by the control API's pay shortcut, always inside the caller's transaction,
so concurrent submissions of one session give exactly one payment.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from stripe_emulator import cards, errors, events, pricing
from stripe_emulator.api import disputes
from stripe_emulator.api.checkout import apply_discount
from stripe_emulator.api.customers import customer_create
from stripe_emulator.errors import StripeError
from stripe_emulator.ids import new_id
from stripe_emulator.objects import checkout, core
from stripe_emulator.objects import payments as objects

if TYPE_CHECKING:
    from stripe_emulator.context import Ctx

EMAIL_REQUIRED = "Enter your email address."
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass
class PayResult:
    """`status`: succeeded, declined, requires_action, invalid (field errors) or closed (not open any more)."""

    status: str
    session: dict
    message: str | None = None
    field_errors: dict[str, str] = field(default_factory=dict)
    redirect: str | None = None
    error: dict | None = None


@dataclass
class Buyer:
    email: str | None
    name: str | None
    country: str | None = None
    postal_code: str | None = None


def success_url(ctx: Ctx, session: dict) -> str:
    if session["success_url"]:
        return session["success_url"].replace("{CHECKOUT_SESSION_ID}", session["id"])
    return f"{ctx.base_url}/c/pay/{session['id']}"


def _buyer_email(ctx: Ctx, session: dict, typed: str | None) -> str | None:
    if session["customer"]:
        return (ctx.store.get("customer", session["customer"]) or {}).get("email") or typed
    return session["customer_email"] or typed


def pay(ctx: Ctx, session: dict, *, buyer: Buyer, number: str = "", expiry: str = "", cvc: str = "") -> PayResult:
    """One submission of the hosted payment form."""
    if session["status"] != "open":
        return PayResult("closed", session)
    buyer.email = _buyer_email(ctx, session, (buyer.email or "").strip() or None)
    field_errors: dict[str, str] = {}
    if not buyer.email:
        field_errors["email"] = EMAIL_REQUIRED
    elif not _EMAIL.match(buyer.email):
        field_errors["email"] = cards.EMAIL_INVALID
    if session["amount_total"] == 0:
        if field_errors:
            return PayResult("invalid", session, field_errors=field_errors)
        return _complete(ctx, session, buyer=buyer, intent=None, charge=None)
    today = datetime.fromtimestamp(ctx.now(), UTC)
    card, card_errors = cards.read_card(
        number=number, expiry=expiry, cvc=cvc, now_year=today.year, now_month=today.month
    )
    field_errors.update(card_errors)
    if not (buyer.name or "").strip():
        field_errors["name"] = cards.NAME_REQUIRED
    if field_errors or card is None:
        return PayResult("invalid", session, field_errors=field_errors)
    method = objects.payment_method(
        pm_id=new_id("pm"),
        created=ctx.now(),
        card=card,
        billing=objects.billing_details(
            email=buyer.email, name=buyer.name, country=buyer.country, postal_code=buyer.postal_code
        ),
        customer_id=None,
    )
    ctx.store.insert("payment_method", method, internal={"number": card.number, "cvc": card.cvc})
    intent = _intent_for(ctx, session)
    intent["payment_method"] = method["id"]
    if card.outcome.kind == "three_d_secure":
        return _require_authentication(ctx, session, intent, buyer)
    if card.outcome.kind == "decline":
        return _decline(ctx, session, intent, method, card)
    return _succeed(ctx, session, intent, method, card, buyer=buyer, three_d_secure=None)


def _intent_for(ctx: Ctx, session: dict) -> dict:
    """The session's payment intent: created on the first attempt and reused by every retry, as on Stripe."""
    if session["payment_intent"]:
        intent = ctx.store.get("payment_intent", session["payment_intent"])
        intent["amount"] = session["amount_total"]  # a promotion code applied since the last attempt
        return intent
    data = ctx.store.internal("checkout.session", session["id"]).get("payment_intent_data") or {}
    intent = objects.payment_intent(
        pi_id=new_id("pi"),
        created=ctx.now(),
        amount=session["amount_total"],
        currency=session["currency"],
        customer_id=session["customer"],
        description=data.get("description"),
        metadata=data.get("metadata") or {},
        receipt_email=data.get("receipt_email"),
        setup_future_usage=data.get("setup_future_usage"),
        statement_descriptor=data.get("statement_descriptor"),
        statement_descriptor_suffix=data.get("statement_descriptor_suffix"),
        transfer_group=data.get("transfer_group"),
        shipping=None,
    )
    ctx.store.insert("payment_intent", intent)
    session["payment_intent"] = intent["id"]
    ctx.store.update("checkout.session", session)
    events.emit(ctx, "payment_intent.created", intent)
    return intent


def _require_authentication(ctx: Ctx, session: dict, intent: dict, buyer: Buyer) -> PayResult:
    url = f"{ctx.base_url}/c/3ds/{intent['id']}"
    intent.update(
        status="requires_action",
        next_action={"type": "redirect_to_url", "redirect_to_url": {"url": url, "return_url": session["url"]}},
    )
    ctx.store.update("payment_intent", intent, internal={"buyer": buyer.__dict__, "session": session["id"]})
    events.emit(ctx, "payment_intent.requires_action", intent)
    return PayResult("requires_action", session, redirect=url)


def _decline(ctx: Ctx, session: dict, intent: dict, method: dict, card: cards.Card) -> PayResult:
    outcome = card.outcome
    charge = objects.charge(
        charge_id=new_id("ch"),
        created=ctx.now(),
        payment_intent=intent,
        method=method,
        card=card,
        succeeded=False,
        balance_transaction=None,
        receipt_url=None,
        three_d_secure=None,
    )
    ctx.store.insert("charge", charge)
    error = StripeError(
        outcome.message or errors.CARD_DECLINED, type="card_error", code=outcome.code, decline_code=outcome.decline_code
    )
    last_error = {
        "advice_code": charge["outcome"]["advice_code"],
        "charge": charge["id"],
        "code": outcome.code,
        "decline_code": outcome.decline_code,
        "doc_url": errors.DOCS + (outcome.code or "").replace("_", "-"),
        "message": error.message,
        "network_advice_code": None,
        "network_decline_code": None,
        "param": None,
        "payment_method": method,
        "type": "card_error",
    }
    intent.update(
        status="requires_payment_method", latest_charge=charge["id"], last_payment_error=last_error, next_action=None
    )
    ctx.store.update("payment_intent", intent)
    events.emit(ctx, "charge.failed", charge)
    events.emit(ctx, "payment_intent.payment_failed", intent)
    return PayResult("declined", session, message=error.message, error=error.body()["error"])


def authenticate(ctx: Ctx, intent: dict, *, approve: bool) -> PayResult:
    """The 3-D Secure page's answer: complete the payment, or fail it back to the payment form."""
    internal = ctx.store.internal("payment_intent", intent["id"])
    session = ctx.store.get("checkout.session", internal["session"])
    if session["status"] != "open" or intent["status"] != "requires_action":
        return PayResult("closed", session)
    method = ctx.store.get("payment_method", intent["payment_method"])
    method_secrets = ctx.store.internal("payment_method", method["id"])
    card = cards.card_from(
        number=method_secrets["number"],
        exp_month=method["card"]["exp_month"],
        exp_year=method["card"]["exp_year"],
        cvc=method_secrets["cvc"],
    )
    buyer = Buyer(**internal["buyer"])
    if approve:
        details = objects.three_d_secure_details(str(uuid.uuid4()))
        return _succeed(ctx, session, intent, method, card, buyer=buyer, three_d_secure=details)
    intent.update(
        status="requires_payment_method",
        next_action=None,
        last_payment_error={
            "code": "payment_intent_authentication_failure",
            "doc_url": errors.DOCS + "payment-intent-authentication-failure",
            "message": errors.PI_AUTHENTICATION_FAILURE,
            "payment_method": method,
            "type": "invalid_request_error",
        },
    )
    ctx.store.update("payment_intent", intent)
    events.emit(ctx, "payment_intent.payment_failed", intent)
    return PayResult("declined", session, message=errors.AUTHENTICATION_FAILED)


def _succeed(
    ctx: Ctx, session: dict, intent: dict, method: dict, card, *, buyer: Buyer, three_d_secure: dict | None
) -> PayResult:
    now = ctx.now()
    customer_id = _customer_for(ctx, session, buyer)
    intent["customer"] = customer_id
    if customer_id and intent["setup_future_usage"]:  # saved for later: attached to the customer
        method["customer"] = customer_id
        ctx.store.update("payment_method", method)
        events.emit(ctx, "payment_method.attached", method)
    charge_id = new_id("ch")
    txn = core.balance_transaction(
        txn_id=new_id("txn"),
        created=now,
        amount=intent["amount"],
        currency=intent["currency"],
        source=charge_id,
        kind="charge",
        description=intent["description"],
        fee=core.stripe_fee(intent["amount"], intent["currency"]),
    )
    ctx.store.insert("balance_transaction", txn)
    charge = objects.charge(
        charge_id=charge_id,
        created=now,
        payment_intent=intent,
        method=method,
        card=card,
        succeeded=True,
        balance_transaction=txn["id"],
        receipt_url=f"{ctx.base_url}/receipts/payment/{charge_id}",
        three_d_secure=three_d_secure,
    )
    ctx.store.insert("charge", charge, internal={"refund_fails": card.outcome.refund_fails})
    intent.update(
        status="succeeded",
        amount_received=intent["amount"],
        latest_charge=charge_id,
        last_payment_error=None,
        next_action=None,
    )
    ctx.store.update("payment_intent", intent)
    events.emit(ctx, "charge.succeeded", charge)
    events.emit(ctx, "payment_intent.succeeded", intent)
    result = _complete(ctx, session, buyer=buyer, intent=intent, charge=charge, customer_id=customer_id)
    if card.outcome.dispute_reason:  # the cardholder's bank takes the payment back once it went through
        disputes.open_dispute(ctx, charge, reason=card.outcome.dispute_reason)
    return result


def _customer_for(ctx: Ctx, session: dict, buyer: Buyer) -> str | None:
    if session["customer"]:
        return session["customer"]
    if session["customer_creation"] == "always":
        return customer_create(ctx, email=buyer.email, name=buyer.name)["id"]
    return None


def _complete(
    ctx: Ctx, session: dict, *, buyer: Buyer, intent: dict | None, charge: dict | None, customer_id: str | None = None
) -> PayResult:
    if intent is None:
        customer_id = _customer_for(ctx, session, buyer)
    session.update(
        url=None,  # Stripe clears the URL once the session is over; the page itself still says so
        status="complete",
        payment_status="paid" if intent else "no_payment_required",
        customer=customer_id,
        customer_details=checkout.customer_details_of(
            email=buyer.email, name=buyer.name, country=buyer.country, postal_code=buyer.postal_code
        ),
    )
    ctx.store.update("checkout.session", session)
    _redeem(ctx, session)
    events.emit(ctx, "checkout.session.completed", session)
    return PayResult("succeeded", session, redirect=success_url(ctx, session))


def _redeem(ctx: Ctx, session: dict) -> None:
    for applied in session["discounts"]:
        for type_, object_id in (("coupon", applied["coupon"]), ("promotion_code", applied["promotion_code"])):
            found = ctx.store.get(type_, object_id) if object_id else None
            if found and not found.get("deleted"):
                found["times_redeemed"] += 1
                ctx.store.update(type_, found)


def apply_code(ctx: Ctx, session: dict, code: str) -> str | None:
    """Apply a promotion code typed on the page; returns the message to show when it cannot be used."""
    try:
        promo = pricing.find_promotion_code(ctx, code)
        items = ctx.store.all("item", parent=session["id"])
        lines = [
            {"unit_amount": i["price"]["unit_amount"], "quantity": i["quantity"], "product": i["price"]["product"]}
            for i in items
        ]
        pricing.promotion_code_check(
            ctx,
            promo,
            subtotal=session["amount_subtotal"],
            currency=session["currency"],
            customer_id=session["customer"],
            param="code",
        )
        coupon = ctx.store.get("coupon", promo["promotion"]["coupon"])
        if coupon is None or coupon.get("deleted"):
            return pricing.PROMO_INVALID
        pricing.coupon_check(ctx, coupon, lines, session["currency"], param="code")
    except StripeError as error:
        return error.message
    apply_discount(ctx, session, coupon, promo)
    return None


def remove_code(ctx: Ctx, session: dict) -> None:
    apply_discount(ctx, session, None, None)
