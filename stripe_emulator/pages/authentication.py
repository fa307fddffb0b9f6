"""The 3-D Secure test page (`next_action.redirect_to_url`) and charge receipts (`receipt_url`)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING
from urllib.parse import parse_qs

from stripe_emulator import payflow
from stripe_emulator.context import Ctx
from stripe_emulator.http import Request, Response, html_response, redirect
from stripe_emulator.money import format_amount
from stripe_emulator.pages import router
from stripe_emulator.pages.checkout import MERCHANT, missing
from stripe_emulator.pages.layout import h, icon, page, test_mode_badge

if TYPE_CHECKING:
    from stripe_emulator.app import Emulator


@router.get("/c/3ds/{intent_id}")
def three_d_secure_page(emulator: Emulator, request: Request, intent_id: str) -> Response:
    intent = emulator.store.get("payment_intent", intent_id)
    if intent is None:
        return missing()
    internal = emulator.store.internal("payment_intent", intent_id)
    if intent["status"] != "requires_action":
        return redirect(f"/c/pay/{internal.get('session', '')}")
    method = emulator.store.get("payment_method", intent["payment_method"]) or {"card": {}}
    amount = format_amount(intent["amount"], intent["currency"])
    details = (
        f"<dl><dt>Merchant</dt><dd>{h(MERCHANT)}</dd><dt>Amount</dt><dd>{h(amount)}</dd>"
        f"<dt>Card</dt><dd>{h(method['card'].get('brand', '').upper())} •••• {h(method['card'].get('last4', ''))}</dd>"
        f"<dt>Date</dt><dd>{datetime.fromtimestamp(emulator.store.now(), UTC):%d %b %Y}</dd></dl>"
    )
    body = (
        '<main class="message-shell"><section class="message-card">'
        f"{icon('info')}"
        f"<h1>3D Secure 2 Test Page</h1><p>Your bank needs to confirm this payment. {test_mode_badge()}</p>"
        f'<div class="tds-frame"><strong>Authenticate this payment</strong>{details}</div>'
        f'<form method="post" class="tds-actions">'
        '<button class="button fail" type="submit" name="action" value="fail">Fail authentication</button>'
        '<button class="button" type="submit" name="action" value="complete">Complete authentication</button></form>'
        '<p class="powered">Powered by <strong>stripe</strong> emulator</p></section></main>'
    )
    return html_response(page("3D Secure authentication", body, body_class="message"))


@router.post("/c/3ds/{intent_id}")
def three_d_secure_submit(emulator: Emulator, request: Request, intent_id: str) -> Response:
    approve = parse_qs(request.text).get("action") == ["complete"]
    with emulator.store.tx():
        intent = emulator.store.get("payment_intent", intent_id)
        if intent is None:
            return missing()
        session_id = emulator.store.internal("payment_intent", intent_id).get("session", "")
        if intent["status"] != "requires_action":
            return redirect(f"/c/pay/{session_id}")
        result = payflow.authenticate(Ctx(emulator), intent, approve=approve)
    if result.status == "succeeded" and result.redirect:
        return redirect(result.redirect)
    if result.status == "declined":
        return redirect(f"/c/pay/{session_id}?failed=authentication")
    return redirect(f"/c/pay/{session_id}")


@router.get("/receipts/payment/{charge_id}")
def receipt(emulator: Emulator, request: Request, charge_id: str) -> Response:
    charge = emulator.store.get("charge", charge_id)
    if charge is None or charge["status"] != "succeeded":
        return missing()
    card = charge["payment_method_details"]["card"]
    currency = charge["currency"]
    rows = [
        ("Date paid", f"{datetime.fromtimestamp(charge['created'], UTC):%B %d, %Y}"),
        ("Payment method", f"{card['brand'].upper()} – {card['last4']}"),
        ("Receipt for", charge["billing_details"]["email"] or charge["billing_details"]["name"] or "—"),
    ]
    if charge["amount_refunded"]:
        rows.append(("Refunded", format_amount(-charge["amount_refunded"], currency)))
    table = "".join(f"<tr><td>{h(label)}</td><td>{h(value)}</td></tr>" for label, value in rows)
    body = (
        '<main class="message-shell"><section class="message-card receipt">'
        f"<h1>Receipt from {h(MERCHANT)}</h1>"
        f'<div class="amount-due">{h(format_amount(charge["amount"], currency))}</div>'
        f'<p class="receipt-number">Receipt #{h(charge_id[-8:].upper())}</p><table>{table}</table>'
        f'<p class="powered">Powered by <strong>stripe</strong> emulator {test_mode_badge()}</p></section></main>'
    )
    return html_response(page(f"Receipt from {MERCHANT}", body, body_class="message"))
