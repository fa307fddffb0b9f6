"""The hosted Checkout page (`session.url`), the 3-D Secure challenge page and charge receipts."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import parse_qs

from stripe_emulator import errors, payflow
from stripe_emulator.context import Ctx
from stripe_emulator.http import Request, Response, html_response, redirect
from stripe_emulator.money import format_amount
from stripe_emulator.objects.core import ACCOUNT_NAME
from stripe_emulator.pages import router
from stripe_emulator.pages.layout import STYLESHEET, STYLESHEET_URL, h, message_page, page, test_mode_badge

if TYPE_CHECKING:
    from stripe_emulator.app import Emulator

MERCHANT = ACCOUNT_NAME.split(" (")[0]
LOCK_ICON = (
    '<svg class="lock" aria-hidden="true" width="12" height="14" viewBox="0 0 12 14"><path fill="currentColor" '
    'd="M3 6V4a3 3 0 1 1 6 0v2h.5A1.5 1.5 0 0 1 11 7.5v5A1.5 1.5 0 0 1 9.5 14h-7A1.5 1.5 0 0 1 1 12.5v-5A1.5 1.5 0 0 '
    '1 2.5 6H3Zm1.5 0h3V4a1.5 1.5 0 1 0-3 0v2Z"/></svg>'
)
SUBMIT_LABELS = {"book": "Book", "donate": "Donate", "pay": "Pay", "subscribe": "Subscribe", "auto": "Pay", None: "Pay"}
COUNTRIES = (
    ("US", "United States"),
    ("GB", "United Kingdom"),
    ("DE", "Germany"),
    ("FR", "France"),
    ("NL", "Netherlands"),
    ("ES", "Spain"),
    ("IT", "Italy"),
    ("IE", "Ireland"),
    ("BE", "Belgium"),
    ("AT", "Austria"),
    ("CH", "Switzerland"),
    ("SE", "Sweden"),
    ("CA", "Canada"),
    ("AU", "Australia"),
    ("NZ", "New Zealand"),
    ("JP", "Japan"),
)
TEST_CARD_HINTS = (
    ("4242 4242 4242 4242", "succeeds"),
    ("4000 0000 0000 0002", "is declined"),
    ("4000 0000 0000 9995", "is declined: insufficient funds"),
    ("4000 0000 0000 0069", "is declined: expired card"),
    ("4000 0000 0000 0127", "is declined: incorrect CVC"),
    ("4000 0025 0000 3155", "asks for 3-D Secure"),
)


def _form(request: Request) -> dict[str, str]:
    return {key: values[-1] for key, values in parse_qs(request.text, keep_blank_values=True).items()}


@router.get(STYLESHEET_URL)
def stylesheet(emulator: Emulator, request: Request) -> Response:
    return Response(200, STYLESHEET.encode(), "text/css; charset=utf-8", {"Cache-Control": "max-age=300"})


@router.get("/c/pay/{session_id}")
def checkout_page(emulator: Emulator, request: Request, session_id: str) -> Response:
    session = emulator.store.get("checkout.session", session_id)
    if session is None:
        return missing()
    with emulator.store.tx():
        emulator.run_due_work()
        session = emulator.store.get("checkout.session", session_id)
    # Back from a failed 3-D Secure challenge (a redirect, so reloading does not resubmit anything).
    failed = parse_qs(request.query).get("failed") == ["authentication"]
    return _render_state(emulator, session, values={}, error=errors.AUTHENTICATION_FAILED if failed else None)


@router.post("/c/pay/{session_id}")
def checkout_submit(emulator: Emulator, request: Request, session_id: str) -> Response:
    form = _form(request)
    store = emulator.store
    with store.tx():
        emulator.run_due_work()
        session = store.get("checkout.session", session_id)
        if session is None:
            return missing()
        ctx = Ctx(emulator)
        action = form.get("action", "pay")
        if session["status"] != "open":
            return redirect(f"/c/pay/{session_id}")
        if action == "apply_code":
            message = payflow.apply_code(ctx, session, form.get("promotion_code", ""))
            return _render_state(emulator, session, values=form, promo_error=message)
        if action == "remove_code":
            payflow.remove_code(ctx, session)
            return _render_state(emulator, session, values=form)
        buyer = payflow.Buyer(
            email=form.get("email"),
            name=form.get("name"),
            country=form.get("country") or None,
            postal_code=form.get("postal_code") or None,
        )
        result = payflow.pay(
            ctx,
            session,
            buyer=buyer,
            number=form.get("card_number", ""),
            expiry=form.get("card_expiry", ""),
            cvc=form.get("card_cvc", ""),
        )
    if result.status in ("succeeded", "requires_action") and result.redirect:
        return redirect(result.redirect)
    if result.status == "closed":
        return redirect(f"/c/pay/{session_id}")
    return _render_state(emulator, result.session, values=form, error=result.message, field_errors=result.field_errors)


def missing() -> Response:
    from stripe_emulator.pages.layout import not_found

    return html_response(not_found(), status=404)


def _render_state(emulator: Emulator, session: dict, **kwargs) -> Response:
    if session["status"] == "expired":
        html = message_page(
            title=f"{MERCHANT} – session expired",
            heading="This checkout session has expired",
            text="Your order was not paid and no money was taken. Return to the store to start again.",
            link=session["cancel_url"],
            link_label=f"Return to {MERCHANT}",
            icon_name="clock",
        )
        return html_response(html)
    if session["status"] == "complete":
        amount = format_amount(session["amount_total"], session["currency"])
        html = message_page(
            title=f"{MERCHANT} – payment complete",
            heading="Thanks for your payment",
            text=f"This checkout session is already complete: {amount} was paid to {MERCHANT}.",
            link=payflow.success_url(Ctx(emulator), session),
            link_label=f"Continue to {MERCHANT}",
            icon_name="success",
        )
        return html_response(html)
    return html_response(_checkout_html(emulator, session, **kwargs))


def _checkout_html(
    emulator: Emulator,
    session: dict,
    *,
    values: dict[str, str],
    error: str | None = None,
    field_errors: dict[str, str] | None = None,
    promo_error: str | None = None,
) -> str:
    field_errors = field_errors or {}
    items = emulator.store.all("item", parent=session["id"], oldest_first=True)
    currency = session["currency"]
    total = format_amount(session["amount_total"], currency)
    back = (
        f'<a class="back" href="{h(session["cancel_url"])}" aria-label="Back to {h(MERCHANT)}">'
        f'<span class="back-arrow">←</span><span class="merchant-logo">{h(MERCHANT[:1])}</span>{h(MERCHANT)}</a>'
        if session["cancel_url"]
        else f'<span class="merchant-logo">{h(MERCHANT[:1])}</span>{h(MERCHANT)}'
    )
    summary = (
        f'<section class="summary" aria-label="Order summary"><div class="merchant">{back}{test_mode_badge()}</div>'
        f'<div class="pay-label">Pay {h(MERCHANT)}</div>'
        f'<div class="amount-due" data-testid="amount-due">{h(total)}</div>'
        f'<ul class="line-items">{"".join(_line_html(item) for item in items)}</ul>'
        f"{_totals_html(emulator, session, values, promo_error)}</section>"
    )
    return page(
        f"{MERCHANT} – Checkout",
        f'<main class="checkout"><div class="checkout-grid">{summary}'
        f"{_form_html(emulator, session, values, error, field_errors)}</div></main>",
    )


def _line_html(item: dict) -> str:
    currency = item["currency"]
    quantity = item["quantity"]
    meta = f"Qty {quantity}, {h(format_amount(item['price']['unit_amount'], currency))} each" if quantity > 1 else ""
    was = (
        f'<span class="was">{h(format_amount(item["amount_subtotal"], currency))}</span>'
        if item["amount_discount"]
        else ""
    )
    return (
        f'<li class="line-item"><span class="thumb" aria-hidden="true">{h(item["description"][:1].upper())}</span>'
        f'<div><div class="item-name">{h(item["description"])}</div><div class="item-meta">{meta}</div></div>'
        f'<div class="item-amount">{was}{h(format_amount(item["amount_total"], currency))}</div></li>'
    )


def _totals_html(emulator: Emulator, session: dict, values: dict[str, str], promo_error: str | None) -> str:
    currency = session["currency"]
    rows = [
        f'<div class="totals-row"><span>Subtotal</span>'
        f"<span>{h(format_amount(session['amount_subtotal'], currency))}</span></div>"
    ]
    applied = session["discounts"][0] if session["discounts"] else None
    if applied:
        coupon = emulator.store.get("coupon", applied["coupon"]) or {}
        promo = emulator.store.get("promotion_code", applied["promotion_code"]) if applied["promotion_code"] else None
        label = promo["code"] if promo else (coupon.get("name") or coupon.get("id", "Discount"))
        off = f"{coupon['percent_off']:g}% off" if coupon.get("percent_off") else ""
        remove = (
            '<button class="link-button" type="submit" name="action" value="remove_code" formnovalidate '
            'form="payment-form">Remove</button>'
            if promo and session["allow_promotion_codes"]
            else ""
        )
        amount = format_amount(-session["total_details"]["amount_discount"], currency)
        rows.append(
            f'<div class="totals-row discount"><span><span class="chip">{h(label)}</span> {h(off)} {remove}</span>'
            f'<span data-testid="discount">{h(amount)}</span></div>'
        )
    elif session["allow_promotion_codes"]:
        error = f'<div class="promo-error" role="alert">{h(promo_error)}</div>' if promo_error else ""
        rows.append(
            '<div class="promo"><label class="label" for="promotion_code" hidden>Promotion code</label>'
            '<input type="text" id="promotion_code" name="promotion_code" placeholder="Add promotion code" '
            f'form="payment-form" value="{h(values.get("promotion_code", ""))}" aria-label="Promotion code" '
            f'class="{"invalid" if promo_error else ""}">'
            '<button class="apply" type="submit" name="action" value="apply_code" formnovalidate '
            'form="payment-form">Apply</button></div>'
            f"{error}"
        )
    rows.append(
        f'<div class="totals-row total"><span>Total due</span>'
        f"<span>{h(format_amount(session['amount_total'], currency))}</span></div>"
    )
    return f'<div class="totals">{"".join(rows)}</div>'


def _input(
    name: str, label: str, values: dict, errors: dict, *, kind: str = "text", extra: str = "", placeholder: str = ""
) -> str:
    error = errors.get(name)
    invalid = ' class="invalid" aria-invalid="true"' if error else ""
    return (
        f'<div class="field"><label for="{name}">{h(label)}</label>'
        f'<input type="{kind}" id="{name}" name="{name}" value="{h(values.get(name, ""))}" '
        f'placeholder="{h(placeholder)}"{invalid} {extra}>'
        + (f'<div class="field-error" role="alert">{h(error)}</div>' if error else "")
        + "</div>"
    )


def _form_html(emulator: Emulator, session: dict, values: dict, error: str | None, field_errors: dict) -> str:
    email = session["customer_email"]
    if session["customer"]:
        email = (emulator.store.get("customer", session["customer"]) or {}).get("email") or email
    contact_values = {**values, "email": email} if email else values
    readonly = "readonly" if email else 'required autocomplete="email"'
    parts = [
        '<section class="payment" aria-label="Payment">'
        f'<form id="payment-form" method="post" action="/c/pay/{h(session["id"])}" novalidate>',
        '<div class="section"><h2>Contact information</h2>',
        _input(
            "email", "Email", contact_values, field_errors, kind="email", extra=readonly, placeholder="you@example.com"
        ),
        "</div>",
    ]
    label = SUBMIT_LABELS.get(session["submit_type"], "Pay")
    if session["amount_total"] == 0:
        parts.append('<p class="item-meta">Your discount covers the whole order: no payment details are needed.</p>')
        button = f"Complete order – {format_amount(0, session['currency'])}"
    else:
        parts.append(_card_html(values, error, field_errors))
        button = f"{label} {format_amount(session['amount_total'], session['currency'])}"
    parts.append(f'<button class="pay" type="submit" name="action" value="pay">{LOCK_ICON}{h(button)}</button>')
    consent = (
        "Nothing will be charged."
        if session["amount_total"] == 0
        else f"By paying you allow {h(MERCHANT)} to charge your card for this payment."
    )
    parts.append(
        f'<p class="fine-print">{consent} This is the Stripe emulator: no real money moves.</p>'
        '<div class="powered">Powered by <strong>stripe</strong> emulator<span>Terms</span><span>Privacy</span></div>'
        "</form></section>"
    )
    return "".join(parts)


def _card_html(values: dict, error: str | None, field_errors: dict) -> str:
    card_errors = [field_errors[key] for key in ("card_number", "card_expiry", "card_cvc") if key in field_errors]
    alert = f'<div class="alert" role="alert" data-testid="payment-error">{h(error)}</div>' if error else ""
    hints = "".join(f"<li><code>{number}</code> {text}</li>" for number, text in TEST_CARD_HINTS)

    def card_input(name: str, label: str, placeholder: str, autocomplete: str) -> str:
        invalid = ' class="invalid" aria-invalid="true"' if name in field_errors else ""
        return (
            f'<input type="text" id="{name}" name="{name}" aria-label="{h(label)}" placeholder="{h(placeholder)}" '
            f'value="{h(values.get(name, ""))}" inputmode="numeric" autocomplete="{autocomplete}" required{invalid}>'
        )

    country = values.get("country") or "US"
    options = "".join(
        f'<option value="{code}"{" selected" if code == country else ""}>{h(name)}</option>' for code, name in COUNTRIES
    )
    return (
        '<div class="section"><h2>Payment method</h2>'
        f'<details class="test-cards"><summary>Test mode: use a test card</summary><ul>{hints}</ul>'
        "<p>Any future expiry date and any 3-digit CVC.</p></details>"
        f"{alert}"
        '<div class="field"><span class="label">Card information</span><div class="card-group">'
        '<div class="card-number-row">'
        + card_input("card_number", "Card number", "1234 1234 1234 1234", "cc-number")
        + '<span class="brands" aria-hidden="true"><span class="brand visa">VISA</span><span class="brand mc">MC</span>'
        '<span class="brand amex">AMEX</span></span></div><div class="card-split">'
        + card_input("card_expiry", "Expiration", "MM / YY", "cc-exp")
        + card_input("card_cvc", "CVC", "CVC", "cc-csc")
        + "</div></div>"
        + "".join(f'<div class="field-error" role="alert">{h(message)}</div>' for message in card_errors)
        + "</div>"
        + _input(
            "name",
            "Cardholder name",
            values,
            field_errors,
            extra='required autocomplete="cc-name"',
            placeholder="Full name on card",
        )
        + '<div class="field"><label for="country">Country or region</label>'
        + f'<select id="country" name="country">{options}</select></div>'
        "</div>"
    )
