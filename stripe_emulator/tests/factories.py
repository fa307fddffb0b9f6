"""Objects the tests need, created through stripe-python against the emulator."""

from __future__ import annotations

import stripe

SUCCESS_URL = "https://shop.example/orders/success?session_id={CHECKOUT_SESSION_ID}"
CANCEL_URL = "https://shop.example/cart"


def make_price(*, amount: int = 4900, currency: str = "usd", name: str = "Mindful Leadership", **extra) -> stripe.Price:
    product = stripe.Product.create(name=name)
    return stripe.Price.create(product=product.id, currency=currency, unit_amount=amount, **extra)


def make_session(*, prices: list[tuple[stripe.Price, int]] | None = None, **extra) -> stripe.checkout.Session:
    """A payment-mode session; by default one 49.00 USD course."""
    prices = prices or [(make_price(), 1)]
    params = {
        "mode": "payment",
        "line_items": [{"price": price.id, "quantity": quantity} for price, quantity in prices],
        "success_url": SUCCESS_URL,
        "cancel_url": CANCEL_URL,
        **extra,
    }
    return stripe.checkout.Session.create(**params)


def make_paid_session(emulator, *, card: str = "4242424242424242", **extra) -> stripe.checkout.Session:
    session = make_session(**extra)
    result = emulator.pay_checkout_session(session.id, card=card)
    assert result["status"] == "succeeded", result
    return stripe.checkout.Session.retrieve(session.id, expand=["payment_intent.latest_charge"])


def event_types(**filters) -> list[str]:
    """Every event type emitted so far, oldest first."""
    return [event.type for event in stripe.Event.list(limit=100, **filters).auto_paging_iter()][::-1]
